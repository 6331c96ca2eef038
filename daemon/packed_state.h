// PackedState: a document's DocState as the daemon's table keeps it between checks, in one
// allocation: its numbers, then the bytes of its six strings back to back. A checked document's
// state costs about 200 bytes this way instead of about 400 (a DocState and each of its strings
// apart), which keeps a million checked documents under a kilobyte each (issue 19). Unpack()
// gives back exactly the DocState packed; the few fields read for every document at once
// (status, metrics, the status line) are read without unpacking.
#ifndef POLICYD_DAEMON_PACKED_STATE_H_
#define POLICYD_DAEMON_PACKED_STATE_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "policyd/store.h"

namespace policyd {

class PackedState {
 public:
  PackedState() = default;  // no state stored: Unpack() gives DocState()
  explicit PackedState(const DocState& state);
  PackedState(PackedState&&) noexcept = default;
  PackedState& operator=(PackedState&&) noexcept = default;

  bool empty() const { return bytes_ == nullptr; }
  DocState Unpack() const;

  int64_t next_due_ms() const { return Numbers().next_due_ms; }
  int64_t last_check_ms() const { return Numbers().last_check_ms; }
  int consecutive_failures() const { return Numbers().consecutive_failures; }
  bool failure_reported() const { return Numbers().failure_reported; }

 private:
  // DocState's fields other than strings, and the strings' lengths (in Unpack's order).
  struct Fixed {
    int64_t next_due_ms = 0;
    int64_t last_check_ms = 0;
    int64_t last_success_ms = 0;
    int64_t last_change_ms = 0;
    int64_t text_seen_ms = 0;
    int64_t suspect_since_ms = 0;
    int64_t render_tested_ms = 0;
    uint64_t version_count = 0;
    uint64_t validators_key = 0;
    int32_t consecutive_failures = 0;
    int32_t suspect_count = 0;
    uint32_t lengths[6] = {};
    bool failure_reported = false;
    RenderChoice render_choice = RenderChoice::kUndecided;
  };
  Fixed Numbers() const;

  std::unique_ptr<std::byte[]> bytes_;  // a Fixed, then the strings; null: DocState()
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_PACKED_STATE_H_

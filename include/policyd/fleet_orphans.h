// OrphanWatch: a document no member checks, found by the members that watch it.
//
// A member checks the documents of the sites it owns (rendezvous over the live members,
// fleet_member.h) and leaves the others to their owners. Members may watch different documents
// (their target files differ: docs/SCALE.md). A document that some member watches but its
// site's owner does not would then be checked by nobody, while every member said "another
// member owns its site and checks it". The fleet's record of each document
// (fleet_document_records.h, written after every committed check) tells: a member leaving a due
// document to its owner looks at it, and checks the document itself (under its lease, as an
// owner would) when
//   - the record's last check is older than kOverdueIntervals of this member's interval for it
//     (the owner stopped checking it: it was removed from the owner's targets), or
//   - there is no record, and there was none either when this member left the document to its
//     owner at least one interval before (the owner never checked it; a new document's first
//     check, which owners spread over first_check_window, is not mistaken for that).
// Once it checks a document so, the member goes on checking it at its own interval (the record
// then names this member) until the record shows another member's recent check.
// The record reads are bounded: at most kReadsPerSecond on average (bursts of kReadBurst), so
// that a member leaving hundreds of thousands of documents to their owners at once (a first
// pass) does not hold its fleet thread, and with it its heartbeats, on bucket reads; a document
// past the budget is left to its owner unread, and judged at a later due time.
// Pure bookkeeping, no I/O, the clock passed in; the fleet thread owns it.
#ifndef POLICYD_FLEET_ORPHANS_H_
#define POLICYD_FLEET_ORPHANS_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

#include "policyd/fleet_records.h"

namespace policyd {

enum class OrphanVerdict {
  kOwnerChecks,    // leave it to its owner
  kOrphaned,       // check it here; the first such verdict for it since it was last checked
  kStillOrphaned,  // check it here; said before
};

class OrphanWatch {
 public:
  explicit OrphanWatch(std::string member_id) : member_id_(std::move(member_id)) {}

  static constexpr int kOverdueIntervals = 2;
  // Documents remembered without a record at most: beyond it the oldest entries are
  // forgotten (they are then judged again from their next due time).
  static constexpr std::size_t kMaxTracked = 100'000;
  static constexpr int64_t kReadsPerSecond = 50;
  static constexpr int64_t kReadBurst = 200;

  // Whether the record of one more document may be read now (spends one read of the budget).
  bool MayRead(int64_t now_ms);

  // A due document of a site another member owns; `record`: the fleet's record of it (nullopt:
  // none); `interval`: this member's interval for it.
  OrphanVerdict Judge(const std::string& document_id, const std::optional<DocumentRecord>& record,
                      std::chrono::milliseconds interval, int64_t now_ms);
  // Checked by its owner after all, or no longer watched: forgotten.
  void Forget(const std::string& document_id);
  std::size_t tracked() const { return unrecorded_since_.size(); }

 private:
  struct Entry {
    std::optional<int64_t> unrecorded_since_ms;  // left to its owner with no record since
    bool said = false;                           // kOrphaned was answered
  };
  std::string member_id_;
  // The read budget: reads left, in thousandths of a read, as of refilled_ms_.
  int64_t read_budget_milli_ = kReadBurst * 1000;
  int64_t refilled_ms_ = 0;
  std::unordered_map<std::string, Entry> unrecorded_since_;
};

}  // namespace policyd

#endif  // POLICYD_FLEET_ORPHANS_H_

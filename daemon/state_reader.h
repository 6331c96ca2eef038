// ReadStoredStates: the stored states of many documents at once (the daemon's start: a million
// of them), read on several threads, each a contiguous part of the sorted id list through
// Store::ReadDocStates, so that neither a map of every state nor a lookup per document is
// needed. The result does not depend on the threads: states[i] is ids[i]'s, and the error
// reported is the one of the first part that failed. A state that cannot be decoded is
// repaired (Store::RepairDocState: rebuilt from the document's history, the unreadable record
// kept aside) and logged as an error, so that one damaged record neither stops the daemon nor
// leaves its document unwatched.
#ifndef POLICYD_DAEMON_STATE_READER_H_
#define POLICYD_DAEMON_STATE_READER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "packed_state.h"
#include "policyd/status.h"
#include "policyd/store.h"

namespace policyd {

// The state of each of `ids` (sorted, distinct), packed by the thread that read it, empty where
// none is stored, read on up to `threads` threads (one for a short list). `now_ms` names the
// records a repair keeps aside.
Result<std::vector<PackedState>> ReadStoredStates(Store& store,
                                                  const std::vector<std::string_view>& ids,
                                                  std::size_t threads, int64_t now_ms);

}  // namespace policyd

#endif  // POLICYD_DAEMON_STATE_READER_H_

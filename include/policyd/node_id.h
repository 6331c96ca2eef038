// The node id: a random name for this database, made once and kept in it, so that daemons
// that publish into one place (a JetStream stream: include/policyd/nats.h) never take each
// other's message ids. A backup made by `policyctl backup` gets an id of its own
// (RenewNodeId); a copy made by other means keeps the original's.
#ifndef POLICYD_NODE_ID_H_
#define POLICYD_NODE_ID_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "policyd/status.h"
#include "policyd/store.h"

namespace policyd {

// 16 lower-case hex digits (64 random bits from OpenSSL's RAND_bytes).
inline constexpr std::size_t kNodeIdLength = 16;
bool IsValidNodeId(std::string_view id);

// The id stored under meta "node_id", made and stored first when there is none. Call it once
// at start (two callers at once could each make one). Corruption when the stored one is not
// IsValidNodeId.
Result<std::string> LoadOrCreateNodeId(Store& store);

// Gives a copy of the database (a backup being made) an id of its own when it has one:
// restored in place of the original, or opened beside it, its later events must not take
// the message ids the original published under the same numbers (JetStream would drop them
// as duplicates, or the outbox would resume past them). Returns the new id, or "" when the
// copy has none (one is made at its first publication).
Result<std::string> RenewNodeId(Store& copy);

}  // namespace policyd

#endif  // POLICYD_NODE_ID_H_

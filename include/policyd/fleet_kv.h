// FleetKv: the key-value operations a fleet coordinates through, exactly as the JetStream
// key-value store of NATS server 2.9 offers them, so that one algorithm (policyd/fleet_lease.h,
// policyd/fleet_member.h) runs against the real bucket (an adapter over nats.c's kvStore_*)
// and against InMemoryKv (policyd/in_memory_kv.h) in tests and the simulation.
//
// Semantics, as JetStream KV's:
//  - every write gets a revision: the bucket stream's sequence number, increasing over the
//    whole bucket (not per key);
//  - Create(key, value) writes only when the key has no value: never written, deleted, or
//    removed by max_age (kvStore_Create: a put expecting no last revision); else kConflict;
//  - Update(key, value, revision) writes only when the key's last revision is `revision`
//    (kvStore_Update: a put expecting that last revision); else kConflict. There is no
//    unconditional put here on purpose: every fleet write is a compare-and-set;
//  - Delete(key) leaves a delete marker (kvStore_Delete): Get answers kNotFound and Create
//    succeeds after it;
//  - List(prefix) reads every key under `prefix` with its value and revision (a watcher over
//    "<prefix>>" that stops after the initial values);
//  - expiry is the bucket's max_age only (2.9 has no per-key TTL): an entry whose last write is
//    older than max_age (by the server's clock) disappears. The fleet's values carry their
//    own times (heartbeat, lease expiry), so max_age only collects garbage; it must exceed
//    them (FleetBucketMaxAge in policyd/fleet_options.h);
//  - kUnavailable: the server could not be reached or did not answer in time. A write that
//    answers kUnavailable may still have happened: callers assume it did not for their own
//    rights (a renewal that may have failed does not extend the holder's deadline) and may
//    find it done later (a lease already theirs, which they adopt).
// Calls block until the answer or the adapter's timeout; the pure logic calling them has no
// thread of its own.
#ifndef POLICYD_FLEET_KV_H_
#define POLICYD_FLEET_KV_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace policyd {

enum class KvOutcome {
  kOk,
  kNotFound,     // Get: no value (never written, deleted, expired)
  kConflict,     // Create: the key has a value; Update: its last revision is another
  kUnavailable,  // no answer from the server
};
const char* KvOutcomeName(KvOutcome outcome);  // "ok", "not_found", "conflict", "unavailable"

struct KvEntry {
  std::string value;
  uint64_t revision = 0;
};

// The answer to a write: its outcome and, when kOk, the revision it got.
struct KvWrite {
  KvOutcome outcome = KvOutcome::kUnavailable;
  uint64_t revision = 0;
};

class FleetKv {
 public:
  virtual ~FleetKv() = default;

  virtual KvOutcome Get(std::string_view key, KvEntry* out) = 0;
  virtual KvWrite Create(std::string_view key, std::string_view value) = 0;
  virtual KvWrite Update(std::string_view key, std::string_view value, uint64_t revision) = 0;
  virtual KvOutcome Delete(std::string_view key) = 0;
  // Every key that starts with `prefix`, in key order, replacing *out.
  virtual KvOutcome List(std::string_view prefix,
                         std::vector<std::pair<std::string, KvEntry>>* out) = 0;
};

}  // namespace policyd

#endif  // POLICYD_FLEET_KV_H_

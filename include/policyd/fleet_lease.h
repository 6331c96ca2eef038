// LeaseKeeper: the leases one member holds on documents, kept in the fleet's bucket
// (policyd/fleet_kv.h), so that no document is ever checked by two members at once. Pure
// logic over the bucket interface; the caller passes its clock (ms since the epoch) to every
// call.
//
// The rule (keys and values: policyd/fleet_records.h):
//  - Acquire reads leases.<document>. Absent: Create it with expires = now + lease_ttl. Free
//    (released), expired (now >= expires_ms, by the taker's clock), unreadable, or already
//    this member's own (same id and incarnation: a write whose answer was lost): Update it
//    on the revision read. Otherwise it is held, and the answer says by whom and until when.
//    A Create or Update that conflicts means another member wrote first: held too.
//  - The holder may work under the lease only while now < expires_ms − max_clock_skew by its
//    own clock: Deadline(). Work not done by then is abandoned.
//  - Renew: Update on the revision held, with expires = now + lease_ttl; due every third of
//    lease_ttl (NextRenewal()). A conflict means the lease was taken: lost. After the
//    deadline it is refused (lost): the work under it was abandoned already.
//  - Release: Update to a free record on the revision held. A conflict or no answer is left
//    alone: the lease then simply expires.
//
// Why two members never work on one document at once: the key changes only by
// compare-and-set, so its writes are totally ordered and each names one holder. A taker T
// overwrites holder H's record only when T's clock >= expires_ms; H works only while H's
// clock < expires_ms − S. When the two clocks differ by at most S (max_clock_skew), at any
// instant where H may work T's clock is still < expires_ms, so T's write comes after H
// stopped. A renewal by H that lands before T's write makes T's Update conflict; one that
// would land after it conflicts for H (lost), and H stopped at its deadline already.
//
// Failures:
//  - clock skew beyond S: H may still work for up to (skew − S) after T took over; the
//    simulation (tests/bench/fleet) shows the duplicate checks that follow;
//  - the bucket unreachable (NATS outage, a member partitioned away): Acquire answers
//    kUnavailable, so nothing new starts; Renew answers kUnavailable and the deadline stays,
//    so every check under a lease ends before anyone else may take it;
//  - the holder dies: its leases expire lease_ttl after their last renewal at the latest;
//  - a holder paused past its deadline (SIGSTOP, swapping) must not resume work: callers
//    check Deadline() again before every side effect of the check (storing, publishing).
#ifndef POLICYD_FLEET_LEASE_H_
#define POLICYD_FLEET_LEASE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policyd/fleet_kv.h"
#include "policyd/fleet_options.h"

namespace policyd {

enum class LeaseOutcome {
  kAcquired,     // Acquire: this member holds the lease now
  kRenewed,      // Renew: the lease lasts longer
  kHeld,         // Acquire: another member holds it (or wrote first)
  kLost,         // Renew: the lease is no longer this member's; stop now
  kUnavailable,  // the bucket did not answer; Renew: the lease holds until its deadline
};
const char* LeaseOutcomeName(LeaseOutcome outcome);

struct LeaseAnswer {
  LeaseOutcome outcome = LeaseOutcome::kUnavailable;
  // kHeld: the holder and the lease's expiry by the holder's clock; "" and 0 when another
  // member took the key between this member's read and write.
  std::string holder;
  int64_t expires_ms = 0;
};

class LeaseKeeper {
 public:
  // `kv` must outlive the keeper.
  LeaseKeeper(std::string member_id, uint64_t incarnation, const FleetTiming& timing, FleetKv* kv);

  LeaseAnswer Acquire(std::string_view document_id, int64_t now_ms);
  LeaseAnswer Renew(std::string_view document_id, int64_t now_ms);
  void Release(std::string_view document_id);
  void ReleaseAll();

  // When work under a held lease must have ended (expires_ms − max_clock_skew); nullopt when
  // the lease is not held.
  std::optional<int64_t> Deadline(std::string_view document_id) const;
  // When the held lease is due for renewal; nullopt when it is not held.
  std::optional<int64_t> NextRenewal(std::string_view document_id) const;
  bool Holds(std::string_view document_id, int64_t now_ms) const;
  std::size_t held() const { return held_.size(); }
  std::vector<std::string> HeldDocuments() const;  // sorted

 private:
  struct Held {
    uint64_t revision = 0;
    int64_t expires_ms = 0;
    int64_t renew_at_ms = 0;
  };
  // Writes this member's lease over `revision` (0: Create); kAcquired or kHeld/kUnavailable.
  LeaseAnswer Take(std::string_view document_id, const std::string& key,
                   std::optional<uint64_t> revision, int64_t now_ms);
  int64_t DeadlineOf(const Held& held) const { return held.expires_ms - max_skew_ms_; }

  std::string member_id_;
  uint64_t incarnation_;
  int64_t lease_ttl_ms_;
  int64_t max_skew_ms_;
  FleetKv* kv_;
  std::unordered_map<std::string, Held> held_;
};

}  // namespace policyd

#endif  // POLICYD_FLEET_LEASE_H_

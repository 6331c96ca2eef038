// FleetMember: one daemon's part in a fleet. Its heartbeat, its view of the live members
// (policyd/fleet_membership.h), what it owns in that view (rendezvous over the registrable
// domains, policyd/fleet_plan.h) and the leases of the checks it runs
// (policyd/fleet_lease.h). Pure logic over the bucket interface (policyd/fleet_kv.h); the
// caller passes its clock to every call and makes the calls from one thread.
//
// The daemon's loop around it:
//   every heartbeat_interval   Tick(now, stats); when the view changed, recompute the owned
//                              documents (FleetPlan::Owners(view().live())) and hand the
//                              newly owned ones that are due to the scheduler;
//   before a due check         TryStart(document, key hash, now); check only on kStarted;
//                              kLeaseHeld / kUnavailable: try again at retry_at_ms;
//                              kNotOwner / kNotJoined: leave it (its owner checks it),
//                              unless the fleet's record shows that nobody does
//                              (policyd/fleet_orphans.h): then TryStartUnowned;
//   while the check runs       at NextRenewal(): Continue(); kStop, or Deadline() passed
//                              without a renewal: abandon the check at once (and Finish);
//   before storing the result  Continue() again: a check whose lease is gone stores nothing;
//   when it ends               Finish(document): the lease is released;
//   at a clean shutdown        abandon the checks, then Leave(): leases released, heartbeat
//                              deleted, so the others take over at their next heartbeat
//                              instead of after ttl.
//
// Handover: when the view changes, TryStart refuses documents this member no longer owns at
// once; checks already running keep their leases and finish (a lease, not the view, is what
// makes a check exclusive), then release them. A new owner that meets such a lease gets
// kLeaseHeld and tries again until it is released or expires. During the heartbeat or two in
// which views disagree, two members may both think they own a document; the lease lets only
// one check it.
//
// Joining: a member is joined from one heartbeat_interval after its first heartbeat (by then
// every live member has written one, so its view is whole: without the wait, the first
// member back after a NATS outage would own, and start, everything due) and while its own
// heartbeat was written less than ttl − max_clock_skew ago (by then the others may have
// dropped it); after a longer gap it waits again. The first heartbeat Creates
// members.<id>; when the key holds another incarnation whose heartbeat is live, the id is in
// use (a second daemon with the same id, or this one's previous run that died less than ttl
// ago): kDuplicateId, and it tries again at every Tick until that heartbeat goes stale.
// A joined member whose key is overwritten by another incarnation stops (kDuplicateId).
//
// Takeover: the due documents of a member that crashed are started by their new owners
// within ttl + heartbeat_interval + max_clock_skew of the crash (the others see its last
// heartbeat age past ttl at their next heartbeat), or when the lease of a check it had in
// flight expires (lease_ttl after its last renewal), whichever is later.
//
// Partition: a member that cannot reach the bucket cannot write its heartbeat, acquire or
// renew: it starts nothing, abandons each running check at that check's deadline (before its
// lease can be taken), stops being joined after ttl − max_clock_skew, and its view ages its
// members out. The others drop it after ttl and take its documents as its leases expire.
#ifndef POLICYD_FLEET_MEMBER_H_
#define POLICYD_FLEET_MEMBER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/fleet_kv.h"
#include "policyd/fleet_lease.h"
#include "policyd/fleet_membership.h"
#include "policyd/fleet_options.h"

namespace policyd {

enum class HeartbeatOutcome {
  kWritten,
  kUnavailable,  // the bucket did not answer
  kDuplicateId,  // another live incarnation holds this member id
};
const char* HeartbeatOutcomeName(HeartbeatOutcome outcome);

struct TickAnswer {
  HeartbeatOutcome heartbeat = HeartbeatOutcome::kUnavailable;
  bool view_changed = false;  // the live set changed: recompute ownership
};

// What a member reports in its heartbeat, for people (MemberRecord).
struct MemberStats {
  uint64_t owned = 0;
  int64_t lag_ms = 0;
};

enum class StartOutcome {
  kStarted,      // the lease is held: check now, then Finish
  kNotJoined,    // this member is not (or no longer) part of the fleet
  kNotOwner,     // another member owns the document in this member's view
  kLeaseHeld,    // another member holds the lease (a handover): retry at retry_at_ms
  kUnavailable,  // the bucket did not answer: retry at retry_at_ms
};
const char* StartOutcomeName(StartOutcome outcome);

struct StartAnswer {
  StartOutcome outcome = StartOutcome::kUnavailable;
  std::string holder;       // kLeaseHeld: who holds it ("" when unknown)
  int64_t retry_at_ms = 0;  // kLeaseHeld, kUnavailable
  int64_t deadline_ms = 0;  // kStarted: the check must have ended by then (by this clock)
};

enum class ContinueOutcome {
  kContinue,  // the lease holds; at most until Deadline()
  kStop,      // the lease is lost or its deadline has come: abandon the check now
};

class FleetMember {
 public:
  // `incarnation` must differ at every start of a process with this member id (the daemon:
  // its start time in ms with random low bits); `kv` must outlive the member.
  FleetMember(std::string member_id, uint64_t incarnation, const FleetTiming& timing, FleetKv* kv,
              int64_t started_ms);

  TickAnswer Tick(int64_t now_ms, const MemberStats& stats = {});

  bool Joined(int64_t now_ms) const;
  // Whether this member owns a document whose fleet key hashes to `key_hash` in its view.
  bool Owns(uint64_t key_hash) const;

  StartAnswer TryStart(std::string_view document_id, uint64_t key_hash, int64_t now_ms);
  // TryStart for a document whose site another member owns but does not check (an orphan,
  // policyd/fleet_orphans.h): the same lease, without the ownership test.
  StartAnswer TryStartUnowned(std::string_view document_id, int64_t now_ms);
  ContinueOutcome Continue(std::string_view document_id, int64_t now_ms);
  void Finish(std::string_view document_id);
  void Leave();

  std::optional<int64_t> NextRenewal(std::string_view document_id) const {
    return leases_.NextRenewal(document_id);
  }
  std::optional<int64_t> Deadline(std::string_view document_id) const {
    return leases_.Deadline(document_id);
  }
  const MembershipView& view() const { return view_; }
  const std::string& member_id() const { return member_id_; }
  uint64_t incarnation() const { return incarnation_; }
  std::size_t checks_in_flight() const { return leases_.held(); }
  std::vector<std::string> HeldDocuments() const { return leases_.HeldDocuments(); }  // sorted

 private:
  HeartbeatOutcome WriteHeartbeat(int64_t now_ms, const MemberStats& stats);
  // After a refused write of members.<id>: whose the key is now. kWritten when it is this
  // incarnation's own (a write whose answer was lost) or stale enough to take over, with
  // *revision set to write on.
  HeartbeatOutcome ClaimOwnKey(int64_t now_ms, uint64_t* revision);
  bool ReadMembers(int64_t now_ms);
  // Its last heartbeat is recent enough that the others count it.
  bool Live(int64_t now_ms) const;
  int64_t RetryAt(int64_t now_ms, int64_t expires_ms) const;
  StartAnswer AcquireLease(std::string_view document_id, int64_t now_ms);

  std::string member_id_;
  std::string member_key_;
  uint64_t incarnation_;
  FleetTiming timing_;
  FleetKv* kv_;
  int64_t started_ms_;
  MembershipView view_;
  LeaseKeeper leases_;
  std::optional<uint64_t> heartbeat_revision_;  // of members.<id>, once written
  std::optional<int64_t> last_heartbeat_ms_;    // when a heartbeat was last written
  int64_t joined_since_ms_ = 0;                 // the first heartbeat of this time in
  std::optional<std::size_t> own_index_;        // in view_.live(), when this member is live
};

}  // namespace policyd

#endif  // POLICYD_FLEET_MEMBER_H_

// MembershipView: one member's view of which members of its fleet are live, from the
// heartbeats it read (policyd/fleet_records.h). Pure: the records and the time are given.
//
// Rules:
//  - a member is live at `now` while |now − heartbeat_ms| < ttl, `now` being the viewer's clock
//    and heartbeat_ms the writer's: a heartbeat from further in the future than ttl comes from
//    a clock no bound covers, and is ignored like a stale one;
//  - the live set is the live members' ids, sorted; two viewers given the same records at
//    the same time get the same set (and so the same owners, policyd/rendezvous.h);
//  - the view changes only when its live set does; generation() counts the changes, so that
//    callers recompute ownership only then.
// Clock skew between writer and viewer shifts when a member is seen to die by at most the
// skew (FleetTiming::max_clock_skew); views may disagree for that long and for up to one
// heartbeat_interval after any change (each member re-reads at its own heartbeat). Nothing
// in the fleet's safety rests on views agreeing: two members that both think they own a
// document still need its lease (policyd/fleet_lease.h) to check it.
#ifndef POLICYD_FLEET_MEMBERSHIP_H_
#define POLICYD_FLEET_MEMBERSHIP_H_

#include <chrono>
#include <cstdint>
#include <vector>

#include "policyd/fleet_records.h"
#include "policyd/rendezvous.h"

namespace policyd {

// The liveness rule above, for one record.
bool HeartbeatIsLive(const MemberRecord& record, int64_t now_ms, std::chrono::milliseconds ttl);

class MembershipView {
 public:
  explicit MembershipView(std::chrono::milliseconds ttl) : ttl_(ttl) {}

  // Replaces the records (all the bucket's member records, read at `now_ms`) and recomputes
  // the live set. True when the live set changed.
  bool Update(std::vector<MemberRecord> records, int64_t now_ms);
  // Recomputes the live set from the records already held, at a later time (when the bucket
  // cannot be read: members age out of a view that is not refreshed). True when it changed.
  bool Refresh(int64_t now_ms);

  const Rendezvous& live() const { return live_; }
  bool IsLive(std::string_view member_id) const { return live_.IndexOf(member_id).has_value(); }
  // The record of a member read last, live or not; nullptr when there is none.
  const MemberRecord* Find(std::string_view member_id) const;
  const std::vector<MemberRecord>& records() const { return records_; }
  uint64_t generation() const { return generation_; }

 private:
  std::chrono::milliseconds ttl_;
  std::vector<MemberRecord> records_;  // sorted by member id
  Rendezvous live_;
  uint64_t generation_ = 0;
};

}  // namespace policyd

#endif  // POLICYD_FLEET_MEMBERSHIP_H_

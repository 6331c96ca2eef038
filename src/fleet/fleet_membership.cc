#include "policyd/fleet_membership.h"

#include <algorithm>

namespace policyd {

bool HeartbeatIsLive(const MemberRecord& record, int64_t now_ms, std::chrono::milliseconds ttl) {
  const int64_t age = now_ms - record.heartbeat_ms;
  return age < ttl.count() && -age < ttl.count();
}

bool MembershipView::Update(std::vector<MemberRecord> records, int64_t now_ms) {
  std::sort(records.begin(), records.end(),
            [](const MemberRecord& a, const MemberRecord& b) { return a.member_id < b.member_id; });
  records_ = std::move(records);
  return Refresh(now_ms);
}

bool MembershipView::Refresh(int64_t now_ms) {
  std::vector<std::string> live;
  for (const MemberRecord& record : records_) {
    if (HeartbeatIsLive(record, now_ms, ttl_)) live.push_back(record.member_id);
  }
  Rendezvous next(std::move(live));
  if (next.members() == live_.members()) return false;
  live_ = std::move(next);
  ++generation_;
  return true;
}

const MemberRecord* MembershipView::Find(std::string_view member_id) const {
  const auto it = std::lower_bound(
      records_.begin(), records_.end(), member_id,
      [](const MemberRecord& record, std::string_view id) { return record.member_id < id; });
  return it != records_.end() && it->member_id == member_id ? &*it : nullptr;
}

}  // namespace policyd

#include "policyd/fleet_member.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "policyd/fleet_records.h"

namespace policyd {

const char* HeartbeatOutcomeName(HeartbeatOutcome outcome) {
  switch (outcome) {
    case HeartbeatOutcome::kWritten:
      return "written";
    case HeartbeatOutcome::kUnavailable:
      return "unavailable";
    case HeartbeatOutcome::kDuplicateId:
      return "duplicate_id";
  }
  return "unavailable";
}

const char* StartOutcomeName(StartOutcome outcome) {
  switch (outcome) {
    case StartOutcome::kStarted:
      return "started";
    case StartOutcome::kNotJoined:
      return "not_joined";
    case StartOutcome::kNotOwner:
      return "not_owner";
    case StartOutcome::kLeaseHeld:
      return "lease_held";
    case StartOutcome::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

FleetMember::FleetMember(std::string member_id, uint64_t incarnation, const FleetTiming& timing,
                         FleetKv* kv, int64_t started_ms)
    : member_id_(std::move(member_id)),
      member_key_(MemberKey(member_id_)),
      incarnation_(incarnation),
      timing_(timing),
      kv_(kv),
      started_ms_(started_ms),
      view_(timing.member_ttl),
      leases_(member_id_, incarnation, timing, kv) {}

TickAnswer FleetMember::Tick(int64_t now_ms, const MemberStats& stats) {
  TickAnswer answer;
  answer.heartbeat = WriteHeartbeat(now_ms, stats);
  answer.view_changed = ReadMembers(now_ms);
  return answer;
}

HeartbeatOutcome FleetMember::WriteHeartbeat(int64_t now_ms, const MemberStats& stats) {
  const std::string value = EncodeMemberRecord(
      {member_id_, incarnation_, now_ms, started_ms_, stats.owned, leases_.held(), stats.lag_ms});
  KvWrite write = heartbeat_revision_ ? kv_->Update(member_key_, value, *heartbeat_revision_)
                                      : kv_->Create(member_key_, value);
  HeartbeatOutcome outcome = HeartbeatOutcome::kUnavailable;
  if (write.outcome == KvOutcome::kOk) {
    heartbeat_revision_ = write.revision;
    outcome = HeartbeatOutcome::kWritten;
  } else if (write.outcome != KvOutcome::kUnavailable) {
    uint64_t revision = 0;
    outcome = ClaimOwnKey(now_ms, &revision);
    if (outcome == HeartbeatOutcome::kWritten) {
      write = kv_->Update(member_key_, value, revision);
      if (write.outcome == KvOutcome::kOk) {
        heartbeat_revision_ = write.revision;
      } else {
        outcome = write.outcome == KvOutcome::kUnavailable ? HeartbeatOutcome::kUnavailable
                                                           : HeartbeatOutcome::kDuplicateId;
      }
    }
  }
  if (outcome == HeartbeatOutcome::kWritten) {
    // Back after a time out of the fleet (or new): the others' heartbeats may not be in the
    // bucket yet, so this view may be missing members for up to one heartbeat_interval.
    if (!Live(now_ms)) joined_since_ms_ = now_ms;
    last_heartbeat_ms_ = now_ms;
  } else if (outcome == HeartbeatOutcome::kDuplicateId) {
    heartbeat_revision_.reset();  // the key is another process's: write as a newcomer
    last_heartbeat_ms_.reset();
  }
  return outcome;
}

HeartbeatOutcome FleetMember::ClaimOwnKey(int64_t now_ms, uint64_t* revision) {
  KvEntry entry;
  switch (kv_->Get(member_key_, &entry)) {
    case KvOutcome::kOk:
      break;
    case KvOutcome::kNotFound: {
      // Gone (deleted, or collected after a long partition): a newcomer's Create, written here
      // so that the caller's Update below has a revision to expect.
      const KvWrite created = kv_->Create(
          member_key_, EncodeMemberRecord({member_id_, incarnation_, now_ms, started_ms_}));
      if (created.outcome != KvOutcome::kOk) {
        return created.outcome == KvOutcome::kUnavailable ? HeartbeatOutcome::kUnavailable
                                                          : HeartbeatOutcome::kDuplicateId;
      }
      *revision = created.revision;
      return HeartbeatOutcome::kWritten;
    }
    case KvOutcome::kConflict:
    case KvOutcome::kUnavailable:
      return HeartbeatOutcome::kUnavailable;
  }
  const std::optional<MemberRecord> record = DecodeMemberRecord(entry.value);
  const bool own = record && record->member_id == member_id_ && record->incarnation == incarnation_;
  const bool stale = !record || !HeartbeatIsLive(*record, now_ms, timing_.member_ttl);
  if (!own && !stale) return HeartbeatOutcome::kDuplicateId;
  *revision = entry.revision;
  return HeartbeatOutcome::kWritten;
}

bool FleetMember::ReadMembers(int64_t now_ms) {
  std::vector<std::pair<std::string, KvEntry>> entries;
  bool changed = false;
  if (kv_->List(kFleetMemberPrefix, &entries) == KvOutcome::kOk) {
    std::vector<MemberRecord> records;
    records.reserve(entries.size());
    for (const auto& [key, entry] : entries) {
      std::optional<MemberRecord> record = DecodeMemberRecord(entry.value);
      // A record under another member's key is nobody's heartbeat.
      if (record && MemberKey(record->member_id) == key) records.push_back(std::move(*record));
    }
    changed = view_.Update(std::move(records), now_ms);
  } else {
    changed = view_.Refresh(now_ms);
  }
  own_index_ = view_.live().IndexOf(member_id_);
  return changed;
}

bool FleetMember::Live(int64_t now_ms) const {
  return last_heartbeat_ms_ &&
         now_ms - *last_heartbeat_ms_ < timing_.member_ttl.count() - timing_.max_clock_skew.count();
}

bool FleetMember::Joined(int64_t now_ms) const {
  return Live(now_ms) && own_index_ &&
         now_ms - joined_since_ms_ >= timing_.heartbeat_interval.count();
}

bool FleetMember::Owns(uint64_t key_hash) const {
  return own_index_ && view_.live().OwnerIndex(key_hash) == own_index_;
}

int64_t FleetMember::RetryAt(int64_t now_ms, int64_t expires_ms) const {
  // Often enough to follow a release (a handover's old owner finishing its check), never
  // later than the expiry, when the lease may be taken.
  const int64_t step = std::min<int64_t>(timing_.heartbeat_interval.count(), 1000);
  const int64_t at = now_ms + step;
  return expires_ms > now_ms ? std::min(at, expires_ms) : at;
}

StartAnswer FleetMember::TryStart(std::string_view document_id, uint64_t key_hash, int64_t now_ms) {
  if (!Joined(now_ms)) return {StartOutcome::kNotJoined, "", 0, 0};
  if (!Owns(key_hash)) return {StartOutcome::kNotOwner, "", 0, 0};
  return AcquireLease(document_id, now_ms);
}

StartAnswer FleetMember::TryStartUnowned(std::string_view document_id, int64_t now_ms) {
  if (!Joined(now_ms)) return {StartOutcome::kNotJoined, "", 0, 0};
  return AcquireLease(document_id, now_ms);
}

StartAnswer FleetMember::AcquireLease(std::string_view document_id, int64_t now_ms) {
  const LeaseAnswer lease = leases_.Acquire(document_id, now_ms);
  switch (lease.outcome) {
    case LeaseOutcome::kAcquired:
      return {StartOutcome::kStarted, member_id_, 0, *leases_.Deadline(document_id)};
    case LeaseOutcome::kHeld:
      return {StartOutcome::kLeaseHeld, lease.holder, RetryAt(now_ms, lease.expires_ms), 0};
    case LeaseOutcome::kRenewed:
    case LeaseOutcome::kLost:
    case LeaseOutcome::kUnavailable:
      break;
  }
  return {StartOutcome::kUnavailable, "", RetryAt(now_ms, 0), 0};
}

ContinueOutcome FleetMember::Continue(std::string_view document_id, int64_t now_ms) {
  const std::optional<int64_t> deadline = leases_.Deadline(document_id);
  if (!deadline || now_ms >= *deadline) return ContinueOutcome::kStop;
  if (now_ms >= *leases_.NextRenewal(document_id) &&
      leases_.Renew(document_id, now_ms).outcome == LeaseOutcome::kLost) {
    return ContinueOutcome::kStop;
  }
  return ContinueOutcome::kContinue;
}

void FleetMember::Finish(std::string_view document_id) { leases_.Release(document_id); }

void FleetMember::Leave() {
  leases_.ReleaseAll();
  if (heartbeat_revision_) kv_->Delete(member_key_);
  heartbeat_revision_.reset();
  last_heartbeat_ms_.reset();
}

}  // namespace policyd

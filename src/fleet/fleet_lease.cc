#include "policyd/fleet_lease.h"

#include <algorithm>

#include "policyd/fleet_records.h"

namespace policyd {

const char* LeaseOutcomeName(LeaseOutcome outcome) {
  switch (outcome) {
    case LeaseOutcome::kAcquired:
      return "acquired";
    case LeaseOutcome::kRenewed:
      return "renewed";
    case LeaseOutcome::kHeld:
      return "held";
    case LeaseOutcome::kLost:
      return "lost";
    case LeaseOutcome::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

LeaseKeeper::LeaseKeeper(std::string member_id, uint64_t incarnation, const FleetTiming& timing,
                         FleetKv* kv)
    : member_id_(std::move(member_id)),
      incarnation_(incarnation),
      lease_ttl_ms_(timing.lease_ttl.count()),
      max_skew_ms_(timing.max_clock_skew.count()),
      kv_(kv) {}

LeaseAnswer LeaseKeeper::Take(std::string_view document_id, const std::string& key,
                              std::optional<uint64_t> revision, int64_t now_ms) {
  const int64_t expires_ms = now_ms + lease_ttl_ms_;
  const std::string value = EncodeLeaseRecord({member_id_, incarnation_, expires_ms});
  const KvWrite write = revision ? kv_->Update(key, value, *revision) : kv_->Create(key, value);
  switch (write.outcome) {
    case KvOutcome::kOk:
      held_[std::string(document_id)] =
          Held{write.revision, expires_ms, now_ms + lease_ttl_ms_ / 3};
      return {LeaseOutcome::kAcquired, member_id_, expires_ms};
    case KvOutcome::kConflict:
    case KvOutcome::kNotFound:  // (an Update of a key that vanished meanwhile)
      return {LeaseOutcome::kHeld, "", 0};
    case KvOutcome::kUnavailable:
      break;
  }
  return {LeaseOutcome::kUnavailable, "", 0};
}

LeaseAnswer LeaseKeeper::Acquire(std::string_view document_id, int64_t now_ms) {
  if (const auto it = held_.find(std::string(document_id)); it != held_.end()) {
    if (now_ms < DeadlineOf(it->second)) {
      return {LeaseOutcome::kAcquired, member_id_, it->second.expires_ms};
    }
    held_.erase(it);  // past its deadline: taken again below like anyone's
  }
  const std::string key = LeaseKey(document_id);
  KvEntry entry;
  switch (kv_->Get(key, &entry)) {
    case KvOutcome::kUnavailable:
    case KvOutcome::kConflict:  // (not an answer to a read)
      return {LeaseOutcome::kUnavailable, "", 0};
    case KvOutcome::kNotFound:
      return Take(document_id, key, std::nullopt, now_ms);
    case KvOutcome::kOk:
      break;
  }
  const std::optional<LeaseRecord> record = DecodeLeaseRecord(entry.value);
  const bool own = record && record->holder == member_id_ && record->incarnation == incarnation_;
  if (record && !record->free() && !own && now_ms < record->expires_ms) {
    return {LeaseOutcome::kHeld, record->holder, record->expires_ms};
  }
  return Take(document_id, key, entry.revision, now_ms);
}

LeaseAnswer LeaseKeeper::Renew(std::string_view document_id, int64_t now_ms) {
  const auto it = held_.find(std::string(document_id));
  if (it == held_.end()) return {LeaseOutcome::kLost, "", 0};
  Held& held = it->second;
  if (now_ms >= DeadlineOf(held)) {
    held_.erase(it);
    return {LeaseOutcome::kLost, "", 0};
  }
  const int64_t expires_ms = now_ms + lease_ttl_ms_;
  const KvWrite write =
      kv_->Update(LeaseKey(document_id), EncodeLeaseRecord({member_id_, incarnation_, expires_ms}),
                  held.revision);
  switch (write.outcome) {
    case KvOutcome::kOk:
      held = Held{write.revision, expires_ms, now_ms + lease_ttl_ms_ / 3};
      return {LeaseOutcome::kRenewed, member_id_, expires_ms};
    case KvOutcome::kConflict:
    case KvOutcome::kNotFound:
      held_.erase(it);
      return {LeaseOutcome::kLost, "", 0};
    case KvOutcome::kUnavailable:
      break;
  }
  // Try again soon, but never later than the deadline, where the work stops anyway.
  held.renew_at_ms = std::min(now_ms + lease_ttl_ms_ / 6, DeadlineOf(held));
  return {LeaseOutcome::kUnavailable, member_id_, held.expires_ms};
}

void LeaseKeeper::Release(std::string_view document_id) {
  const auto it = held_.find(std::string(document_id));
  if (it == held_.end()) return;
  // Whatever the answer: a lease not freed expires by itself.
  kv_->Update(LeaseKey(document_id), EncodeLeaseRecord({}), it->second.revision);
  held_.erase(it);
}

void LeaseKeeper::ReleaseAll() {
  for (const std::string& document_id : HeldDocuments()) Release(document_id);
}

std::optional<int64_t> LeaseKeeper::Deadline(std::string_view document_id) const {
  const auto it = held_.find(std::string(document_id));
  if (it == held_.end()) return std::nullopt;
  return DeadlineOf(it->second);
}

std::optional<int64_t> LeaseKeeper::NextRenewal(std::string_view document_id) const {
  const auto it = held_.find(std::string(document_id));
  if (it == held_.end()) return std::nullopt;
  return it->second.renew_at_ms;
}

bool LeaseKeeper::Holds(std::string_view document_id, int64_t now_ms) const {
  const std::optional<int64_t> deadline = Deadline(document_id);
  return deadline && now_ms < *deadline;
}

std::vector<std::string> LeaseKeeper::HeldDocuments() const {
  std::vector<std::string> documents;
  documents.reserve(held_.size());
  for (const auto& [document_id, held] : held_) documents.push_back(document_id);
  std::sort(documents.begin(), documents.end());
  return documents;
}

}  // namespace policyd

#include "policyd/in_memory_kv.h"

#include <utility>

namespace policyd {

const char* KvOutcomeName(KvOutcome outcome) {
  switch (outcome) {
    case KvOutcome::kOk:
      return "ok";
    case KvOutcome::kNotFound:
      return "not_found";
    case KvOutcome::kConflict:
      return "conflict";
    case KvOutcome::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

InMemoryKv::InMemoryKv(Clock server_now_ms, std::chrono::milliseconds max_age)
    : now_ms_(std::move(server_now_ms)), max_age_ms_(max_age.count()) {}

InMemoryKv::Stored* InMemoryKv::Find(std::string_view key) {
  const auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  if (max_age_ms_ > 0 && now_ms_() - it->second.written_ms >= max_age_ms_) {
    entries_.erase(it);
    return nullptr;
  }
  return &it->second;
}

KvWrite InMemoryKv::Write(std::string_view key, std::string_view value, bool deleted) {
  ++writes_;
  Stored& stored = entries_[std::string(key)];
  stored.value = std::string(value);
  stored.revision = next_revision_++;
  stored.written_ms = now_ms_();
  stored.deleted = deleted;
  return {KvOutcome::kOk, stored.revision};
}

KvOutcome InMemoryKv::Get(std::string_view key, KvEntry* out) {
  ++reads_;
  const Stored* stored = Find(key);
  if (stored == nullptr || stored->deleted) return KvOutcome::kNotFound;
  *out = KvEntry{stored->value, stored->revision};
  return KvOutcome::kOk;
}

KvWrite InMemoryKv::Create(std::string_view key, std::string_view value) {
  const Stored* stored = Find(key);
  if (stored != nullptr && !stored->deleted) {
    ++writes_;  // refused, but asked of the server all the same
    return {KvOutcome::kConflict, 0};
  }
  return Write(key, value, /*deleted=*/false);
}

KvWrite InMemoryKv::Update(std::string_view key, std::string_view value, uint64_t revision) {
  // JetStream compares the subject's last sequence, a delete marker's included.
  const Stored* stored = Find(key);
  if (stored == nullptr || stored->revision != revision) {
    ++writes_;
    return {KvOutcome::kConflict, 0};
  }
  return Write(key, value, /*deleted=*/false);
}

KvOutcome InMemoryKv::Delete(std::string_view key) {
  Write(key, "", /*deleted=*/true);
  return KvOutcome::kOk;
}

KvOutcome InMemoryKv::List(std::string_view prefix,
                           std::vector<std::pair<std::string, KvEntry>>* out) {
  ++reads_;
  out->clear();
  const int64_t now = now_ms_();
  for (auto it = entries_.lower_bound(prefix);
       it != entries_.end() && it->first.starts_with(prefix);) {
    if (max_age_ms_ > 0 && now - it->second.written_ms >= max_age_ms_) {
      it = entries_.erase(it);
      continue;
    }
    if (!it->second.deleted)
      out->emplace_back(it->first, KvEntry{it->second.value, it->second.revision});
    ++it;
  }
  return KvOutcome::kOk;
}

}  // namespace policyd

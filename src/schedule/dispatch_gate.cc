#include "policyd/dispatch_gate.h"

#include <algorithm>

namespace policyd {

DispatchGate::DispatchGate(std::size_t per_host_limit, std::size_t max_parked)
    : per_host_limit_(std::max<std::size_t>(per_host_limit, 1)),
      max_parked_(std::max<std::size_t>(max_parked, 1)) {}

DispatchGate::Admission DispatchGate::Admit(std::string_view host_key, const std::string& doc_id) {
  if (outstanding_.contains(doc_id) || waiting_.contains(doc_id)) return Admission::kStart;
  const auto [it, inserted] = hosts_.try_emplace(std::string(host_key));
  Host& host = it->second;
  // A host with parked checks keeps their order: a new one queues behind them even if a slot
  // is free for a moment (it is about to be handed to the first of them).
  if (host.slots_taken < per_host_limit_ && host.parked.empty()) {
    ++host.slots_taken;
    outstanding_.emplace(doc_id, it->first);
    return Admission::kStart;
  }
  host.parked.push_back(doc_id);
  waiting_.emplace(doc_id, Waiting{it->first, Stage::kParked});
  return Admission::kParked;
}

void DispatchGate::Finish(const std::string& doc_id) {
  const auto it = outstanding_.find(doc_id);
  if (it == outstanding_.end()) return;
  const std::string host_key = std::move(it->second);
  outstanding_.erase(it);
  ReleaseSlot(host_key);
}

std::optional<std::string> DispatchGate::TakeReady() {
  while (!ready_.empty()) {
    std::string doc_id = std::move(ready_.front());
    ready_.pop_front();
    const auto it = waiting_.find(doc_id);
    if (it == waiting_.end() || it->second.stage != Stage::kReady) continue;  // forgotten
    outstanding_.emplace(doc_id, std::move(it->second.host));
    waiting_.erase(it);
    return doc_id;
  }
  return std::nullopt;
}

void DispatchGate::Forget(const std::string& doc_id) {
  const auto it = waiting_.find(doc_id);
  if (it == waiting_.end()) return;
  const std::string host_key = std::move(it->second.host);
  const Stage stage = it->second.stage;
  waiting_.erase(it);
  // Its entry in the host's parked list or in ready_ is skipped when reached.
  if (stage == Stage::kReady) {
    ReleaseSlot(host_key);
  } else if (const auto host = hosts_.find(host_key); host != hosts_.end()) {
    PromoteParked(host_key, host->second);  // drops the host once nothing is left
  }
}

bool DispatchGate::IsParked(const std::string& doc_id) const { return waiting_.contains(doc_id); }

void DispatchGate::ReleaseSlot(const std::string& host_key) {
  const auto host = hosts_.find(host_key);
  if (host == hosts_.end()) return;
  --host->second.slots_taken;
  PromoteParked(host_key, host->second);
}

void DispatchGate::PromoteParked(const std::string& host_key, Host& host) {
  while (host.slots_taken < per_host_limit_ && !host.parked.empty()) {
    std::string doc_id = std::move(host.parked.front());
    host.parked.pop_front();
    const auto it = waiting_.find(doc_id);
    // Skipped: forgotten, or parked again later (its later entry is the live one only
    // while it is still parked: this earlier one takes its place in the order).
    if (it == waiting_.end() || it->second.stage != Stage::kParked || it->second.host != host_key) {
      continue;
    }
    it->second.stage = Stage::kReady;
    ++host.slots_taken;
    ready_.push_back(std::move(doc_id));
  }
  if (host.slots_taken == 0 && host.parked.empty()) hosts_.erase(host_key);
}

}  // namespace policyd

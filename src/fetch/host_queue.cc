#include "host_queue.h"

#include <algorithm>
#include <utility>

namespace policyd {

HostQueue::HostQueue(Limits limits, WakeFn wake) : limits_(limits), wake_(std::move(wake)) {
  limits_.max_running = std::max<std::size_t>(limits_.max_running, 1);
  limits_.per_host_running = std::max<std::size_t>(limits_.per_host_running, 1);
  limits_.per_host_delay = std::max(limits_.per_host_delay, Clock::duration::zero());
}

void HostQueue::Push(const std::string& host, uint64_t id, Clock::time_point now,
                     Clock::duration host_delay) {
  MaybeSweep(now);
  Host& state = hosts_[host];
  if (host_delay > state.delay) {
    state.delay = host_delay;
    // A delay learnt after the previous start (robots.txt was that start) still spaces the
    // next one from it.
    if (state.last_start != Clock::time_point{}) {
      state.next_start = std::max(state.next_start, state.last_start + host_delay);
    }
  }
  state.waiting.push_back(id);
  ++queued_;
  Reevaluate(host, state, now);
}

HostQueue::Clock::duration HostQueue::HostDelay(const Host& host) const {
  return std::max<Clock::duration>(limits_.per_host_delay, host.delay);
}

std::optional<HostQueue::Start> HostQueue::PopReady(Clock::time_point now) {
  while (running_ < limits_.max_running && !ready_ring_.empty()) {
    std::string name = std::move(ready_ring_.front());
    ready_ring_.pop_front();
    const auto it = hosts_.find(name);
    if (it == hosts_.end()) continue;
    Host& host = it->second;
    host.in_ring = false;
    // Only PopReady consumes a host's capacity, so a listed host is still startable; the
    // check guards against a future change breaking that invariant silently.
    if (host.waiting.empty() || host.running >= limits_.per_host_running || now < host.next_start) {
      Reevaluate(name, host, now);
      continue;
    }
    const uint64_t id = host.waiting.front();
    host.waiting.pop_front();
    --queued_;
    ++host.running;
    ++running_;
    host.last_start = now;
    host.next_start = now + HostDelay(host);
    Reevaluate(name, host, now);  // back of the ring if it may start again: round robin
    return Start{id, std::move(name)};
  }
  return std::nullopt;
}

void HostQueue::Done(const std::string& host, Clock::time_point now) {
  const auto it = hosts_.find(host);
  if (it == hosts_.end() || it->second.running == 0) return;
  --it->second.running;
  --running_;
  // The delay is a pause after the answer too (Yandex's reading of Crawl-delay): a server
  // slower than the delay still rests that long before the next request.
  it->second.next_start = std::max(it->second.next_start, now + HostDelay(it->second));
  if (Forgettable(it->second, now)) {
    hosts_.erase(it);
    return;
  }
  Reevaluate(host, it->second, now);
}

bool HostQueue::Remove(const std::string& host, uint64_t id, Clock::time_point now) {
  const auto it = hosts_.find(host);
  if (it == hosts_.end()) return false;
  std::deque<uint64_t>& waiting = it->second.waiting;
  const auto found = std::find(waiting.begin(), waiting.end(), id);
  if (found == waiting.end()) return false;
  waiting.erase(found);
  --queued_;
  // Still in the ready ring or waiting for a wake-up, the host is passed over there (nothing
  // waits) and swept later; otherwise it may be forgotten now.
  if (Forgettable(it->second, now)) hosts_.erase(it);
  return true;
}

void HostQueue::Wake(const std::string& host, Clock::time_point now) {
  const auto it = hosts_.find(host);
  if (it == hosts_.end()) return;
  it->second.wake_requested = false;
  Reevaluate(host, it->second, now);
}

std::vector<uint64_t> HostQueue::Clear() {
  std::vector<uint64_t> ids;
  ids.reserve(queued_);
  for (auto& [name, host] : hosts_) ids.insert(ids.end(), host.waiting.begin(), host.waiting.end());
  std::sort(ids.begin(), ids.end());  // ids grow with submission order: oldest first
  hosts_.clear();
  ready_ring_.clear();
  queued_ = 0;
  running_ = 0;
  return ids;
}

void HostQueue::Reevaluate(const std::string& name, Host& host, Clock::time_point now) {
  if (host.waiting.empty() || host.running >= limits_.per_host_running) return;
  if (now < host.next_start) {
    if (!host.wake_requested) {
      host.wake_requested = true;
      wake_(name, host.next_start);
    }
    return;
  }
  if (!host.in_ring) {
    host.in_ring = true;
    ready_ring_.push_back(name);
  }
}

bool HostQueue::Forgettable(const Host& host, Clock::time_point now) const {
  return host.waiting.empty() && host.running == 0 && !host.in_ring && !host.wake_requested &&
         now >= host.next_start;
}

void HostQueue::MaybeSweep(Clock::time_point now) {
  if (hosts_.size() < sweep_at_) return;
  std::erase_if(hosts_, [&](const auto& entry) { return Forgettable(entry.second, now); });
  sweep_at_ = std::max<std::size_t>(64, 2 * hosts_.size());
}

}  // namespace policyd

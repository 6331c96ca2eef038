#include "policyd/scheduler.h"

#include <algorithm>

namespace policyd {
namespace {

// Uniform offset in [-spread, +spread].
int64_t JitterMs(double spread_ms, std::mt19937_64& rng) {
  if (spread_ms <= 0) return 0;
  std::uniform_real_distribution<double> dist(-spread_ms, spread_ms);
  return static_cast<int64_t>(dist(rng));
}

}  // namespace

int64_t NextDueAfterCheck(const ScheduleOptions& options, std::chrono::milliseconds interval,
                          int64_t now_ms, int consecutive_failures,
                          std::optional<std::chrono::milliseconds> retry_after,
                          std::mt19937_64& rng) {
  const int64_t interval_ms = std::max<int64_t>(interval.count(), 1000);
  if (consecutive_failures <= 0) {
    return now_ms + interval_ms + JitterMs(options.jitter * static_cast<double>(interval_ms), rng);
  }
  // Exponential backoff: base·2^(n-1), ±25% so that failing documents do not retry in step.
  const int shift = std::min(consecutive_failures - 1, 20);
  int64_t delay = options.retry_base.count() << shift;
  delay += JitterMs(0.25 * static_cast<double>(delay), rng);
  if (retry_after) delay = std::max<int64_t>(delay, retry_after->count());
  delay = std::clamp<int64_t>(delay, 1000, interval_ms);
  return now_ms + delay;
}

Scheduler::Scheduler(ScheduleOptions options, uint64_t seed) : options_(options), rng_(seed) {}

int64_t Scheduler::Upsert(const std::string& doc_id, std::chrono::milliseconds interval,
                          int64_t persisted_due_ms, int64_t now_ms) {
  auto [it, inserted] = entries_.try_emplace(doc_id);
  Entry& entry = it->second;
  entry.interval = interval;
  int64_t due = entry.due_ms;
  if (persisted_due_ms > 0) {
    due = persisted_due_ms;
  } else if (inserted) {
    const auto window =
        options_.first_check_window.count() > 0 ? options_.first_check_window : interval;
    std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(window.count(), 0));
    due = now_ms + dist(rng_);
  }
  SetDue(doc_id, entry, due);
  return due;
}

void Scheduler::Remove(const std::string& doc_id) {
  const auto it = entries_.find(doc_id);
  if (it == entries_.end()) return;
  if (it->second.in_flight) {
    --in_flight_count_;
  } else {
    due_queue_.erase({it->second.due_ms, doc_id});
  }
  entries_.erase(it);
}

bool Scheduler::Contains(const std::string& doc_id) const { return entries_.count(doc_id) > 0; }

std::optional<int64_t> Scheduler::NextDueMs() const {
  if (due_queue_.empty()) return std::nullopt;
  return due_queue_.begin()->first;
}

std::vector<std::string> Scheduler::PopDue(int64_t now_ms, std::size_t max_count) {
  std::vector<std::string> due;
  while (!due_queue_.empty() && due.size() < max_count && due_queue_.begin()->first <= now_ms) {
    std::string doc_id = due_queue_.begin()->second;
    due_queue_.erase(due_queue_.begin());
    Entry& entry = entries_.at(doc_id);
    entry.in_flight = true;
    entry.check_requested = false;
    ++in_flight_count_;
    due.push_back(std::move(doc_id));
  }
  return due;
}

void Scheduler::Complete(const std::string& doc_id, int64_t next_due_ms) {
  const auto it = entries_.find(doc_id);
  if (it == entries_.end() || !it->second.in_flight) return;
  Entry& entry = it->second;
  entry.in_flight = false;
  --in_flight_count_;
  const int64_t due = entry.check_requested ? std::min(entry.due_ms, next_due_ms) : next_due_ms;
  entry.check_requested = false;
  entry.due_ms = due;
  due_queue_.emplace(due, doc_id);
}

bool Scheduler::CheckNow(const std::string& doc_id, int64_t now_ms) {
  const auto it = entries_.find(doc_id);
  if (it == entries_.end()) return false;
  Entry& entry = it->second;
  if (entry.in_flight) {
    entry.check_requested = true;
    entry.due_ms = now_ms;
    return true;
  }
  SetDue(doc_id, entry, std::min(entry.due_ms, now_ms));
  return true;
}

std::optional<int64_t> Scheduler::DueMs(const std::string& doc_id) const {
  const auto it = entries_.find(doc_id);
  if (it == entries_.end()) return std::nullopt;
  return it->second.due_ms;
}

bool Scheduler::InFlight(const std::string& doc_id) const {
  const auto it = entries_.find(doc_id);
  return it != entries_.end() && it->second.in_flight;
}

void Scheduler::SetDue(const std::string& doc_id, Entry& entry, int64_t due_ms) {
  if (!entry.in_flight) due_queue_.erase({entry.due_ms, doc_id});
  entry.due_ms = due_ms;
  if (!entry.in_flight) due_queue_.emplace(due_ms, doc_id);
}

}  // namespace policyd

#include "policyd/scheduler.h"

#include <algorithm>

namespace policyd {
namespace {

// The due queue is a 4-ary heap: half the depth of a binary one, and the four children of a
// node share a cache line, which is what a sift costs at a million documents.
constexpr uint32_t kArity = 4;

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

int64_t Scheduler::Upsert(DocHandle doc, std::chrono::milliseconds interval,
                          int64_t persisted_due_ms, int64_t last_check_ms, int64_t now_ms) {
  if (doc >= entries_.size()) entries_.resize(static_cast<std::size_t>(doc) + 1);
  Entry& entry = entries_[doc];
  const bool inserted = !entry.present;
  if (inserted) {
    entry = Entry{.present = true};
    ++size_;
  }
  int64_t due = entry.due_ms;
  if (persisted_due_ms > 0) {
    due = persisted_due_ms;
  } else if (inserted) {
    const auto window =
        options_.first_check_window.count() > 0 ? options_.first_check_window : interval;
    std::uniform_int_distribution<int64_t> dist(0, std::max<int64_t>(window.count(), 0));
    due = now_ms + dist(rng_);
  }
  if (last_check_ms > 0) {
    // The latest NextDueAfterCheck gives after a success.
    const int64_t interval_ms = std::max<int64_t>(interval.count(), 1000);
    const auto longest =
        static_cast<int64_t>(static_cast<double>(interval_ms) * (1.0 + options_.jitter));
    // A last check "in the future" means the wall clock stepped back: counted from now.
    due = std::min(due, std::min(last_check_ms, now_ms) + longest);
  }
  SetDue(doc, entry, due);
  return due;
}

void Scheduler::Remove(DocHandle doc) {
  Entry* entry = Find(doc);
  if (entry == nullptr) return;
  if (entry->in_flight) {
    --in_flight_count_;
  } else {
    Dequeue(entry->queue_position);
  }
  *entry = Entry{};
  --size_;
}

bool Scheduler::Contains(DocHandle doc) const { return Find(doc) != nullptr; }

std::optional<int64_t> Scheduler::NextDueMs() const {
  if (queue_.empty()) return std::nullopt;
  return queue_.front().due_ms;
}

std::vector<DocHandle> Scheduler::PopDue(int64_t now_ms, std::size_t max_count) {
  std::vector<DocHandle> due;
  while (!queue_.empty() && due.size() < max_count && queue_.front().due_ms <= now_ms) {
    const DocHandle doc = queue_.front().doc;
    Dequeue(0);
    Entry& entry = entries_[doc];
    entry.in_flight = true;
    entry.check_requested = false;
    ++in_flight_count_;
    due.push_back(doc);
  }
  return due;
}

void Scheduler::Complete(DocHandle doc, int64_t next_due_ms) {
  Entry* entry = Find(doc);
  if (entry == nullptr || !entry->in_flight) return;
  entry->in_flight = false;
  --in_flight_count_;
  const int64_t due = entry->check_requested ? std::min(entry->due_ms, next_due_ms) : next_due_ms;
  entry->check_requested = false;
  entry->due_ms = due;
  Enqueue(doc, due);
}

bool Scheduler::CheckNow(DocHandle doc, int64_t now_ms) {
  Entry* entry = Find(doc);
  if (entry == nullptr) return false;
  if (entry->in_flight) {
    entry->check_requested = true;
    entry->due_ms = now_ms;
    return true;
  }
  SetDue(doc, *entry, std::min(entry->due_ms, now_ms));
  return true;
}

std::optional<int64_t> Scheduler::DueMs(DocHandle doc) const {
  const Entry* entry = Find(doc);
  if (entry == nullptr) return std::nullopt;
  return entry->due_ms;
}

bool Scheduler::InFlight(DocHandle doc) const {
  const Entry* entry = Find(doc);
  return entry != nullptr && entry->in_flight;
}

Scheduler::Entry* Scheduler::Find(DocHandle doc) {
  return doc < entries_.size() && entries_[doc].present ? &entries_[doc] : nullptr;
}

const Scheduler::Entry* Scheduler::Find(DocHandle doc) const {
  return doc < entries_.size() && entries_[doc].present ? &entries_[doc] : nullptr;
}

void Scheduler::SetDue(DocHandle doc, Entry& entry, int64_t due_ms) {
  entry.due_ms = due_ms;
  if (entry.in_flight) return;  // queued again by Complete
  if (entry.queue_position == kNotQueued) {
    Enqueue(doc, due_ms);
  } else {
    Requeue(entry.queue_position, due_ms);
  }
}

// The due queue.

void Scheduler::Enqueue(DocHandle doc, int64_t due_ms) {
  const auto position = static_cast<uint32_t>(queue_.size());
  queue_.push_back(Queued{due_ms, doc});
  entries_[doc].queue_position = position;
  SiftUp(position);
}

void Scheduler::Dequeue(uint32_t position) {
  entries_[queue_[position].doc].queue_position = kNotQueued;
  const Queued last = queue_.back();
  queue_.pop_back();
  if (position == queue_.size()) return;  // it was the last one
  const bool moves_up = last < queue_[position];
  Place(position, last);
  if (moves_up) {
    SiftUp(position);
  } else {
    SiftDown(position);
  }
}

void Scheduler::Requeue(uint32_t position, int64_t due_ms) {
  const int64_t before = queue_[position].due_ms;
  queue_[position].due_ms = due_ms;
  if (due_ms < before) {
    SiftUp(position);
  } else {
    SiftDown(position);
  }
}

void Scheduler::Place(uint32_t position, Queued item) {
  queue_[position] = item;
  entries_[item.doc].queue_position = position;
}

void Scheduler::SiftUp(uint32_t position) {
  const Queued item = queue_[position];
  while (position > 0) {
    const uint32_t parent = (position - 1) / kArity;
    if (!(item < queue_[parent])) break;
    Place(position, queue_[parent]);
    position = parent;
  }
  Place(position, item);
}

void Scheduler::SiftDown(uint32_t position) {
  const Queued item = queue_[position];
  const auto size = static_cast<uint32_t>(queue_.size());
  for (;;) {
    const uint32_t first_child = position * kArity + 1;
    if (first_child >= size) break;
    const uint32_t end = std::min(first_child + kArity, size);
    uint32_t smallest = first_child;
    for (uint32_t child = first_child + 1; child < end; ++child) {
      if (queue_[child] < queue_[smallest]) smallest = child;
    }
    if (!(queue_[smallest] < item)) break;
    Place(position, queue_[smallest]);
    position = smallest;
  }
  Place(position, item);
}

}  // namespace policyd

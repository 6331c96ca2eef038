// Scheduler: which document is due when. A pure data structure (no event loop, no I/O): the
// daemon asks it for the next due time, arms one timer, and pops what is due.
//
// Policy:
//  - a document seen for the first time is due at a random point in its first-check window
//    (so a start with hundreds of targets is not a burst);
//  - a document with a persisted due time keeps it (due times survive restarts);
//  - after a successful check the next due time is now + interval, moved by up to
//    ±jitter·interval so documents drift apart instead of synchronising;
//  - after a failed check: exponential backoff from `retry_base` (doubling per consecutive
//    failure, with jitter), capped by the interval; a server's Retry-After is honoured up to
//    the interval;
//  - CheckNow makes a document due immediately.
// A document that is in flight is not popped again until Complete() is called for it.
#ifndef POLICYD_SCHEDULER_H_
#define POLICYD_SCHEDULER_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <vector>

namespace policyd {

struct ScheduleOptions {
  double jitter = 0.1;                              // share of the interval, 0..0.5
  std::chrono::milliseconds first_check_window{0};  // 0 = the document's interval
  std::chrono::milliseconds retry_base{60'000};     // first retry after a failure
};

// Next due time after a check, as a pure function so that the worker that commits a check
// can persist it in the same batch. `consecutive_failures` is 0 after a success.
int64_t NextDueAfterCheck(const ScheduleOptions& options, std::chrono::milliseconds interval,
                          int64_t now_ms, int consecutive_failures,
                          std::optional<std::chrono::milliseconds> retry_after,
                          std::mt19937_64& rng);

// A document as the scheduler knows it: a small dense integer the caller chooses (the daemon's
// document table uses its slot index), so that the scheduler holds no id strings. The caller
// may reuse a handle after Remove(); the scheduler then knows only the new document.
using DocHandle = uint32_t;

// Memory: 16 bytes per handle up to the largest one used (removed handles included), plus 16
// bytes per queued document. Every operation but NextDueMs (O(1)) is O(log n).
class Scheduler {
 public:
  explicit Scheduler(ScheduleOptions options, uint64_t seed = std::random_device{}());

  // Adds a document or updates its interval. `persisted_due_ms` > 0 keeps that due time;
  // otherwise a new document is placed at random inside its first-check window from `now_ms`.
  // An existing document keeps its due time unless `persisted_due_ms` > 0. Either way, a
  // document checked before (`last_check_ms` > 0) is due no later than `interval` and its
  // jitter after that check: an interval shortened (by a reload, or while the daemon was
  // stopped) applies from the last check, not after the next one; a last check after `now_ms`
  // (the wall clock stepped back) counts as now. Returns the due time.
  int64_t Upsert(DocHandle doc, std::chrono::milliseconds interval, int64_t persisted_due_ms,
                 int64_t last_check_ms, int64_t now_ms);
  // Forgets a document (a check in flight for it simply completes unscheduled).
  void Remove(DocHandle doc);
  bool Contains(DocHandle doc) const;

  // The earliest due time among documents not in flight, if any.
  std::optional<int64_t> NextDueMs() const;
  // Documents due at or before `now_ms`, earliest first (equal due times in handle order), at
  // most `max_count`; they are marked in flight.
  std::vector<DocHandle> PopDue(int64_t now_ms, std::size_t max_count);
  // Ends a check: the document is due again at `next_due_ms` (unless CheckNow was requested
  // meanwhile, in which case it is due at once). Ignored unless the document is in flight.
  void Complete(DocHandle doc, int64_t next_due_ms);
  // Makes a document due now (if in flight: right after the current check). False if unknown.
  bool CheckNow(DocHandle doc, int64_t now_ms);

  std::optional<int64_t> DueMs(DocHandle doc) const;
  bool InFlight(DocHandle doc) const;
  std::size_t size() const { return size_; }
  std::size_t in_flight() const { return in_flight_count_; }

 private:
  static constexpr uint32_t kNotQueued = UINT32_MAX;
  struct Entry {
    int64_t due_ms = 0;
    uint32_t queue_position = kNotQueued;  // index in queue_, kNotQueued while in flight
    bool present = false;
    bool in_flight = false;
    bool check_requested = false;
  };
  // One queued document. Ordered by due time, then handle: equal due times pop in a fixed
  // order.
  struct Queued {
    int64_t due_ms;
    DocHandle doc;
    bool operator<(const Queued& other) const {
      return due_ms != other.due_ms ? due_ms < other.due_ms : doc < other.doc;
    }
  };

  Entry* Find(DocHandle doc);
  const Entry* Find(DocHandle doc) const;
  void SetDue(DocHandle doc, Entry& entry, int64_t due_ms);
  // The due queue: a 4-ary min-heap of queue_, each entry's queue_position kept up to date.
  void Enqueue(DocHandle doc, int64_t due_ms);
  void Dequeue(uint32_t position);
  void Requeue(uint32_t position, int64_t due_ms);
  void Place(uint32_t position, Queued item);
  void SiftUp(uint32_t position);
  void SiftDown(uint32_t position);

  ScheduleOptions options_;
  std::mt19937_64 rng_;
  std::vector<Entry> entries_;  // by handle
  std::vector<Queued> queue_;   // only documents not in flight
  std::size_t size_ = 0;
  std::size_t in_flight_count_ = 0;
};

}  // namespace policyd

#endif  // POLICYD_SCHEDULER_H_

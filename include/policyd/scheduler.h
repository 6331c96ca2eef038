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
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <utility>
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

class Scheduler {
 public:
  explicit Scheduler(ScheduleOptions options, uint64_t seed = std::random_device{}());

  // Adds a document or updates its interval. `persisted_due_ms` > 0 keeps that due time;
  // otherwise a new document is placed at random inside its first-check window from `now_ms`.
  // An existing document keeps its due time unless `persisted_due_ms` > 0. Returns the due time.
  int64_t Upsert(const std::string& doc_id, std::chrono::milliseconds interval,
                 int64_t persisted_due_ms, int64_t now_ms);
  // Forgets a document (a check in flight for it simply completes unscheduled).
  void Remove(const std::string& doc_id);
  bool Contains(const std::string& doc_id) const;

  // The earliest due time among documents not in flight, if any.
  std::optional<int64_t> NextDueMs() const;
  // Documents due at or before `now_ms`, earliest first, at most `max_count`; they are marked
  // in flight.
  std::vector<std::string> PopDue(int64_t now_ms, std::size_t max_count);
  // Ends a check: the document is due again at `next_due_ms` (unless CheckNow was requested
  // meanwhile, in which case it is due at once).
  void Complete(const std::string& doc_id, int64_t next_due_ms);
  // Makes a document due now (if in flight: right after the current check). False if unknown.
  bool CheckNow(const std::string& doc_id, int64_t now_ms);

  std::optional<int64_t> DueMs(const std::string& doc_id) const;
  bool InFlight(const std::string& doc_id) const;
  std::size_t size() const { return entries_.size(); }
  std::size_t in_flight() const { return in_flight_count_; }

 private:
  struct Entry {
    std::chrono::milliseconds interval{0};
    int64_t due_ms = 0;
    bool in_flight = false;
    bool check_requested = false;
  };
  void SetDue(const std::string& doc_id, Entry& entry, int64_t due_ms);

  ScheduleOptions options_;
  std::mt19937_64 rng_;
  std::map<std::string, Entry> entries_;
  std::set<std::pair<int64_t, std::string>> due_queue_;  // only documents not in flight
  std::size_t in_flight_count_ = 0;
};

}  // namespace policyd

#endif  // POLICYD_SCHEDULER_H_

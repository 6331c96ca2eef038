// `check` with "wait": clients waiting for checks to end, as a component without I/O (the
// daemon feeds it what happens to checks and arms one timer for the earliest deadline).
//
// The contract:
//   - A wait names documents (distinct); it is answered exactly once, with one outcome per
//     document in the order given, when a check of each has ended or at its deadline,
//     whichever comes first: {"complete": bool, "outcomes": [...], ...extra}.
//   - Any check of a document that ends after the wait began counts, whoever asked for it: a
//     check already running or queued is joined, never duplicated (the daemon only schedules
//     documents that are not in flight).
//   - An outcome is the check record's ("changed", "unchanged", "first_seen", "reread",
//     "failed", "not_modified", "suspicious", "adopted": CheckResultName) with its failure reason
//     and message (cut at kMaxMessageBytes), the version it stored, its duration; or how the wait
//     for it ended without a record (CheckWaitEnd).
//   - Bounded: at most kMaxWaits waits at once (Full); a wait holds its document ids and one
//     small outcome per document ended, nothing more. A client that disconnects does not end
//     its wait (the checks still run, and are recorded); its answer is dropped by the control
//     server, at the latest at the deadline.
//   - `respond` is called after the wait has been removed, so it may add a wait itself.
#ifndef POLICYD_DAEMON_CHECK_WAITERS_H_
#define POLICYD_DAEMON_CHECK_WAITERS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/store.h"

namespace policyd {

// How the wait for one document ended without a check record of it.
enum class CheckWaitEnd {
  kTimedOut,     // "timed_out": the check had not ended at the wait's deadline
  kAbandoned,    // "abandoned": it ended without being a check (document removed, stopping)
  kNotRecorded,  // "not_recorded": it ran, but the store refused its commit (storage error)
  kNotOwner,     // "not_owner": [fleet] another member checks it (or this one has not joined)
};
std::string_view CheckWaitEndName(CheckWaitEnd end);

class CheckWaiters {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  // Called once, with the result object (the daemon wraps it in ControlOk).
  using Respond = std::function<void(nlohmann::json result)>;

  // As many as the default control clients: each waiting client holds one connection anyway.
  static constexpr std::size_t kMaxWaits = 16;
  static constexpr std::size_t kMaxMessageBytes = 512;

  bool Full() const { return waits_.size() >= kMaxWaits; }
  std::size_t size() const { return waits_.size(); }

  // Waits for a check of each of `doc_ids` to end, until `deadline`. `extra`'s fields are
  // added to the answer. Without documents, it is answered at once.
  void Add(std::vector<std::string> doc_ids, TimePoint deadline, nlohmann::json extra,
           Respond respond);
  // A check of `doc_id` was committed; `duration` is how long it took. `not_requested`: it
  // failed without a request, its host resting (CheckOutcome::not_requested).
  void Finished(const std::string& doc_id, const CheckRecord& check,
                std::chrono::milliseconds duration, bool not_requested = false);
  // A check of `doc_id` ended without a record (not kTimedOut: that is ExpireDue's).
  void Ended(const std::string& doc_id, CheckWaitEnd end, std::string_view message);
  // Answers every wait whose deadline is at or before `now`; the documents whose check has
  // not ended are kTimedOut.
  void ExpireDue(TimePoint now);
  // The documents some wait has no outcome for yet, each once, by id.
  std::vector<std::string> WaitedDocuments() const;
  // The earliest deadline of the waits, if any.
  std::optional<TimePoint> NextDeadline() const;
  // Every check still waited for ended the same way (kAbandoned at shutdown, before the
  // control connections close): each wait is answered.
  void EndAll(CheckWaitEnd end, std::string_view message);
  // Drops every wait without answering (shutdown: the connections are closed already).
  void Clear();

 private:
  struct Wait {
    std::vector<std::string> doc_ids;
    std::vector<nlohmann::json> outcomes;  // per document; null until its check ends
    std::size_t pending = 0;
    TimePoint deadline;
    nlohmann::json extra;
    Respond respond;
  };
  // Records `outcome` for every wait on `doc_id` and answers the waits it completes.
  void Resolve(const std::string& doc_id, const nlohmann::json& outcome);
  // Removes wait `id` (and its entries in by_doc_) and returns it.
  Wait Take(uint64_t id);
  static void Answer(Wait wait, bool complete);

  uint64_t next_id_ = 1;
  std::map<uint64_t, Wait> waits_;
  // doc id -> (wait id, index of the document in that wait), for waits still pending on it.
  std::multimap<std::string, std::pair<uint64_t, std::size_t>> by_doc_;
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_CHECK_WAITERS_H_

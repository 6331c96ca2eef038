// What the daemon tells its operator about checks, as a component without I/O: it decides
// which check lines are worth a log line and builds the periodic summary. Issue 17: 674
// documents started offline gave about 1,900 warnings in six minutes and never a summary.
//
// The contract:
//   - Every check is counted (Record). A summary (Summarize), asked for every
//     `log_summary_interval` and at shutdown, covers the checks since the previous one:
//       summary: 674 checked (12 changed, 640 unchanged, 22 failed: dns 10, timeout 8,
//       http_5xx 4) in 5m
//     "changed" counts changed checks; "first seen" and "reread" appear before and after it
//     only when there are some (a first start is not 674 "changed" pages); "unchanged" counts
//     unchanged and not_modified; "held back" (suspicious) appears only when there is one. Reasons
//     are listed most frequent first (then by name). A window without checks has no summary.
//   - Failures are grouped by (host, reason) within a window: the first failure of a group is
//     worth a warning (Record says kWarn); the next ones only a debug line (kDebug) and are
//     counted. When many hosts fail for one reason (offline, every host fails "dns"), only the
//     first kMaxWarningsPerReason groups of that reason warn; the summary then says
//       dns: 340 hosts failed in the last 5m; the first 10 were warnings, the others debug lines
//     and it adds one line per group that failed more than once:
//       example.com:443: 14 failures (timeout) in the last 5m, e.g. example/privacy-policy
//     largest first, at most kMaxGroupLines of them (then "... and N more hosts with repeated
//     failures").
//   - Bounded: at most kMaxGroups groups are tracked per window. A failure of a new group
//     beyond that counts as the first of its group each time (the per-reason limit still
//     applies), and is not named in the group lines.
//   - Time is passed in (steady clock), never read.
#ifndef POLICYD_DAEMON_CHECK_LOG_DIGEST_H_
#define POLICYD_DAEMON_CHECK_LOG_DIGEST_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "policyd/check.h"
#include "policyd/store.h"

namespace policyd {

class CheckLogDigest {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;

  static constexpr std::size_t kMaxGroups = 1024;
  static constexpr std::size_t kMaxGroupLines = 20;
  static constexpr uint64_t kMaxWarningsPerReason = 10;

  // How loud the line of one check should be.
  enum class Level { kDebug, kInfo, kWarn };

  // `window_start`: when the first window begins (the daemon's start).
  explicit CheckLogDigest(TimePoint window_start) : window_start_(window_start) {}

  // Counts one check of `doc_id` and says how loud its own line should be: failures as
  // above, new versions (first_seen, changed, reread) kInfo, everything else kDebug.
  // `host` is the document's host key, host:port ("" when unknown: grouped under "" all the same).
  Level Record(const std::string& doc_id, const std::string& host, CheckResult result,
               FailureReason reason);

  // The same for a stored check record (its outcome and reason by name; a name no result
  // has counts as a failure of unknown reason). A failed check `not_requested` (its host held:
  // CheckOutcome::not_requested) is counted apart, "N not requested: their host held", with
  // no warning and no group: the hold's own warning said it, and it is not its reason's failure.
  Level Record(const std::string& doc_id, const std::string& host, const CheckRecord& check,
               bool not_requested = false);

  // A check whose commit the store refused (a storage error): counted apart, "N not recorded:
  // the store refused their commits"; the storage error has its own log lines.
  void RecordNotRecorded() {
    ++checked_;
    ++not_recorded_;
  }

  // The summary of the window that ends at `now` (empty when it had no checks): the summary
  // line first, then the repeated-failure lines. Starts the next window at `now`.
  std::vector<std::string> Summarize(TimePoint now);

 private:
  struct ReasonHosts {
    uint64_t hosts = 0;   // groups of this reason begun in the window (untracked ones too)
    uint64_t warned = 0;  // of which the first failure was a warning
  };
  struct Group {
    uint64_t failures = 0;
    std::string example_doc;  // the first document that failed in the window
  };

  std::string SummaryLine(std::chrono::milliseconds window) const;
  void AppendQuietedLines(std::chrono::milliseconds window, std::vector<std::string>* lines) const;
  void AppendGroupLines(std::chrono::milliseconds window, std::vector<std::string>* lines) const;

  TimePoint window_start_;
  uint64_t checked_ = 0;
  uint64_t first_seen_ = 0;
  uint64_t changed_ = 0;
  uint64_t reread_ = 0;
  uint64_t unchanged_ = 0;
  uint64_t held_back_ = 0;
  uint64_t failed_ = 0;
  uint64_t not_requested_ = 0;
  uint64_t not_recorded_ = 0;
  std::map<FailureReason, uint64_t> failed_by_reason_;
  std::map<std::pair<std::string, FailureReason>, Group> groups_;  // (host, reason)
  std::map<FailureReason, ReasonHosts> hosts_by_reason_;           // bounded by the enum
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_CHECK_LOG_DIGEST_H_

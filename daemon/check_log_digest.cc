#include "check_log_digest.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "policyd/clock.h"

namespace policyd {
namespace {

// Whole seconds from a second on ("5m", "1m30s"): the summary is for people, not benchmarks.
std::string WindowText(std::chrono::milliseconds window) {
  if (window >= std::chrono::seconds(1)) {
    return FormatDuration(std::chrono::duration_cast<std::chrono::seconds>(window));
  }
  return FormatDuration(window);
}

std::optional<CheckResult> ResultOfName(std::string_view name) {
  for (const CheckResult result :
       {CheckResult::kFirstSeen, CheckResult::kChanged, CheckResult::kUnchanged,
        CheckResult::kNotModified, CheckResult::kReread, CheckResult::kAdopted,
        CheckResult::kSuspicious, CheckResult::kFailed}) {
    if (CheckResultName(result) == name) return result;
  }
  return std::nullopt;
}

// A reason's name in the log; a record whose reason is not known is "unknown".
std::string ReasonText(FailureReason reason) {
  const std::string_view name = FailureReasonName(reason);
  return name.empty() ? "unknown" : std::string(name);
}

}  // namespace

CheckLogDigest::Level CheckLogDigest::Record(const std::string& doc_id, const std::string& host,
                                             const CheckRecord& check, bool not_requested) {
  const CheckResult result = ResultOfName(check.outcome).value_or(CheckResult::kFailed);
  if (result == CheckResult::kFailed && not_requested) {
    ++checked_;
    ++not_requested_;
    return Level::kDebug;
  }
  const FailureReason reason = result == CheckResult::kFailed
                                   ? ParseFailureReason(check.reason).value_or(FailureReason::kNone)
                                   : FailureReason::kNone;
  return Record(doc_id, host, result, reason);
}

CheckLogDigest::Level CheckLogDigest::Record(const std::string& doc_id, const std::string& host,
                                             CheckResult result, FailureReason reason) {
  ++checked_;
  switch (result) {
    case CheckResult::kFirstSeen:
      ++first_seen_;
      return Level::kInfo;
    case CheckResult::kChanged:
      ++changed_;
      return Level::kInfo;
    case CheckResult::kReread:  // a new reading, not a change of the page
      ++reread_;
      return Level::kInfo;
    case CheckResult::kUnchanged:
    case CheckResult::kNotModified:
    case CheckResult::kAdopted:  // [fleet] the fleet's current text: nothing new to announce
      ++unchanged_;
      return Level::kDebug;
    case CheckResult::kSuspicious:
      ++held_back_;
      return Level::kDebug;
    case CheckResult::kFailed:
      break;
  }
  ++failed_;
  ++failed_by_reason_[reason];
  const auto key = std::make_pair(host, reason);
  if (const auto it = groups_.find(key); it != groups_.end()) {
    ++it->second.failures;
    return Level::kDebug;
  }
  if (groups_.size() < kMaxGroups) groups_.emplace(key, Group{1, doc_id});
  // A new host failing for this reason. When many do (offline: every host fails "dns"), the
  // first few warnings say it; the summary counts the rest.
  ReasonHosts& hosts = hosts_by_reason_[reason];
  ++hosts.hosts;
  if (hosts.warned >= kMaxWarningsPerReason) return Level::kDebug;
  ++hosts.warned;
  return Level::kWarn;
}

std::vector<std::string> CheckLogDigest::Summarize(TimePoint now) {
  std::vector<std::string> lines;
  const auto window = std::chrono::duration_cast<std::chrono::milliseconds>(now - window_start_);
  if (checked_ > 0) {
    lines.push_back(SummaryLine(window));
    AppendQuietedLines(window, &lines);
    AppendGroupLines(window, &lines);
  }
  *this = CheckLogDigest(now);
  return lines;
}

std::string CheckLogDigest::SummaryLine(std::chrono::milliseconds window) const {
  std::string line = "summary: " + std::to_string(checked_) + " checked (";
  // A first start is mostly first versions: not "changed" (no page changed).
  if (first_seen_ > 0) line += std::to_string(first_seen_) + " first seen, ";
  line += std::to_string(changed_) + " changed, ";
  if (reread_ > 0) line += std::to_string(reread_) + " reread, ";
  line += std::to_string(unchanged_) + " unchanged, ";
  if (held_back_ > 0) line += std::to_string(held_back_) + " held back, ";
  line += std::to_string(failed_) + " failed";
  std::vector<std::pair<FailureReason, uint64_t>> reasons(failed_by_reason_.begin(),
                                                          failed_by_reason_.end());
  std::stable_sort(reasons.begin(), reasons.end(), [](const auto& a, const auto& b) {
    if (a.second != b.second) return a.second > b.second;
    return ReasonText(a.first) < ReasonText(b.first);
  });
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    line += i == 0 ? ": " : ", ";
    line += ReasonText(reasons[i].first) + " " + std::to_string(reasons[i].second);
  }
  if (not_requested_ > 0) {
    line += ", " + std::to_string(not_requested_) + " not requested: their host held";
  }
  if (not_recorded_ > 0) {
    line += ", " + std::to_string(not_recorded_) + " not recorded: the store refused their commits";
  }
  return line + ") in " + WindowText(window);
}

void CheckLogDigest::AppendQuietedLines(std::chrono::milliseconds window,
                                        std::vector<std::string>* lines) const {
  for (const auto& [reason, hosts] : hosts_by_reason_) {
    if (hosts.hosts <= hosts.warned) continue;
    lines->push_back(ReasonText(reason) + ": " + std::to_string(hosts.hosts) +
                     " hosts failed in the last " + WindowText(window) + "; the first " +
                     std::to_string(hosts.warned) + " were warnings, the others debug lines");
  }
}

void CheckLogDigest::AppendGroupLines(std::chrono::milliseconds window,
                                      std::vector<std::string>* lines) const {
  using GroupRef = std::pair<const std::pair<std::string, FailureReason>*, const Group*>;
  std::vector<GroupRef> repeated;
  for (const auto& [key, group] : groups_) {
    if (group.failures > 1) repeated.emplace_back(&key, &group);
  }
  // Largest first; the map's (host, reason) order breaks ties, so the lines are stable.
  std::stable_sort(repeated.begin(), repeated.end(), [](const GroupRef& a, const GroupRef& b) {
    return a.second->failures > b.second->failures;
  });
  const std::size_t shown = std::min(repeated.size(), kMaxGroupLines);
  for (std::size_t i = 0; i < shown; ++i) {
    const auto& [host, reason] = *repeated[i].first;
    lines->push_back((host.empty() ? std::string("(unknown host)") : host) + ": " +
                     std::to_string(repeated[i].second->failures) + " failures (" +
                     ReasonText(reason) + ") in the last " + WindowText(window) + ", e.g. " +
                     repeated[i].second->example_doc);
  }
  if (repeated.size() > shown) {
    lines->push_back("... and " + std::to_string(repeated.size() - shown) +
                     " more hosts with repeated failures");
  }
}

}  // namespace policyd

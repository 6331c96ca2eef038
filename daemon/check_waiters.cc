#include "check_waiters.h"

#include <algorithm>
#include <utility>

#include "policyd/check.h"
#include "policyd/clock.h"
#include "policyd/text_bounds.h"

namespace policyd {

std::string_view CheckWaitEndName(CheckWaitEnd end) {
  switch (end) {
    case CheckWaitEnd::kTimedOut:
      return "timed_out";
    case CheckWaitEnd::kAbandoned:
      return "abandoned";
    case CheckWaitEnd::kNotRecorded:
      return "not_recorded";
    case CheckWaitEnd::kNotOwner:
      return "not_owner";
  }
  return "abandoned";
}

namespace {

// The results whose check stored a version (its text hash is the version's id).
bool StoredVersion(std::string_view result) {
  return result == CheckResultName(CheckResult::kFirstSeen) ||
         result == CheckResultName(CheckResult::kChanged) ||
         result == CheckResultName(CheckResult::kReread) ||
         result == CheckResultName(CheckResult::kAdopted);
}

nlohmann::json FinishedOutcome(const std::string& doc_id, const CheckRecord& check,
                               std::chrono::milliseconds duration, bool not_requested) {
  nlohmann::json outcome = {{"doc", doc_id},
                            {"result", check.outcome},
                            {"time", FormatTimestamp(check.time_ms)},
                            {"duration_ms", duration.count()},
                            {"http_status", check.http_status}};
  if (!check.reason.empty()) outcome["reason"] = check.reason;
  if (not_requested) outcome["not_requested"] = true;
  if (!check.message.empty()) {
    outcome["message"] = TruncateUtf8(check.message, CheckWaiters::kMaxMessageBytes);
  }
  if (!check.text_hash.empty()) outcome["text_hash"] = check.text_hash;
  if (StoredVersion(check.outcome)) outcome["version"] = check.text_hash;
  return outcome;
}

nlohmann::json EndedOutcome(const std::string& doc_id, CheckWaitEnd end, std::string_view message) {
  return {{"doc", doc_id},
          {"result", CheckWaitEndName(end)},
          {"message", TruncateUtf8(message, CheckWaiters::kMaxMessageBytes)}};
}

}  // namespace

void CheckWaiters::Add(std::vector<std::string> doc_ids, TimePoint deadline, nlohmann::json extra,
                       Respond respond) {
  Wait wait;
  wait.outcomes.resize(doc_ids.size());
  wait.pending = doc_ids.size();
  wait.doc_ids = std::move(doc_ids);
  wait.deadline = deadline;
  wait.extra = std::move(extra);
  wait.respond = std::move(respond);
  if (wait.pending == 0) {
    Answer(std::move(wait), /*complete=*/true);
    return;
  }
  const uint64_t id = next_id_++;
  for (std::size_t i = 0; i < wait.doc_ids.size(); ++i) {
    by_doc_.emplace(wait.doc_ids[i], std::make_pair(id, i));
  }
  waits_.emplace(id, std::move(wait));
}

void CheckWaiters::Finished(const std::string& doc_id, const CheckRecord& check,
                            std::chrono::milliseconds duration, bool not_requested) {
  if (by_doc_.count(doc_id) == 0) return;
  Resolve(doc_id, FinishedOutcome(doc_id, check, duration, not_requested));
}

std::vector<std::string> CheckWaiters::WaitedDocuments() const {
  std::vector<std::string> ids;
  for (auto it = by_doc_.begin(); it != by_doc_.end(); it = by_doc_.upper_bound(it->first)) {
    ids.push_back(it->first);
  }
  return ids;
}

void CheckWaiters::Ended(const std::string& doc_id, CheckWaitEnd end, std::string_view message) {
  if (by_doc_.count(doc_id) == 0) return;
  Resolve(doc_id, EndedOutcome(doc_id, end, message));
}

void CheckWaiters::Resolve(const std::string& doc_id, const nlohmann::json& outcome) {
  std::vector<uint64_t> completed;
  const auto [begin, end] = by_doc_.equal_range(doc_id);
  for (auto it = begin; it != end; ++it) {
    const auto [wait_id, index] = it->second;
    Wait& wait = waits_.at(wait_id);
    wait.outcomes[index] = outcome;
    if (--wait.pending == 0) completed.push_back(wait_id);
  }
  by_doc_.erase(begin, end);
  // Taken out first, answered after: an answer may lead to a new wait.
  std::vector<Wait> answered;
  for (const uint64_t id : completed) answered.push_back(Take(id));
  for (Wait& wait : answered) Answer(std::move(wait), /*complete=*/true);
}

void CheckWaiters::ExpireDue(TimePoint now) {
  std::vector<Wait> expired;
  for (auto it = waits_.begin(); it != waits_.end();) {
    const uint64_t id = it->first;
    const bool due = it->second.deadline <= now;
    ++it;  // Take erases `id`
    if (due) expired.push_back(Take(id));
  }
  for (Wait& wait : expired) {
    for (std::size_t i = 0; i < wait.doc_ids.size(); ++i) {
      if (wait.outcomes[i].is_null()) {
        wait.outcomes[i] = EndedOutcome(wait.doc_ids[i], CheckWaitEnd::kTimedOut,
                                        "the check had not ended when the wait timed out");
      }
    }
    Answer(std::move(wait), /*complete=*/false);
  }
}

std::optional<CheckWaiters::TimePoint> CheckWaiters::NextDeadline() const {
  std::optional<TimePoint> earliest;
  for (const auto& [id, wait] : waits_) {
    if (!earliest || wait.deadline < *earliest) earliest = wait.deadline;
  }
  return earliest;
}

void CheckWaiters::EndAll(CheckWaitEnd end, std::string_view message) {
  while (!by_doc_.empty()) {
    const std::string doc_id = by_doc_.begin()->first;  // copied: Ended erases its entries
    Ended(doc_id, end, message);
  }
}

void CheckWaiters::Clear() {
  by_doc_.clear();
  waits_.clear();
}

CheckWaiters::Wait CheckWaiters::Take(uint64_t id) {
  auto node = waits_.extract(id);
  Wait wait = std::move(node.mapped());
  for (std::size_t i = 0; i < wait.doc_ids.size(); ++i) {
    if (!wait.outcomes[i].is_null()) continue;  // its entry is gone already
    const auto [begin, end] = by_doc_.equal_range(wait.doc_ids[i]);
    for (auto it = begin; it != end; ++it) {
      if (it->second.first == id) {
        by_doc_.erase(it);
        break;
      }
    }
  }
  return wait;
}

void CheckWaiters::Answer(Wait wait, bool complete) {
  nlohmann::json result = std::move(wait.extra);
  if (!result.is_object()) result = nlohmann::json::object();
  result["complete"] = complete;
  result["outcomes"] = nlohmann::json(std::move(wait.outcomes));
  wait.respond(std::move(result));
}

}  // namespace policyd

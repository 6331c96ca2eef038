#include "check_events.h"

#include <algorithm>

#include "policyd/clock.h"
#include "policyd/event_names.h"
#include "policyd/version_segments.h"

namespace policyd {
namespace {

nlohmann::json EventBase(EventType type, const DocumentSpec& spec, int64_t now_ms) {
  return {{"type", std::string(EventTypeName(type))},
          {"time", FormatTimestamp(now_ms)},
          {"doc", spec.id},
          {"platform", spec.platform},
          {"doc_type", spec.type},
          {"url", spec.url}};
}

std::size_t CountLines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

}  // namespace

nlohmann::json FetchFailedEvent(const DocumentSpec& spec, int64_t now_ms, FailureReason reason,
                                const std::string& message, long http_status,
                                int consecutive_failures) {
  nlohmann::json event = EventBase(EventType::kFetchFailed, spec, now_ms);
  event["reason"] = FailureReasonName(reason);
  event["message"] = message;
  event["http_status"] = http_status;
  event["consecutive_failures"] = consecutive_failures;
  return event;
}

nlohmann::json RecoveredEvent(const DocumentSpec& spec, int64_t now_ms, int failures) {
  nlohmann::json event = EventBase(EventType::kRecovered, spec, now_ms);
  event["failures"] = failures;
  return event;
}

nlohmann::json FirstSeenEvent(const DocumentSpec& spec, int64_t now_ms,
                              const std::string& final_url, const std::string& lang,
                              const std::string& hash, const std::string& text) {
  nlohmann::json event = EventBase(EventType::kFirstSeen, spec, now_ms);
  event["final_url"] = final_url;
  event["lang"] = lang;
  event["hash"] = hash;
  event["lines"] = CountLines(text);
  return event;
}

nlohmann::json ChangedEvent(const DocumentSpec& spec, int64_t now_ms, const std::string& final_url,
                            const std::string& lang, const TextComparison& comparison,
                            bool reread) {
  nlohmann::json event = EventBase(reread ? EventType::kReread : EventType::kChanged, spec, now_ms);
  event["final_url"] = final_url;
  event["lang"] = lang;
  event["old_hash"] = comparison.old_hash;
  event["new_hash"] = comparison.new_hash;
  event["lines_added"] = comparison.summary.lines_added;
  event["lines_removed"] = comparison.summary.lines_removed;
  event["sections"] = comparison.summary.sections;
  event["sections_truncated"] = comparison.summary.sections_truncated;
  event["diff_approximate"] = comparison.summary.approximate;
  event["change_class"] = ChangeClassName(comparison.classification.change_class);
  event["words_added"] = comparison.classification.words_added;
  event["words_removed"] = comparison.classification.words_removed;
  event["segments"] = SegmentChangesJson(comparison.segment_changes);
  event["segments_truncated"] = comparison.segment_changes_truncated;
  event["segments_approximate"] = comparison.segments_approximate;
  return event;
}

nlohmann::json ChangedElsewhereEvent(const DocumentSpec& spec, int64_t now_ms,
                                     const std::string& final_url, const std::string& lang,
                                     const TextComparison& comparison,
                                     const std::string& previous_member) {
  nlohmann::json event = ChangedEvent(spec, now_ms, final_url, lang, comparison);
  event["diff_unavailable"] = true;
  event["previous_member"] = previous_member;
  return event;
}

}  // namespace policyd

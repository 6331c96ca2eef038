// The events a check stores, built in one place so that every event of a type has the same
// fields (docs/EVENTS.md and docs/events.schema.json define them).
#ifndef POLICYD_CHECK_CHECK_EVENTS_H_
#define POLICYD_CHECK_CHECK_EVENTS_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "policyd/check.h"
#include "policyd/diff.h"
#include "policyd/segments.h"

namespace policyd {

// document.fetch_failed: the failure streak reached its threshold (or robots.txt forbids).
nlohmann::json FetchFailedEvent(const DocumentSpec& spec, int64_t now_ms, FailureReason reason,
                                const std::string& message, long http_status,
                                int consecutive_failures);

// document.recovered: the first usable response after a reported failure streak.
nlohmann::json RecoveredEvent(const DocumentSpec& spec, int64_t now_ms, int failures);

// document.first_seen: the document's first version.
nlohmann::json FirstSeenEvent(const DocumentSpec& spec, int64_t now_ms,
                              const std::string& final_url, const std::string& lang,
                              const std::string& hash, const std::string& text);

// What the comparison of a new text with the current version found.
struct TextComparison {
  std::string old_hash;
  std::string new_hash;
  DiffSummary summary;
  ChangeClassification classification;
  // The changed segments (policyd/segments.h), in the new text's order, and how many more the
  // alignment left out; approximate when its work bound was reached.
  std::vector<SegmentChange> segment_changes;
  std::size_t segment_changes_truncated = 0;
  bool segments_approximate = false;
};

// document.changed: a new version. With `reread`, document.reread: a new version of the same
// page, read differently (the same fields).
nlohmann::json ChangedEvent(const DocumentSpec& spec, int64_t now_ms, const std::string& final_url,
                            const std::string& lang, const TextComparison& comparison,
                            bool reread = false);

// [fleet] document.changed from the fleet's version, whose text another member holds
// (`previous_member`): the fields of document.changed with `diff_unavailable: true` and the
// diff's counts, sections and segments empty (docs/EVENTS.md).
nlohmann::json ChangedElsewhereEvent(const DocumentSpec& spec, int64_t now_ms,
                                     const std::string& final_url, const std::string& lang,
                                     const TextComparison& comparison,
                                     const std::string& previous_member);

}  // namespace policyd

#endif  // POLICYD_CHECK_CHECK_EVENTS_H_

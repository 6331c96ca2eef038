#include "check_view.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <map>
#include <string_view>
#include <vector>

#include "policyd/human_units.h"
#include "policyd/json_fields.h"
#include "table.h"

namespace policyd {
namespace {

// The summary's order: new versions, then what stayed, then what went wrong. Results not
// listed (a newer daemon's) come after, by name.
constexpr std::array<std::string_view, 12> kResultOrder = {
    "first_seen", "changed", "reread",        "adopted",   "unchanged", "not_modified",
    "suspicious", "failed",  "not_requested", "timed_out", "abandoned", "not_recorded"};

// The outcome as shown: a failed check its host's rest held was never requested, which the
// table and the summary say apart from failures (the log's summary and the metrics do too).
std::string ShownResult(const nlohmann::json& outcome) {
  const bool not_requested =
      FieldString(outcome, "result") == "failed" && FieldBool(outcome, "not_requested");
  return not_requested ? "not_requested" : FieldText(outcome, "result");
}

std::string Detail(const nlohmann::json& outcome) {
  const std::string result = FieldString(outcome, "result");
  if (!FieldString(outcome, "version").empty())
    return "new version " + ShortHash(outcome, "version");
  if (result == "failed")
    return FieldText(outcome, "reason") + ": " + FieldText(outcome, "message");
  if (result == "timed_out") return "still running";
  return FieldText(outcome, "message");
}

std::string Duration(const nlohmann::json& outcome) {
  const auto ms = FieldInt(outcome, "duration_ms");
  return ms ? HumanDuration(std::chrono::milliseconds(*ms)) : "-";
}

std::string Summary(const nlohmann::json& outcomes) {
  std::map<std::string, std::size_t> counts;
  for (const auto& outcome : outcomes) ++counts[ShownResult(outcome)];
  std::vector<std::pair<std::string, std::size_t>> ordered;
  for (const std::string_view result : kResultOrder) {
    const auto it = counts.find(std::string(result));
    if (it == counts.end()) continue;
    ordered.emplace_back(*it);
    counts.erase(it);
  }
  ordered.insert(ordered.end(), counts.begin(), counts.end());
  std::string line =
      std::to_string(outcomes.size()) + (outcomes.size() == 1 ? " document: " : " documents: ");
  for (std::size_t i = 0; i < ordered.size(); ++i) {
    std::string name = ordered[i].first;
    std::replace(name.begin(), name.end(), '_', ' ');
    line += (i == 0 ? "" : ", ") + std::to_string(ordered[i].second) + " " + name;
    if (ordered[i].first == "not_requested") line += " (their host held)";
  }
  return line + "\n";
}

}  // namespace

std::string RenderCheckOutcomes(const nlohmann::json& result) {
  const auto outcomes = result.find("outcomes");
  if (outcomes == result.end() || !outcomes->is_array() || outcomes->empty()) {
    return "no documents to check\n";
  }
  Table table({"DOCUMENT", "OUTCOME", "DETAIL", "DURATION"});
  for (const auto& outcome : *outcomes) {
    const std::string shown = ShownResult(outcome);
    table.AddRow({FieldText(outcome, "doc"), shown == "not_requested" ? "not requested" : shown,
                  Detail(outcome), Duration(outcome)});
  }
  std::string out = table.Render() + Summary(*outcomes);
  if (!FieldBool(result, "complete", true)) {
    out += "timed out before every check ended; those still run (see `policyctl show DOC`)\n";
  }
  return out;
}

}  // namespace policyd

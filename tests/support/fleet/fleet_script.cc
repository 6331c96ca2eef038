// The simulation's scripts: parsing "20m join m10; 40m crash m03" and the default one.
#include <algorithm>
#include <cstdio>

#include "policyd/clock.h"
#include "policyd/fleet_options.h"
#include "support/fleet/fleet_simulation.h"

namespace policyd::testing {
namespace {

constexpr FleetEventKind kKinds[] = {FleetEventKind::kJoin,      FleetEventKind::kCrash,
                                     FleetEventKind::kReturn,    FleetEventKind::kLeave,
                                     FleetEventKind::kPartition, FleetEventKind::kHeal};

std::string_view Trim(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return text;
}

}  // namespace

const char* FleetEventKindName(FleetEventKind kind) {
  switch (kind) {
    case FleetEventKind::kJoin:
      return "join";
    case FleetEventKind::kCrash:
      return "crash";
    case FleetEventKind::kReturn:
      return "return";
    case FleetEventKind::kLeave:
      return "leave";
    case FleetEventKind::kPartition:
      return "partition";
    case FleetEventKind::kHeal:
      return "heal";
  }
  return "join";
}

std::string SimulatedMemberId(std::size_t index) {
  char id[16];
  std::snprintf(id, sizeof id, "m%02zu", index);
  return id;
}

Result<std::vector<FleetScriptEvent>> ParseFleetScript(std::string_view text) {
  std::vector<FleetScriptEvent> events;
  while (!text.empty()) {
    const std::size_t end = std::min(text.find(';'), text.size());
    const std::string_view entry = Trim(text.substr(0, end));
    text.remove_prefix(std::min(end + 1, text.size()));
    if (entry.empty()) continue;
    const std::size_t first = entry.find(' ');
    const std::size_t second = first == std::string_view::npos ? first : entry.find(' ', first + 1);
    if (second == std::string_view::npos) {
      return Status::InvalidArgument("script entry '" + std::string(entry) +
                                     "' is not '<time> <event> <member>'");
    }
    const auto at = ParseDuration(entry.substr(0, first));
    const std::string_view kind_name = entry.substr(first + 1, second - first - 1);
    const std::string member(Trim(entry.substr(second + 1)));
    const auto kind = std::find_if(std::begin(kKinds), std::end(kKinds), [&](FleetEventKind k) {
      return kind_name == FleetEventKindName(k);
    });
    if (!at)
      return Status::InvalidArgument("bad time in script entry '" + std::string(entry) + "'");
    if (kind == std::end(kKinds)) {
      return Status::InvalidArgument("unknown event '" + std::string(kind_name) +
                                     "' (join, crash, return, leave, partition, heal)");
    }
    if (!IsValidFleetMemberId(member)) {
      return Status::InvalidArgument("bad member id '" + member + "'");
    }
    events.push_back({at->count(), *kind, member});
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& a, const auto& b) { return a.at_ms < b.at_ms; });
  return events;
}

std::vector<FleetScriptEvent> DefaultFleetScript(std::size_t members) {
  using std::chrono::minutes;
  const auto at = [](minutes m) { return std::chrono::milliseconds(m).count(); };
  const std::string newcomer = SimulatedMemberId(members);
  std::vector<FleetScriptEvent> script = {{at(minutes(20)), FleetEventKind::kJoin, newcomer}};
  if (members >= 2) {
    const std::string crashing = SimulatedMemberId(members > 3 ? 3 : 1);
    const std::string partitioned = SimulatedMemberId(members > 5 ? 5 : 0);
    script.push_back({at(minutes(40)), FleetEventKind::kCrash, crashing});
    script.push_back({at(minutes(60)), FleetEventKind::kReturn, crashing});
    script.push_back({at(minutes(80)), FleetEventKind::kPartition, partitioned});
    script.push_back({at(minutes(82)), FleetEventKind::kHeal, partitioned});
    script.push_back({at(minutes(100)), FleetEventKind::kLeave, newcomer});
  }
  if (members >= 4) {
    script.push_back({at(minutes(120)), FleetEventKind::kCrash, SimulatedMemberId(1)});
    script.push_back({at(minutes(120)), FleetEventKind::kCrash, SimulatedMemberId(members - 1)});
  }
  return script;
}

}  // namespace policyd::testing

// The simulation's report as a table for people and as JSON (fleet_simulation.h).
#include <cstdio>

#include "support/fleet/fleet_simulation.h"

namespace policyd::testing {
namespace {

std::string Clock(int64_t ms) {
  char text[32];
  const int64_t seconds = ms / 1000;
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", static_cast<long long>(seconds / 3600),
                static_cast<long long>(seconds / 60 % 60), static_cast<long long>(seconds % 60));
  return text;
}

std::string Seconds(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(ms) / 1000.0);
  return text;
}

std::string Percent(double share) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f%%", 100.0 * share);
  return text;
}

std::string Row(const std::vector<std::string>& cells, const std::vector<int>& widths) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    char cell[128];
    std::snprintf(cell, sizeof cell, i == 0 ? "%-*s" : " %*s", widths[i], cells[i].c_str());
    line += cell;
  }
  return line + "\n";
}

}  // namespace

std::string FormatFleetReport(const FleetSimulationReport& report) {
  const std::vector<int> widths = {26, 8, 5, 7, 7, 7, 8, 8, 6, 7, 4, 6, 6, 6, 6, 14, 13};
  std::string out = Row(
      {"change", "at", "live", "moved", "moved%", "ideal%", "take.max", "take.p99", "bound",
       "checks", "dup", "late1s", ">bound", "aband", "waits", "unown/multi/bad", "docs min/max"},
      widths);
  for (const FleetChangeReport& change : report.changes) {
    const double moved = report.documents == 0 ? 0
                                               : static_cast<double>(change.moved) /
                                                     static_cast<double>(report.documents);
    const std::string settled = change.settled ? std::to_string(change.unclaimed) + "/" +
                                                     std::to_string(change.multiply_claimed) + "/" +
                                                     std::to_string(change.wrongly_claimed)
                                               : "-";
    const std::string balance = change.settled ? std::to_string(change.min_documents) + "/" +
                                                     std::to_string(change.max_documents)
                                               : "-";
    // The table keeps a long label's start; the JSON has all of it.
    const std::string label =
        change.label.size() <= 26 ? change.label : change.label.substr(0, 24) + "..";
    out += Row({label, Clock(change.at_ms),
                std::to_string(change.members_before) + ">" + std::to_string(change.members_after),
                std::to_string(change.moved), Percent(moved), Percent(change.ideal_share),
                Seconds(change.takeover_max_ms), Seconds(change.takeover_p99_ms),
                Seconds(change.takeover_bound_ms), std::to_string(change.checks),
                std::to_string(change.duplicates), std::to_string(change.late_1s),
                std::to_string(change.late_over_bound), std::to_string(change.abandoned),
                std::to_string(change.lease_waits), settled, balance},
               widths);
  }
  char totals[512];
  std::snprintf(
      totals, sizeof totals,
      "\n%zu documents over %zu registrable domains, %s simulated: %llu checks "
      "(%llu completed, %llu abandoned), duplicate concurrent checks %llu, late >1s "
      "%llu, late beyond the bound %llu, missed %zu, max lateness %s s\n"
      "bucket: %llu reads, %llu writes (%.1f/s)\n"
      "plan (wall clock): registrable domains %.1f ms, plan %.1f ms, owners %.1f ms\n",
      report.documents, report.domains, Clock(report.duration_ms).c_str(),
      static_cast<unsigned long long>(report.checks),
      static_cast<unsigned long long>(report.completed),
      static_cast<unsigned long long>(report.abandoned),
      static_cast<unsigned long long>(report.duplicates),
      static_cast<unsigned long long>(report.late_1s),
      static_cast<unsigned long long>(report.late_over_bound), report.missed,
      Seconds(report.max_lateness_ms).c_str(), static_cast<unsigned long long>(report.kv_reads),
      static_cast<unsigned long long>(report.kv_writes),
      report.duration_ms > 0 ? 1000.0 * static_cast<double>(report.kv_reads + report.kv_writes) /
                                   static_cast<double>(report.duration_ms)
                             : 0.0,
      report.domains_wall_ms, report.plan_wall_ms, report.owners_wall_ms);
  return out + totals;
}

nlohmann::json FleetReportJson(const FleetSimulationReport& report) {
  nlohmann::json changes = nlohmann::json::array();
  for (const FleetChangeReport& change : report.changes) {
    changes.push_back({{"label", change.label},
                       {"at_ms", change.at_ms},
                       {"members_before", change.members_before},
                       {"members_after", change.members_after},
                       {"moved", change.moved},
                       {"ideal_share", change.ideal_share},
                       {"moved_checked", change.moved_checked},
                       {"takeover_max_ms", change.takeover_max_ms},
                       {"takeover_p99_ms", change.takeover_p99_ms},
                       {"takeover_bound_ms", change.takeover_bound_ms},
                       {"checks", change.checks},
                       {"duplicates", change.duplicates},
                       {"late_1s", change.late_1s},
                       {"late_over_bound", change.late_over_bound},
                       {"abandoned", change.abandoned},
                       {"lease_waits", change.lease_waits},
                       {"settled", change.settled},
                       {"unclaimed", change.unclaimed},
                       {"multiply_claimed", change.multiply_claimed},
                       {"wrongly_claimed", change.wrongly_claimed},
                       {"min_documents", change.min_documents},
                       {"max_documents", change.max_documents}});
  }
  return {{"documents", report.documents},
          {"domains", report.domains},
          {"duration_ms", report.duration_ms},
          {"checks", report.checks},
          {"completed", report.completed},
          {"abandoned", report.abandoned},
          {"duplicates", report.duplicates},
          {"late_1s", report.late_1s},
          {"late_over_bound", report.late_over_bound},
          {"missed", report.missed},
          {"max_lateness_ms", report.max_lateness_ms},
          {"kv_reads", report.kv_reads},
          {"kv_writes", report.kv_writes},
          {"domains_wall_ms", report.domains_wall_ms},
          {"plan_wall_ms", report.plan_wall_ms},
          {"owners_wall_ms", report.owners_wall_ms},
          {"changes", changes}};
}

}  // namespace policyd::testing

// The fleet simulation (issue 19 item 5): simulated members running the real FleetMember
// logic (policyd/fleet_member.h) against one InMemoryKv bucket, on a simulated clock, with
// documents that fall due at their intervals and checks that take time; and a script of
// joins, crashes, returns, clean leaves and partitions. It measures what the fleet's design
// promises: the documents each membership change moves (against the ideal share), how long
// the new owners take to check what was orphaned (against ttl), duplicate concurrent checks
// (must be 0), late and missed checks, and the balance between members.
//
// Model:
//  - each member has its own clock (real time + a fixed offset within the skew given) and
//    its own view, refreshed at its own heartbeat (a random phase in the interval);
//  - a due document is offered to every member whose view says it owns it (TryStart); a
//    document nobody may start waits until a view changes or its lease may be retried;
//  - a check renews its lease at NextRenewal(), is abandoned when Continue() says stop (at
//    its deadline when the bucket is unreachable), and asks Continue() once more before it
//    completes; a completed check makes the document due again an interval later (the due
//    times are shared, as the fleet's event stream will share them);
//  - a crash ends the member's checks at once without releasing anything; a return is a new
//    incarnation of the same id; a leave abandons the checks and calls Leave(); a partition
//    makes the bucket answer kUnavailable to that member only.
// Deterministic for a seed: std::mt19937_64 and integer arithmetic only, events in (time,
// sequence) order.
#ifndef POLICYD_TESTS_SUPPORT_FLEET_FLEET_SIMULATION_H_
#define POLICYD_TESTS_SUPPORT_FLEET_FLEET_SIMULATION_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/fleet_options.h"
#include "policyd/status.h"

namespace policyd::testing {

enum class FleetEventKind { kJoin, kCrash, kReturn, kLeave, kPartition, kHeal };
const char* FleetEventKindName(FleetEventKind kind);  // "join", "crash", ...

struct FleetScriptEvent {
  int64_t at_ms = 0;  // from the start of the simulation
  FleetEventKind kind = FleetEventKind::kJoin;
  std::string member;
};

// "20m join m10; 40m crash m03; 60m return m03; 80m partition m05; 82m heal m05" (times as
// ParseDuration reads them); events sorted by time, ties in the order written.
Result<std::vector<FleetScriptEvent>> ParseFleetScript(std::string_view text);
// The default script for `members` starting members (m00, m01, ...), every 20 minutes: a
// join, a crash, its return, a 2-minute partition, a clean leave, two crashes at once.
std::vector<FleetScriptEvent> DefaultFleetScript(std::size_t members);
// The id of starting member `index`: "m00", "m01", ...
std::string SimulatedMemberId(std::size_t index);

struct FleetSimulationOptions {
  std::size_t documents = 100'000;
  std::size_t members = 10;  // at the start
  uint64_t seed = 1;
  FleetTiming timing;
  // Member clocks are spread over this range (so any two differ by at most this much);
  // negative = timing.max_clock_skew, the bound the leases assume.
  std::chrono::milliseconds clock_spread{-1};
  std::map<std::string, int64_t> clock_offsets_ms;  // per member, instead of the spread
  std::chrono::milliseconds min_interval = std::chrono::minutes(5);
  std::chrono::milliseconds max_interval = std::chrono::minutes(30);
  std::chrono::milliseconds min_check = std::chrono::seconds(1);
  std::chrono::milliseconds max_check = std::chrono::seconds(30);
  std::chrono::milliseconds duration = std::chrono::minutes(140);
  std::vector<FleetScriptEvent> script;
};

// One membership change (or the start) and what happened until the next one.
struct FleetChangeReport {
  std::string label;  // "start", "join m10", "crash m01, m09", ...
  int64_t at_ms = 0;
  std::size_t members_before = 0;  // live (up and reachable) members
  std::size_t members_after = 0;
  // Documents whose owner (by the live members) changed, and the share that ideally would:
  // one member's worth per member added or removed, of the larger member set.
  std::size_t moved = 0;
  double ideal_share = 0;
  // Moved documents checked by their new owner before the next change, and how late those
  // checks were (from the change, or the document's due time when later): the takeover.
  std::size_t moved_checked = 0;
  int64_t takeover_max_ms = 0;
  int64_t takeover_p99_ms = 0;
  int64_t takeover_bound_ms = 0;  // ttl + heartbeat + max_clock_skew (+ the lease wait: 0)
  // Checks started in the window, and of them: a second concurrent check of one document;
  // late by more than 1 s and by more than takeover_bound_ms; abandoned; lease waits
  // (TryStart answered kLeaseHeld).
  uint64_t checks = 0;
  uint64_t duplicates = 0;
  uint64_t late_1s = 0;
  uint64_t late_over_bound = 0;
  uint64_t abandoned = 0;
  uint64_t lease_waits = 0;
  // Once the views settled (ttl + 2 heartbeats + skew + 1 s after the change): documents
  // claimed by no joined member (while some member is live), by several, by one that is not
  // the owner among the live members; and the fewest and most documents one member claimed.
  bool settled = false;
  std::size_t unclaimed = 0;
  std::size_t multiply_claimed = 0;
  std::size_t wrongly_claimed = 0;
  std::size_t min_documents = 0;
  std::size_t max_documents = 0;
};

struct FleetSimulationReport {
  std::vector<FleetChangeReport> changes;
  std::size_t documents = 0;
  std::size_t domains = 0;
  uint64_t checks = 0;
  uint64_t completed = 0;
  uint64_t duplicates = 0;  // over the whole run: must be 0
  uint64_t abandoned = 0;
  uint64_t late_1s = 0;
  uint64_t late_over_bound = 0;
  std::size_t missed = 0;  // documents overdue by more than the bound at the end
  int64_t max_lateness_ms = 0;
  uint64_t kv_reads = 0;
  uint64_t kv_writes = 0;
  int64_t duration_ms = 0;
  // Wall-clock cost of the plan for this target list (not simulated time): registrable
  // domains of every URL, the plan's hashes, and one Owners() for the starting members.
  double domains_wall_ms = 0;
  double plan_wall_ms = 0;
  double owners_wall_ms = 0;
};

FleetSimulationReport RunFleetSimulation(const FleetSimulationOptions& options);

std::string FormatFleetReport(const FleetSimulationReport& report);
nlohmann::json FleetReportJson(const FleetSimulationReport& report);

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_FLEET_FLEET_SIMULATION_H_

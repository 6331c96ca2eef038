// The fleet simulation (tests/support/fleet) at a small size: what issue 19 asks of the fleet,
// on the real FleetMember logic.
#include "support/fleet/fleet_simulation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

FleetSimulationOptions Small(const std::string& script) {
  FleetSimulationOptions options;
  options.documents = 2000;
  options.members = 5;
  options.seed = 7;
  options.duration = minutes(50);
  auto parsed = ParseFleetScript(script);
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  if (parsed.ok()) options.script = std::move(*parsed);
  return options;
}

const FleetChangeReport& Change(const FleetSimulationReport& report, const std::string& label) {
  for (const FleetChangeReport& change : report.changes) {
    if (change.label == label) return change;
  }
  ADD_FAILURE() << "no change " << label;
  return report.changes.front();
}

// Every settled view gives each document exactly one owner, the rendezvous owner among the
// live members.
void ExpectSettled(const FleetSimulationReport& report) {
  for (const FleetChangeReport& change : report.changes) {
    EXPECT_TRUE(change.settled) << change.label;
    EXPECT_EQ(change.unclaimed, 0u) << change.label;
    EXPECT_EQ(change.multiply_claimed, 0u) << change.label;
    EXPECT_EQ(change.wrongly_claimed, 0u) << change.label;
  }
}

TEST(FleetSimulationTest, CrashReturnAndJoinWithoutDuplicatesAndWithinTheTakeoverBound) {
  FleetSimulationOptions options = Small("10m crash m02; 25m return m02; 40m join m05");
  options.clock_spread = milliseconds(0);
  const FleetSimulationReport report = RunFleetSimulation(options);
  const int64_t ttl = options.timing.member_ttl.count();
  const int64_t heartbeat = options.timing.heartbeat_interval.count();

  ASSERT_EQ(report.changes.size(), 4u);
  EXPECT_GT(report.checks, 5'000u);
  EXPECT_EQ(report.duplicates, 0u);
  EXPECT_EQ(report.missed, 0u);
  ExpectSettled(report);

  // The crash: its share moves (one member's documents: between the fewest and the most
  // one member had), and what fell due meanwhile is checked by the new owners within ttl +
  // one heartbeat, not before the crashed member could be seen dead.
  const FleetChangeReport& start = Change(report, "start");
  const FleetChangeReport& crash = Change(report, "crash m02");
  EXPECT_EQ(crash.members_after, 4u);
  EXPECT_GE(crash.moved, start.min_documents);
  EXPECT_LE(crash.moved, start.max_documents);
  EXPECT_GT(crash.moved_checked, 0u);
  EXPECT_LE(crash.takeover_max_ms, ttl + heartbeat);
  EXPECT_GE(crash.takeover_max_ms, ttl - heartbeat);
  EXPECT_GT(crash.late_1s, 0u);
  EXPECT_EQ(crash.late_over_bound, 0u);

  // The return: the same documents move back, and the returning member checks them when due.
  const FleetChangeReport& back = Change(report, "return m02");
  EXPECT_EQ(back.moved, crash.moved);
  EXPECT_LE(back.takeover_max_ms, heartbeat);

  // A join takes about 1/(N+1) of the documents.
  const FleetChangeReport& join = Change(report, "join m05");
  EXPECT_EQ(join.members_after, 6u);
  EXPECT_NEAR(static_cast<double>(join.moved) / 2000, 1.0 / 6, 0.04);
  EXPECT_LE(join.takeover_max_ms, heartbeat);
  // Balance once settled: no member far from 2000/6.
  EXPECT_GT(join.min_documents, 2000 / 6 / 2);
  EXPECT_LT(join.max_documents, 2000 / 6 * 2);
}

// A partition with long checks in flight: the cut-off member abandons them at their
// deadlines, before the others may take the leases; clocks apart by up to the bound.
TEST(FleetSimulationTest, APartitionedMemberStopsItsChecksBeforeOthersTakeThem) {
  FleetSimulationOptions options = Small("10m partition m01; 12m heal m01");
  options.duration = minutes(20);
  options.min_check = seconds(20);
  options.max_check = seconds(60);
  options.clock_offsets_ms = {{"m01", -1000}};  // the bound: 1 s behind the others
  options.clock_spread = milliseconds(0);
  const FleetSimulationReport report = RunFleetSimulation(options);
  EXPECT_EQ(report.duplicates, 0u);
  ExpectSettled(report);
  const FleetChangeReport& partition = Change(report, "partition m01");
  EXPECT_GT(partition.abandoned, 0u);  // at their deadlines
  EXPECT_LE(partition.takeover_max_ms, partition.takeover_bound_ms);
}

// The same partition with the cut-off member's clock 4 s behind while the leases assume at
// most 1 s: the others take its leases while it still checks. The simulation counts it.
TEST(FleetSimulationTest, ClockSkewBeyondTheBoundShowsAsDuplicateChecks) {
  FleetSimulationOptions options = Small("10m partition m01; 12m heal m01");
  options.duration = minutes(20);
  options.min_check = seconds(20);
  options.max_check = seconds(60);
  options.clock_offsets_ms = {{"m01", -4000}};
  options.clock_spread = milliseconds(0);
  const FleetSimulationReport report = RunFleetSimulation(options);
  EXPECT_GT(report.duplicates, 0u);
  EXPECT_EQ(Change(report, "partition m01").duplicates, report.duplicates);
}

TEST(FleetSimulationTest, TheSameSeedGivesTheSameRun) {
  FleetSimulationOptions options = Small("10m crash m02; 20m join m05");
  options.duration = minutes(25);
  nlohmann::json first = FleetReportJson(RunFleetSimulation(options));
  nlohmann::json second = FleetReportJson(RunFleetSimulation(options));
  for (nlohmann::json* run : {&first, &second}) {
    for (const char* wall : {"domains_wall_ms", "plan_wall_ms", "owners_wall_ms"}) run->erase(wall);
  }
  EXPECT_EQ(first, second);
  options.seed = 8;
  nlohmann::json other = FleetReportJson(RunFleetSimulation(options));
  EXPECT_NE(first["checks"], other["checks"]);
}

TEST(FleetScriptTest, ParsesEventsInTimeOrderAndRefusesMistakes) {
  const auto script = ParseFleetScript("40m crash m03; 20m join m10 ;; 1h30m heal m05");
  ASSERT_TRUE(script.ok()) << script.status().ToString();
  ASSERT_EQ(script->size(), 3u);
  EXPECT_EQ((*script)[0].at_ms, 20 * 60'000);
  EXPECT_EQ((*script)[0].kind, FleetEventKind::kJoin);
  EXPECT_EQ((*script)[0].member, "m10");
  EXPECT_EQ((*script)[1].kind, FleetEventKind::kCrash);
  EXPECT_EQ((*script)[2].at_ms, 90 * 60'000);
  EXPECT_TRUE(ParseFleetScript("").ok());
  EXPECT_FALSE(ParseFleetScript("20m explode m01").ok());
  EXPECT_FALSE(ParseFleetScript("soon crash m01").ok());
  EXPECT_FALSE(ParseFleetScript("20m crash").ok());
  EXPECT_FALSE(ParseFleetScript("20m crash bad.id").ok());
  EXPECT_EQ(DefaultFleetScript(10).front().member, "m10");
}

// A NATS outage: every member cut off for two minutes. Nothing is checked meanwhile, nothing
// twice after: the members come back one heartbeat apart at most and wait one more before
// checking, so the first back does not start everything that fell due.
TEST(FleetSimulationTest, AnOutageOfTheBucketStopsEveryCheckAndNothingRunsTwiceAfter) {
  std::string script;
  for (int i = 0; i < 5; ++i) script += "10m partition " + SimulatedMemberId(i) + "; ";
  for (int i = 0; i < 5; ++i) script += "12m heal " + SimulatedMemberId(i) + "; ";
  FleetSimulationOptions options = Small(script);
  options.duration = minutes(20);
  const FleetSimulationReport report = RunFleetSimulation(options);
  EXPECT_EQ(report.duplicates, 0u);
  ExpectSettled(report);
  ASSERT_EQ(report.changes.size(), 3u);
  const FleetChangeReport& outage = report.changes[1];
  EXPECT_EQ(outage.label, "partition m00, m01, m02, m03, m04");
  EXPECT_EQ(outage.members_after, 0u);
  EXPECT_EQ(outage.checks, 0u);     // no lease can be taken
  EXPECT_GT(outage.abandoned, 0u);  // the checks in flight, at their deadlines
  // Back: everything is checked within two heartbeats (the first one back, and the wait).
  const FleetChangeReport& back = report.changes[2];
  EXPECT_EQ(back.members_after, 5u);
  EXPECT_EQ(back.lease_waits, 0u);
  EXPECT_LE(back.takeover_max_ms,
            2 * options.timing.heartbeat_interval.count() + options.timing.max_clock_skew.count());
  EXPECT_GT(back.late_over_bound, 0u);  // what fell due during the two minutes
  EXPECT_EQ(report.missed, 0u);
}

}  // namespace
}  // namespace policyd::testing

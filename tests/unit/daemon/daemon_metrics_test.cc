// The daemon's series (daemon_metrics.h): what each recorded check adds, and gauges and
// mirrored counters as the readings say.
#include "daemon_metrics.h"

#include <gtest/gtest.h>

#include <chrono>

namespace policyd {
namespace {

bool HasLine(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos;
}

CheckRecord Check(CheckResult result, std::string reason = "") {
  CheckRecord check;
  check.outcome = CheckResultName(result);
  check.reason = std::move(reason);
  return check;
}

TEST(DaemonMetricsTest, EveryOutcomeAndRecordedReasonIsASeriesFromTheStart) {
  auto metrics = DaemonMetrics::Create({}, false, 1'700'000'000'500);
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  const std::string text = (*metrics)->Exposition({});
  for (int i = static_cast<int>(CheckResult::kFirstSeen);
       i <= static_cast<int>(CheckResult::kFailed); ++i) {
    const std::string name(CheckResultName(static_cast<CheckResult>(i)));
    EXPECT_TRUE(HasLine(text, "policyd_checks_total{outcome=\"" + name + "\"} 0")) << name;
  }
  for (int i = static_cast<int>(FailureReason::kBadUrl); i <= static_cast<int>(kLastFailureReason);
       ++i) {
    const auto reason = static_cast<FailureReason>(i);
    const std::string line =
        "policyd_check_failures_total{reason=\"" + std::string(FailureReasonName(reason)) + "\"} 0";
    // `aborted` is never recorded (a shutdown is not a check): no series for it.
    EXPECT_EQ(HasLine(text, line), reason != FailureReason::kAborted) << line;
  }
  EXPECT_TRUE(HasLine(text, "policyd_process_start_time_seconds 1700000000.5"));
  EXPECT_EQ(text.find("policyd_browser_"), std::string::npos);
  EXPECT_EQ(text.find("policyd_webhook_"), std::string::npos);
}

TEST(DaemonMetricsTest, ChecksCountTheirOutcomeReasonVersionsEventsAndDuration) {
  auto metrics = DaemonMetrics::Create({}, false, 0);
  ASSERT_TRUE(metrics.ok());
  DaemonMetrics& m = **metrics;
  using std::chrono::milliseconds;
  m.CountCheck(Check(CheckResult::kFirstSeen), 1, milliseconds(20));
  m.CountCheck(Check(CheckResult::kReread), 1, milliseconds(20));
  m.CountCheck(Check(CheckResult::kFailed, "timeout"), 0, milliseconds(20'000));
  m.CountCheck(Check(CheckResult::kFailed, "timeout"), 1, milliseconds(20'000));  // fetch_failed
  // Not requested (the host held): a failed check, counted apart from the failure reasons.
  m.CountCheck(Check(CheckResult::kFailed, "timeout"), 0, milliseconds(0),
               /*not_requested=*/true);
  // A held-back shrink carries the reason "suspicious" but is not a failure.
  m.CountCheck(Check(CheckResult::kSuspicious, "suspicious"), 0, milliseconds(50));
  m.CountFetch(milliseconds(10));
  const std::string text = m.Exposition({});
  EXPECT_TRUE(HasLine(text, "policyd_checks_total{outcome=\"first_seen\"} 1"));
  EXPECT_TRUE(HasLine(text, "policyd_checks_total{outcome=\"reread\"} 1"));
  EXPECT_TRUE(HasLine(text, "policyd_checks_total{outcome=\"failed\"} 3"));
  EXPECT_TRUE(HasLine(text, "policyd_checks_not_requested_total 1"));
  EXPECT_TRUE(HasLine(text, "policyd_checks_total{outcome=\"suspicious\"} 1"));
  EXPECT_TRUE(HasLine(text, "policyd_check_failures_total{reason=\"timeout\"} 2"));
  EXPECT_EQ(text.find("reason=\"suspicious\""), std::string::npos);
  EXPECT_TRUE(HasLine(text, "policyd_versions_stored_total 2"));
  EXPECT_TRUE(HasLine(text, "policyd_events_stored_total 3"));
  EXPECT_TRUE(HasLine(text, "policyd_check_duration_seconds_bucket{le=\"0.025\"} 3"));
  EXPECT_TRUE(HasLine(text, "policyd_check_duration_seconds_bucket{le=\"0.05\"} 4"));
  EXPECT_TRUE(HasLine(text, "policyd_check_duration_seconds_bucket{le=\"10\"} 4"));
  EXPECT_TRUE(HasLine(text, "policyd_check_duration_seconds_bucket{le=\"30\"} 6"));
  EXPECT_TRUE(HasLine(text, "policyd_check_duration_seconds_count 6"));
  EXPECT_TRUE(HasLine(text, "policyd_fetch_duration_seconds_bucket{le=\"0.01\"} 1"));
  EXPECT_TRUE(HasLine(text, "policyd_fetch_duration_seconds_count 1"));
}

TEST(DaemonMetricsTest, GaugesFollowTheReadingsAndMirroredCountersNeverGoDown) {
  auto metrics = DaemonMetrics::Create({"ops", "chat"}, true, 0);
  ASSERT_TRUE(metrics.ok());
  DaemonMetrics::GaugeReadings readings;
  readings.documents_ok = 5;
  readings.documents_failing = 2;
  readings.due_not_dispatched = 3;
  readings.database_bytes = 1'048'576;
  readings.storage_error = true;
  WebhookStatus ops;
  ops.name = "ops";
  ops.cursor = 7;
  ops.last_seq = 10;
  ops.failing = true;
  ops.delivered = 7;
  WebhookStatus unknown;  // not configured at start: no series is made for it
  unknown.name = "later";
  readings.webhooks = {ops, unknown};
  readings.browser_running = true;
  readings.browser_pages_rendered = 4;
  std::string text = (*metrics)->Exposition(readings);
  EXPECT_TRUE(HasLine(text, "policyd_documents{state=\"ok\"} 5"));
  EXPECT_TRUE(HasLine(text, "policyd_documents{state=\"failing\"} 2"));
  EXPECT_TRUE(HasLine(text, "policyd_documents{state=\"pending\"} 0"));
  EXPECT_TRUE(HasLine(text, "policyd_scheduler_queue_depth 3"));
  EXPECT_TRUE(HasLine(text, "policyd_database_bytes 1048576"));
  EXPECT_TRUE(HasLine(text, "policyd_storage_error 1"));
  EXPECT_TRUE(HasLine(text, "policyd_webhook_lag_events{webhook=\"ops\"} 3"));
  EXPECT_TRUE(HasLine(text, "policyd_webhook_failing{webhook=\"ops\"} 1"));
  EXPECT_TRUE(HasLine(text, "policyd_webhook_deliveries_total{webhook=\"ops\"} 7"));
  EXPECT_TRUE(HasLine(text, "policyd_webhook_lag_events{webhook=\"chat\"} 0"));
  EXPECT_EQ(text.find("\"later\""), std::string::npos);
  EXPECT_TRUE(HasLine(text, "policyd_browser_running 1"));
  EXPECT_TRUE(HasLine(text, "policyd_browser_pages_rendered_total 4"));

  // A total lower than the counter (never happens; a counter must not go down anyway).
  readings.browser_pages_rendered = 2;
  readings.webhooks[0].delivered = 9;
  readings.storage_error = false;
  text = (*metrics)->Exposition(readings);
  EXPECT_TRUE(HasLine(text, "policyd_browser_pages_rendered_total 4"));
  EXPECT_TRUE(HasLine(text, "policyd_webhook_deliveries_total{webhook=\"ops\"} 9"));
  EXPECT_TRUE(HasLine(text, "policyd_storage_error 0"));
}

TEST(DaemonMetricsTest, TheFleetSeriesExistOnlyWithAFleetAndFollowItsReadings) {
  auto single = DaemonMetrics::Create({}, false, 0);
  ASSERT_TRUE(single.ok());
  EXPECT_EQ((*single)->Exposition({}).find("policyd_fleet_"), std::string::npos);

  auto metrics = DaemonMetrics::Create({}, false, 0, /*fleet_enabled=*/true);
  ASSERT_TRUE(metrics.ok()) << metrics.status().ToString();
  // Before the agent's first snapshot: every series at 0.
  std::string text = (*metrics)->Exposition({});
  EXPECT_TRUE(HasLine(text, "policyd_fleet_joined 0"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_lease_waits_total 0"));

  DaemonMetrics::GaugeReadings readings;
  readings.fleet = DaemonMetrics::GaugeReadings::Fleet{.joined = true,
                                                       .live_members = 3,
                                                       .documents_owned = 104,
                                                       .leases_held = 2,
                                                       .lag_ms = 1'500,
                                                       .lease_waits = 7,
                                                       .leases_lost = 1,
                                                       .checks_abandoned = 1,
                                                       .view_changes = 4,
                                                       .heartbeat_failures = 2};
  text = (*metrics)->Exposition(readings);
  EXPECT_TRUE(HasLine(text,
                      "# HELP policyd_fleet_joined 1 while this member is joined to its fleet (it "
                      "checks the documents it owns), else 0."));
  EXPECT_TRUE(HasLine(text, "# TYPE policyd_fleet_joined gauge"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_joined 1"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_live_members 3"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_documents_owned 104"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_leases_held 2"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_lag_seconds 1.5"));
  EXPECT_TRUE(HasLine(text, "# TYPE policyd_fleet_lease_waits_total counter"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_lease_waits_total 7"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_leases_lost_total 1"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_checks_abandoned_total 1"));
  EXPECT_TRUE(HasLine(text, "# TYPE policyd_fleet_view_changes_total counter"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_view_changes_total 4"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_heartbeat_failures_total 2"));

  // Left the fleet: the gauges drop; the counters keep what they counted.
  readings.fleet->joined = false;
  readings.fleet->live_members = 0;
  readings.fleet->lag_ms = 0;
  readings.fleet->lease_waits = 0;
  text = (*metrics)->Exposition(readings);
  EXPECT_TRUE(HasLine(text, "policyd_fleet_joined 0"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_live_members 0"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_lag_seconds 0"));
  EXPECT_TRUE(HasLine(text, "policyd_fleet_lease_waits_total 7"));
}

}  // namespace
}  // namespace policyd

// Issue 18 item 3: the real daemon's metrics after checks that produce a first_seen, a change,
// an unchanged and a 500 failure, read through the real policyctl and parsed by Prometheus's
// own parser (python3-prometheus-client, metrics_exposition_check.py): exact counts by outcome
// and reason, histogram counts equal to the checks, gauges as `status` reports them.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "daemon_harness.h"
#include "policyd/control.h"
#include "support/http_test_server.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;

// One sample as the parser read it.
struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

// The samples of `text`, read by Prometheus's parser; the test fails (empty result) when the
// checker refuses the text.
std::vector<Sample> ParseWithPrometheusClient(const std::filesystem::path& dir,
                                              const std::string& text) {
  const std::filesystem::path file = dir / "metrics.prom";
  std::ofstream(file) << text;
  const CommandResult checked =
      RunCommand({POLICYD_METRICS_PYTHON, POLICYD_METRICS_CHECKER, file.string()});
  EXPECT_EQ(checked.exit_code, 0) << checked.err << "\n" << text;
  std::vector<Sample> samples;
  if (checked.exit_code != 0) return samples;
  std::istringstream lines(checked.out);
  for (std::string line; std::getline(lines, line);) {
    const auto json = nlohmann::json::parse(line);
    Sample sample{.name = json["name"], .value = json["value"]};
    for (const auto& [key, value] : json["labels"].items()) sample.labels[key] = value;
    samples.push_back(std::move(sample));
  }
  return samples;
}

// The value of the one sample `name` with `labels`; NaN when there is none (or several).
double ValueOf(const std::vector<Sample>& samples, const std::string& name,
               const std::map<std::string, std::string>& labels = {}) {
  double value = std::nan("");
  int found = 0;
  for (const Sample& sample : samples) {
    if (sample.name == name && sample.labels == labels) {
      value = sample.value;
      ++found;
    }
  }
  return found == 1 ? value : std::nan("");
}

double SumOf(const std::vector<Sample>& samples, const std::string& name) {
  double sum = 0;
  for (const Sample& sample : samples) sum += sample.name == name ? sample.value : 0;
  return sum;
}

bool HasFamily(const std::vector<Sample>& samples, const std::string& prefix) {
  for (const Sample& sample : samples) {
    if (sample.name.starts_with(prefix)) return true;
  }
  return false;
}

TEST(MetricsTest, CountsChecksByOutcomeAndReasonAndParsesAsPrometheusText) {
  HttpTestServer server;
  server.Set("/hook", ServerError());  // a webhook receiver that never accepts: its lag grows
  DaemonHarness harness("\n[[webhooks]]\nname = \"ops\"\nurl = \"" + server.Url("/hook") +
                        "\"\nsecret = \"metrics-test-secret\"\nretry_min = \"100ms\"\n"
                        "retry_max = \"1s\"\n");
  WatchThreePrivacyPolicies(&server, &harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  // First pass: acme and initech first_seen, hooli failed (http_5xx).
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();

  // Second pass: acme changed, hooli failed again, initech unchanged.
  server.Set("/acme/privacy",
             PolicyPage("Acme Privacy", "Acme collects your email and your address."));
  const auto waited = harness.Control(
      {{"cmd", "check"}, {"all", true}, {"wait", true}, {"timeout", "50s"}}, kWaitForAnswer);
  ASSERT_EQ(waited["ok"], true) << waited.dump() << harness.log();
  ASSERT_EQ(waited["result"]["outcomes"].size(), 3u);

  EventSubscriber subscriber(harness.events_socket(), std::nullopt);  // one subscriber
  const auto status = harness.Control({{"cmd", "status"}})["result"];
  const uint64_t last_seq = status["last_seq"];
  ASSERT_GE(last_seq, 3u);  // two first_seen and a changed, at least

  // The control command answers the text; policyctl prints it as it is.
  const auto raw = harness.Control({{"cmd", "metrics"}});
  ASSERT_EQ(raw["ok"], true) << raw.dump();
  EXPECT_TRUE(raw["result"]["text"].get<std::string>().starts_with("# HELP "));
  const CommandResult printed = harness.Policyctl({"metrics"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const std::vector<Sample> samples = ParseWithPrometheusClient(harness.dir(), printed.out);
  ASSERT_FALSE(samples.empty());

  const std::string checks = "policyd_checks_total";
  EXPECT_EQ(ValueOf(samples, checks, {{"outcome", "first_seen"}}), 2);
  EXPECT_EQ(ValueOf(samples, checks, {{"outcome", "changed"}}), 1);
  EXPECT_EQ(ValueOf(samples, checks, {{"outcome", "unchanged"}}), 1);
  EXPECT_EQ(ValueOf(samples, checks, {{"outcome", "failed"}}), 2);
  // Every outcome is there from the start, at 0 until it happens.
  EXPECT_EQ(ValueOf(samples, checks, {{"outcome", "not_modified"}}), 0);
  EXPECT_EQ(ValueOf(samples, checks, {{"outcome", "reread"}}), 0);
  EXPECT_EQ(ValueOf(samples, checks, {{"outcome", "suspicious"}}), 0);
  EXPECT_EQ(SumOf(samples, checks), 6);
  EXPECT_EQ(ValueOf(samples, "policyd_check_failures_total", {{"reason", "http_5xx"}}), 2);
  EXPECT_EQ(ValueOf(samples, "policyd_check_failures_total", {{"reason", "timeout"}}), 0);
  EXPECT_EQ(SumOf(samples, "policyd_check_failures_total"), 2);
  EXPECT_TRUE(std::isnan(ValueOf(samples, "policyd_check_failures_total", {{"reason", ""}})));

  // One observation per check, and per page fetched (one page per document here).
  EXPECT_EQ(ValueOf(samples, "policyd_check_duration_seconds_count"), 6);
  EXPECT_EQ(ValueOf(samples, "policyd_check_duration_seconds_bucket", {{"le", "+Inf"}}), 6);
  EXPECT_GT(ValueOf(samples, "policyd_check_duration_seconds_sum"), 0);
  EXPECT_EQ(ValueOf(samples, "policyd_fetch_duration_seconds_count"), 6);
  EXPECT_EQ(ValueOf(samples, "policyd_fetch_duration_seconds_bucket", {{"le", "60"}}), 6);

  EXPECT_EQ(ValueOf(samples, "policyd_versions_stored_total"), 3);
  EXPECT_EQ(ValueOf(samples, "policyd_events_stored_total"), static_cast<double>(last_seq));
  EXPECT_EQ(ValueOf(samples, "policyd_last_event_sequence"), static_cast<double>(last_seq));
  EXPECT_EQ(ValueOf(samples, "policyd_documents", {{"state", "ok"}}), 2);
  EXPECT_EQ(ValueOf(samples, "policyd_documents", {{"state", "failing"}}), 1);
  EXPECT_EQ(ValueOf(samples, "policyd_documents", {{"state", "pending"}}), 0);
  EXPECT_EQ(ValueOf(samples, "policyd_feed_subscribers"), 1);
  EXPECT_EQ(ValueOf(samples, "policyd_checks_in_progress"), 0);
  EXPECT_EQ(ValueOf(samples, "policyd_fetches_running"), 0);
  EXPECT_EQ(ValueOf(samples, "policyd_scheduler_queue_depth"), 0);
  EXPECT_EQ(ValueOf(samples, "policyd_storage_error"), 0);
  EXPECT_GT(ValueOf(samples, "policyd_database_bytes"), 0);
  // The receiver refuses everything: nothing delivered, every stored event still to send.
  EXPECT_EQ(ValueOf(samples, "policyd_webhook_lag_events", {{"webhook", "ops"}}),
            static_cast<double>(last_seq));
  EXPECT_EQ(ValueOf(samples, "policyd_webhook_deliveries_total", {{"webhook", "ops"}}), 0);

  const std::string version = status["version"];
  bool build_info = false;
  for (const Sample& sample : samples) {
    if (sample.name != "policyd_build_info") continue;
    build_info = true;
    EXPECT_EQ(sample.labels.at("version"), version);
    EXPECT_FALSE(sample.labels.at("commit").empty());
    EXPECT_EQ(sample.value, 1);
  }
  EXPECT_TRUE(build_info);
  const double now_s =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double started = ValueOf(samples, "policyd_process_start_time_seconds");
  EXPECT_GT(started, now_s - 600);
  EXPECT_LE(started, now_s);
  // The browser is enabled (the default) but no page needed it: it never started.
  EXPECT_EQ(ValueOf(samples, "policyd_browser_running"), 0);
  EXPECT_EQ(ValueOf(samples, "policyd_browser_pages_rendered_total"), 0);
  EXPECT_EQ(ValueOf(samples, "policyd_browser_restarts_total"), 0);

  // --json gives the control answer.
  const CommandResult json = harness.Policyctl({"--json", "metrics"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_TRUE(nlohmann::json::parse(json.out)["text"].get<std::string>().starts_with("# HELP "));
  EXPECT_EQ(harness.Stop(), 0);
}

TEST(MetricsTest, SeriesOfWhatIsNotConfiguredAreAbsentAndPendingDocumentsCounted) {
  HttpTestServer server;
  TestResponse slow = PolicyPage("Acme Privacy", "Acme collects your email address.");
  slow.delay = milliseconds(3000);
  server.Set("/acme/privacy", slow);
  DaemonHarness harness("browser_enabled = false\n");
  harness.WriteTarget("acme", PrivacyPolicyTarget("Acme", server.Url("/acme/privacy")));
  ASSERT_TRUE(harness.Start()) << harness.log();
  const CommandResult printed = harness.Policyctl({"metrics"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  const std::vector<Sample> samples = ParseWithPrometheusClient(harness.dir(), printed.out);
  ASSERT_FALSE(samples.empty());
  EXPECT_FALSE(HasFamily(samples, "policyd_browser_"));
  EXPECT_FALSE(HasFamily(samples, "policyd_webhook_"));
  // Its first check is slow: the document is pending until it is recorded.
  EXPECT_EQ(ValueOf(samples, "policyd_documents", {{"state", "pending"}}), 1);
  EXPECT_EQ(SumOf(samples, "policyd_checks_total"), 0);
  EXPECT_EQ(ValueOf(samples, "policyd_check_duration_seconds_count"), 0);
  EXPECT_EQ(ValueOf(samples, "policyd_check_duration_seconds_bucket", {{"le", "+Inf"}}), 0);
  EXPECT_EQ(harness.Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing

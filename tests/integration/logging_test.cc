// Issue 17 item 6, end to end: the real policyd's log (--log-format json) has one summary of
// the checks and one warning per failing host and reason, not one per check.
#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon_harness.h"
#include "support/http_test_server.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

TestResponse Page(const std::string& title) {
  return {.status = 200,
          .headers = {{"Content-Type", "text/html; charset=utf-8"}},
          .body = "<!doctype html><html><head><title>" + title + "</title></head><body><main><h1>" +
                  title +
                  "</h1><p>We collect your name and email address to run the service.</p>"
                  "</main></body></html>"};
}

// Every line of the log as a JSON object; a line that is not one fails the test.
std::vector<nlohmann::json> JsonLines(const std::string& log) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    try {
      lines.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception& error) {
      ADD_FAILURE() << "not a JSON line: " << line << " (" << error.what() << ")";
    }
  }
  return lines;
}

TEST(LoggingTest, JsonLogHasASummaryAndGroupsRepeatedFailures) {
  HttpTestServer server;
  server.Set("/acme/privacy", Page("Acme Privacy"));
  server.Set("/initech/privacy", Page("Initech Privacy"));
  server.Set("/globex/privacy", {.status = 503, .body = "down for maintenance"});
  // The summary comes at shutdown only, so its counts are exact.
  DaemonHarness harness("log_format = \"json\"\nlog_summary_interval = \"1h\"\n");
  harness.WriteTarget("acme", PrivacyPolicyTarget("Acme", server.Url("/acme/privacy")));
  harness.WriteTarget("initech", PrivacyPolicyTarget("Initech", server.Url("/initech/privacy")));
  harness.WriteTarget("globex", PrivacyPolicyTarget("Globex", server.Url("/globex/privacy")));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  for (uint64_t done : {6, 9}) {
    ASSERT_EQ(harness.Control({{"cmd", "check"}, {"all", true}})["ok"], true);
    ASSERT_TRUE(harness.WaitForChecks(done)) << harness.log();
  }
  ASSERT_EQ(harness.Stop(), 0);

  const std::vector<nlohmann::json> lines = JsonLines(harness.log());
  std::vector<nlohmann::json> warnings;
  std::vector<std::string> summary;  // the summary line and the lines after it
  for (const auto& line : lines) {
    ASSERT_TRUE(line.contains("time") && line.contains("level") && line.contains("message"))
        << line;
    const std::string message = line["message"];
    if (line["level"] == "warning") warnings.push_back(line);
    if (message.starts_with("summary: ") || !summary.empty()) summary.push_back(message);
  }

  // Three failed checks of globex: one warning for the first, one when the third makes it a
  // reported failure (its document.fetch_failed), both with their fields.
  ASSERT_EQ(warnings.size(), 2u) << harness.log();
  for (const auto& warning : warnings) {
    EXPECT_EQ(warning["doc_id"], "globex/privacy-policy");
    EXPECT_EQ(warning["reason"], "http_5xx");
    EXPECT_EQ(warning["http_status"], 503);
  }
  EXPECT_TRUE(warnings[0]["message"].get<std::string>().starts_with(
      "globex/privacy-policy: check failed (http_5xx)"))
      << warnings[0];
  EXPECT_TRUE(warnings[1]["message"].get<std::string>().starts_with(
      "globex/privacy-policy: reported failing (document.fetch_failed) after 3 failed check(s)"))
      << warnings[1];

  ASSERT_GE(summary.size(), 3u) << harness.log();
  EXPECT_TRUE(summary[0].starts_with(
      "summary: 9 checked (2 first seen, 0 changed, 4 unchanged, 3 failed: http_5xx 3) in "))
      << summary[0];
  // Grouped by host and port, as the politeness rules key hosts (sites sharing an address were
  // merged under the bare address).
  EXPECT_TRUE(summary[1].starts_with("127.0.0.1:" + std::to_string(server.port()) +
                                     ": 3 failures (http_5xx) in the last "))
      << summary[1];
  EXPECT_TRUE(summary[1].ends_with(", e.g. globex/privacy-policy")) << summary[1];
  EXPECT_TRUE(summary[2].starts_with("stopped after 9 checks")) << summary[2];

  // The new versions are info lines with the document's field.
  int first_seen = 0;
  for (const auto& line : lines) {
    if (line["message"].get<std::string>().find(": first_seen version ") != std::string::npos) {
      EXPECT_EQ(line["level"], "info");
      EXPECT_TRUE(line.contains("doc_id")) << line;
      ++first_seen;
    }
  }
  EXPECT_EQ(first_seen, 2);
  server.Stop();
}

// A server failing on two of its pages in a row is given a rest, and the operator is told which
// host, why and for how long (the fetcher's rule: host_strain.h). A page of that host checked
// during the rest is not asked for: its check fails at once and says why, so `show` and
// `list` see the outage (a first version queued it silently until the rest ended).
TEST(LoggingTest, AStrugglingServerIsNamedWithItsRest) {
  HttpTestServer server;
  server.Set("/acme/privacy", {.status = 503, .body = "down"});
  server.Set("/acme/terms", {.status = 502, .body = "bad gateway"});
  server.Set("/acme/cookies", {.status = 200, .body = "<main><p>One cookie.</p></main>"});
  DaemonHarness harness("log_format = \"json\"\nstrained_host_pause = \"1h\"\n");
  harness.WriteTarget("acme",
                      TargetFile("Acme", {{"Privacy Policy", server.Url("/acme/privacy")},
                                          {"Terms of Service", server.Url("/acme/terms")}}));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(2)) << harness.log();
  const CommandResult added =
      harness.Policyctl({"add", "--platform", "Acme", "--type", "Cookie Policy", "--url",
                         server.Url("/acme/cookies")});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  const CommandResult checked = harness.Policyctl({"check", "acme/cookie-policy", "--wait"});
  EXPECT_EQ(checked.exit_code, 1) << checked.out;
  EXPECT_NE(checked.out.find("not requested: the server is struggling: 2 requests in a row "
                             "failed, the last HTTP 50"),
            std::string::npos)
      << checked.out;
  EXPECT_EQ(server.RequestCount("/acme/cookies"), 0u);
  // `status` names the resting host, why and for how long.
  const nlohmann::json status = harness.Control({{"cmd", "status"}});
  ASSERT_EQ(status["result"]["held_hosts"].size(), 1u) << status.dump();
  const nlohmann::json& held = status["result"]["held_hosts"][0];
  EXPECT_EQ(held["kind"], "rest");
  EXPECT_GT(held["seconds_left"].get<int64_t>(), 3500);
  EXPECT_TRUE(held["why"].get<std::string>().starts_with("the server is struggling: 2 requests"))
      << held.dump();
  const nlohmann::json shown = harness.Control({{"cmd", "show"}, {"doc", "acme/cookie-policy"}});
  EXPECT_NE(shown["result"]["last_error"].get<std::string>().find("the server is struggling"),
            std::string::npos)
      << shown.dump();
  ASSERT_EQ(harness.Stop(), 0);

  std::vector<std::string> rests;
  for (const auto& line : JsonLines(harness.log())) {
    const std::string message = line["message"];
    if (message.find(": the server is struggling: ") == std::string::npos ||
        line["level"] != "warning" || line.contains("doc_id")) {
      continue;
    }
    rests.push_back(message);
  }
  ASSERT_EQ(rests.size(), 1u) << harness.log();
  const std::string host = server.Url("/").substr(std::string("http://").size());
  EXPECT_TRUE(rests[0].starts_with(host.substr(0, host.size() - 1) +
                                   ": the server is struggling: 2 requests in a row failed (HTTP "))
      << rests[0];
  EXPECT_TRUE(rests[0].ends_with("); its pages are not asked for in the next 1h")) << rests[0];
  EXPECT_NE(rests[0].find("/acme/"), std::string::npos) << rests[0];
  server.Stop();
}

// A watched URL that answers 301 costs its site a redirect at every check: the operator is told
// once per run, with the new URL (before, only the evidence's final URL showed it).
TEST(LoggingTest, AUrlMovedPermanentlyIsToldOncePerRun) {
  HttpTestServer server;
  server.Set("/privacy", {.status = 301, .headers = {{"Location", "/legal/privacy"}}});
  server.Set("/legal/privacy", Page("Acme Privacy"));
  DaemonHarness harness("log_format = \"json\"\n");
  harness.WriteTarget("acme", PrivacyPolicyTarget("Acme", server.Url("/privacy")));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  ASSERT_EQ(harness.Control({{"cmd", "check"}, {"all", true}})["ok"], true);
  ASSERT_TRUE(harness.WaitForChecks(2)) << harness.log();
  ASSERT_EQ(harness.Stop(), 0);
  std::vector<nlohmann::json> moved;
  for (const auto& line : JsonLines(harness.log())) {
    if (line["message"].get<std::string>().find("has moved permanently") != std::string::npos) {
      moved.push_back(line);
    }
  }
  ASSERT_EQ(moved.size(), 1u) << harness.log();
  EXPECT_EQ(moved[0]["level"], "warning");
  EXPECT_EQ(moved[0]["doc_id"], "acme/privacy-policy");
  EXPECT_EQ(moved[0]["message"],
            "acme/privacy-policy: " + server.Url("/privacy") +
                " has moved permanently (HTTP 301) to " + server.Url("/legal/privacy") +
                "; each check costs its site a redirect until the target names the new URL");
  server.Stop();
}

TEST(LoggingTest, UnknownLogFormatFlagIsAUsageError) {
  const CommandResult result = RunCommand({POLICYD_BIN, "--log-format", "xml"});
  EXPECT_EQ(result.exit_code, 64);
  EXPECT_NE(result.err.find("--log-format must be text or json, not 'xml'"), std::string::npos)
      << result.err;
}

}  // namespace
}  // namespace policyd::testing

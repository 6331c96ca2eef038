// Issue 17 item 4: `list` filtered in the daemon (failing, platform, type, a did-you-mean
// refusal), `check` with "wait" answering each document's outcome, and the first pass in
// `status`: through the raw control socket, then through the real policyctl (its views,
// exit statuses and pager).
#include <signal.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "daemon_harness.h"
#include "policyd/control.h"
#include "support/http_test_server.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;

std::set<std::string> Ids(const nlohmann::json& response) {
  std::set<std::string> ids;
  for (const auto& doc : response["result"]["documents"]) ids.insert(doc["id"].get<std::string>());
  return ids;
}

std::string NewestVersion(DaemonHarness& harness, const std::string& doc) {
  const auto history = harness.Control({{"cmd", "history"}, {"doc", doc}});
  const auto& versions = history["result"]["versions"];
  return versions.empty() ? "" : versions.back()["text_hash"].get<std::string>();
}

TEST(OperatorCommandsTest, ListFiltersReturnExactlyTheMatchingDocuments) {
  HttpTestServer server;
  server.Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme collects your email address."));
  server.Set("/acme/terms", ServerError());
  server.Set("/hooli/privacy", PolicyPage("Hooli Privacy", "Hooli collects your name."));
  server.Set("/hooli/terms", ServerError());
  server.Set("/initech/cookies", PolicyPage("Initech Cookies", "Initech sets one cookie."));
  DaemonHarness harness;
  harness.WriteTarget("acme",
                      TargetFile("Acme", {{"Privacy Policy", server.Url("/acme/privacy")},
                                          {"Terms of Service", server.Url("/acme/terms")}}));
  harness.WriteTarget("hooli",
                      TargetFile("Hooli", {{"Privacy Policy", server.Url("/hooli/privacy")},
                                           {"Terms of Service", server.Url("/hooli/terms")}}));
  harness.WriteTarget("initech",
                      TargetFile("Initech", {{"Cookie Policy", server.Url("/initech/cookies")}}));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(5)) << harness.log();

  const auto list = [&](nlohmann::json filters) {
    filters["cmd"] = "list";
    return harness.Control(filters);
  };
  const auto all = list({});
  ASSERT_EQ(all["ok"], true) << all.dump();
  EXPECT_EQ(Ids(all).size(), 5u);
  EXPECT_EQ(all["result"]["total"], 5);

  const auto failing = list({{"failing", true}});
  ASSERT_EQ(failing["ok"], true) << failing.dump();
  EXPECT_EQ(Ids(failing),
            (std::set<std::string>{"acme/terms-of-service", "hooli/terms-of-service"}));
  EXPECT_EQ(failing["result"]["total"], 5);
  EXPECT_EQ(Ids(list({{"failing", false}})).size(), 5u);  // false: no filter

  // A platform by its name or its slug, a type likewise; filters combine.
  const std::set<std::string> acme = {"acme/privacy-policy", "acme/terms-of-service"};
  EXPECT_EQ(Ids(list({{"platform", "Acme"}})), acme);
  EXPECT_EQ(Ids(list({{"platform", "acme"}})), acme);
  EXPECT_EQ(Ids(list({{"type", "privacy-policy"}})),
            (std::set<std::string>{"acme/privacy-policy", "hooli/privacy-policy"}));
  EXPECT_EQ(Ids(list({{"type", "Cookie Policy"}})),
            (std::set<std::string>{"initech/cookie-policy"}));
  EXPECT_EQ(Ids(list({{"failing", true}, {"platform", "hooli"}})),
            (std::set<std::string>{"hooli/terms-of-service"}));
  // Known values that no document combines: an empty list, not a refusal.
  const auto none = list({{"platform", "Initech"}, {"type", "Terms of Service"}});
  ASSERT_EQ(none["ok"], true) << none.dump();
  EXPECT_EQ(Ids(none), std::set<std::string>{});

  // Unknown values are refused with the closest existing ones.
  const auto typo = list({{"platform", "Hoolli"}});
  EXPECT_EQ(typo["ok"], false);
  EXPECT_EQ(typo["error"]["code"], "not_found");
  EXPECT_EQ(typo["error"]["message"],
            "no watched document has platform 'Hoolli' (closest: 'Hooli')");
  EXPECT_EQ(typo["error"]["suggestions"], nlohmann::json({"Hooli"}));
  const auto type_typo = list({{"failing", true}, {"type", "terms-of-servce"}});
  EXPECT_EQ(type_typo["error"]["code"], "not_found");
  EXPECT_EQ(type_typo["error"]["suggestions"], nlohmann::json({"Terms of Service"}));
  EXPECT_EQ(list({{"failing", "yes"}})["error"]["code"], "invalid_argument");
  EXPECT_EQ(list({{"platform", 7}})["error"]["code"], "invalid_argument");

  // Every document has been checked once since start: the first pass is complete.
  const auto status = harness.Control({{"cmd", "status"}});
  EXPECT_EQ(status["result"]["first_pass"]["checked"], 5);
  EXPECT_EQ(status["result"]["first_pass"]["total"], 5);
  EXPECT_EQ(status["result"]["first_pass"]["complete"], true);
  EXPECT_GE(status["result"]["first_pass"]["duration_ms"].get<int64_t>(), 0);
  EXPECT_NE(harness.log().find("first pass complete: 5 documents checked in"), std::string::npos)
      << harness.log();
  EXPECT_EQ(harness.Stop(), 0);
}

// After a restart, the documents checked before it are not waiting for a first check: with
// daily intervals most of them are not due for hours, and a pass counted from the start alone
// looked unfinished all day. A document added while the daemon was down is still first-pass
// work.
TEST(OperatorCommandsTest, TheFirstPassCountsChecksRecordedBeforeARestart) {
  HttpTestServer server;
  server.Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme collects your email address."));
  server.Set("/acme/terms", ServerError());
  server.Set("/hooli/privacy", PolicyPage("Hooli Privacy", "Hooli collects your name."));
  DaemonHarness harness;
  harness.WriteTarget("acme",
                      TargetFile("Acme", {{"Privacy Policy", server.Url("/acme/privacy")},
                                          {"Terms of Service", server.Url("/acme/terms")}}));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(2)) << harness.log();
  ASSERT_EQ(harness.Stop(), 0);

  harness.WriteTarget("hooli",
                      TargetFile("Hooli", {{"Privacy Policy", server.Url("/hooli/privacy")}}));
  ASSERT_TRUE(harness.Start()) << harness.log();
  const auto running = harness.Control({{"cmd", "status"}});
  ASSERT_EQ(running["ok"], true) << running.dump();
  const nlohmann::json& pass = running["result"]["first_pass"];
  if (pass["complete"] == false) {  // hooli's first check may already have been recorded
    EXPECT_EQ(pass["checked"], 2) << pass.dump();
    EXPECT_EQ(pass["total"], 3);
    EXPECT_EQ(pass["checked_before_start"], 2);
  }
  nlohmann::json done;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  do {
    done = harness.Control({{"cmd", "status"}});
    if (done["result"]["first_pass"]["complete"] == true) break;
    std::this_thread::sleep_for(milliseconds(50));
  } while (std::chrono::steady_clock::now() < deadline);
  EXPECT_EQ(done["result"]["first_pass"]["checked"], 3) << done.dump();
  EXPECT_EQ(done["result"]["first_pass"]["total"], 3);
  EXPECT_EQ(done["result"]["first_pass"]["complete"], true);
  EXPECT_EQ(done["result"]["first_pass"]["checked_before_start"], 2);
  const CommandResult shown = harness.Policyctl({"status"});
  EXPECT_NE(shown.out.find("first pass  3/3 in "), std::string::npos) << shown.out;
  EXPECT_NE(shown.out.find(" (2 checked before this start)\n"), std::string::npos) << shown.out;
  EXPECT_NE(harness.log().find("first pass complete: 3 documents checked (2 before this start)"),
            std::string::npos)
      << harness.log();
  ASSERT_EQ(harness.Stop(), 0);

  // Every document checked before: nothing to pass over, and nothing claims a pass was timed.
  const std::size_t logged_before = harness.log().size();
  ASSERT_TRUE(harness.Start()) << harness.log();
  const auto restarted = harness.Control({{"cmd", "status"}});
  EXPECT_EQ(restarted["result"]["first_pass"]["checked"], 3) << restarted.dump();
  EXPECT_EQ(restarted["result"]["first_pass"]["complete"], true);
  EXPECT_EQ(restarted["result"]["first_pass"]["checked_before_start"], 3);
  const CommandResult again = harness.Policyctl({"status"});
  EXPECT_NE(again.out.find("first pass  3/3, all checked before this start\n"), std::string::npos)
      << again.out;
  EXPECT_EQ(harness.log().find("first pass complete", logged_before), std::string::npos)
      << harness.log();
  EXPECT_EQ(harness.Stop(), 0);
}

TEST(OperatorCommandsTest, CheckWaitAnswersEachDocumentsOutcome) {
  HttpTestServer server;
  DaemonHarness harness;
  WatchThreePrivacyPolicies(&server, &harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  const std::string initech_version = NewestVersion(harness, "initech/privacy-policy");
  ASSERT_FALSE(initech_version.empty());

  server.Set("/acme/privacy",
             PolicyPage("Acme Privacy", "Acme collects your email and your address."));
  const auto waited = harness.Control(
      {{"cmd", "check"}, {"all", true}, {"wait", true}, {"timeout", "50s"}}, kWaitForAnswer);
  ASSERT_EQ(waited["ok"], true) << waited.dump() << harness.log();
  const auto& result = waited["result"];
  EXPECT_EQ(result["complete"], true);
  EXPECT_EQ(result["scheduled"], 3);
  EXPECT_EQ(result["joined"], 0);
  const auto& outcomes = result["outcomes"];
  ASSERT_EQ(outcomes.size(), 3u) << result.dump();

  // In document order: acme changed (the version `history` shows), hooli failed with the
  // reason of a 500, initech unchanged (at the version it had).
  EXPECT_EQ(outcomes[0]["doc"], "acme/privacy-policy");
  EXPECT_EQ(outcomes[0]["result"], "changed");
  EXPECT_EQ(outcomes[0]["version"], NewestVersion(harness, "acme/privacy-policy"));
  EXPECT_EQ(
      harness.Control({{"cmd", "history"}, {"doc", "acme/privacy-policy"}})["result"]["versions"]
          .size(),
      2u);
  EXPECT_EQ(outcomes[0]["http_status"], 200);
  EXPECT_FALSE(outcomes[0].contains("reason"));

  EXPECT_EQ(outcomes[1]["doc"], "hooli/privacy-policy");
  EXPECT_EQ(outcomes[1]["result"], "failed");
  EXPECT_EQ(outcomes[1]["reason"], "http_5xx");
  EXPECT_EQ(outcomes[1]["http_status"], 500);
  EXPECT_FALSE(outcomes[1]["message"].get<std::string>().empty());
  EXPECT_FALSE(outcomes[1].contains("version"));

  EXPECT_EQ(outcomes[2]["doc"], "initech/privacy-policy");
  EXPECT_EQ(outcomes[2]["result"], "unchanged");
  EXPECT_EQ(outcomes[2]["text_hash"], initech_version);
  EXPECT_FALSE(outcomes[2].contains("version"));
  for (const auto& outcome : outcomes) {
    EXPECT_GE(outcome["duration_ms"].get<int64_t>(), 0) << outcome.dump();
    EXPECT_TRUE(outcome["time"].is_string()) << outcome.dump();
  }

  // One document; and the arguments a wait refuses.
  const auto one = harness.Control(
      {{"cmd", "check"}, {"doc", "initech/privacy-policy"}, {"wait", true}}, kWaitForAnswer);
  ASSERT_EQ(one["ok"], true) << one.dump();
  ASSERT_EQ(one["result"]["outcomes"].size(), 1u);
  EXPECT_EQ(one["result"]["outcomes"][0]["result"], "unchanged");
  EXPECT_EQ(
      harness.Control(
          {{"cmd", "check"}, {"doc", "nope/privacy-policy"}, {"wait", true}})["error"]["code"],
      "not_found");
  EXPECT_EQ(harness.Control({{"cmd", "check"}, {"all", true}, {"wait", "yes"}})["error"]["code"],
            "invalid_argument");
  EXPECT_EQ(
      harness.Control(
          {{"cmd", "check"}, {"all", true}, {"wait", true}, {"timeout", "2h"}})["error"]["code"],
      "invalid_argument");
  // Without "wait" the answer is as before: how many were scheduled.
  const auto plain = harness.Control({{"cmd", "check"}, {"doc", "acme/privacy-policy"}});
  EXPECT_EQ(plain["result"], nlohmann::json({{"scheduled", 1}}));
  EXPECT_EQ(harness.Stop(), 0);
}

// A check already running is joined, not followed by a second one; a wait that ends before
// its check says which documents timed out.
TEST(OperatorCommandsTest, CheckWaitJoinsARunningCheckAndTimesOutClearly) {
  HttpTestServer server;
  DaemonHarness harness;
  harness.WriteTarget("acme",
                      TargetFile("Acme", {{"Privacy Policy", server.Url("/acme/privacy")}}));
  server.Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme collects your email address."));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  TestResponse slow = PolicyPage("Acme Privacy", "Acme collects your email address.");
  slow.delay = milliseconds(1500);
  server.Set("/acme/privacy", slow);

  ASSERT_EQ(harness.Control({{"cmd", "check"}, {"doc", "acme/privacy-policy"}})["ok"], true);
  std::this_thread::sleep_for(milliseconds(300));  // its fetch is under way (or about to be)
  const auto joined = harness.Control(
      {{"cmd", "check"}, {"doc", "acme/privacy-policy"}, {"wait", true}}, kWaitForAnswer);
  ASSERT_EQ(joined["ok"], true) << joined.dump();
  // Joined while running, or merged while queued: one check either way.
  EXPECT_EQ(joined["result"]["joined"].get<int>() + joined["result"]["scheduled"].get<int>(), 1);
  EXPECT_EQ(joined["result"]["outcomes"][0]["result"], "unchanged");
  std::this_thread::sleep_for(milliseconds(1000));  // a duplicate check would have started
  EXPECT_EQ(server.RequestCount("/acme/privacy"), 2u);
  EXPECT_EQ(harness.Control({{"cmd", "status"}})["result"]["checks_done"], 2);

  // The deadline comes first: the document is reported timed out, the check still completes.
  slow.delay = milliseconds(2000);
  server.Set("/acme/privacy", slow);
  const auto timed_out = harness.Control(
      {{"cmd", "check"}, {"doc", "acme/privacy-policy"}, {"wait", true}, {"timeout", "300ms"}},
      kWaitForAnswer);
  ASSERT_EQ(timed_out["ok"], true) << timed_out.dump();
  EXPECT_EQ(timed_out["result"]["complete"], false);
  EXPECT_EQ(timed_out["result"]["outcomes"][0]["result"], "timed_out");
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  EXPECT_EQ(harness.Control({{"cmd", "status"}})["result"]["check_waits"], 0);
  EXPECT_EQ(harness.Stop(), 0);
}

// A daemon told to stop answers a waiting client: its checks are abandoned, "the daemon is
// stopping" (docs/CONTROL.md), not a connection closed under it.
TEST(OperatorCommandsTest, CheckWaitIsAnsweredAbandonedWhenTheDaemonStops) {
  HttpTestServer server;
  DaemonHarness harness;
  harness.WriteTarget("acme",
                      TargetFile("Acme", {{"Privacy Policy", server.Url("/acme/privacy")}}));
  server.Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme collects your email address."));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  TestResponse slow = PolicyPage("Acme Privacy", "Acme collects your email address.");
  slow.delay = milliseconds(8000);
  server.Set("/acme/privacy", slow);
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(1000));  // the wait is registered
    ::kill(harness.pid(), SIGTERM);
  });
  const CommandResult waited = harness.Policyctl({"check", "acme/privacy-policy", "--wait"});
  stopper.join();
  EXPECT_EQ(waited.exit_code, 1) << waited.out << waited.err;
  EXPECT_NE(waited.out.find("abandoned"), std::string::npos) << waited.out << waited.err;
  EXPECT_NE(waited.out.find("the daemon is stopping"), std::string::npos) << waited.out;
  EXPECT_EQ(harness.Stop(), 0);
}

// A waiting client that leaves early: its place is free at once (one control client allowed
// here), the check still runs and is recorded, the daemon answers as before.
TEST(OperatorCommandsTest, AWaitingClientThatLeavesLeavesTheDaemonHealthy) {
  HttpTestServer server;
  DaemonHarness harness("max_control_clients = 1\n");
  harness.WriteTarget("acme",
                      TargetFile("Acme", {{"Privacy Policy", server.Url("/acme/privacy")}}));
  server.Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme collects your email address."));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  TestResponse slow = PolicyPage("Acme Privacy", "Acme collects your name, not your email.");
  slow.delay = milliseconds(1500);
  server.Set("/acme/privacy", slow);
  {
    auto leaving = UnixClientSocket::Connect(harness.control_socket(), milliseconds(5000));
    ASSERT_TRUE(leaving.ok());
    ASSERT_TRUE(
        leaving->WriteAll("{\"id\":1,\"cmd\":\"check\",\"all\":true,\"wait\":true}\n").ok());
    std::this_thread::sleep_for(milliseconds(200));
  }  // gone before the answer

  // The only place is free again well before the check ends.
  nlohmann::json status;
  for (int attempt = 0; attempt < 50; ++attempt) {
    status = harness.Control({{"cmd", "status"}});
    if (status["ok"] == true) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  ASSERT_EQ(status["ok"], true) << status.dump();
  EXPECT_EQ(status["result"]["checks_done"], 1);
  EXPECT_EQ(status["result"]["check_waits"], 1);

  ASSERT_TRUE(harness.WaitForChecks(2)) << harness.log();
  const auto after = harness.Control({{"cmd", "status"}});
  EXPECT_EQ(after["result"]["check_waits"], 0);
  EXPECT_EQ(
      harness.Control({{"cmd", "history"}, {"doc", "acme/privacy-policy"}})["result"]["versions"]
          .size(),
      2u);
  server.Set("/acme/privacy",
             PolicyPage("Acme Privacy", "Acme collects your name, not your email."));
  const auto again =
      harness.Control({{"cmd", "check"}, {"all", true}, {"wait", true}}, kWaitForAnswer);
  ASSERT_EQ(again["ok"], true) << again.dump();
  EXPECT_EQ(again["result"]["outcomes"][0]["result"], "unchanged");
  EXPECT_EQ(harness.Stop(), 0);
}

// The same through the real policyctl, as an operator types it: list's filters and their
// refusal, check --wait's table and exit status, the aligned events, the status view.
TEST(OperatorCommandsTest, PolicyctlFiltersWaitsAndAlignsWhatItPrints) {
  HttpTestServer server;
  DaemonHarness harness;
  WatchThreePrivacyPolicies(&server, &harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();

  const auto failing = harness.Policyctl({"list", "--failing"});
  ASSERT_EQ(failing.exit_code, 0) << failing.err;
  EXPECT_NE(failing.out.find("hooli/privacy-policy"), std::string::npos) << failing.out;
  EXPECT_EQ(failing.out.find("acme/privacy-policy"), std::string::npos) << failing.out;
  EXPECT_NE(failing.out.find("1 of 3 documents"), std::string::npos) << failing.out;
  const auto acme = harness.Policyctl({"list", "--platform", "acme", "--type", "Privacy Policy"});
  ASSERT_EQ(acme.exit_code, 0) << acme.err;
  EXPECT_NE(acme.out.find("acme/privacy-policy"), std::string::npos) << acme.out;
  EXPECT_EQ(acme.out.find("initech/"), std::string::npos) << acme.out;
  const auto typo = harness.Policyctl({"list", "--platform", "Hoolli"});
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_EQ(typo.out, "");
  EXPECT_EQ(typo.err,
            "policyctl: not_found: no watched document has platform 'Hoolli' (closest: "
            "'Hooli')\n");

  // check --wait: one row per document, in id order, the new version's short hash, a
  // summary; exit 1 because one check failed.
  server.Set("/acme/privacy",
             PolicyPage("Acme Privacy", "Acme collects your email and your address."));
  const auto waited = harness.Policyctl({"check", "--all", "--wait"});
  EXPECT_EQ(waited.exit_code, 1) << waited.out << waited.err;
  std::istringstream rows(waited.out);
  std::vector<std::string> lines;
  for (std::string line; std::getline(rows, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 5u) << waited.out;
  EXPECT_EQ(lines[0].rfind("DOCUMENT", 0), 0u) << waited.out;
  const std::string acme_version = NewestVersion(harness, "acme/privacy-policy");
  EXPECT_EQ(lines[1].rfind("acme/privacy-policy", 0), 0u) << waited.out;
  EXPECT_NE(lines[1].find(" changed "), std::string::npos) << waited.out;
  EXPECT_NE(lines[1].find("new version " + acme_version.substr(0, 12)), std::string::npos)
      << waited.out;
  EXPECT_EQ(lines[2].rfind("hooli/privacy-policy", 0), 0u) << waited.out;
  EXPECT_NE(lines[2].find(" failed "), std::string::npos) << waited.out;
  EXPECT_NE(lines[2].find("http_5xx: "), std::string::npos) << waited.out;
  EXPECT_EQ(lines[3].rfind("initech/privacy-policy", 0), 0u) << waited.out;
  EXPECT_NE(lines[3].find(" unchanged "), std::string::npos) << waited.out;
  EXPECT_EQ(lines[4], "3 documents: 1 changed, 1 unchanged, 1 failed");
  // The OUTCOME column starts at the same place on every row.
  const std::size_t outcome_column = lines[0].find("OUTCOME");
  EXPECT_EQ(lines[1].find("changed"), outcome_column) << waited.out;
  EXPECT_EQ(lines[2].find("failed"), outcome_column) << waited.out;

  const auto unchanged = harness.Policyctl({"check", "initech/privacy-policy", "--wait"});
  EXPECT_EQ(unchanged.exit_code, 0) << unchanged.out << unchanged.err;
  EXPECT_NE(unchanged.out.find("1 document: 1 unchanged"), std::string::npos) << unchanged.out;
  const auto json = harness.Policyctl({"--json", "check", "hooli/privacy-policy", "--wait"});
  EXPECT_EQ(json.exit_code, 1) << json.out;
  EXPECT_EQ(nlohmann::json::parse(json.out)["outcomes"][0]["result"], "failed") << json.out;
  const auto misuse = harness.Policyctl({"check", "--all", "--wait-timeout", "5s"});
  EXPECT_EQ(misuse.exit_code, 2);
  EXPECT_NE(misuse.err.find("--wait-timeout needs --wait"), std::string::npos) << misuse.err;
  const auto scheduled = harness.Policyctl({"check", "--all"});
  EXPECT_EQ(scheduled.out, "scheduled 3 check(s)\n");

  // events: a header and aligned columns; the DOC column starts where its header does.
  const auto events = harness.Policyctl({"events"});
  ASSERT_EQ(events.exit_code, 0) << events.err;
  std::istringstream event_rows(events.out);
  std::string header;
  std::getline(event_rows, header);
  EXPECT_EQ(header.rfind("SEQ", 0), 0u) << events.out;
  const std::size_t doc_column = header.find("DOC");
  ASSERT_NE(doc_column, std::string::npos) << events.out;
  const std::size_t type_column = header.find("TYPE");
  std::vector<std::string> seen;  // "type doc", in sequence order
  for (std::string line; std::getline(event_rows, line);) {
    EXPECT_EQ(line.find_first_of("ahi", doc_column), doc_column) << line;
    const std::string type = line.substr(type_column, line.find(' ', type_column) - type_column);
    seen.push_back(type + " " + line.substr(doc_column, line.find(' ', doc_column) - doc_column));
  }
  // Two first versions (their checks ran at once: either order), the change, and the
  // failure (announced once, at the threshold).
  ASSERT_EQ(seen.size(), 4u) << events.out;
  std::sort(seen.begin(), seen.begin() + 2);
  EXPECT_EQ(seen, (std::vector<std::string>{
                      "first_seen acme/privacy-policy", "first_seen initech/privacy-policy",
                      "changed acme/privacy-policy", "fetch_failed hooli/privacy-policy"}))
      << events.out;

  const auto status = harness.Policyctl({"status"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_NE(status.out.find("first pass"), std::string::npos) << status.out;
  EXPECT_NE(status.out.find("3/3"), std::string::npos) << status.out;
  EXPECT_EQ(harness.Stop(), 0);
}

// On a terminal, long output goes through $PAGER; --no-pager, --json and a pipe never page.
TEST(OperatorCommandsTest, LongOutputGoesThroughThePagerOnATerminalOnly) {
  HttpTestServer server;
  server.Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme collects your email address."));
  DaemonHarness harness;
  harness.WriteTarget("acme",
                      TargetFile("Acme", {{"Privacy Policy", server.Url("/acme/privacy")}}));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();

  const std::filesystem::path paged = harness.dir() / "paged.txt";
  setenv("PAGER", ("cat > " + paged.string()).c_str(), 1);
  const auto on_terminal =
      RunOnTerminal({POLICYCTL_BIN, "--config", harness.config_path().string(), "list"});
  EXPECT_EQ(on_terminal.exit_code, 0) << on_terminal.out;
  EXPECT_EQ(on_terminal.out.find("acme/privacy-policy"), std::string::npos) << on_terminal.out;
  std::ifstream paged_file(paged);
  const std::string paged_text((std::istreambuf_iterator<char>(paged_file)), {});
  EXPECT_NE(paged_text.find("acme/privacy-policy"), std::string::npos) << paged_text;
  std::filesystem::remove(paged);

  for (const char* flag : {"--no-pager", "--json"}) {
    const auto unpaged =
        RunOnTerminal({POLICYCTL_BIN, "--config", harness.config_path().string(), flag, "list"});
    EXPECT_EQ(unpaged.exit_code, 0) << unpaged.out;
    EXPECT_NE(unpaged.out.find("acme/privacy-policy"), std::string::npos) << flag;
    EXPECT_FALSE(std::filesystem::exists(paged)) << flag;
  }
  const auto piped = harness.Policyctl({"list"});  // stdout is a pipe
  EXPECT_NE(piped.out.find("acme/privacy-policy"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(paged));
  // `status` is short: never paged.
  const auto status =
      RunOnTerminal({POLICYCTL_BIN, "--config", harness.config_path().string(), "status"});
  EXPECT_NE(status.out.find("first pass"), std::string::npos) << status.out;
  EXPECT_FALSE(std::filesystem::exists(paged));
  unsetenv("PAGER");
  EXPECT_EQ(harness.Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing

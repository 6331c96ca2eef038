// End to end: the real policyd binary against pages served on 127.0.0.1, observed through
// the real events socket, control socket and policyctl.
#include <gtest/gtest.h>

#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "daemon_harness.h"
#include "support/http_test_server.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;

// A policy page. `chrome` varies what a re-render changes (navigation, footer, scripts);
// `sharing` is a sentence of the policy itself.
std::string PolicyPage(const std::string& title, const std::string& chrome,
                       const std::string& sharing) {
  return "<!doctype html><html><head><title>" + title + "</title><script>window.csrf='" + chrome +
         "';</script></head><body>"
         "<header><a href='/'>Home " +
         chrome +
         "</a></header>"
         "<nav><ul><li><a href='/a?v=" +
         chrome + "'>Products " + chrome +
         "</a></li></ul></nav>"
         "<main><h1>" +
         title +
         "</h1>"
         "<p>This policy explains what we collect and why.</p>"
         "<h2>Data we collect</h2><p>We collect your name, email address and usage data.</p>"
         "<h2>Sharing</h2><p>" +
         sharing +
         "</p>"
         "<h2>Your rights</h2><ul><li>Access your data.</li><li>Delete your data.</li></ul>"
         "</main><footer>Copyright 2026 " +
         chrome +
         "</footer>"
         "<script>track('" +
         chrome + "')</script></body></html>";
}

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Set("/acme/privacy", Html(PolicyPage("Acme Privacy", "r1", "We never sell data.")));
    server_.Set("/acme/terms", Html(PolicyPage("Acme Terms", "r1", "Be nice.")));
    server_.Set("/globex/privacy",
                Html(PolicyPage("Globex Privacy", "r1", "We share with no one.")));
    harness_.WriteTarget("acme",
                         TargetFile("Acme", {{"Privacy Policy", server_.Url("/acme/privacy")},
                                             {"Terms of Service", server_.Url("/acme/terms")}}));
    harness_.WriteTarget(
        "globex", TargetFile("Globex", {{"Privacy Policy", server_.Url("/globex/privacy")}}));
  }

  static TestResponse Html(std::string body) {
    return {.status = 200,
            .headers = {{"Content-Type", "text/html; charset=utf-8"}},
            .body = std::move(body)};
  }

  // Asks for a check of everything and waits until those checks are committed.
  void CheckAllAndWait() {
    const uint64_t done = harness_.Control({{"cmd", "status"}})["result"]["checks_done"];
    ASSERT_EQ(harness_.Control({{"cmd", "check"}, {"all", true}})["ok"], true);
    ASSERT_TRUE(harness_.WaitForChecks(done + 3)) << harness_.log();
  }

  HttpTestServer server_;
  DaemonHarness harness_;
};

TEST_F(EndToEndTest, WatchesDetectsRealChangesOnlyAndSurvivesRestart) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  EventSubscriber live(harness_.events_socket(), 0);

  // 1. One first_seen per document, sequence numbers from 1.
  std::set<std::string> first_seen;
  for (uint64_t seq = 1; seq <= 3; ++seq) {
    const auto event = live.Next();
    ASSERT_TRUE(event) << harness_.log();
    EXPECT_EQ((*event)["seq"], seq);
    EXPECT_EQ((*event)["type"], "document.first_seen");
    first_seen.insert((*event)["doc"].get<std::string>());
    EXPECT_EQ((*event)["hash"].get<std::string>().size(), 64u);
  }
  EXPECT_EQ(first_seen, (std::set<std::string>{"acme/privacy-policy", "acme/terms-of-service",
                                               "globex/privacy-policy"}));
  ASSERT_TRUE(harness_.WaitForChecks(3));

  // 2. An unchanged recheck raises no event, but is recorded as evidence.
  CheckAllAndWait();
  EXPECT_FALSE(live.Next(milliseconds(300)));
  const auto shown = harness_.Control({{"cmd", "show"}, {"doc", "globex/privacy-policy"}});
  const auto& checks = shown["result"]["recent_checks"];
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0]["outcome"], "unchanged");
  EXPECT_EQ(checks[0]["http_status"], 200);
  EXPECT_EQ(checks[0]["text_hash"], shown["result"]["current_hash"]);
  EXPECT_EQ(checks[0]["raw_hash"].get<std::string>().size(), 64u);
  EXPECT_EQ(checks[1]["outcome"], "first_seen");

  // 3. Navigation, header, footer and scripts change: still no event.
  server_.Set("/acme/privacy", Html(PolicyPage("Acme Privacy", "r2-xyz", "We never sell data.")));
  server_.Set("/globex/privacy",
              Html(PolicyPage("Globex Privacy", "other-chrome", "We share with no one.")));
  CheckAllAndWait();
  EXPECT_FALSE(live.Next(milliseconds(300)));

  // 4. The policy text changes: exactly one document.changed.
  server_.Set("/acme/privacy",
              Html(PolicyPage("Acme Privacy", "r3", "We share data with advertisers.")));
  CheckAllAndWait();
  const auto changed = live.Next();
  ASSERT_TRUE(changed) << harness_.log();
  EXPECT_EQ((*changed)["seq"], 4);
  EXPECT_EQ((*changed)["type"], "document.changed");
  EXPECT_EQ((*changed)["doc"], "acme/privacy-policy");
  EXPECT_EQ((*changed)["url"], server_.Url("/acme/privacy"));
  EXPECT_EQ((*changed)["lines_added"], 1);
  EXPECT_EQ((*changed)["lines_removed"], 1);
  EXPECT_NE((*changed)["old_hash"], (*changed)["new_hash"]);
  EXPECT_EQ((*changed)["sections"], nlohmann::json({"## Sharing"}));
  EXPECT_FALSE(live.Next(milliseconds(300)));

  // 5. History and diff through policyctl.
  const auto history = harness_.Policyctl({"--json", "history", "acme/privacy-policy"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const auto versions = nlohmann::json::parse(history.out)["versions"];
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_EQ(versions[1]["text_hash"], (*changed)["new_hash"]);
  EXPECT_EQ(versions[1]["event_seq"], 4);
  EXPECT_EQ(versions[0]["change_class"], "first_seen");
  EXPECT_EQ(versions[1]["change_class"], "substantive");
  EXPECT_EQ((*changed)["change_class"], "substantive");
  const auto diff = harness_.Policyctl({"diff", "acme/privacy-policy"});
  ASSERT_EQ(diff.exit_code, 0) << diff.err;
  EXPECT_EQ(diff.out.rfind("change: substantive, ", 0), 0u) << diff.out;
  EXPECT_NE(diff.out.find("-We never sell data."), std::string::npos) << diff.out;
  EXPECT_NE(diff.out.find("+We share data with advertisers."), std::string::npos) << diff.out;
  EXPECT_EQ(diff.out.find("\x1b["), std::string::npos);  // not a terminal: no colour
  // A version against itself (or an edit reverted): the same text is no change of any kind.
  const auto same = harness_.Policyctl({"diff", "acme/privacy-policy", "2", "2"});
  ASSERT_EQ(same.exit_code, 0) << same.err;
  EXPECT_EQ(same.out.rfind("change: none (the same text)\n", 0), 0u) << same.out;
  const auto same_json = harness_.Policyctl({"--json", "diff", "acme/privacy-policy", "1", "1"});
  EXPECT_EQ(nlohmann::json::parse(same_json.out)["change_class"], "none") << same_json.out;
  const auto table = harness_.Policyctl({"history", "acme/privacy-policy"});
  EXPECT_EQ(table.exit_code, 0);
  EXPECT_NE(table.out.find((*changed)["new_hash"].get<std::string>()), std::string::npos);

  // 6. Restart: history kept, sequence numbers continue; a subscriber that was away gets
  // exactly what it missed.
  EXPECT_EQ(harness_.Stop(), 0) << harness_.log();
  server_.Set("/globex/privacy",
              Html(PolicyPage("Globex Privacy", "r4", "We share with our parent company.")));
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  const auto after_restart = harness_.Policyctl({"--json", "history", "acme/privacy-policy"});
  EXPECT_EQ(nlohmann::json::parse(after_restart.out)["versions"].size(), 2u);
  // Due times survived: nothing is checked on its own right after the restart.
  EXPECT_FALSE(harness_.WaitForChecks(1, milliseconds(800)));
  CheckAllAndWait();
  EventSubscriber returning(harness_.events_socket(), 4);
  EXPECT_EQ(returning.hello()["last_seq"], 5);
  const auto missed = returning.Next();
  ASSERT_TRUE(missed);
  EXPECT_EQ((*missed)["seq"], 5);
  EXPECT_EQ((*missed)["type"], "document.changed");
  EXPECT_EQ((*missed)["doc"], "globex/privacy-policy");
  EXPECT_FALSE(returning.Next(milliseconds(300)));

  // policyctl events prints what was missed, then exits.
  const auto printed = harness_.Policyctl({"--json", "events", "--since", "3"});
  ASSERT_EQ(printed.exit_code, 0) << printed.err;
  std::vector<uint64_t> printed_seqs;
  std::istringstream lines(printed.out);
  for (std::string line; std::getline(lines, line);) {
    printed_seqs.push_back(nlohmann::json::parse(line)["seq"].get<uint64_t>());
  }
  EXPECT_EQ(printed_seqs, (std::vector<uint64_t>{4, 5}));

  // A new subscriber from 0 replays the whole log in order.
  EventSubscriber replay(harness_.events_socket(), 0);
  for (uint64_t seq = 1; seq <= 5; ++seq) {
    const auto event = replay.Next();
    ASSERT_TRUE(event);
    EXPECT_EQ((*event)["seq"], seq);
  }
  EXPECT_EQ(harness_.Stop(), 0);
}

TEST_F(EndToEndTest, StoredTextIsExactlyWhatPolicyctlExtractPrints) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  ASSERT_TRUE(harness_.WaitForChecks(3)) << harness_.log();
  const auto page = harness_.dir() / "saved.html";
  std::ofstream(page) << PolicyPage("Acme Privacy", "r1", "We never sell data.");
  const auto extracted = harness_.Policyctl({"extract", page.string(), "--hash"});
  ASSERT_EQ(extracted.exit_code, 0) << extracted.err;
  const auto show = harness_.Control({{"cmd", "show"}, {"doc", "acme/privacy-policy"}});
  EXPECT_EQ(extracted.out, show["result"]["current_hash"].get<std::string>() + "\n");
  // Asked for JSON, a script gets JSON (it got the bare hash), without the text with --hash.
  const auto as_json = harness_.Policyctl({"--json", "extract", page.string(), "--hash"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  const auto fields = nlohmann::json::parse(as_json.out, nullptr, false);
  ASSERT_TRUE(fields.is_object()) << as_json.out;
  EXPECT_EQ(fields["sha256"], show["result"]["current_hash"]);
  EXPECT_EQ(fields["charset"], "utf-8");
  EXPECT_EQ(fields["lang"], "en");
  EXPECT_FALSE(fields.contains("text"));
  const auto text = harness_.Policyctl({"extract", page.string()});
  EXPECT_NE(text.out.find("## Sharing\n\nWe never sell data.\n"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("Products"), std::string::npos);   // navigation dropped
  EXPECT_EQ(text.out.find("Copyright"), std::string::npos);  // footer dropped
  const auto selected =
      harness_.Policyctl({"extract", page.string(), "--select", "main", "--remove", "ul"});
  ASSERT_EQ(selected.exit_code, 0) << selected.err;
  EXPECT_EQ(selected.out.find("Access your data."), std::string::npos) << selected.out;
  EXPECT_NE(selected.out.find("We never sell data."), std::string::npos) << selected.out;
  const auto bad_selector = harness_.Policyctl({"extract", page.string(), "--select", "main["});
  EXPECT_EQ(bad_selector.exit_code, 4);
  const auto missing = harness_.Policyctl({"extract", "/nonexistent/page.html"});
  EXPECT_EQ(missing.exit_code, 4);
  EXPECT_EQ(harness_.Stop(), 0);
}

TEST_F(EndToEndTest, FailuresAreRecordedAndReportedThenRecover) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  EventSubscriber live(harness_.events_socket(), 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(live.Next()) << harness_.log();
  ASSERT_TRUE(harness_.WaitForChecks(3));

  // An error page is never a version; after 3 consecutive failures one fetch_failed.
  server_.Set("/globex/privacy", {.status = 503, .body = "<html><body>Down</body></html>"});
  for (int round = 0; round < 4; ++round) CheckAllAndWait();
  const auto failed = live.Next();
  ASSERT_TRUE(failed) << harness_.log();
  EXPECT_EQ((*failed)["type"], "document.fetch_failed");
  EXPECT_EQ((*failed)["doc"], "globex/privacy-policy");
  EXPECT_EQ((*failed)["reason"], "http_5xx");
  EXPECT_EQ((*failed)["http_status"], 503);
  EXPECT_FALSE(live.Next(milliseconds(300)));  // reported once, not every time
  const auto show = harness_.Policyctl({"show", "globex/privacy-policy"});
  EXPECT_NE(show.out.find("http_5xx"), std::string::npos) << show.out;

  // The page comes back unchanged: recovered, and no changed event.
  server_.Set("/globex/privacy", Html(PolicyPage("Globex Privacy", "r9", "We share with no one.")));
  CheckAllAndWait();
  const auto recovered = live.Next();
  ASSERT_TRUE(recovered);
  EXPECT_EQ((*recovered)["type"], "document.recovered");
  EXPECT_EQ((*recovered)["failures"], 4);
  EXPECT_FALSE(live.Next(milliseconds(300)));
  EXPECT_EQ(harness_.Stop(), 0);
  // The log says when the report begins and ends, with where the URL is set.
  const std::string log = harness_.log();
  EXPECT_NE(log.find("globex/privacy-policy: reported failing (document.fetch_failed) after 3 "
                     "failed check(s) in a row (http_5xx): "),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("; its URL " + server_.Url("/globex/privacy") + " is set in "),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("globex/privacy-policy: recovered (document.recovered) after 4 failed "
                     "check(s) in a row"),
            std::string::npos)
      << log;
}

TEST_F(EndToEndTest, RedirectStubsAreFollowedOnTheSameSiteAndNeverStored) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  EventSubscriber live(harness_.events_socket(), 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(live.Next()) << harness_.log();
  ASSERT_TRUE(harness_.WaitForChecks(3));
  const auto stub_to = [](const std::string& target) {
    return Html("<html><head><meta http-equiv='refresh' content='0; url=" + target +
                "'></head><body><p>You should be redirected quickly, if not <a href='" + target +
                "'>click here</a>.</p></body></html>");
  };

  // The page became an interstitial to the same text elsewhere on the site: followed through
  // the fetcher, the text is the version's: unchanged, no event.
  server_.Set("/acme/privacy", stub_to("/acme/privacy-2024"));
  server_.Set("/acme/privacy-2024", Html(PolicyPage("Acme Privacy", "r2", "We never sell data.")));
  CheckAllAndWait();
  EXPECT_EQ(server_.RequestCount("/acme/privacy-2024"), 1u);
  EXPECT_FALSE(live.Next(milliseconds(300))) << harness_.log();

  // The same interstitial made by a Refresh response header, with one line of body: followed
  // too, never stored (it was stored as the policy, a substantive change).
  TestResponse header_stub = Html("<html><body><p>Diese Seite ist umgezogen.</p></body></html>");
  header_stub.headers.emplace_back("Refresh", "0; url=/acme/privacy-2024");
  server_.Set("/acme/privacy", header_stub);
  CheckAllAndWait();
  EXPECT_EQ(server_.RequestCount("/acme/privacy-2024"), 2u);
  EXPECT_FALSE(live.Next(milliseconds(300))) << harness_.log();

  // The followed page changes: one document.changed, from where the text now is.
  server_.Set("/acme/privacy-2024",
              Html(PolicyPage("Acme Privacy", "r3", "We never sell or rent data.")));
  CheckAllAndWait();
  const auto changed = live.Next();
  ASSERT_TRUE(changed) << harness_.log();
  EXPECT_EQ((*changed)["type"], "document.changed");
  EXPECT_EQ((*changed)["doc"], "acme/privacy-policy");
  EXPECT_EQ((*changed)["final_url"], server_.Url("/acme/privacy-2024"));
  EXPECT_EQ((*changed)["words_added"], 2);

  // An interstitial to another site is not followed and not stored: the check fails.
  server_.Set("/acme/privacy", stub_to("https://elsewhere.example/privacy"));
  CheckAllAndWait();
  EXPECT_FALSE(live.Next(milliseconds(300))) << harness_.log();
  const auto show = harness_.Policyctl({"show", "acme/privacy-policy"});
  EXPECT_NE(show.out.find("redirect_stub"), std::string::npos) << show.out;
  EXPECT_NE(show.out.find("another site"), std::string::npos) << show.out;
  EXPECT_EQ(server_.RequestCount("/acme/privacy-2024"), 3u);
  const auto history = harness_.Policyctl({"--json", "history", "acme/privacy-policy"});
  EXPECT_EQ(history.out.find("elsewhere"), std::string::npos) << history.out;
  EXPECT_EQ(harness_.Stop(), 0);
}

// JSON Lines of `policyctl --json segments`.
std::vector<nlohmann::json> JsonLines(const std::string& out) {
  std::vector<nlohmann::json> lines;
  std::istringstream in(out);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

TEST_F(EndToEndTest, ClausesKeepTheirIdsAcrossVersionsAndOffsetsMove) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  EventSubscriber live(harness_.events_socket(), 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(live.Next()) << harness_.log();
  const std::string doc = "globex/privacy-policy";
  const auto v1 = harness_.Policyctl({"--json", "segments", doc});
  ASSERT_EQ(v1.exit_code, 0) << v1.err;
  const std::vector<nlohmann::json> before = JsonLines(v1.out);
  ASSERT_GE(before.size(), 6u) << v1.out;
  // Each line is one clause with the version's identity; its offsets locate its text in the
  // stored text (ASCII here: code points are bytes).
  const std::string hash = before[0]["version"];
  const auto stored = harness_.Control({{"cmd", "text"}, {"doc", doc}, {"hash", hash}});
  const std::string text = stored["result"]["text"];
  std::string sharing_id;
  for (const nlohmann::json& line : before) {
    EXPECT_EQ(line["doc"], doc);
    EXPECT_EQ(line["doc_type"], "Privacy Policy");
    EXPECT_EQ(line["version"], hash);
    EXPECT_EQ(line["lang"], "en");
    const std::size_t start = line["start"];
    const std::size_t end = line["end"];
    EXPECT_EQ(text.substr(start, end - start), line["text"]) << line.dump();
    if (line["text"] == "We share with no one.") {
      sharing_id = line["segment_id"];
      EXPECT_EQ(line["section_path"], nlohmann::json::parse(R"(["Globex Privacy", "Sharing"])"));
    }
  }
  ASSERT_FALSE(sharing_id.empty()) << v1.out;

  // The clause is edited: it keeps its id, and the event says which clause changed.
  server_.Set("/globex/privacy",
              Html(PolicyPage("Globex Privacy", "r2", "We share with no one, not even partners.")));
  CheckAllAndWait();
  const auto changed = live.Next();
  ASSERT_TRUE(changed) << harness_.log();
  ASSERT_EQ((*changed)["type"], "document.changed");
  EXPECT_EQ((*changed)["segments"],
            nlohmann::json::parse(R"([{"change": "modified", "old_ids": [")" + sharing_id +
                                  R"("], "new_ids": [")" + sharing_id +
                                  R"("], "section_path": ["Globex Privacy", "Sharing"]}])"));
  const std::vector<nlohmann::json> after =
      JsonLines(harness_.Policyctl({"--json", "segments", doc}).out);
  ASSERT_EQ(after.size(), before.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    EXPECT_EQ(after[i]["segment_id"], before[i]["segment_id"]) << i;
  }
  // A quote in the unchanged "Your rights" list moves with the offset map; the edited words
  // do not map.
  const std::size_t delete_at = text.find("Delete your data.");
  ASSERT_NE(delete_at, std::string::npos);
  const auto moved = harness_.Policyctl({"offsets", doc, "--at", std::to_string(delete_at)});
  EXPECT_EQ(moved.exit_code, 0) << moved.err;
  EXPECT_EQ(moved.out, std::to_string(delete_at + 19) + "\n");  // ", not even partners" added
  const auto gone =
      harness_.Policyctl({"offsets", doc, "1", "2", "--at", std::to_string(text.find("one."))});
  EXPECT_EQ(gone.exit_code, 1) << gone.out;
  // The same answer for a script: "mapped": null, and the same exit status.
  const auto gone_json = harness_.Policyctl(
      {"--json", "offsets", doc, "1", "2", "--at", std::to_string(text.find("one."))});
  EXPECT_TRUE(nlohmann::json::parse(gone_json.out)["mapped"].is_null()) << gone_json.out;
  EXPECT_EQ(gone_json.exit_code, 1) << gone_json.out;
  // The "#" of a heading that did not change is no clause text: it maps nowhere, and that is
  // said (exit 2), not "changed or removed" (exit 1) as it was.
  const std::size_t heading_marker = text.find("# Globex Privacy");
  ASSERT_NE(heading_marker, std::string::npos);
  const auto marker =
      harness_.Policyctl({"offsets", doc, "1", "2", "--at", std::to_string(heading_marker)});
  EXPECT_EQ(marker.exit_code, 2) << marker.out << marker.err;
  EXPECT_EQ(marker.out, "character " + std::to_string(heading_marker) +
                            " of version 1 is a Markdown marker or a separator, outside the text "
                            "the offset map covers: it maps nowhere, changed or not\n");
  const auto marker_json = harness_.Policyctl(
      {"--json", "offsets", doc, "1", "2", "--at", std::to_string(heading_marker)});
  EXPECT_EQ(nlohmann::json::parse(marker_json.out)["unmapped"], "not_text") << marker_json.out;
  EXPECT_EQ(marker_json.exit_code, 2);
  EXPECT_EQ(nlohmann::json::parse(gone_json.out)["unmapped"], "changed") << gone_json.out;
  // Past the end of the version's text there is no character to move: a usage mistake, said
  // as such, not "changed or removed".
  const auto past = harness_.Policyctl({"offsets", doc, "1", "2", "--at", "99999"});
  EXPECT_EQ(past.exit_code, 1);
  EXPECT_NE(past.err.find("invalid_argument: character 99999 is past the end of version 1"),
            std::string::npos)
      << past.err;
  EXPECT_EQ(harness_.Stop(), 0);
}

TEST_F(EndToEndTest, TargetsAddedAndRemovedAtRunTimePersist) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  ASSERT_TRUE(harness_.WaitForChecks(3));
  server_.Set("/initech/terms", Html(PolicyPage("Initech Terms", "r1", "No staplers.")));
  const auto added =
      harness_.Policyctl({"add", "--platform", "Initech", "--type", "Terms of Service", "--url",
                          server_.Url("/initech/terms")});
  ASSERT_EQ(added.exit_code, 0) << added.err;
  ASSERT_TRUE(harness_.WaitForChecks(4)) << harness_.log();
  const auto duplicate =
      harness_.Policyctl({"add", "--platform", "Initech", "--type", "Terms of Service", "--url",
                          server_.Url("/initech/terms")});
  EXPECT_EQ(duplicate.exit_code, 1);
  const auto bad_url = harness_.Policyctl(
      {"add", "--platform", "X", "--type", "Privacy Policy", "--url", "file:///etc/passwd"});
  EXPECT_EQ(bad_url.exit_code, 1);
  const auto long_name = harness_.Policyctl({"add", "--platform", std::string(300, 'A'), "--type",
                                             "Privacy Policy", "--url", server_.Url("/x")});
  EXPECT_EQ(long_name.exit_code, 1);
  EXPECT_NE(long_name.err.find("invalid_argument: platform must be at most 200 bytes, not 300"),
            std::string::npos)
      << long_name.err;
  // An interval policyd cannot read says what one looks like.
  const auto bad_interval =
      harness_.Policyctl({"add", "--platform", "Globex", "--type", "Cookie Policy", "--url",
                          server_.Url("/x"), "--interval", "1x"});
  EXPECT_EQ(bad_interval.exit_code, 1);
  EXPECT_NE(bad_interval.err.find("invalid_argument: bad interval '1x' (a duration such as 90s"),
            std::string::npos)
      << bad_interval.err;
  // `--interval 30` meant days or hours: as seconds it would fetch the page twice a minute.
  const auto no_unit = harness_.Policyctl({"add", "--platform", "Globex", "--type", "Cookie Policy",
                                           "--url", server_.Url("/x"), "--interval", "30"});
  EXPECT_EQ(no_unit.exit_code, 1);
  EXPECT_NE(no_unit.err.find("invalid_argument: interval 30 would be 30 seconds: write its unit, "
                             "such as \"30h\" or \"30d\""),
            std::string::npos)
      << no_unit.err;
  const auto removed = harness_.Policyctl({"remove", "globex/privacy-policy"});
  ASSERT_EQ(removed.exit_code, 0) << removed.err;
  // Asked about, a removed document is said to be removed, not unknown.
  const auto shown = harness_.Policyctl({"show", "globex/privacy-policy"});
  EXPECT_EQ(shown.exit_code, 1);
  EXPECT_NE(shown.err.find("no watched document 'globex/privacy-policy': it was removed with "
                           "`policyctl remove`"),
            std::string::npos)
      << shown.err;
  // One removed before any version was stored: `history` says so too, without promising a
  // history (it said "no document and no history", and `show` "its history is kept").
  ASSERT_EQ(harness_
                .Policyctl({"add", "--platform", "Vandelay", "--type", "Privacy Policy", "--url",
                            server_.Url("/vandelay/nowhere")})
                .exit_code,
            0);
  ASSERT_EQ(harness_.Policyctl({"remove", "vandelay/privacy-policy"}).exit_code, 0);
  const auto no_history = harness_.Policyctl({"history", "vandelay/privacy-policy"});
  EXPECT_EQ(no_history.exit_code, 1);
  EXPECT_NE(no_history.err.find("no watched document 'vandelay/privacy-policy': it was removed "
                                "with `policyctl remove` before any version was stored"),
            std::string::npos)
      << no_history.err;

  EXPECT_EQ(harness_.Stop(), 0);
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  const auto list = nlohmann::json::parse(harness_.Policyctl({"--json", "list"}).out);
  std::set<std::string> ids;
  for (const auto& doc : list["documents"]) ids.insert(doc["id"].get<std::string>());
  EXPECT_EQ(ids, (std::set<std::string>{"acme/privacy-policy", "acme/terms-of-service",
                                        "initech/terms-of-service"}));
  // The removed document's history is kept.
  const auto history = harness_.Policyctl({"--json", "history", "globex/privacy-policy"});
  EXPECT_EQ(nlohmann::json::parse(history.out)["versions"].size(), 1u);
  EXPECT_EQ(harness_.Stop(), 0);
}

TEST_F(EndToEndTest, ReloadBySignalAndCommandPicksUpTargetFiles) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  ASSERT_TRUE(harness_.WaitForChecks(3)) << harness_.log();
  EventSubscriber live(harness_.events_socket(), 3);
  server_.Set("/hooli/privacy", Html(PolicyPage("Hooli Privacy", "r1", "We see everything.")));
  harness_.WriteTarget("hooli",
                       TargetFile("Hooli", {{"Privacy Policy", server_.Url("/hooli/privacy")}}));
  const pid_t pid = harness_.Control({{"cmd", "status"}})["result"]["pid"].get<pid_t>();
  ASSERT_EQ(kill(pid, SIGHUP), 0);
  const auto event = live.Next();  // first checked within first_check_window
  ASSERT_TRUE(event) << harness_.log();
  EXPECT_EQ((*event)["type"], "document.first_seen");
  EXPECT_EQ((*event)["doc"], "hooli/privacy-policy");

  // A broken file on reload keeps the running set (and the daemon).
  harness_.WriteTarget("broken", "[[documents]]\ntype = 5\n");
  const auto reload = harness_.Policyctl({"reload"});
  EXPECT_EQ(reload.exit_code, 1);
  EXPECT_NE(reload.err.find("broken.toml:"), std::string::npos) << reload.err;
  EXPECT_EQ(harness_.Control({{"cmd", "status"}})["result"]["documents"], 4);
  EXPECT_NE(harness_.log().find("broken.toml"), std::string::npos);
  std::filesystem::remove(harness_.targets_dir() / "broken.toml");
  std::filesystem::remove(harness_.targets_dir() / "globex.toml");
  EXPECT_EQ(harness_.Policyctl({"reload"}).exit_code, 0);
  EXPECT_EQ(harness_.Control({{"cmd", "status"}})["result"]["documents"], 3);
  EXPECT_EQ(harness_.Stop(), 0);
}

// The files are read on the worker pool, so a reload can be asked for while another one
// runs: its answer must come from a read that began after it was asked, or a file written
// between the two would be missed until the next reload.
TEST_F(EndToEndTest, AReloadAskedForWhileOneRunsSeesEveryFileWrittenBeforeIt) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  const pid_t pid = harness_.Control({{"cmd", "status"}})["result"]["pid"].get<pid_t>();
  for (int round = 1; round <= 5; ++round) {
    ASSERT_EQ(kill(pid, SIGHUP), 0);
    const std::string platform = "late" + std::to_string(round);
    harness_.WriteTarget(platform,
                         TargetFile(platform, {{"Privacy Policy", server_.Url("/" + platform)}}));
    const auto reload = harness_.Control({{"cmd", "reload"}});
    ASSERT_EQ(reload["ok"], true) << reload.dump();
    EXPECT_EQ(reload["result"]["documents"], 3 + round) << "round " << round;
    const auto shown = harness_.Control({{"cmd", "show"}, {"doc", platform + "/privacy-policy"}});
    EXPECT_EQ(shown["ok"], true) << shown.dump();
  }
  EXPECT_EQ(harness_.Stop(), 0);
}

TEST_F(EndToEndTest, RobotsTxtIsHonouredUnlessTheTargetOverridesIt) {
  server_.Set("/robots.txt", {.status = 200,
                              .headers = {{"Content-Type", "text/plain"}},
                              .body = "User-agent: *\nDisallow: /acme/\n"});
  harness_.WriteTarget("acme",
                       "name = \"Acme\"\n"
                       "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" +
                           server_.Url("/acme/privacy") +
                           "\"\n"
                           "[[documents]]\ntype = \"Terms of Service\"\nurl = \"" +
                           server_.Url("/acme/terms") + "\"\nignore_robots = true\n");
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  EventSubscriber live(harness_.events_socket(), 0);
  std::map<std::string, std::string> seen;  // doc -> event type
  for (int i = 0; i < 3; ++i) {
    const auto event = live.Next();
    ASSERT_TRUE(event) << harness_.log();
    seen[(*event)["doc"]] = (*event)["type"];
    if ((*event)["doc"] == "acme/privacy-policy") {
      EXPECT_EQ((*event)["reason"], "robots");
    }
  }
  EXPECT_EQ(seen["acme/privacy-policy"], "document.fetch_failed");
  EXPECT_EQ(seen["acme/terms-of-service"], "document.first_seen");  // the override
  EXPECT_EQ(seen["globex/privacy-policy"], "document.first_seen");
  EXPECT_EQ(server_.RequestCount("/acme/privacy"), 0u);  // never fetched
  EXPECT_EQ(server_.RequestCount("/robots.txt"), 1u);    // one fetch for the origin
  const auto show = harness_.Policyctl({"show", "acme/privacy-policy"});
  EXPECT_NE(show.out.find("robots"), std::string::npos) << show.out;
  EXPECT_NE(harness_.log().find("robots.txt is ignored"), std::string::npos);
  EXPECT_EQ(harness_.Stop(), 0);
}

// RFC 9309 2.2.1: groups are matched against the product token the crawler sends in its
// User-Agent. An operator who names the crawler "AcmeWatch" is ruled by the site's
// "User-agent: AcmeWatch" group, not by one for "policyd" (which it no longer sends).
TEST(RobotsProductTokenTest, GroupsAreMatchedAgainstTheConfiguredUserAgentsToken) {
  HttpTestServer server;
  server.Set("/robots.txt", {.status = 200,
                             .headers = {{"Content-Type", "text/plain"}},
                             .body = "User-agent: policyd\nAllow: /\n\n"
                                     "User-agent: AcmeWatch\nDisallow: /acme/\n\n"
                                     "User-agent: *\nAllow: /\n"});
  server.Set("/acme/privacy", {.status = 200,
                               .headers = {{"Content-Type", "text/html; charset=utf-8"}},
                               .body = PolicyPage("Acme Privacy", "r1", "We never sell data.")});
  DaemonHarness harness("user_agent = \"AcmeWatch/1.0 (+https://watch.example/bot)\"\n");
  harness.WriteTarget("acme",
                      TargetFile("Acme", {{"Privacy Policy", server.Url("/acme/privacy")}}));
  ASSERT_TRUE(harness.Start()) << harness.log();
  EventSubscriber live(harness.events_socket(), 0);
  const auto event = live.Next();
  ASSERT_TRUE(event) << harness.log();
  EXPECT_EQ((*event)["type"], "document.fetch_failed") << event->dump();
  EXPECT_EQ((*event)["reason"], "robots") << event->dump();
  EXPECT_EQ(server.RequestCount("/acme/privacy"), 0u);
  EXPECT_EQ(harness.Stop(), 0);
}

// An Open Terms Archive declaration dropped into the targets folder: its two pages are
// fetched (and, as it says executeClientScripts, rendered) and combined in order, and what
// policyd cannot honour is logged per document.
TEST_F(EndToEndTest, OpenTermsArchiveDeclarationIsWatchedAndItsGapsAreLogged) {
  server_.Set("/initech/privacy-1",
              Html(PolicyPage("Initech Privacy", "r1", "Part one: we collect little.")));
  server_.Set("/initech/privacy-2",
              Html(PolicyPage("Initech Privacy, continued", "r1", "Part two: we keep less.")));
  const nlohmann::json declaration = {
      {"name", "Initech"},
      {"terms",
       {{"Privacy Policy",
         {{"combine",
           {{{"fetch", server_.Url("/initech/privacy-1")}},
            {{"fetch", server_.Url("/initech/privacy-2")}}}},
          {"select", {"main"}},
          {"remove", {{{"startBefore", "main ul"}, {"endAfter", "main ul"}}}},
          {"filter", {"removeTrackingWidgets"}},
          {"executeClientScripts", true}}}}}};
  std::ofstream(harness_.targets_dir() / "Initech.json") << declaration.dump(2);
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  EventSubscriber live(harness_.events_socket(), 0);
  std::optional<nlohmann::json> first_seen;
  for (int i = 0; i < 4 && !first_seen; ++i) {
    auto event = live.Next();
    ASSERT_TRUE(event) << harness_.log();
    if ((*event)["doc"] == "initech/privacy-policy") first_seen = std::move(event);
  }
  ASSERT_TRUE(first_seen) << harness_.log();
  EXPECT_EQ((*first_seen)["type"], "document.first_seen");
  const nlohmann::json text = harness_.Control(
      {{"cmd", "text"}, {"doc", "initech/privacy-policy"}, {"hash", (*first_seen)["hash"]}});
  ASSERT_EQ(text["ok"], true) << text.dump();
  const std::string body = text["result"]["text"];
  const std::size_t one = body.find("Part one: we collect little.");
  const std::size_t two = body.find("Part two: we keep less.");
  ASSERT_NE(one, std::string::npos) << body;
  ASSERT_NE(two, std::string::npos) << body;
  EXPECT_LT(one, two);
  EXPECT_EQ(body.find("Products"), std::string::npos) << body;           // select = main
  EXPECT_EQ(body.find("Access your data."), std::string::npos) << body;  // the remove range
  const nlohmann::json shown =
      harness_.Control({{"cmd", "show"}, {"doc", "initech/privacy-policy"}});
  EXPECT_EQ(shown["result"]["remove_ranges"],
            nlohmann::json::parse(R"([{"startBefore": "main ul", "endAfter": "main ul"}])"))
      << shown.dump();
  // show names every page of a combined document, in order (the operator sees what it reads).
  ASSERT_EQ(shown["result"]["pages"].size(), 2u) << shown.dump();
  EXPECT_EQ(shown["result"]["pages"][0]["url"], server_.Url("/initech/privacy-1"));
  EXPECT_EQ(shown["result"]["pages"][1]["url"], server_.Url("/initech/privacy-2"));
  EXPECT_EQ(shown["result"]["pages"][1]["select"], nlohmann::json::array({"main"}));
  const CommandResult table = harness_.Policyctl({"show", "initech/privacy-policy"});
  EXPECT_NE(table.out.find("page 2"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(server_.Url("/initech/privacy-2")), std::string::npos) << table.out;
  const std::string log = harness_.log();
  EXPECT_NE(log.find("initech/privacy-policy: custom JavaScript filters"), std::string::npos)
      << log;
  // executeClientScripts is honoured, not a gap: both pages were rendered in the browser.
  EXPECT_EQ(log.find("executeClientScripts"), std::string::npos) << log;
  const nlohmann::json evidence =
      harness_.Control({{"cmd", "evidence"}, {"doc", "initech/privacy-policy"}});
  EXPECT_EQ(evidence["result"]["fetcher"], "browser") << evidence.dump();
  EXPECT_EQ(harness_.Stop(), 0);
}

// Found by a site owner: a declaration combining three parts of one page, each inheriting the
// declaration's `fetch`, made every check fetch that page three times (2 s apart, so the parts
// could come from different captures). The page is now fetched once per check.
TEST_F(EndToEndTest, PartsOfOnePageAreCutFromOneFetch) {
  server_.Set("/hooli/terms", Html("<html><head><title>Hooli Terms</title></head><body><main>"
                                   "<h1>Hooli Terms of Service</h1><p class=intro>These terms "
                                   "govern your use of Hooli.</p><p class=law>The laws of "
                                   "California apply to these terms.</p></main></body></html>"));
  const nlohmann::json declaration = {
      {"name", "Hooli"},
      {"terms",
       {{"Terms of Service",
         {{"fetch", server_.Url("/hooli/terms")},
          {"combine", {{{"select", "h1"}}, {{"select", "p.intro"}}, {{"select", "p.law"}}}}}}}}};
  std::ofstream(harness_.targets_dir() / "Hooli.json") << declaration.dump(2);
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  // Two checks, one after the other: the start's, then one asked for.
  for (int check = 0; check < 2; ++check) {
    const nlohmann::json checked = harness_.Control(
        {{"cmd", "check"}, {"doc", "hooli/terms-of-service"}, {"wait", true}}, kWaitForAnswer);
    ASSERT_EQ(checked["ok"], true) << checked.dump();
    ASSERT_EQ(checked["result"]["complete"], true) << checked.dump();
  }
  const nlohmann::json shown =
      harness_.Control({{"cmd", "show"}, {"doc", "hooli/terms-of-service"}})["result"];
  ASSERT_EQ(shown["pages"].size(), 3u) << shown.dump();
  EXPECT_EQ(shown["versions"], 1) << shown.dump() << harness_.log();
  const nlohmann::json text = harness_.Control(
      {{"cmd", "text"}, {"doc", "hooli/terms-of-service"}, {"hash", shown["current_hash"]}});
  const std::string body = text["result"]["text"];
  EXPECT_NE(body.find("govern your use of Hooli"), std::string::npos) << body;
  EXPECT_NE(body.find("The laws of California apply"), std::string::npos) << body;
  // One request per check (the first `check` may have joined the start's).
  const std::size_t checks = shown["recent_checks"].size();
  EXPECT_GE(checks, 1u);
  EXPECT_EQ(server_.RequestCount("/hooli/terms"), checks) << shown.dump();
  EXPECT_EQ(harness_.Stop(), 0);
}

// A client that sends a command the daemon does not know is told which ones it does know:
// every command of the control protocol (docs/CONTROL.md), and each of them is one the daemon
// answers. Asked without arguments, each answers or refuses its arguments, never
// "unknown_command".
TEST_F(EndToEndTest, AnUnknownCommandIsAnsweredWithEveryCommandTheDaemonKnows) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  const nlohmann::json unknown = harness_.Control({{"cmd", "frobnicate"}});
  ASSERT_EQ(unknown["error"]["code"], "unknown_command") << unknown.dump();
  const std::string message = unknown["error"]["message"];
  for (const char* cmd : {"status",   "list",          "show",    "history", "diff",     "check",
                          "add",      "remove",        "reload",  "metrics", "verify",   "gc",
                          "evidence", "text",          "removed", "backup",  "segments", "offsets",
                          "webhooks", "webhooks_test", "atom",    "events",  "fleet"}) {
    const std::string listed = std::string(" ") + cmd + ",";
    const std::string last = std::string(" ") + cmd + ")";
    EXPECT_TRUE(message.find(listed) != std::string::npos ||
                message.find(last) != std::string::npos ||
                message.find(std::string("(") + cmd + ",") != std::string::npos)
        << cmd << " is not named in: " << message;
    const nlohmann::json answer = harness_.Control({{"cmd", cmd}});
    EXPECT_NE(answer.value("/error/code"_json_pointer, std::string()), "unknown_command")
        << cmd << ": " << answer.dump();
  }
  EXPECT_EQ(harness_.Stop(), 0);
}

TEST_F(EndToEndTest, PolicyctlErrorsAreClearWithDocumentedExitCodes) {
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  const auto unknown_doc = harness_.Policyctl({"show", "nope/none"});
  EXPECT_EQ(unknown_doc.exit_code, 1);
  EXPECT_NE(unknown_doc.err.find("not_found"), std::string::npos);
  const auto unknown_cmd = harness_.Policyctl({"frobnicate"});
  EXPECT_EQ(unknown_cmd.exit_code, 2);
  EXPECT_NE(unknown_cmd.err.find("unknown command"), std::string::npos);
  const auto bad_flag = harness_.Policyctl({"list", "--bogus"});
  EXPECT_EQ(bad_flag.exit_code, 2);
  const auto unreachable =
      RunCommand({POLICYCTL_BIN, "--socket", "/tmp/definitely-not-here.sock", "status"});
  EXPECT_EQ(unreachable.exit_code, 3);
  const auto status = harness_.Policyctl({"status"});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.out.find("documents"), std::string::npos);
  // A healthy store: no storage error (tests/unit/daemon/storage_recovery_test.cc has one).
  const std::size_t storage_row = status.out.find("\nstorage ");
  ASSERT_NE(storage_row, std::string::npos) << status.out;
  const std::string storage_line =
      status.out.substr(storage_row + 1, status.out.find('\n', storage_row + 1) - storage_row - 1);
  EXPECT_EQ(storage_line.substr(storage_line.find_last_of(' ') + 1), "ok") << storage_line;
  const auto status_json = harness_.Policyctl({"--json", "status"});
  EXPECT_TRUE(nlohmann::json::parse(status_json.out)["storage_error"].is_null()) << status_json.out;
  EXPECT_EQ(harness_.Stop(), 0);
}

TEST(DaemonThreads, WorkerThreadsAreNamedForOperators) {
  // `top -H` and the pass benchmark tell the io thread (the main thread, "policyd") from the
  // extraction pool. (RocksDB names its own background threads; its timer thread is unnamed
  // and inherits "policyd".)
  DaemonHarness harness("worker_threads = 3\n");
  ASSERT_TRUE(harness.Start()) << harness.log();
  const std::filesystem::path tasks = "/proc/" + std::to_string(harness.pid()) + "/task";
  auto name_of = [](const std::filesystem::path& task) {
    std::ifstream comm(task / "comm");
    std::string name;
    std::getline(comm, name);
    return name;
  };
  int workers = 0;
  for (const auto& task : std::filesystem::directory_iterator(tasks)) {
    if (name_of(task.path()) == "policyd-worker") ++workers;
  }
  EXPECT_EQ(workers, 3) << harness.log();
  EXPECT_EQ(name_of(tasks / std::to_string(harness.pid())), "policyd");
  EXPECT_EQ(harness.Stop(), 0);
}

TEST(DaemonConfigErrors, BadConfigExits78NamingFileAndLine) {
  DaemonHarness harness("max_concurrency = \"lots\"\n");
  const auto result = RunCommand({POLICYD_BIN, "--config", harness.config_path().string()});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_NE(result.err.find(harness.config_path().string() + ":"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("max_concurrency"), std::string::npos) << result.err;
}

TEST(DaemonConfigErrors, BadTargetFileExits78) {
  DaemonHarness harness;
  harness.WriteTarget("broken", "[[documents]]\ntype = \"Privacy Policy\"\nurl = \"ftp://x\"\n");
  const auto result = RunCommand({POLICYD_BIN, "--config", harness.config_path().string()});
  EXPECT_EQ(result.exit_code, 78);
  EXPECT_NE(result.err.find("broken.toml"), std::string::npos) << result.err;
}

}  // namespace
}  // namespace policyd::testing

// Issue 18 item 2: Atom feeds from the real daemon. A document is first seen, then changes
// (with page text that is hostile to XML); `policyctl feed` prints the document's, a
// platform's and everyone's feed, which a real feed parser (Python's feedparser) and a real
// XML parser (xml.etree) read: atom_feed_check.py, with the entries expected from the stored
// events. Unknown documents and platforms are refused with the closest names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "daemon_harness.h"
#include "support/http_test_server.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

// The stored events so far (replayed from the events socket), by seq.
std::vector<nlohmann::json> StoredEvents(const DaemonHarness& harness, std::size_t count) {
  EventSubscriber subscriber(harness.events_socket(), 0);
  std::vector<nlohmann::json> events;
  while (events.size() < count) {
    auto event = subscriber.Next();
    if (!event) break;
    events.push_back(*event);
  }
  return events;
}

// Runs atom_feed_check.py on `xml` against `expected`; its exit status and messages.
CommandResult CheckFeed(const DaemonHarness& harness, const std::string& xml,
                        const nlohmann::json& expected, const std::string& name) {
  const std::filesystem::path feed = harness.dir() / (name + ".xml");
  const std::filesystem::path want = harness.dir() / (name + ".json");
  std::ofstream(feed, std::ios::binary) << xml;
  std::ofstream(want) << expected.dump();
  return RunCommand({POLICYD_PYTHON3, POLICYD_ATOM_FEED_CHECK, feed.string(), want.string()});
}

nlohmann::json ExpectedEntry(const nlohmann::json& event, const std::string& title_prefix,
                             std::vector<std::string> content_has = {}) {
  return {{"id", "tag:policyd,2026:event/" + std::to_string(event["seq"].get<uint64_t>())},
          {"title_prefix", title_prefix},
          {"link", event["url"]},
          {"updated", event["time"]},
          {"content_has", content_has}};
}

TEST(AtomFeedIntegrationTest, PolicyctlFeedIsAValidAtomFeedOfTheStoredChanges) {
  HttpTestServer server;
  server.Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme collects your email address."));
  server.Set("/initech/privacy", PolicyPage("Initech Privacy", "Initech collects nothing."));
  DaemonHarness harness;
  harness.WriteTarget("acme", PrivacyPolicyTarget("Acme", server.Url("/acme/privacy")));
  harness.WriteTarget("initech", PrivacyPolicyTarget("Initech", server.Url("/initech/privacy")));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(2)) << harness.log();

  // The change: words added, with text that is markup and XML syntax when read as such.
  server.Set("/acme/privacy",
             PolicyPage("Acme Privacy",
                        "Acme collects your email address and phone number. "
                        "&lt;script&gt;alert(1)&lt;/script&gt; ]]&gt; &amp; more"));
  ASSERT_EQ(harness.Control({{"cmd", "check"}, {"doc", "acme/privacy-policy"}})["ok"], true);
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();

  const std::vector<nlohmann::json> events = StoredEvents(harness, 3);
  ASSERT_EQ(events.size(), 3u);
  nlohmann::json acme_first;
  nlohmann::json acme_changed;
  nlohmann::json initech_first;
  for (const auto& event : events) {
    if (event["doc"] == "initech/privacy-policy") initech_first = event;
    if (event["doc"] == "acme/privacy-policy" && event["type"] == "document.first_seen") {
      acme_first = event;
    }
    if (event["type"] == "document.changed") acme_changed = event;
  }
  ASSERT_TRUE(acme_changed.is_object()) << nlohmann::json(events).dump();
  ASSERT_EQ(acme_changed["change_class"], "substantive");

  const CommandResult doc_feed = harness.Policyctl({"feed", "acme/privacy-policy"});
  ASSERT_EQ(doc_feed.exit_code, 0) << doc_feed.err;
  const nlohmann::json changed_entry = ExpectedEntry(
      acme_changed, "Acme Privacy Policy changed (substantive): +",
      {"phone number", "&lt;script&gt;alert(1)&lt;/script&gt;", "Changed sections:", "<pre>"});
  const CommandResult doc_check = CheckFeed(
      harness, doc_feed.out,
      {{"feed_id", "tag:policyd,2026:feed/doc/acme/privacy-policy"},
       {"entries",
        {changed_entry, ExpectedEntry(acme_first, "Acme Privacy Policy: first version")}}},
      "doc");
  EXPECT_EQ(doc_check.exit_code, 0) << doc_check.err << doc_check.out << "\n" << doc_feed.out;
  EXPECT_EQ(doc_feed.out.find("<script"), std::string::npos);

  const CommandResult platform_feed = harness.Policyctl({"feed", "--platform", "initech"});
  ASSERT_EQ(platform_feed.exit_code, 0) << platform_feed.err;
  const CommandResult platform_check = CheckFeed(
      harness, platform_feed.out,
      {{"feed_id", "tag:policyd,2026:feed/platform/initech"},
       {"entries", {ExpectedEntry(initech_first, "Initech Privacy Policy: first version")}}},
      "platform");
  EXPECT_EQ(platform_check.exit_code, 0) << platform_check.err << "\n" << platform_feed.out;

  // Everything, newest first; and bounded by --limit.
  std::vector<nlohmann::json> all_entries;
  for (auto it = events.rbegin(); it != events.rend(); ++it) {
    const bool changed = (*it)["type"] == "document.changed";
    all_entries.push_back(
        ExpectedEntry(*it, (*it)["platform"].get<std::string>() + " Privacy Policy" +
                               (changed ? " changed (substantive): +" : ": first version")));
  }
  const CommandResult all_feed = harness.Policyctl({"feed"});
  ASSERT_EQ(all_feed.exit_code, 0) << all_feed.err;
  const CommandResult all_check =
      CheckFeed(harness, all_feed.out,
                {{"feed_id", "tag:policyd,2026:feed/all"}, {"entries", all_entries}}, "all");
  EXPECT_EQ(all_check.exit_code, 0) << all_check.err << "\n" << all_feed.out;
  const CommandResult limited = harness.Policyctl({"feed", "--limit", "1"});
  ASSERT_EQ(limited.exit_code, 0) << limited.err;
  const CommandResult limited_check = CheckFeed(
      harness, limited.out,
      {{"feed_id", "tag:policyd,2026:feed/all"}, {"entries", {all_entries.front()}}}, "limited");
  EXPECT_EQ(limited_check.exit_code, 0) << limited_check.err << "\n" << limited.out;

  // Refusals: exit 1 with the closest names; bad arguments are usage errors.
  const CommandResult unknown_doc = harness.Policyctl({"feed", "acme/privacy-polcy"});
  EXPECT_EQ(unknown_doc.exit_code, 1);
  EXPECT_NE(unknown_doc.err.find("did you mean 'acme/privacy-policy'?"), std::string::npos)
      << unknown_doc.err;
  EXPECT_EQ(unknown_doc.err.find("did you mean"), unknown_doc.err.rfind("did you mean"))
      << unknown_doc.err;
  const nlohmann::json refused = harness.Control({{"cmd", "atom"}, {"doc", "acme/privacy-polcy"}});
  EXPECT_EQ(refused["error"]["code"], "not_found");
  EXPECT_EQ(refused["error"]["suggestions"], nlohmann::json({"acme/privacy-policy"}));
  const CommandResult unknown_platform = harness.Policyctl({"feed", "--platform", "Acmee"});
  EXPECT_EQ(unknown_platform.exit_code, 1);
  EXPECT_NE(unknown_platform.err.find("'Acme'"), std::string::npos) << unknown_platform.err;
  EXPECT_EQ(harness.Control({{"cmd", "atom"}, {"limit", 0}})["error"]["code"], "invalid_argument");
  EXPECT_EQ(
      harness.Control(
          {{"cmd", "atom"}, {"doc", "acme/privacy-policy"}, {"platform", "Acme"}})["error"]["code"],
      "invalid_argument");
  EXPECT_NE(harness.Policyctl({"feed", "--limit", "0"}).exit_code, 0);
  EXPECT_NE(harness.Policyctl({"feed", "acme/privacy-policy", "--platform", "Acme"}).exit_code, 0);
  EXPECT_EQ(harness.Stop(), 0);
}

// A feed reader subscribed to a document added before its first version (or whose page has
// never loaded) reads a valid feed without entries, not an error; a document neither watched
// nor stored is refused (above).
TEST(AtomFeedIntegrationTest, AWatchedDocumentWithoutVersionsHasAValidEmptyFeed) {
  HttpTestServer server;  // "/acme/privacy" is never set: 404
  DaemonHarness harness;
  harness.WriteTarget("acme", PrivacyPolicyTarget("Acme", server.Url("/acme/privacy")));
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  const CommandResult feed = harness.Policyctl({"feed", "acme/privacy-policy"});
  ASSERT_EQ(feed.exit_code, 0) << feed.err;
  const CommandResult check =
      CheckFeed(harness, feed.out,
                {{"feed_id", "tag:policyd,2026:feed/doc/acme/privacy-policy"},
                 {"entries", nlohmann::json::array()}},
                "empty");
  EXPECT_EQ(check.exit_code, 0) << check.err << check.out << "\n" << feed.out;
  EXPECT_EQ(harness.Control({{"cmd", "atom"}, {"doc", "acme/privacy-policy"}})["result"]["entries"],
            0);
  EXPECT_EQ(harness.Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing

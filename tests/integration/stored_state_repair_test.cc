// A damaged stored state (issue: "corrupt stored state stops the daemon at start"): one
// document's state record that cannot be decoded must neither stop the daemon watching the
// others nor leave that document unwatched, nor make it announce a version it already has.
// The real policyd, its store damaged between two runs.
#include <gtest/gtest.h>

#include "daemon_harness.h"
#include "support/http_test_server.h"
#include "support/raw_doc_state.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;

// Overwrites the stored state of `doc` with a record of a format no policyd knows yet (what a
// newer policyd leaves behind after a downgrade, or damage).
void DamageStoredState(const std::filesystem::path& state_dir, const std::string& doc) {
  const std::string record = std::string("\x07", 1) + "a record from the future";
  const Status put = PutRawDocState(state_dir / "db", doc, record);
  ASSERT_TRUE(put.ok()) << put.ToString();
}

// Two privacy policies (acme/ and globex/privacy-policy), each stored once by a first run
// that is still running when the test starts.
class StoredStateRepairTest : public ::testing::Test {
 protected:
  void SetUp() override { StartTwoStoredPolicies(&server, &harness); }

  HttpTestServer server;
  DaemonHarness harness;
};

TEST_F(StoredStateRepairTest, ADamagedStateIsRebuiltFromHistoryAndAnnouncesNothingNew) {
  const std::string first_hash =
      harness.Control({{"cmd", "show"}, {"doc", "acme/privacy-policy"}})["result"]["current_hash"];
  ASSERT_EQ(first_hash.size(), 64u);
  ASSERT_EQ(harness.Stop(), 0) << harness.log();

  DamageStoredState(harness.state_dir(), "acme/privacy-policy");
  ASSERT_TRUE(harness.Start()) << harness.log();
  const std::string log = harness.log();
  EXPECT_NE(log.find("unreadable doc state of acme/privacy-policy: doc state record has an unknown "
                     "format (tag 7; a newer policyd's?); rebuilt from its history"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("rebuilt from its history (1 version, the newest " + first_hash.substr(0, 12)),
            std::string::npos)
      << log;

  // Both documents are checked; the page as it was is no new version: no event at all.
  EventSubscriber live(harness.events_socket(), 2);
  const nlohmann::json checked =
      harness.Control({{"cmd", "check"}, {"all", true}, {"wait", true}}, kWaitForAnswer);
  ASSERT_EQ(checked["ok"], true) << checked.dump();
  EXPECT_FALSE(live.Next(milliseconds(300)));
  const nlohmann::json shown =
      harness.Control({{"cmd", "show"}, {"doc", "acme/privacy-policy"}})["result"];
  EXPECT_EQ(shown["current_hash"], first_hash);
  EXPECT_EQ(shown["recent_checks"][0]["outcome"], "unchanged");

  // A real change is announced against the version stored before the damage.
  server.Set("/acme/privacy", PolicyPage("Acme Privacy", "We sell your email address."));
  ASSERT_EQ(harness.Control({{"cmd", "check"}, {"doc", "acme/privacy-policy"}, {"wait", true}},
                            kWaitForAnswer)["ok"],
            true);
  const auto changed = live.Next();
  ASSERT_TRUE(changed) << harness.log();
  EXPECT_EQ((*changed)["seq"], 3);
  EXPECT_EQ((*changed)["type"], "document.changed");
  EXPECT_EQ((*changed)["doc"], "acme/privacy-policy");
  EXPECT_EQ((*changed)["old_hash"], first_hash);

  // The store is whole again, the unreadable record kept aside.
  const auto verified = harness.Policyctl({"verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  EXPECT_EQ(harness.Stop(), 0) << harness.log();
}

TEST_F(StoredStateRepairTest, ARemovedDocumentsDamagedStateDoesNotHideTheListOrTheExport) {
  std::filesystem::remove(harness.targets_dir() / "globex.toml");
  ASSERT_EQ(harness.Policyctl({"reload"}).exit_code, 0);
  ASSERT_EQ(harness.Stop(), 0) << harness.log();

  // Not watched any more, so the start does not repair it: only the listings meet it.
  DamageStoredState(harness.state_dir(), "globex/privacy-policy");
  ASSERT_TRUE(harness.Start()) << harness.log();
  const nlohmann::json removed = harness.Control({{"cmd", "removed"}});
  ASSERT_EQ(removed["ok"], true) << removed.dump();
  const nlohmann::json& documents = removed["result"]["documents"];
  ASSERT_EQ(documents.size(), 1u) << removed.dump();
  EXPECT_EQ(documents[0]["id"], "globex/privacy-policy");
  EXPECT_EQ(documents[0]["versions"], 1);
  EXPECT_EQ(documents[0]["url"], server.Url("/globex/privacy"));
  EXPECT_TRUE(documents[0]["last_change"].is_string());
  EXPECT_NE(harness.log().find("unreadable doc state of globex/privacy-policy: doc state record "
                               "has an unknown format (tag 7; a newer policyd's?); listed from "
                               "its history"),
            std::string::npos)
      << harness.log();

  const auto exported = harness.Policyctl({"export", (harness.dir() / "export").string()});
  EXPECT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_NE(exported.out.find("exported 2 version(s) of 2 document(s)"), std::string::npos)
      << exported.out;
  EXPECT_EQ(harness.Stop(), 0) << harness.log();
}

}  // namespace
}  // namespace policyd::testing

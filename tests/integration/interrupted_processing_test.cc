// The crash-loop guard (daemon/daemon.cc, Store::MarkProcessing): a page that takes the daemon
// down while a worker processes it must not do so at every start, and the operator must hear
// which page it is. The real policyd, its store left as a run that ended mid-processing
// leaves it.
#include <gtest/gtest.h>

#include "daemon_harness.h"
#include "policyd/store.h"
#include "support/http_test_server.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;

// What the store holds after runs that ended while they processed `doc`'s page: the mark of
// the last one, counting `interrupted_before` ended the same way before it.
void LeaveProcessingMark(const std::filesystem::path& state_dir, const std::string& doc,
                         int interrupted_before) {
  auto store = Store::Open(state_dir / "db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const Status marked = (*store)->MarkProcessing(doc, interrupted_before);
  ASSERT_TRUE(marked.ok()) << marked.ToString();
}

class InterruptedProcessingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StartTwoStoredPolicies(&server, &harness);
    if (HasFatalFailure()) return;
    ASSERT_EQ(harness.Stop(), 0) << harness.log();
    // A clean stop leaves no mark behind: every processing that began, ended.
    auto store = Store::Open(harness.state_dir() / "db");
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    const auto marks = (*store)->TakeProcessingMarks();
    ASSERT_TRUE(marks.ok()) << marks.status().ToString();
    EXPECT_TRUE(marks->empty());
  }

  nlohmann::json Show(const std::string& doc) {
    return harness.Control({{"cmd", "show"}, {"doc", doc}})["result"];
  }

  HttpTestServer server;
  DaemonHarness harness;
};

TEST_F(InterruptedProcessingTest, APageThatEndedTwoRunsIsNotFetchedAgainButReported) {
  LeaveProcessingMark(harness.state_dir(), "acme/privacy-policy", 1);
  server.ResetStats();
  ASSERT_TRUE(harness.Start()) << harness.log();
  EventSubscriber live(harness.events_socket(), 2);  // after the two first versions
  const auto failed = live.Next();
  ASSERT_TRUE(failed) << harness.log();
  EXPECT_EQ((*failed)["type"], "document.fetch_failed");
  EXPECT_EQ((*failed)["doc"], "acme/privacy-policy");
  EXPECT_EQ((*failed)["reason"], "interrupted");

  const nlohmann::json acme = Show("acme/privacy-policy");
  EXPECT_EQ(acme["recent_checks"][0]["outcome"], "failed");
  EXPECT_EQ(acme["recent_checks"][0]["reason"], "interrupted");
  EXPECT_EQ(acme["versions"], 1);  // its history is as it was
  EXPECT_EQ(server.RequestCount("/acme/privacy"), 0u);
  const std::string log = harness.log();
  EXPECT_NE(log.find("acme/privacy-policy: the last 2 runs of policyd ended while they processed "
                     "this document's page; its next check fails as 'interrupted'"),
            std::string::npos)
      << log;

  // The others are watched as before; a `check` of the held page asks for it explicitly.
  const nlohmann::json checked = harness.Control(
      {{"cmd", "check"}, {"doc", "globex/privacy-policy"}, {"wait", true}}, kWaitForAnswer);
  EXPECT_EQ(checked["ok"], true) << checked.dump();
  EXPECT_EQ(Show("globex/privacy-policy")["recent_checks"][0]["outcome"], "unchanged");
  EXPECT_EQ(server.RequestCount("/acme/privacy"), 0u);
  const nlohmann::json retried = harness.Control(
      {{"cmd", "check"}, {"doc", "acme/privacy-policy"}, {"wait", true}}, kWaitForAnswer);
  EXPECT_EQ(retried["ok"], true) << retried.dump();
  EXPECT_EQ(server.RequestCount("/acme/privacy"), 1u);
  const auto recovered = live.Next();
  ASSERT_TRUE(recovered) << harness.log();
  EXPECT_EQ((*recovered)["type"], "document.recovered");
  EXPECT_EQ(Show("acme/privacy-policy")["recent_checks"][0]["outcome"], "unchanged");
  EXPECT_EQ(harness.Stop(), 0) << harness.log();
}

TEST_F(InterruptedProcessingTest, OneInterruptedRunIsOnlyLoggedAndThePageCheckedAgain) {
  LeaveProcessingMark(harness.state_dir(), "acme/privacy-policy", 0);
  ASSERT_TRUE(harness.Start()) << harness.log();
  const nlohmann::json checked =
      harness.Control({{"cmd", "check"}, {"all", true}, {"wait", true}}, kWaitForAnswer);
  ASSERT_EQ(checked["ok"], true) << checked.dump();
  EXPECT_EQ(Show("acme/privacy-policy")["recent_checks"][0]["outcome"], "unchanged");
  EventSubscriber live(harness.events_socket(), 2);
  EXPECT_FALSE(live.Next(milliseconds(300)));  // nothing to announce
  const std::string log = harness.log();
  EXPECT_NE(log.find("acme/privacy-policy: the last run of policyd ended while it processed "
                     "this document's page, and stored nothing of that check; it is checked "
                     "again when due ('policyctl check acme/privacy-policy' checks it now)"),
            std::string::npos)
      << log;
  EXPECT_EQ(harness.Stop(), 0) << harness.log();
}

}  // namespace
}  // namespace policyd::testing

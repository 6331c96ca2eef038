// A check whose fleet lease is lost stops where it is (issue 19 item 2: a document is never
// checked by two members at once). One real daemon in a fleet on a real nats-server checks a
// page that never answers; the test takes the document's lease in the bucket, as a member that
// found it expired would. At its next renewal the daemon finds the lease gone and stops the
// fetch at once, instead of letting it run to its timeout while another member may be
// fetching the same page: the transfer leaves curl without ending by itself (no fetch is
// counted), nothing is stored or announced, and the lease stays the taker's.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon_harness.h"
#include "fleet_sites.h"
#include "nats_server.h"
#include "policyd/clock.h"
#include "policyd/fleet_options.h"
#include "policyd/fleet_records.h"
#include "policyd/jetstream_kv.h"
#include "support/http_test_server.h"
#include "support/test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;

constexpr char kDocument[] = "site-1-0/privacy-policy";

FleetTiming Timing() {
  FleetTiming timing;
  timing.heartbeat_interval = milliseconds(500);
  timing.member_ttl = milliseconds(2000);
  timing.lease_ttl = milliseconds(3000);
  timing.max_clock_skew = milliseconds(200);
  return timing;
}

// The value of an unlabelled series in a Prometheus text exposition; -1 when absent.
double MetricValue(const std::string& text, const std::string& name) {
  const std::string line_start = "\n" + name + " ";
  const std::size_t at = ("\n" + text).find(line_start);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + line_start.size() - 1));
}

class FleetLeaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::Installed()) {
      GTEST_SKIP() << kNatsServerBin << " is not installed: the fleet tests cannot run";
    }
    ASSERT_TRUE(nats_.Start()) << nats_.log();
  }

  // One site whose one page answers `page`, and the daemon, a fleet of one, watching it.
  void StartSiteAndDaemon(const TestResponse& page) {
    sites_ = StartFleetSites(1, 1, [&page](int, int) { return page; });
    daemon_ = std::make_unique<DaemonHarness>(
        "\n[nats]\nurls = [\"" + nats_.url() +
        "\"]\nstream = \"POLICYD_FLEET_LEASE_TEST\"\nretry_min = \"100ms\"\n"
        "retry_max = \"100ms\"\nconnect_timeout = \"1s\"\n"
        "\n[fleet]\nenabled = true\nmember_id = \"holder\"\nheartbeat_interval = \"500ms\"\n"
        "ttl = \"2s\"\nlease_ttl = \"3s\"\nmax_clock_skew = \"200ms\"\n");
    WriteFleetTargets(*daemon_, sites_, 1);
  }

  std::string Metrics() {
    return daemon_->Control({{"cmd", "metrics"}})["result"].value("text", "");
  }

  // The fleet's bucket (or its durable bucket of document records), as another member opens it.
  std::unique_ptr<JetStreamKv> OpenBucket(bool documents = false) {
    NatsConfig nats;
    nats.enabled = true;
    nats.urls = {nats_.url()};
    nats.connect_timeout = std::chrono::seconds(2);
    JetStreamKvOptions options;
    options.bucket = documents ? FleetDocumentBucketName("policyd-fleet") : "policyd-fleet";
    options.max_age = documents ? milliseconds(0) : FleetBucketMaxAge(Timing());
    options.timeout = milliseconds(3000);
    auto opened = JetStreamKv::Open(nats, options);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(opened).value() : nullptr;
  }

  NatsServer nats_;
  std::vector<std::unique_ptr<HttpTestServer>> sites_;
  std::unique_ptr<DaemonHarness> daemon_;
};

TEST_F(FleetLeaseTest, ACheckWhoseLeaseIsTakenStopsItsFetchAndStoresNothing) {
  StartSiteAndDaemon(TestResponse{.hang = true});
  ASSERT_TRUE(daemon_->Start()) << daemon_->log();
  // The daemon joins, takes the lease and fetches the page, which never answers.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (sites_[0]->RequestCount(FleetPagePath(0)) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  ASSERT_EQ(sites_[0]->RequestCount(FleetPagePath(0)), 1u) << daemon_->log();
  EXPECT_EQ(MetricValue(Metrics(), "policyd_fetches_running"), 1);

  // Another member takes the lease, as one whose clock says it expired would.
  const std::unique_ptr<JetStreamKv> bucket = OpenBucket();
  ASSERT_NE(bucket, nullptr);
  KvEntry held;
  ASSERT_EQ(bucket->Get(LeaseKey(kDocument), &held), KvOutcome::kOk);
  const std::optional<LeaseRecord> holder = DecodeLeaseRecord(held.value);
  ASSERT_TRUE(holder.has_value()) << held.value;
  EXPECT_EQ(holder->holder, "holder");
  const LeaseRecord taker{"taker", 1, NowUnixMillis() + 60'000};
  ASSERT_EQ(bucket->Update(LeaseKey(kDocument), EncodeLeaseRecord(taker), held.revision).outcome,
            KvOutcome::kOk);

  // At its next renewal (every lease_ttl / 3) the daemon finds the lease gone.
  std::string metrics;
  while (std::chrono::steady_clock::now() < deadline + std::chrono::seconds(10)) {
    metrics = Metrics();
    // The agent's count comes with its next snapshot (each heartbeat).
    if (MetricValue(metrics, "policyd_fleet_checks_abandoned_total") >= 1 &&
        MetricValue(metrics, "policyd_fleet_leases_lost_total") >= 1) {
      break;
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(MetricValue(metrics, "policyd_fleet_leases_lost_total"), 1) << metrics;
  EXPECT_EQ(MetricValue(metrics, "policyd_fleet_checks_abandoned_total"), 1) << metrics;
  // Stopped, not ended: a fetch that ran to its timeout (10 s here) would be counted.
  EXPECT_EQ(MetricValue(metrics, "policyd_fetch_duration_seconds_count"), 0) << metrics;
  EXPECT_EQ(MetricValue(metrics, "policyd_fetches_running"), 0) << metrics;
  // It saw the fleet once (itself joining), and wrote every heartbeat.
  EXPECT_EQ(MetricValue(metrics, "policyd_fleet_view_changes_total"), 1) << metrics;
  EXPECT_EQ(MetricValue(metrics, "policyd_fleet_heartbeat_failures_total"), 0) << metrics;
  EXPECT_NE(daemon_->log().find("lost the lease of " + std::string(kDocument) +
                                ": its check stops and stores nothing"),
            std::string::npos)
      << daemon_->log();

  // Nothing stored or announced; the page was asked for once; the lease is still the taker's.
  const nlohmann::json shown = daemon_->Control({{"cmd", "show"}, {"doc", kDocument}});
  ASSERT_TRUE(shown.contains("result")) << shown.dump();
  EXPECT_EQ(shown["result"].value("versions", uint64_t{99}), 0u) << shown.dump();
  EXPECT_TRUE(shown["result"]["recent_checks"].empty()) << shown.dump();
  EXPECT_EQ(daemon_->Control({{"cmd", "status"}})["result"]["last_seq"], 0) << daemon_->log();
  EXPECT_EQ(sites_[0]->RequestCount(FleetPagePath(0)), 1u);
  KvEntry after;
  ASSERT_EQ(bucket->Get(LeaseKey(kDocument), &after), KvOutcome::kOk);
  EXPECT_EQ(DecodeLeaseRecord(after.value)->holder, "taker") << after.value;
  EXPECT_EQ(daemon_->Stop(), 0);
  // Every NATS connection (the outbox's, the fleet's) was closed before the library.
  EXPECT_EQ(daemon_->log().find("did not close"), std::string::npos) << daemon_->log();
}

// `policyctl check DOC` is the operator's "now": a member checks the document at once even when
// the fleet's record says another member checked it less than an interval ago (the schedule
// would wait for the fleet's due time, an hour here).
TEST_F(FleetLeaseTest, AnOperatorsCheckRunsNowWhateverTheFleetsDueTime) {
  StartSiteAndDaemon(HtmlResponse(SharingPolicyPage("Site 1 policy", "We share nothing.")));
  const std::unique_ptr<JetStreamKv> records = OpenBucket(/*documents=*/true);
  ASSERT_NE(records, nullptr);
  const DocumentRecord checked_lately{std::string(64, 'a'), NowUnixMillis(), "other-member"};
  ASSERT_EQ(records->Create(DocumentKey(kDocument), EncodeDocumentRecord(checked_lately)).outcome,
            KvOutcome::kOk);
  ASSERT_TRUE(daemon_->Start()) << daemon_->log();
  // The member joins, asks for the document and leaves it to the fleet's due time.
  ASSERT_TRUE(WaitFor(
      [&] { return daemon_->log().find("fleet: member holder joined") != std::string::npos; }));
  std::this_thread::sleep_for(milliseconds(1500));  // first_check_window is 300 ms
  ASSERT_EQ(sites_[0]->RequestCount(FleetPagePath(0)), 0u) << daemon_->log();

  const CommandResult check =
      daemon_->Policyctl({"check", kDocument, "--wait", "--wait-timeout", "20s"});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_EQ(sites_[0]->RequestCount(FleetPagePath(0)), 1u);
  const nlohmann::json shown = daemon_->Control({{"cmd", "show"}, {"doc", kDocument}});
  EXPECT_EQ(shown["result"]["recent_checks"].size(), 1u) << shown.dump();
  EXPECT_EQ(daemon_->Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing

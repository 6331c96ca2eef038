// `policyctl fleet` end to end (issue 19 item 2): three real daemons with the same 36
// documents over 9 sites and [fleet] on one real nats-server (-js, free loopback port);
// policyctl asks one of them, which asks the fleet over NATS request-reply. Every member is
// listed with its exact id and the owned counts sum to the documents; a member killed with
// SIGKILL is listed as not answering while it is still live, and as dropped once its
// heartbeat is older than ttl. Without [fleet] policyctl says that no fleet is configured.
// Sites are the loopback addresses 127.0.0.1 .. 127.0.0.9 (an IP address is its own fleet
// key). The fleet part is skipped only when /usr/sbin/nats-server is not installed.
#include <chrono>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "daemon_harness.h"
#include "fleet_sites.h"
#include "nats_server.h"
#include "support/http_test_server.h"
#include "support/test_pages.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kSites = 9;
constexpr int kDocumentsPerSite = 4;
constexpr int kDocuments = kSites * kDocumentsPerSite;
constexpr int kMembers = 3;

std::string MemberId(int member) { return "member" + std::to_string(member); }

class FleetStatusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::Installed()) {
      GTEST_SKIP() << kNatsServerBin << " is not installed: the fleet tests cannot run";
    }
    ASSERT_TRUE(nats_.Start()) << nats_.log();
    sites_ = StartFleetSites(kSites, kDocumentsPerSite, [](int site, int document) {
      return HtmlResponse(
          SharingPolicyPage("Site " + std::to_string(site) + " policy " + std::to_string(document),
                            "We share your data with nobody."));
    });
    for (int member = 0; member < kMembers; ++member) {
      members_.push_back(std::make_unique<DaemonHarness>(ConfigOf(member)));
      WriteFleetTargets(*members_.back(), sites_, kDocumentsPerSite);
    }
  }

  std::string ConfigOf(int member) const {
    return "\n[nats]\nurls = [\"" + nats_.url() +
           "\"]\nstream = \"POLICYD_FLEET_STATUS_TEST\"\nretry_min = \"100ms\"\n"
           "retry_max = \"100ms\"\nconnect_timeout = \"1s\"\n"
           "\n[fleet]\nenabled = true\nmember_id = \"" +
           MemberId(member) +
           "\"\nheartbeat_interval = \"500ms\"\nttl = \"2s\"\nlease_ttl = \"3s\"\n"
           "max_clock_skew = \"200ms\"\n";
  }

  nlohmann::json Status(int member) {
    return members_[member]->Control({{"cmd", "status"}})["result"]["fleet"];
  }

  // Every member sees the whole fleet and the views agree: the owned counts sum up.
  bool FleetSettled(int members) {
    uint64_t owned = 0;
    for (int member = 0; member < kMembers; ++member) {
      if (!members_[member]->running()) continue;
      const nlohmann::json fleet = Status(member);
      if (!fleet.is_object() || fleet["live_members"].size() != static_cast<std::size_t>(members) ||
          fleet["joined"] != true) {
        return false;
      }
      owned += fleet["documents_owned"].get<uint64_t>();
    }
    return owned == kDocuments;
  }

  // policyctl fleet --json on `member`: its exit status and the result.
  std::pair<int, nlohmann::json> AskFleet(int member, const std::string& reply_timeout) {
    const CommandResult run =
        members_[member]->Policyctl({"fleet", "--json", "--reply-timeout", reply_timeout});
    nlohmann::json result = nlohmann::json::parse(run.out, nullptr, false);
    EXPECT_FALSE(result.is_discarded()) << run.out << run.err;
    return {run.exit_code, result};
  }

  static const nlohmann::json* Row(const nlohmann::json& result, const std::string& id) {
    for (const nlohmann::json& member : result["members"]) {
      if (member["member_id"] == id) return &member;
    }
    return nullptr;
  }

  NatsServer nats_;
  std::vector<std::unique_ptr<HttpTestServer>> sites_;
  std::vector<std::unique_ptr<DaemonHarness>> members_;
};

TEST_F(FleetStatusTest, ListsEveryMemberWithItsDocumentsAndNamesTheOneThatDied) {
  for (auto& member : members_) ASSERT_TRUE(member->Start()) << member->log();
  ASSERT_TRUE(WaitFor([&] { return FleetSettled(kMembers); }, seconds(30)))
      << Status(0).dump() << "\n"
      << members_[0]->log();

  // 1. Every member answers: exact ids, owned counts that sum to the documents, each the
  // member's own count.
  auto [exit_code, result] = AskFleet(1, "5s");
  ASSERT_EQ(exit_code, 0) << result.dump(2);
  EXPECT_EQ(result["complete"], true);
  EXPECT_EQ(result["asked_by"], "member1");
  EXPECT_EQ(result["subject"], "policyd.fleet.policyd-fleet.status");
  EXPECT_EQ(result["not_answering"], nlohmann::json::array());
  std::set<std::string> ids;
  uint64_t owned = 0;
  for (const nlohmann::json& member : result["members"]) {
    const std::string id = member["member_id"];
    ids.insert(id);
    EXPECT_EQ(member["live"], true) << id;
    EXPECT_EQ(member["answered"], true) << id;
    EXPECT_EQ(member["joined"], true) << id;
    EXPECT_EQ(member["documents"], kDocuments) << id;
    EXPECT_EQ(member["live_members"], kMembers) << id;
    EXPECT_GE(member["lag_ms"].get<int64_t>(), 0) << id;
    EXPECT_TRUE(member["publish_lag"].is_number_unsigned()) << member.dump();
    EXPECT_GE(member["heartbeat_age_ms"].get<int64_t>(), 0) << id;
    EXPECT_LT(member["heartbeat_age_ms"].get<int64_t>(), 2'000) << id;
    owned += member["documents_owned"].get<uint64_t>();
  }
  EXPECT_EQ(ids, (std::set<std::string>{"member0", "member1", "member2"}));
  EXPECT_EQ(owned, static_cast<uint64_t>(kDocuments));
  EXPECT_EQ(result["totals"]["documents_owned"], kDocuments);
  for (int member = 0; member < kMembers; ++member) {
    const nlohmann::json* row = Row(result, MemberId(member));
    ASSERT_NE(row, nullptr);
    EXPECT_EQ((*row)["documents_owned"], Status(member)["documents_owned"]) << MemberId(member);
  }
  // The member's metrics say the same.
  const CommandResult metrics = members_[0]->Policyctl({"metrics"});
  EXPECT_NE(metrics.out.find("\npolicyd_fleet_joined 1\n"), std::string::npos) << metrics.out;
  EXPECT_NE(metrics.out.find("\npolicyd_fleet_live_members 3\n"), std::string::npos);
  EXPECT_NE(metrics.out.find("\npolicyd_fleet_documents_owned " +
                             Status(0)["documents_owned"].dump() + "\n"),
            std::string::npos)
      << metrics.out;
  // status.fleet shows the member's own lag too.
  EXPECT_TRUE(Status(0)["lag_ms"].is_number_integer()) << Status(0).dump();

  // The table for people.
  const CommandResult table = members_[0]->Policyctl({"fleet"});
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("3 members (3 live), 3 answered in "), std::string::npos) << table.out;
  EXPECT_NE(table.out.find(" of 36 documents owned"), std::string::npos) << table.out;
  for (int member = 0; member < kMembers; ++member) {
    EXPECT_NE(table.out.find(MemberId(member) + "  answered  yes"), std::string::npos) << table.out;
  }

  // 2. SIGKILL member2: while its heartbeat is younger than ttl it is live and silent.
  members_[2]->Kill();
  std::tie(exit_code, result) = AskFleet(0, "300ms");
  EXPECT_EQ(exit_code, 1) << result.dump(2);
  EXPECT_EQ(result["complete"], false);
  EXPECT_EQ(result["not_answering"], nlohmann::json::array({"member2"})) << result.dump(2);
  ASSERT_NE(Row(result, "member2"), nullptr);
  EXPECT_EQ((*Row(result, "member2"))["live"], true);
  EXPECT_EQ((*Row(result, "member2"))["answered"], false);

  // 3. Past ttl it is dropped (its record may stay in the bucket until max_age): the others
  // answer, own every document between them, and the answer is complete again.
  nlohmann::json dropped;
  ASSERT_TRUE(WaitFor(
      [&] {
        auto [code, now] = AskFleet(0, "2s");
        const nlohmann::json* row = Row(now, "member2");
        if (code != 0 || now["totals"]["documents_owned"] != kDocuments) return false;
        if (row != nullptr && (*row)["live"] == true) return false;
        dropped = now;
        return true;
      },
      seconds(20)))
      << dropped.dump(2);
  EXPECT_EQ(dropped["not_answering"], nlohmann::json::array());
  EXPECT_EQ(dropped["answered"], 2);
  EXPECT_EQ(dropped["live"], 2);
  if (const nlohmann::json* row = Row(dropped, "member2")) {
    EXPECT_EQ((*row)["answered"], false);
    EXPECT_GE((*row)["heartbeat_age_ms"].get<int64_t>(), 2'000);
  }
}

TEST(FleetStatusWithoutFleetTest, SaysThatNoFleetIsConfigured) {
  DaemonHarness daemon;
  ASSERT_TRUE(daemon.Start()) << daemon.log();
  const CommandResult run = daemon.Policyctl({"fleet"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("not_configured: no fleet is configured"), std::string::npos) << run.err;
  EXPECT_EQ(daemon.Policyctl({"metrics"}).out.find("policyd_fleet_"), std::string::npos);
}

}  // namespace
}  // namespace policyd::testing

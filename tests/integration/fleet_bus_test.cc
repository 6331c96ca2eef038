// FleetBus (policyd/fleet_bus.h) against a real nats-server on a free loopback port: each
// bus answers the requests on its subject with its responder, a gather ends as soon as its
// caller has what it waits for or at its timeout, a bus that is gone no longer answers, and a
// bus whose server went away says it is closed. Skipped only when /usr/sbin/nats-server is
// not installed.
#include "policyd/fleet_bus.h"

#include <gtest/gtest.h>
#include <nats/nats.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "nats_handles.h"
#include "nats_server.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;
using testing::NatsServer;

constexpr char kSubject[] = "policyd.fleet.test-bucket.status";

class FleetBusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!NatsServer::Installed()) {
      GTEST_SKIP() << testing::kNatsServerBin << " is not installed";
    }
    ASSERT_TRUE(server_.Start()) << server_.log();
    config_.enabled = true;
    config_.urls = {server_.url()};
    config_.connect_timeout = std::chrono::seconds(2);
  }

  std::unique_ptr<FleetBus> Open(const std::string& answer) {
    auto bus = FleetBus::Open(config_, "test " + answer, kSubject, [answer] { return answer; });
    EXPECT_TRUE(bus.ok()) << bus.status().ToString();
    return bus.ok() ? std::move(bus).value() : nullptr;
  }

  // Every reply `asker` gathers within `timeout`.
  static std::multiset<std::string> GatherAll(FleetBus& asker, milliseconds timeout) {
    std::multiset<std::string> replies;
    const Status status = asker.Gather("{}", timeout, [&](std::string_view reply) {
      replies.emplace(reply);
      return false;
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return replies;
  }

  NatsServer server_;
  NatsConfig config_;
};

TEST_F(FleetBusTest, EveryBusAnswersOnceAndAGoneOneNoLonger) {
  std::unique_ptr<FleetBus> a = Open("a");
  std::unique_ptr<FleetBus> b = Open("b");
  std::unique_ptr<FleetBus> c = Open("c");
  ASSERT_TRUE(a && b && c);
  // The asker answers its own request too: it is a member like the others.
  EXPECT_EQ(GatherAll(*a, milliseconds(500)), (std::multiset<std::string>{"a", "b", "c"}));
  c.reset();
  EXPECT_EQ(GatherAll(*b, milliseconds(500)), (std::multiset<std::string>{"a", "b"}));
}

TEST_F(FleetBusTest, AGatherEndsWhenItsCallerHasWhatItWaitsFor) {
  std::unique_ptr<FleetBus> a = Open("a");
  std::unique_ptr<FleetBus> b = Open("b");
  std::unique_ptr<FleetBus> c = Open("c");
  ASSERT_TRUE(a && b && c);
  std::vector<std::string> seen;
  const Status status = a->Gather("{}", std::chrono::seconds(30), [&](std::string_view reply) {
    seen.emplace_back(reply);
    return seen.size() == 2;  // "done": no further reply is read
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(seen.size(), 2u);
}

TEST_F(FleetBusTest, ARequestWithoutAReplySubjectIsIgnored) {
  std::atomic<int> asked{0};
  auto counting = FleetBus::Open(config_, "counting", kSubject, [&asked] {
    ++asked;
    return std::string("counted");
  });
  ASSERT_TRUE(counting.ok()) << counting.status().ToString();
  // One connection publishes a message without a reply subject, then a request: the server
  // delivers them in that order, and the subscription handles them one after the other.
  natsConnection* raw = nullptr;
  ASSERT_EQ(natsConnection_ConnectTo(&raw, server_.url().c_str()), NATS_OK);
  const nats::ConnectionPtr connection(raw);
  ASSERT_EQ(natsConnection_PublishString(connection.get(), kSubject, "{}"), NATS_OK);
  natsMsg* reply = nullptr;
  ASSERT_EQ(natsConnection_RequestString(&reply, connection.get(), kSubject, "{}", 5'000), NATS_OK);
  const nats::MsgPtr answer(reply);
  EXPECT_EQ(std::string(natsMsg_GetData(answer.get()), natsMsg_GetDataLength(answer.get())),
            "counted");
  EXPECT_EQ(asked.load(), 1);
}

TEST_F(FleetBusTest, ABusWhoseServerWentAwayIsClosedAndCannotGather) {
  std::unique_ptr<FleetBus> asker = Open("asker");
  ASSERT_TRUE(asker);
  EXPECT_EQ(GatherAll(*asker, milliseconds(300)), (std::multiset<std::string>{"asker"}));
  EXPECT_FALSE(asker->closed());
  server_.Stop();
  // cnats notices the closed socket at once (reconnection is off); bounded wait.
  for (int i = 0; i < 200 && !asker->closed(); ++i) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_TRUE(asker->closed());
  EXPECT_FALSE(asker->Gather("{}", milliseconds(100), [](std::string_view) { return true; }).ok());
}

}  // namespace
}  // namespace policyd

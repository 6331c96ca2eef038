#include "host_queue.h"

#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace policyd {
namespace {

using std::chrono::milliseconds;
using Clock = HostQueue::Clock;

class HostQueueTest : public ::testing::Test {
 protected:
  HostQueue Make(std::size_t max_running, std::size_t per_host, milliseconds delay) {
    return HostQueue({max_running, per_host, delay},
                     [this](const std::string& host, Clock::time_point at) {
                       wakes_.push_back({host, at});
                     });
  }

  // Pops everything startable at `now`, as "host#id".
  static std::vector<std::string> PopAll(HostQueue& queue, Clock::time_point now) {
    std::vector<std::string> started;
    while (auto start = queue.PopReady(now)) {
      started.push_back(start->host + "#" + std::to_string(start->id));
    }
    return started;
  }

  struct Wake {
    std::string host;
    Clock::time_point at;
  };
  std::vector<Wake> wakes_;
  const Clock::time_point t0_ = Clock::time_point{} + std::chrono::hours(1);
};

TEST_F(HostQueueTest, FifoPerHostWithPerHostLimit) {
  HostQueue queue = Make(10, 1, milliseconds(0));
  queue.Push("a", 1, t0_);
  queue.Push("a", 2, t0_);
  queue.Push("a", 3, t0_);
  EXPECT_EQ(PopAll(queue, t0_), std::vector<std::string>{"a#1"});
  EXPECT_EQ(queue.running(), 1u);
  EXPECT_EQ(queue.queued(), 2u);
  queue.Done("a", t0_);
  EXPECT_EQ(PopAll(queue, t0_), std::vector<std::string>{"a#2"});
  queue.Done("a", t0_);
  EXPECT_EQ(PopAll(queue, t0_), std::vector<std::string>{"a#3"});
  queue.Done("a", t0_);
  EXPECT_TRUE(PopAll(queue, t0_).empty());
  EXPECT_EQ(queue.running(), 0u);
  EXPECT_EQ(queue.queued(), 0u);
  EXPECT_TRUE(wakes_.empty());
}

TEST_F(HostQueueTest, DelayBetweenStartsUsesOneWakePerHost) {
  HostQueue queue = Make(10, 2, milliseconds(200));
  queue.Push("a", 1, t0_);
  queue.Push("a", 2, t0_);
  queue.Push("a", 3, t0_);
  EXPECT_EQ(PopAll(queue, t0_), std::vector<std::string>{"a#1"});
  ASSERT_EQ(wakes_.size(), 1u);  // a second slot is free, but the delay is not over
  EXPECT_EQ(wakes_[0].host, "a");
  EXPECT_EQ(wakes_[0].at, t0_ + milliseconds(200));
  queue.Push("a", 4, t0_ + milliseconds(10));
  EXPECT_EQ(wakes_.size(), 1u);  // already waiting for a wake-up
  EXPECT_TRUE(PopAll(queue, t0_ + milliseconds(199)).empty());
  queue.Wake("a", t0_ + milliseconds(200));
  EXPECT_EQ(PopAll(queue, t0_ + milliseconds(200)), std::vector<std::string>{"a#2"});
  // Two running: the per-host limit, not the delay, holds the rest; no wake-up needed.
  EXPECT_EQ(wakes_.size(), 1u);
  queue.Done("a", t0_ + milliseconds(300));
  ASSERT_EQ(wakes_.size(), 2u);
  EXPECT_EQ(wakes_[1].at, t0_ + milliseconds(500));  // the delay after that answer's end
  queue.Wake("a", t0_ + milliseconds(500));
  EXPECT_EQ(PopAll(queue, t0_ + milliseconds(500)), std::vector<std::string>{"a#3"});
}

// The delay is a pause: a server that took longer to answer than the delay still gets the
// whole delay after its answer (it used to get the next request at once: gaps were counted
// from start to start, so the slower the server, the shorter its rest).
TEST_F(HostQueueTest, TheDelayIsAPauseAfterTheAnswerOfASlowServer) {
  HostQueue queue = Make(10, 1, milliseconds(2000));
  queue.Push("a", 1, t0_);
  queue.Push("a", 2, t0_);
  EXPECT_EQ(PopAll(queue, t0_), std::vector<std::string>{"a#1"});
  queue.Done("a", t0_ + milliseconds(3000));  // a 3 s answer
  EXPECT_TRUE(PopAll(queue, t0_ + milliseconds(3000)).empty());
  EXPECT_TRUE(PopAll(queue, t0_ + milliseconds(4999)).empty());
  ASSERT_FALSE(wakes_.empty());
  EXPECT_EQ(wakes_.back().at, t0_ + milliseconds(5000));
  queue.Wake("a", t0_ + milliseconds(5000));
  EXPECT_EQ(PopAll(queue, t0_ + milliseconds(5000)), std::vector<std::string>{"a#2"});
}

TEST_F(HostQueueTest, EarlyWakeAsksAgain) {
  HostQueue queue = Make(10, 1, milliseconds(100));
  queue.Push("a", 1, t0_);
  queue.Push("a", 2, t0_);
  PopAll(queue, t0_);
  queue.Done("a", t0_ + milliseconds(5));
  ASSERT_EQ(wakes_.size(), 1u);
  queue.Wake("a", t0_ + milliseconds(50));  // a timer that fired early must not break the rule
  EXPECT_TRUE(PopAll(queue, t0_ + milliseconds(50)).empty());
  ASSERT_EQ(wakes_.size(), 2u);
  EXPECT_EQ(wakes_[1].at, t0_ + milliseconds(105));
}

TEST_F(HostQueueTest, GlobalLimit) {
  HostQueue queue = Make(2, 5, milliseconds(0));
  for (uint64_t id = 1; id <= 3; ++id) queue.Push("a", id, t0_);
  queue.Push("b", 4, t0_);
  EXPECT_EQ(PopAll(queue, t0_).size(), 2u);
  EXPECT_EQ(queue.running(), 2u);
  queue.Done("a", t0_);
  EXPECT_EQ(PopAll(queue, t0_).size(), 1u);
  EXPECT_EQ(queue.running(), 2u);
  EXPECT_EQ(queue.queued(), 1u);
}

TEST_F(HostQueueTest, RoundRobinAcrossHosts) {
  // Host "a" has 100 queued; "b" and "c" one each. With room for one transfer at a time,
  // b and c must not wait behind a's backlog.
  HostQueue queue = Make(1, 10, milliseconds(0));
  for (uint64_t id = 1; id <= 100; ++id) queue.Push("a", id, t0_);
  queue.Push("b", 101, t0_);
  queue.Push("c", 102, t0_);
  std::vector<std::string> order;
  for (int i = 0; i < 6; ++i) {
    auto started = PopAll(queue, t0_);
    ASSERT_EQ(started.size(), 1u);
    order.push_back(started[0]);
    queue.Done(started[0].substr(0, 1), t0_);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a#1", "b#101", "c#102", "a#2", "a#3", "a#4"}));
}

TEST_F(HostQueueTest, IdleHostsAreForgottenOnceTheirDelayPassed) {
  // One new host per millisecond, 100 ms delay: about 100 hosts are within their delay at
  // any time, and the map must stay proportional to that, not to the 1000 hosts seen.
  HostQueue queue = Make(1000, 1, milliseconds(100));
  for (uint64_t id = 1; id <= 1000; ++id) {
    const std::string host = "h" + std::to_string(id);
    const Clock::time_point now = t0_ + milliseconds(id);
    queue.Push(host, id, now);
    ASSERT_EQ(PopAll(queue, now).size(), 1u);
    queue.Done(host, now);  // still within its delay: remembered for now
  }
  EXPECT_LE(queue.hosts(), 2u * 100u + 64u);
}

TEST_F(HostQueueTest, AHostIsRememberedForThePauseAfterItsAnswer) {
  HostQueue queue = Make(10, 1, milliseconds(100));
  queue.Push("a", 1, t0_);
  PopAll(queue, t0_);
  EXPECT_EQ(queue.hosts(), 1u);
  queue.Done("a", t0_ + milliseconds(150));
  EXPECT_EQ(queue.hosts(), 1u);  // its pause runs until 250
  queue.Push("a", 2, t0_ + milliseconds(200));
  EXPECT_TRUE(PopAll(queue, t0_ + milliseconds(200)).empty());
  queue.Wake("a", t0_ + milliseconds(250));
  EXPECT_EQ(PopAll(queue, t0_ + milliseconds(250)), std::vector<std::string>{"a#2"});
}

TEST_F(HostQueueTest, RememberedDelaySurvivesIdleness) {
  HostQueue queue = Make(10, 1, milliseconds(100));
  queue.Push("a", 1, t0_);
  PopAll(queue, t0_);
  queue.Done("a", t0_ + milliseconds(10));
  queue.Push("a", 2, t0_ + milliseconds(20));
  EXPECT_TRUE(PopAll(queue, t0_ + milliseconds(20)).empty());
  ASSERT_EQ(wakes_.size(), 1u);
  EXPECT_EQ(wakes_[0].at, t0_ + milliseconds(110));
}

TEST_F(HostQueueTest, ARemovedTransferNeverStartsAndTheOthersKeepTheirTurn) {
  HostQueue queue = Make(10, 1, milliseconds(100));
  queue.Push("a", 1, t0_);
  queue.Push("a", 2, t0_);
  queue.Push("a", 3, t0_);
  queue.Push("b", 4, t0_);
  EXPECT_EQ(PopAll(queue, t0_), (std::vector<std::string>{"a#1", "b#4"}));
  EXPECT_TRUE(queue.Remove("a", 2, t0_));
  EXPECT_FALSE(queue.Remove("a", 2, t0_));  // no longer there
  EXPECT_FALSE(queue.Remove("a", 1, t0_));  // running: not the queue's to remove
  EXPECT_FALSE(queue.Remove("c", 9, t0_));  // unknown host
  EXPECT_EQ(queue.queued(), 1u);
  queue.Done("a", t0_);
  // The host's delay still counts from its previous start.
  EXPECT_TRUE(PopAll(queue, t0_ + milliseconds(50)).empty());
  ASSERT_EQ(wakes_.size(), 1u);
  EXPECT_EQ(wakes_[0].host, "a");
  queue.Wake("a", wakes_[0].at);
  EXPECT_EQ(PopAll(queue, t0_ + milliseconds(100)), std::vector<std::string>{"a#3"});
  // The last waiting transfer of a host removed while the host waits for its delay: the
  // wake-up finds nothing to start.
  queue.Push("b", 5, t0_ + milliseconds(60));
  EXPECT_TRUE(queue.Remove("b", 5, t0_ + milliseconds(60)));
  queue.Done("b", t0_ + milliseconds(60));
  queue.Wake("b", t0_ + milliseconds(100));
  EXPECT_TRUE(PopAll(queue, t0_ + milliseconds(200)).empty());
  EXPECT_EQ(queue.queued(), 0u);
  EXPECT_EQ(queue.running(), 1u);  // a#3
}

TEST_F(HostQueueTest, ClearReturnsWaitingIdsOldestFirst) {
  HostQueue queue = Make(1, 1, milliseconds(0));
  queue.Push("b", 2, t0_);
  queue.Push("a", 1, t0_);
  queue.Push("a", 3, t0_);
  PopAll(queue, t0_);  // starts b#2
  EXPECT_EQ(queue.Clear(), (std::vector<uint64_t>{1, 3}));
  EXPECT_EQ(queue.queued(), 0u);
  EXPECT_EQ(queue.running(), 0u);
  EXPECT_EQ(queue.hosts(), 0u);
}

TEST_F(HostQueueTest, ZeroLimitsActAsOne) {
  HostQueue queue = Make(0, 0, milliseconds(-5));
  queue.Push("a", 1, t0_);
  queue.Push("a", 2, t0_);
  EXPECT_EQ(PopAll(queue, t0_).size(), 1u);
}

}  // namespace
}  // namespace policyd

namespace policyd {
namespace {

TEST(HostQueueCrawlDelay, HostDelayRaisesThePauseAfterThePreviousRequest) {
  std::vector<Clock::time_point> wakes;
  HostQueue queue({8, 1, milliseconds(100)},
                  [&](const std::string&, Clock::time_point at) { wakes.push_back(at); });
  const Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);
  queue.Push("a:80", 1, t0);  // robots.txt: delay not known yet
  ASSERT_TRUE(queue.PopReady(t0));
  // Learnt while it ran: the next start is 500 ms after the previous one ended, not 100 ms.
  queue.Push("a:80", 2, t0 + milliseconds(50), milliseconds(500));
  queue.Done("a:80", t0 + milliseconds(60));
  EXPECT_FALSE(queue.PopReady(t0 + milliseconds(200)));
  ASSERT_FALSE(wakes.empty());
  EXPECT_EQ(wakes.back(), t0 + milliseconds(560));
  queue.Wake("a:80", t0 + milliseconds(560));
  const auto second = queue.PopReady(t0 + milliseconds(560));
  ASSERT_TRUE(second);
  EXPECT_EQ(second->id, 2u);
  // A smaller host delay does not lower per_host_delay.
  queue.Push("b:80", 3, t0, milliseconds(10));
  ASSERT_TRUE(queue.PopReady(t0));
  queue.Push("b:80", 4, t0);
  EXPECT_FALSE(queue.PopReady(t0 + milliseconds(50)));
}

}  // namespace
}  // namespace policyd

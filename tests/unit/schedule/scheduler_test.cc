#include "policyd/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace policyd {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;

constexpr int64_t kNow = 1'000'000'000;

template <typename Duration>
int64_t Ms(Duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

TEST(Scheduler, FirstChecksAreSpreadOverTheWindow) {
  Scheduler scheduler({.jitter = 0.1, .first_check_window = minutes(10)}, 42);
  int64_t earliest = INT64_MAX;
  int64_t latest = 0;
  for (int i = 0; i < 300; ++i) {
    const int64_t due = scheduler.Upsert("doc" + std::to_string(i), hours(24), 0, kNow);
    ASSERT_GE(due, kNow);
    ASSERT_LE(due, kNow + Ms(minutes(10)));
    earliest = std::min(earliest, due);
    latest = std::max(latest, due);
  }
  // Not a burst: the 300 first checks cover most of the window.
  EXPECT_GT(latest - earliest, Ms(minutes(8)));
  EXPECT_TRUE(scheduler.PopDue(kNow - 1, 1000).empty());
  EXPECT_EQ(scheduler.PopDue(kNow + Ms(minutes(10)), 1000).size(), 300u);
}

TEST(Scheduler, WindowDefaultsToTheInterval) {
  Scheduler scheduler({.jitter = 0.1}, 7);
  const int64_t due = scheduler.Upsert("a", hours(2), 0, kNow);
  EXPECT_LE(due, kNow + Ms(hours(2)));
}

TEST(Scheduler, PersistedDueTimeIsKept) {
  Scheduler scheduler({}, 1);
  EXPECT_EQ(scheduler.Upsert("a", hours(24), kNow + 1234, kNow), kNow + 1234);
  // Updating the interval without a persisted time keeps the current due time.
  EXPECT_EQ(scheduler.Upsert("a", hours(12), 0, kNow), kNow + 1234);
  EXPECT_EQ(scheduler.NextDueMs(), kNow + 1234);
}

TEST(Scheduler, PopsInDueOrderAndNotTwiceWhileInFlight) {
  Scheduler scheduler({}, 1);
  scheduler.Upsert("late", hours(1), kNow + 300, kNow);
  scheduler.Upsert("early", hours(1), kNow + 100, kNow);
  scheduler.Upsert("middle", hours(1), kNow + 200, kNow);
  EXPECT_EQ(scheduler.PopDue(kNow + 250, 10), (std::vector<std::string>{"early", "middle"}));
  EXPECT_TRUE(scheduler.InFlight("early"));
  EXPECT_EQ(scheduler.in_flight(), 2u);
  EXPECT_EQ(scheduler.NextDueMs(), kNow + 300);
  EXPECT_EQ(scheduler.PopDue(kNow + 1000, 10), (std::vector<std::string>{"late"}));
  EXPECT_FALSE(scheduler.NextDueMs().has_value());
  scheduler.Complete("early", kNow + 5000);
  EXPECT_EQ(scheduler.NextDueMs(), kNow + 5000);
  EXPECT_EQ(scheduler.in_flight(), 2u);
}

TEST(Scheduler, PopRespectsMaxCount) {
  Scheduler scheduler({}, 1);
  for (int i = 0; i < 10; ++i) scheduler.Upsert("d" + std::to_string(i), hours(1), kNow, kNow);
  EXPECT_EQ(scheduler.PopDue(kNow, 4).size(), 4u);
  EXPECT_EQ(scheduler.PopDue(kNow, 100).size(), 6u);
}

TEST(Scheduler, CheckNowMakesDueImmediatelyEvenWhenInFlight) {
  Scheduler scheduler({}, 1);
  scheduler.Upsert("a", hours(24), kNow + Ms(hours(5)), kNow);
  EXPECT_TRUE(scheduler.CheckNow("a", kNow));
  EXPECT_EQ(scheduler.PopDue(kNow, 10), std::vector<std::string>{"a"});
  // Requested again while in flight: due right after the current check completes.
  EXPECT_TRUE(scheduler.CheckNow("a", kNow + 10));
  scheduler.Complete("a", kNow + Ms(hours(24)));
  EXPECT_EQ(scheduler.DueMs("a"), kNow + 10);
  EXPECT_FALSE(scheduler.CheckNow("unknown", kNow));
}

TEST(Scheduler, RemoveForgetsQueuedAndInFlightDocuments) {
  Scheduler scheduler({}, 1);
  scheduler.Upsert("a", hours(1), kNow, kNow);
  scheduler.Upsert("b", hours(1), kNow, kNow);
  ASSERT_EQ(scheduler.PopDue(kNow, 1).size(), 1u);
  scheduler.Remove("a");
  scheduler.Remove("b");
  EXPECT_EQ(scheduler.size(), 0u);
  EXPECT_EQ(scheduler.in_flight(), 0u);
  EXPECT_FALSE(scheduler.NextDueMs().has_value());
  scheduler.Complete("a", kNow + 1);  // a late completion of a removed document is ignored
  EXPECT_EQ(scheduler.size(), 0u);
}

TEST(NextDueAfterCheck, SuccessIsIntervalWithBoundedJitter) {
  std::mt19937_64 rng(3);
  const ScheduleOptions options{.jitter = 0.1};
  for (int i = 0; i < 200; ++i) {
    const int64_t due = NextDueAfterCheck(options, hours(10), kNow, 0, std::nullopt, rng);
    EXPECT_GE(due, kNow + Ms(hours(9)));
    EXPECT_LE(due, kNow + Ms(hours(11)));
  }
}

TEST(NextDueAfterCheck, FailuresBackOffExponentiallyCappedByInterval) {
  std::mt19937_64 rng(3);
  const ScheduleOptions options{.jitter = 0.1, .retry_base = minutes(1)};
  const auto delay = [&](int failures) {
    return NextDueAfterCheck(options, hours(1), kNow, failures, std::nullopt, rng) - kNow;
  };
  EXPECT_NEAR(delay(1), Ms(minutes(1)), Ms(minutes(1)) * 0.26);
  EXPECT_NEAR(delay(3), Ms(minutes(4)), Ms(minutes(4)) * 0.26);
  EXPECT_EQ(delay(12), Ms(hours(1)));  // capped by the interval
}

TEST(NextDueAfterCheck, RetryAfterIsHonouredUpToTheInterval) {
  std::mt19937_64 rng(3);
  const ScheduleOptions options{.retry_base = minutes(1)};
  EXPECT_EQ(NextDueAfterCheck(options, hours(1), kNow, 1, minutes(30), rng), kNow + 1'800'000);
  EXPECT_EQ(NextDueAfterCheck(options, hours(1), kNow, 1, hours(5), rng), kNow + 3'600'000);
}

}  // namespace
}  // namespace policyd

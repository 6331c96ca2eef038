#include "policyd/scheduler.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace policyd {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr int64_t kNow = 1'000'000'000;

// Handles of the documents of the tests.
constexpr DocHandle kA = 0;
constexpr DocHandle kB = 1;
constexpr DocHandle kEarly = 2;
constexpr DocHandle kMiddle = 3;
constexpr DocHandle kLate = 4;
constexpr DocHandle kUnknown = 99;

template <typename Duration>
int64_t Ms(Duration d) {
  return std::chrono::duration_cast<milliseconds>(d).count();
}

TEST(Scheduler, FirstChecksAreSpreadOverTheWindow) {
  Scheduler scheduler({.jitter = 0.1, .first_check_window = minutes(10)}, 42);
  int64_t earliest = INT64_MAX;
  int64_t latest = 0;
  for (int i = 0; i < 300; ++i) {
    const int64_t due = scheduler.Upsert(static_cast<DocHandle>(i), hours(24), 0, 0, kNow);
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
  const int64_t due = scheduler.Upsert(kA, hours(2), 0, 0, kNow);
  EXPECT_LE(due, kNow + Ms(hours(2)));
}

// An interval shortened by a reload (or edited while the daemon was stopped, so that the due
// time stored is the old interval's) applies from the document's last check, not after its
// next one: 365d to 1h must not leave it due in a year.
TEST(Scheduler, AShortenedIntervalAppliesFromTheLastCheck) {
  const int64_t last_check = kNow - Ms(hours(1));
  const int64_t old_due = last_check + Ms(hours(24));
  const int64_t bound = last_check + Ms(hours(2)) + Ms(minutes(12));  // 2 h and its jitter
  Scheduler scheduler({.jitter = 0.1}, 1);
  EXPECT_EQ(scheduler.Upsert(kA, hours(24), old_due, last_check, kNow), old_due);
  EXPECT_EQ(scheduler.Upsert(kA, hours(2), 0, last_check, kNow), bound);
  EXPECT_EQ(scheduler.NextDueMs(), bound);
  // Lengthened again: the earlier due time stays (one check sooner is harmless).
  EXPECT_EQ(scheduler.Upsert(kA, hours(24), 0, last_check, kNow), bound);

  Scheduler restarted({.jitter = 0.1}, 1);
  EXPECT_EQ(restarted.Upsert(kA, hours(2), old_due, last_check, kNow), bound);
  // Never checked: its first-check placement is not the interval's business.
  EXPECT_EQ(restarted.Upsert(kB, hours(2), old_due, 0, kNow), old_due);
}

// The wall clock stepped back an hour (NTP, a VM restored): the last check and the due time
// are "in the future". The document is due no later than one interval from now; it used to
// wait out the whole step (no check for an hour at a 10 s interval).
TEST(Scheduler, AClockSteppedBackDoesNotPostponeChecksByTheStep) {
  const int64_t last_check = kNow + Ms(hours(1));  // as the clock read before the step
  const int64_t due = last_check + Ms(seconds(10));
  Scheduler scheduler({.jitter = 0.1}, 1);
  EXPECT_EQ(scheduler.Upsert(kA, seconds(10), due, last_check, kNow), kNow + Ms(seconds(11)));
  EXPECT_EQ(scheduler.NextDueMs(), kNow + Ms(seconds(11)));
}

TEST(Scheduler, PersistedDueTimeIsKept) {
  Scheduler scheduler({}, 1);
  EXPECT_EQ(scheduler.Upsert(kA, hours(24), kNow + 1234, 0, kNow), kNow + 1234);
  // Updating the interval without a persisted time keeps the current due time.
  EXPECT_EQ(scheduler.Upsert(kA, hours(12), 0, 0, kNow), kNow + 1234);
  EXPECT_EQ(scheduler.NextDueMs(), kNow + 1234);
}

TEST(Scheduler, PopsInDueOrderAndNotTwiceWhileInFlight) {
  Scheduler scheduler({}, 1);
  scheduler.Upsert(kLate, hours(1), kNow + 300, 0, kNow);
  scheduler.Upsert(kEarly, hours(1), kNow + 100, 0, kNow);
  scheduler.Upsert(kMiddle, hours(1), kNow + 200, 0, kNow);
  EXPECT_EQ(scheduler.PopDue(kNow + 250, 10), (std::vector<DocHandle>{kEarly, kMiddle}));
  EXPECT_TRUE(scheduler.InFlight(kEarly));
  EXPECT_EQ(scheduler.in_flight(), 2u);
  EXPECT_EQ(scheduler.NextDueMs(), kNow + 300);
  EXPECT_EQ(scheduler.PopDue(kNow + 1000, 10), (std::vector<DocHandle>{kLate}));
  EXPECT_FALSE(scheduler.NextDueMs().has_value());
  scheduler.Complete(kEarly, kNow + 5000);
  EXPECT_EQ(scheduler.NextDueMs(), kNow + 5000);
  EXPECT_EQ(scheduler.in_flight(), 2u);
}

TEST(Scheduler, PopRespectsMaxCount) {
  Scheduler scheduler({}, 1);
  for (int i = 0; i < 10; ++i) scheduler.Upsert(static_cast<DocHandle>(i), hours(1), kNow, 0, kNow);
  EXPECT_EQ(scheduler.PopDue(kNow, 4).size(), 4u);
  EXPECT_EQ(scheduler.PopDue(kNow, 100).size(), 6u);
}

TEST(Scheduler, CheckNowMakesDueImmediatelyEvenWhenInFlight) {
  Scheduler scheduler({}, 1);
  scheduler.Upsert(kA, hours(24), kNow + Ms(hours(5)), 0, kNow);
  EXPECT_TRUE(scheduler.CheckNow(kA, kNow));
  EXPECT_EQ(scheduler.PopDue(kNow, 10), std::vector<DocHandle>{kA});
  // Requested again while in flight: due right after the current check completes.
  EXPECT_TRUE(scheduler.CheckNow(kA, kNow + 10));
  scheduler.Complete(kA, kNow + Ms(hours(24)));
  EXPECT_EQ(scheduler.DueMs(kA), kNow + 10);
  EXPECT_FALSE(scheduler.CheckNow(kUnknown, kNow));
}

TEST(Scheduler, RemoveForgetsQueuedAndInFlightDocuments) {
  Scheduler scheduler({}, 1);
  scheduler.Upsert(kA, hours(1), kNow, 0, kNow);
  scheduler.Upsert(kB, hours(1), kNow, 0, kNow);
  ASSERT_EQ(scheduler.PopDue(kNow, 1).size(), 1u);
  scheduler.Remove(kA);
  scheduler.Remove(kB);
  EXPECT_EQ(scheduler.size(), 0u);
  EXPECT_EQ(scheduler.in_flight(), 0u);
  EXPECT_FALSE(scheduler.NextDueMs().has_value());
  scheduler.Complete(kA, kNow + 1);  // a late completion of a removed document is ignored
  EXPECT_EQ(scheduler.size(), 0u);
}

TEST(Scheduler, EqualDueTimesPopInHandleOrder) {
  Scheduler scheduler({}, 1);
  for (const DocHandle doc : {7u, 3u, 9u, 0u, 5u}) scheduler.Upsert(doc, hours(1), kNow, 0, kNow);
  scheduler.Upsert(4, hours(1), kNow - 1, 0, kNow);  // earlier: first whatever its handle
  EXPECT_EQ(scheduler.PopDue(kNow, 3), (std::vector<DocHandle>{4, 0, 3}));
  EXPECT_EQ(scheduler.PopDue(kNow, 10), (std::vector<DocHandle>{5, 7, 9}));
}

TEST(Scheduler, AReusedHandleIsANewDocument) {
  Scheduler scheduler({.first_check_window = hours(1)}, 1);
  scheduler.Upsert(kA, hours(24), kNow, 0, kNow);
  ASSERT_EQ(scheduler.PopDue(kNow, 10), std::vector<DocHandle>{kA});
  scheduler.Remove(kA);
  // The handle is given to another document while the removed one's check is in flight.
  const int64_t due = scheduler.Upsert(kA, hours(24), 0, 0, kNow);
  EXPECT_GE(due, kNow);
  EXPECT_LE(due, kNow + Ms(hours(1)));
  EXPECT_FALSE(scheduler.InFlight(kA));
  EXPECT_EQ(scheduler.in_flight(), 0u);
  // The removed document's check ends: it says nothing of the new one.
  scheduler.Complete(kA, kNow + Ms(hours(24)));
  EXPECT_EQ(scheduler.DueMs(kA), due);
  EXPECT_EQ(scheduler.NextDueMs(), due);
  EXPECT_EQ(scheduler.size(), 1u);
}

TEST(Scheduler, HandlesNeedNotBeDense) {
  Scheduler scheduler({}, 1);
  scheduler.Upsert(100'000, hours(1), kNow + 5, 0, kNow);
  EXPECT_TRUE(scheduler.Contains(100'000));
  EXPECT_FALSE(scheduler.Contains(99'999));
  EXPECT_FALSE(scheduler.Contains(100'001));
  EXPECT_FALSE(scheduler.DueMs(3).has_value());
  EXPECT_FALSE(scheduler.CheckNow(3, kNow));
  scheduler.Remove(3);  // unknown: nothing happens
  EXPECT_EQ(scheduler.size(), 1u);
  EXPECT_EQ(scheduler.PopDue(kNow + 5, 10), std::vector<DocHandle>{100'000});
}

// Random operations on the scheduler and on a plain model of it (a sorted set of (due,
// handle)): the same documents pop, in the same order, at every step.
TEST(Scheduler, AgreesWithASortedSetUnderRandomOperations) {
  Scheduler scheduler({.first_check_window = minutes(1)}, 1);
  std::set<std::pair<int64_t, DocHandle>> queued;
  std::map<DocHandle, int64_t> due_of;  // every known document
  std::set<DocHandle> in_flight;
  std::set<DocHandle> requested;  // in flight, and CheckNow asked for another check
  std::mt19937_64 rng(2024);
  const auto random = [&rng](int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(rng);
  };
  int64_t now = kNow;
  for (int step = 0; step < 20'000; ++step) {
    const auto doc = static_cast<DocHandle>(random(0, 199));
    const bool known = due_of.count(doc) > 0;
    const bool flying = in_flight.count(doc) > 0;
    switch (random(0, 5)) {
      case 0: {  // add with a persisted due time, or update one
        const int64_t due = now + random(-1000, 100'000);
        if (known && !flying) queued.erase({due_of[doc], doc});
        if (!flying) queued.emplace(due, doc);
        due_of[doc] = due;
        ASSERT_EQ(scheduler.Upsert(doc, hours(1), due, 0, now), due);
        break;
      }
      case 1:
        if (known && !flying) queued.erase({due_of[doc], doc});
        due_of.erase(doc);
        in_flight.erase(doc);
        requested.erase(doc);
        scheduler.Remove(doc);
        break;
      case 2: {
        const int64_t until = now + random(0, 20'000);
        const auto popped = scheduler.PopDue(until, static_cast<std::size_t>(random(1, 8)));
        for (const DocHandle got : popped) {
          ASSERT_FALSE(queued.empty());
          ASSERT_EQ(got, queued.begin()->second) << "step " << step;
          ASSERT_LE(queued.begin()->first, until);
          queued.erase(queued.begin());
          in_flight.insert(got);
        }
        break;
      }
      case 3:
        if (flying) {
          int64_t next = now + random(1, 100'000);
          scheduler.Complete(doc, next);
          if (requested.erase(doc) > 0) next = std::min(next, due_of[doc]);
          in_flight.erase(doc);
          due_of[doc] = next;
          queued.emplace(next, doc);
        }
        break;
      case 4:
        if (known && !flying) {
          const int64_t due = std::min(due_of[doc], now);
          queued.erase({due_of[doc], doc});
          queued.emplace(due, doc);
          due_of[doc] = due;
        }
        ASSERT_EQ(scheduler.CheckNow(doc, now), known);
        if (flying) {  // due right after the check
          requested.insert(doc);
          due_of[doc] = now;
        }
        break;
      default:
        now += random(0, 5'000);
        break;
    }
    if (due_of.count(doc) > 0) {
      ASSERT_EQ(scheduler.DueMs(doc), due_of[doc]);
    }
    ASSERT_EQ(scheduler.size(), due_of.size());
    ASSERT_EQ(scheduler.in_flight(), in_flight.size());
    ASSERT_EQ(scheduler.NextDueMs().has_value(), !queued.empty());
    if (!queued.empty()) {
      ASSERT_EQ(*scheduler.NextDueMs(), queued.begin()->first);
    }
  }
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

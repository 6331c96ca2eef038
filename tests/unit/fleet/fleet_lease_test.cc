#include "policyd/fleet_lease.h"

#include <gtest/gtest.h>

#include "policyd/fleet_records.h"
#include "policyd/in_memory_kv.h"
#include "support/switchable_kv.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

FleetTiming Timing() {
  FleetTiming timing;
  timing.lease_ttl = seconds(20);
  timing.max_clock_skew = seconds(1);
  return timing;
}

class LeaseKeeperTest : public ::testing::Test {
 protected:
  int64_t server_ms_ = 0;
  InMemoryKv kv_{[this] { return server_ms_; }, FleetBucketMaxAge(Timing())};
  testing::SwitchableKv a_kv_{&kv_};
  LeaseKeeper a_{"a", 1, Timing(), &a_kv_};
  LeaseKeeper b_{"b", 1, Timing(), &kv_};
};

TEST_F(LeaseKeeperTest, TheFirstTakerHoldsItTheOthersAreToldByWhomUntilWhen) {
  const LeaseAnswer taken = a_.Acquire("doc/1", 0);
  EXPECT_EQ(taken.outcome, LeaseOutcome::kAcquired);
  EXPECT_EQ(taken.expires_ms, 20'000);
  EXPECT_EQ(a_.Deadline("doc/1"), 19'000);  // expiry − max_clock_skew
  EXPECT_EQ(a_.NextRenewal("doc/1"), 20'000 / 3);
  EXPECT_TRUE(a_.Holds("doc/1", 18'999));
  EXPECT_FALSE(a_.Holds("doc/1", 19'000));

  const LeaseAnswer refused = b_.Acquire("doc/1", 5'000);
  EXPECT_EQ(refused.outcome, LeaseOutcome::kHeld);
  EXPECT_EQ(refused.holder, "a");
  EXPECT_EQ(refused.expires_ms, 20'000);
  EXPECT_EQ(b_.Deadline("doc/1"), std::nullopt);
  // Another document is free.
  EXPECT_EQ(b_.Acquire("doc/2", 5'000).outcome, LeaseOutcome::kAcquired);
}

TEST_F(LeaseKeeperTest, AnExpiredLeaseIsTakenARenewedOneIsNot) {
  a_.Acquire("doc", 0);
  EXPECT_EQ(a_.Renew("doc", 7'000).outcome, LeaseOutcome::kRenewed);
  EXPECT_EQ(a_.Deadline("doc"), 26'000);
  EXPECT_EQ(b_.Acquire("doc", 20'000).outcome, LeaseOutcome::kHeld);  // renewed to 27 s
  EXPECT_EQ(b_.Acquire("doc", 27'000).outcome, LeaseOutcome::kAcquired);
  // a stopped at its deadline (26 s); a late renewal is refused, not written.
  EXPECT_EQ(a_.Renew("doc", 27'500).outcome, LeaseOutcome::kLost);
  EXPECT_EQ(a_.held(), 0u);
  EXPECT_EQ(b_.Acquire("doc", 28'000).outcome, LeaseOutcome::kAcquired);  // still b's
}

TEST_F(LeaseKeeperTest, ARenewalAfterATakerWroteIsLost) {
  a_.Acquire("doc", 0);
  // b's clock runs 2 s ahead (beyond the bound): it takes the lease at a's 18 s.
  ASSERT_EQ(b_.Acquire("doc", 20'000).outcome, LeaseOutcome::kAcquired);
  EXPECT_EQ(a_.Renew("doc", 18'000).outcome, LeaseOutcome::kLost);  // the revision moved on
  EXPECT_FALSE(a_.Holds("doc", 18'000));
}

TEST_F(LeaseKeeperTest, ReleaseFreesTheLeaseAtOnceButNeverSomeoneElses) {
  a_.Acquire("doc", 0);
  a_.Release("doc");
  EXPECT_EQ(a_.held(), 0u);
  EXPECT_EQ(b_.Acquire("doc", 1'000).outcome, LeaseOutcome::kAcquired);

  // a's stale release (an old revision) leaves b's lease alone.
  LeaseKeeper a_again("a", 1, Timing(), &kv_);
  a_again.Acquire("other", 0);
  ASSERT_EQ(b_.Acquire("other", 25'000).outcome, LeaseOutcome::kAcquired);
  a_again.Release("other");
  EXPECT_EQ(a_.Acquire("other", 26'000).outcome, LeaseOutcome::kHeld);
}

TEST_F(LeaseKeeperTest, WithoutTheBucketNothingStartsAndTheDeadlineStays) {
  ASSERT_EQ(a_.Acquire("doc", 0).outcome, LeaseOutcome::kAcquired);
  a_kv_.set_reachable(false);
  EXPECT_EQ(a_.Acquire("doc2", 1'000).outcome, LeaseOutcome::kUnavailable);
  EXPECT_EQ(a_.Renew("doc", 7'000).outcome, LeaseOutcome::kUnavailable);
  EXPECT_EQ(a_.Deadline("doc"), 19'000);  // unchanged: no renewal happened
  const std::optional<int64_t> retry = a_.NextRenewal("doc");
  ASSERT_TRUE(retry);
  EXPECT_GT(*retry, 7'000);
  EXPECT_LE(*retry, 19'000);
  EXPECT_EQ(a_.Renew("doc", 19'000).outcome, LeaseOutcome::kLost);
  a_kv_.set_reachable(true);
  EXPECT_EQ(b_.Acquire("doc", 20'000).outcome, LeaseOutcome::kAcquired);
}

TEST_F(LeaseKeeperTest, ItsOwnLeaseFromALostAnswerIsAdoptedAnotherIncarnationsIsNot) {
  // a's Create reached the bucket but its answer did not reach a.
  kv_.Create(LeaseKey("doc"), EncodeLeaseRecord({"a", 1, 20'000}));
  EXPECT_EQ(a_.Acquire("doc", 1'000).outcome, LeaseOutcome::kAcquired);
  EXPECT_EQ(a_.Deadline("doc"), 20'000);  // rewritten from 1 s

  // The same id after a restart is another incarnation: it waits like anyone.
  LeaseKeeper restarted("a", 2, Timing(), &kv_);
  EXPECT_EQ(restarted.Acquire("doc", 2'000).outcome, LeaseOutcome::kHeld);
  EXPECT_EQ(restarted.Acquire("doc", 21'000).outcome, LeaseOutcome::kAcquired);
}

TEST_F(LeaseKeeperTest, AnUnreadableLeaseIsOverwritten) {
  kv_.Create(LeaseKey("doc"), "not json");
  EXPECT_EQ(a_.Acquire("doc", 0).outcome, LeaseOutcome::kAcquired);
}

// The safety rule: with clocks at most max_clock_skew apart, a taker's first successful
// Acquire comes no sooner than the holder's deadline; beyond the bound the two overlap.
TEST(LeaseSafetyTest, TheTakerNeverWritesBeforeTheHolderStopsWithinTheSkewBound) {
  for (const int64_t skew : {-1000, -600, 0, 400, 1000, 1500}) {
    int64_t real_ms = 0;
    InMemoryKv kv([&real_ms] { return real_ms; }, FleetBucketMaxAge(Timing()));
    LeaseKeeper holder("h", 1, Timing(), &kv);
    LeaseKeeper taker("t", 1, Timing(), &kv);
    ASSERT_EQ(holder.Acquire("doc", real_ms).outcome, LeaseOutcome::kAcquired);
    const int64_t holder_stops = *holder.Deadline("doc");  // the holder's clock is real time
    int64_t taken_at = -1;
    for (real_ms = 0; real_ms <= 30'000 && taken_at < 0; real_ms += 10) {
      if (taker.Acquire("doc", real_ms + skew).outcome == LeaseOutcome::kAcquired) {
        taken_at = real_ms;
      }
    }
    ASSERT_GE(taken_at, 0) << skew;
    if (skew <= 1000) {
      EXPECT_GE(taken_at, holder_stops) << "skew " << skew;
    } else {
      EXPECT_EQ(holder_stops - taken_at, skew - 1000) << "skew " << skew;  // the overlap
    }
  }
}

}  // namespace
}  // namespace policyd

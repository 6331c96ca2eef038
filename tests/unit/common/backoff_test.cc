// BackoffDelay: the one retry schedule of the webhooks and the NATS outbox.
#include "policyd/backoff.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(BackoffDelayTest, DoublesFromTheMinimumWithUpToHalfAsMuchAgainOfJitter) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    const auto first = BackoffDelay(seconds(1), minutes(1), 1, std::nullopt, rng);
    EXPECT_GE(first, seconds(1));
    EXPECT_LE(first, milliseconds(1500));
    const auto third = BackoffDelay(seconds(1), minutes(1), 3, std::nullopt, rng);
    EXPECT_GE(third, seconds(4));
    EXPECT_LE(third, seconds(6));
  }
}

TEST(BackoffDelayTest, NeverPastTheMaximumAndNoOverflow) {
  std::mt19937_64 rng(7);
  EXPECT_EQ(BackoffDelay(seconds(1), minutes(1), 7, std::nullopt, rng), minutes(1));
  EXPECT_EQ(BackoffDelay(seconds(1), minutes(1), 1'000'000, std::nullopt, rng), minutes(1));
  // A minimum above the maximum counts as the maximum.
  EXPECT_EQ(BackoffDelay(minutes(5), minutes(1), 1, std::nullopt, rng), minutes(5));
}

TEST(BackoffDelayTest, TheOtherSidesWishIsHonouredUpToTheMaximum) {
  std::mt19937_64 rng(7);
  EXPECT_EQ(BackoffDelay(seconds(1), minutes(10), 1, seconds(90), rng), seconds(90));
  EXPECT_EQ(BackoffDelay(seconds(1), minutes(10), 1, minutes(30), rng), minutes(10));
  // A shorter wish does not shorten the backoff.
  EXPECT_GE(BackoffDelay(seconds(8), minutes(10), 1, seconds(1), rng), seconds(8));
}

TEST(BackoffDelayTest, JitterSpreadsClientsThatFailedTogether) {
  std::mt19937_64 rng(7);
  const auto a = BackoffDelay(seconds(10), minutes(10), 2, std::nullopt, rng);
  bool differs = false;
  for (int i = 0; i < 20 && !differs; ++i) {
    differs = BackoffDelay(seconds(10), minutes(10), 2, std::nullopt, rng) != a;
  }
  EXPECT_TRUE(differs);
}

}  // namespace
}  // namespace policyd

#include "policyd/human_units.h"

#include <gtest/gtest.h>

#include <limits>

namespace policyd {
namespace {

using std::chrono::milliseconds;

TEST(HumanBytes, ExactBelowOneKibThenIecWithOneDecimalBelowTen) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1), "1 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1024), "1.0 KiB");
  EXPECT_EQ(HumanBytes(1075), "1.0 KiB");  // 1.0498 KiB
  EXPECT_EQ(HumanBytes(1076), "1.1 KiB");  // 1.0508 KiB: to nearest
  EXPECT_EQ(HumanBytes(1536), "1.5 KiB");
  EXPECT_EQ(HumanBytes(10 * 1024 - 52), "9.9 KiB");
  EXPECT_EQ(HumanBytes(10 * 1024 - 51), "10 KiB");  // 9.95 rounds to 10: a whole number
  EXPECT_EQ(HumanBytes(10 * 1024), "10 KiB");
  EXPECT_EQ(HumanBytes(1'258'291), "1.2 MiB");
  EXPECT_EQ(HumanBytes(512 * 1024 * 1024LL), "512 MiB");
  EXPECT_EQ(HumanBytes(1024 * 1024 - 1), "1.0 MiB");  // 1023.999 KiB is not "1024 KiB"
  EXPECT_EQ(HumanBytes(1024 * 1024 - 513), "1023 KiB");
  EXPECT_EQ(HumanBytes(3LL << 30), "3.0 GiB");
  EXPECT_EQ(HumanBytes(5LL << 40), "5.0 TiB");
  EXPECT_EQ(HumanBytes(std::numeric_limits<int64_t>::max()), "8.0 EiB");
}

TEST(HumanBytes, NegativeSizesKeepTheirSign) {
  EXPECT_EQ(HumanBytes(-1), "-1 B");
  EXPECT_EQ(HumanBytes(-1536), "-1.5 KiB");
  EXPECT_EQ(HumanBytes(std::numeric_limits<int64_t>::min()), "-8.0 EiB");
}

TEST(HumanDuration, TwoLargestUnitsTruncated) {
  EXPECT_EQ(HumanDuration(milliseconds(0)), "0ms");
  EXPECT_EQ(HumanDuration(milliseconds(850)), "850ms");
  EXPECT_EQ(HumanDuration(milliseconds(999)), "999ms");
  EXPECT_EQ(HumanDuration(milliseconds(1000)), "1s");
  EXPECT_EQ(HumanDuration(milliseconds(12'999)), "12s");
  EXPECT_EQ(HumanDuration(milliseconds(59'999)), "59s");
  EXPECT_EQ(HumanDuration(milliseconds(60'000)), "1m");
  EXPECT_EQ(HumanDuration(milliseconds(192'000)), "3m 12s");
  EXPECT_EQ(HumanDuration(milliseconds(3'599'999)), "59m 59s");
  EXPECT_EQ(HumanDuration(milliseconds(7'500'000)), "2h 5m");
  EXPECT_EQ(HumanDuration(milliseconds(7'200'000)), "2h");
  EXPECT_EQ(HumanDuration(milliseconds(7'259'000)), "2h");  // seconds are the third unit
  EXPECT_EQ(HumanDuration(milliseconds(273'600'000)), "3d 4h");
  EXPECT_EQ(HumanDuration(milliseconds(86'400'000)), "1d");
  EXPECT_EQ(HumanDuration(milliseconds(-12'000)), "-12s");
  EXPECT_EQ(HumanDuration(milliseconds(std::numeric_limits<int64_t>::min())), "-106751991167d 7h");
}

TEST(HumanAge, LargestUnitAgoOrIn) {
  EXPECT_EQ(HumanAge(milliseconds(0)), "just now");
  EXPECT_EQ(HumanAge(milliseconds(999)), "just now");
  EXPECT_EQ(HumanAge(milliseconds(-999)), "just now");
  EXPECT_EQ(HumanAge(milliseconds(12'000)), "12s ago");
  EXPECT_EQ(HumanAge(milliseconds(332'000)), "5m ago");
  EXPECT_EQ(HumanAge(milliseconds(7'500'000)), "2h ago");
  EXPECT_EQ(HumanAge(milliseconds(273'600'000)), "3d ago");
  EXPECT_EQ(HumanAge(milliseconds(-300'000)), "in 5m");
}

TEST(HumanCount, DoneOverTotal) {
  EXPECT_EQ(HumanCount(312, 674), "312/674");
  EXPECT_EQ(HumanCount(0, 0), "0/0");
}

}  // namespace
}  // namespace policyd

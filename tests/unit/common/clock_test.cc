#include "policyd/clock.h"

#include <gtest/gtest.h>

#include <string>

namespace policyd {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsUnitsAndCombinations) {
  EXPECT_EQ(ParseDuration("90"), milliseconds(90'000));
  EXPECT_EQ(ParseDuration("90s"), milliseconds(90'000));
  EXPECT_EQ(ParseDuration("250ms"), milliseconds(250));
  EXPECT_EQ(ParseDuration("15m"), milliseconds(900'000));
  EXPECT_EQ(ParseDuration("12h"), milliseconds(43'200'000));
  EXPECT_EQ(ParseDuration("7d"), milliseconds(604'800'000));
  EXPECT_EQ(ParseDuration("1h30m"), milliseconds(5'400'000));
}

TEST(ParseDuration, RejectsGarbage) {
  EXPECT_FALSE(ParseDuration(""));
  EXPECT_FALSE(ParseDuration("-5s"));
  EXPECT_FALSE(ParseDuration("5 weeks"));
  EXPECT_FALSE(ParseDuration("h"));
  EXPECT_FALSE(ParseDuration("99999999999999s"));
  EXPECT_FALSE(ParseDuration("5x"));
  // Parts that add up past what a duration holds are refused, not wrapped around to a small
  // valid value (99 x 2147483647d plus 1h used to read as 1h).
  std::string huge;
  for (int i = 0; i < 99; ++i) huge += "2147483647d";
  EXPECT_FALSE(ParseDuration(huge + "1h"));
  EXPECT_FALSE(ParseDuration(huge));
}

// "6M" reads as six months to many people (check_retention = "6M"): as six minutes it would
// delete records after minutes. A capital M alone is refused; other units keep their case
// insensitivity ("1H", "250MS").
TEST(ParseDuration, ACapitalMIsNotMinutes) {
  EXPECT_FALSE(ParseDuration("6M"));
  EXPECT_FALSE(ParseDuration("1h6M"));
  EXPECT_EQ(ParseDuration("6m"), milliseconds(360'000));
  EXPECT_EQ(ParseDuration("1H"), milliseconds(3'600'000));
  EXPECT_EQ(ParseDuration("250MS"), milliseconds(250));
}

// A duration names each unit once, from the largest down ("1d2h30m"), as FormatDuration
// writes it. "30m1h" and "1h1h" used to add up silently, and "1h30" read as 1h 30s where
// many readers mean 1h30m; all three now fail with the config error that shows the forms.
TEST(ParseDuration, UnitsComeOnceFromTheLargestDown) {
  EXPECT_FALSE(ParseDuration("30m1h"));
  EXPECT_FALSE(ParseDuration("1h1h"));
  EXPECT_FALSE(ParseDuration("1h30"));
  EXPECT_FALSE(ParseDuration("5ms1s"));
  EXPECT_FALSE(ParseDuration("1s1s"));
  EXPECT_EQ(ParseDuration("1d2h3m4s5ms"), milliseconds(93'784'005));
  EXPECT_EQ(ParseDuration("1h5s"), milliseconds(3'605'000));
}

TEST(FormatDuration, RoundTrips) {
  EXPECT_EQ(FormatDuration(milliseconds(5'400'000)), "1h30m");
  EXPECT_EQ(FormatDuration(milliseconds(250)), "250ms");
  EXPECT_EQ(FormatDuration(milliseconds(0)), "0s");
  EXPECT_EQ(ParseDuration(FormatDuration(milliseconds(93'784'005))), milliseconds(93'784'005));
}

TEST(FormatTimestamp, IsRfc3339Utc) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestamp(1'795'781'603'456), "2026-11-27T12:13:23.456Z");
}

TEST(ParseTimestamp, IsTheInverseOfFormatTimestamp) {
  for (const int64_t ms : {int64_t{0}, int64_t{1'700'000'000'123}, int64_t{951'782'400'000},
                           int64_t{253'402'300'799'999}}) {
    EXPECT_EQ(ParseTimestamp(FormatTimestamp(ms)), ms) << FormatTimestamp(ms);
  }
  EXPECT_EQ(ParseTimestamp("2000-02-29T00:00:00.000Z"), 951'782'400'000);  // a leap day
}

TEST(ParseTimestamp, RefusesAnythingElse) {
  for (const char* bad :
       {"", "2023-11-14T22:13:20Z", "2023-11-14T22:13:20.000", "2023-11-14 22:13:20.000Z",
        "2023-11-14T22:13:20.000Z ", "2023-13-14T22:13:20.000Z", "2023-02-29T00:00:00.000Z",
        "2023-11-14T24:00:00.000Z", "2023-11-14T22:60:00.000Z", "1969-12-31T23:59:59.999Z",
        "2023-1a-14T22:13:20.000Z", "-"}) {
    EXPECT_EQ(ParseTimestamp(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace policyd

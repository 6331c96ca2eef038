// What the log says of checks (issue 17 item 6): one summary per window, repeated failures
// grouped per host and reason, bounded.
#include "check_log_digest.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace policyd {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;
using Level = CheckLogDigest::Level;
using Lines = std::vector<std::string>;

const CheckLogDigest::TimePoint kStart{seconds(1000)};

CheckLogDigest::Level Fail(CheckLogDigest& digest, const std::string& doc, const std::string& host,
                           FailureReason reason) {
  return digest.Record(doc, host, CheckResult::kFailed, reason);
}

TEST(CheckLogDigestTest, SummaryCountsEveryOutcomeAndFailuresByReasonMostFrequentFirst) {
  CheckLogDigest digest(kStart);
  EXPECT_EQ(digest.Record("a/privacy", "a.test", CheckResult::kFirstSeen, FailureReason::kNone),
            Level::kInfo);
  EXPECT_EQ(digest.Record("b/privacy", "b.test", CheckResult::kChanged, FailureReason::kNone),
            Level::kInfo);
  EXPECT_EQ(digest.Record("c/privacy", "c.test", CheckResult::kReread, FailureReason::kNone),
            Level::kInfo);
  EXPECT_EQ(digest.Record("d/privacy", "d.test", CheckResult::kUnchanged, FailureReason::kNone),
            Level::kDebug);
  EXPECT_EQ(digest.Record("e/privacy", "e.test", CheckResult::kNotModified, FailureReason::kNone),
            Level::kDebug);
  EXPECT_EQ(Fail(digest, "f/privacy", "f.test", FailureReason::kHttp5xx), Level::kWarn);
  EXPECT_EQ(Fail(digest, "g/privacy", "g.test", FailureReason::kTimeout), Level::kWarn);
  EXPECT_EQ(Fail(digest, "h/privacy", "h.test", FailureReason::kTimeout), Level::kWarn);
  EXPECT_EQ(Fail(digest, "i/privacy", "i.test", FailureReason::kDns), Level::kWarn);
  EXPECT_EQ(Fail(digest, "j/privacy", "j.test", FailureReason::kDns), Level::kWarn);
  EXPECT_EQ(Fail(digest, "k/privacy", "k.test", FailureReason::kDns), Level::kWarn);

  EXPECT_EQ(digest.Summarize(kStart + minutes(5)),
            (Lines{"summary: 11 checked (1 first seen, 1 changed, 1 reread, 2 unchanged, 6 "
                   "failed: dns 3, timeout 2, http_5xx 1) in 5m"}));
}

// A check failed without a request (its host held: a 429's hold, a struggling server's rest)
// is no failure of its own reason: the summary counts it apart, it makes no warning and no
// group line. A soak's summary said "127.0.0.1: 43 failures (timeout)" for 1 real timeout and
// 42 checks held by the rest it caused.
TEST(CheckLogDigestTest, ChecksNotRequestedAreCountedApartFromFailures) {
  CheckLogDigest digest(kStart);
  EXPECT_EQ(Fail(digest, "a/privacy", "a.test:443", FailureReason::kTimeout), Level::kWarn);
  CheckRecord held;
  held.outcome = "failed";
  held.reason = "timeout";
  held.message = "not requested: the server is struggling: ...";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(digest.Record("a/terms", "a.test:443", held, /*not_requested=*/true), Level::kDebug);
  }
  EXPECT_EQ(digest.Summarize(kStart + minutes(2)),
            (Lines{"summary: 4 checked (0 changed, 0 unchanged, 1 failed: timeout 1, 3 not "
                   "requested: their host held) in 2m"}));
}

// A check whose commit the store refused (a full disk) was in no count: a disk session read
// "47 checked (43 changed, 4 unchanged, 0 failed)" for a window with 4 refused commits.
TEST(CheckLogDigestTest, ChecksTheStoreRefusedAreCountedApart) {
  CheckLogDigest digest(kStart);
  EXPECT_EQ(digest.Record("a/privacy", "a.test", CheckResult::kChanged, FailureReason::kNone),
            Level::kInfo);
  digest.RecordNotRecorded();
  digest.RecordNotRecorded();
  EXPECT_EQ(digest.Summarize(kStart + minutes(1)),
            (Lines{"summary: 3 checked (1 changed, 0 unchanged, 0 failed, 2 not recorded: the "
                   "store refused their commits) in 1m"}));
}

TEST(CheckLogDigestTest, HeldBackAppearsOnlyWhenThereIsOneAndNoFailuresMeansNoReasonList) {
  CheckLogDigest digest(kStart);
  digest.Record("a/privacy", "a.test", CheckResult::kUnchanged, FailureReason::kNone);
  EXPECT_EQ(digest.Summarize(kStart + milliseconds(90'400)),
            (Lines{"summary: 1 checked (0 changed, 1 unchanged, 0 failed) in 1m30s"}));

  digest.Record("a/privacy", "a.test", CheckResult::kSuspicious, FailureReason::kNone);
  EXPECT_EQ(digest.Summarize(kStart + milliseconds(90'400) + milliseconds(250)),
            (Lines{"summary: 1 checked (0 changed, 0 unchanged, 1 held back, 0 failed) in 250ms"}));
}

TEST(CheckLogDigestTest, RepeatedFailuresOfAHostAndReasonAreOneWarningAndOneSummaryLine) {
  CheckLogDigest digest(kStart);
  EXPECT_EQ(Fail(digest, "example/privacy-policy", "example.com", FailureReason::kTimeout),
            Level::kWarn);
  for (int i = 0; i < 13; ++i) {
    EXPECT_EQ(
        Fail(digest, "example/terms-" + std::to_string(i), "example.com", FailureReason::kTimeout),
        Level::kDebug);
  }
  // Another reason on the same host is a group of its own.
  EXPECT_EQ(Fail(digest, "example/cookies", "example.com", FailureReason::kHttp5xx), Level::kWarn);
  EXPECT_EQ(Fail(digest, "example/cookies", "example.com", FailureReason::kHttp5xx), Level::kDebug);
  // A single failure is not repeated: its warning said it all.
  EXPECT_EQ(Fail(digest, "other/privacy", "other.org", FailureReason::kDns), Level::kWarn);

  EXPECT_EQ(digest.Summarize(kStart + minutes(5)),
            (Lines{"summary: 17 checked (0 changed, 0 unchanged, 17 failed: timeout 14, "
                   "http_5xx 2, dns 1) in 5m",
                   "example.com: 14 failures (timeout) in the last 5m, e.g. example/privacy-policy",
                   "example.com: 2 failures (http_5xx) in the last 5m, e.g. example/cookies"}));
}

TEST(CheckLogDigestTest, ANewWindowStartsAfresh) {
  CheckLogDigest digest(kStart);
  Fail(digest, "example/privacy", "example.com", FailureReason::kTimeout);
  Fail(digest, "example/privacy", "example.com", FailureReason::kTimeout);
  ASSERT_EQ(digest.Summarize(kStart + minutes(5)).size(), 2u);

  // Nothing was checked since: no line at all.
  EXPECT_TRUE(digest.Summarize(kStart + minutes(10)).empty());
  // The group's first failure in the new window is a warning again.
  EXPECT_EQ(Fail(digest, "example/privacy", "example.com", FailureReason::kTimeout), Level::kWarn);
  EXPECT_EQ(digest.Summarize(kStart + minutes(12)),
            (Lines{"summary: 1 checked (0 changed, 0 unchanged, 1 failed: timeout 1) in 2m"}));
}

TEST(CheckLogDigestTest, GroupsAreBoundedAndFailuresBeyondThemStillWarn) {
  CheckLogDigest digest(kStart);
  for (std::size_t i = 0; i < CheckLogDigest::kMaxGroups; ++i) {
    const std::string host = "h" + std::to_string(i) + ".test";
    // Only the first hosts failing to connect are warnings (the per-reason limit).
    ASSERT_EQ(Fail(digest, "d/" + std::to_string(i), host, FailureReason::kConnect),
              i < CheckLogDigest::kMaxWarningsPerReason ? Level::kWarn : Level::kDebug);
    ASSERT_EQ(Fail(digest, "d/" + std::to_string(i), host, FailureReason::kConnect), Level::kDebug);
  }
  // The table is full: a new group is not tracked, so each of its failures is a warning.
  EXPECT_EQ(Fail(digest, "late/privacy", "late.test", FailureReason::kTls), Level::kWarn);
  EXPECT_EQ(Fail(digest, "late/privacy", "late.test", FailureReason::kTls), Level::kWarn);

  const Lines lines = digest.Summarize(kStart + minutes(5));
  ASSERT_EQ(lines.size(), 2 + CheckLogDigest::kMaxGroupLines + 1);
  EXPECT_EQ(lines.front(),
            "summary: 2050 checked (0 changed, 0 unchanged, 2050 failed: connect 2048, tls 2) in "
            "5m");
  EXPECT_EQ(lines[1],
            "connect: 1024 hosts failed in the last 5m; the first 10 were warnings, the others "
            "debug lines");
  EXPECT_EQ(lines[2], "h0.test: 2 failures (connect) in the last 5m, e.g. d/0");
  EXPECT_EQ(lines.back(), "... and 1004 more hosts with repeated failures");
}

TEST(CheckLogDigestTest, ManyHostsFailingForOneReasonWarnOnlyForTheFirstFew) {
  // Offline: every host fails "dns"; ten warnings say it, the summary counts the rest.
  CheckLogDigest digest(kStart);
  int warnings = 0;
  for (int i = 0; i < 340; ++i) {
    const std::string host = "www.site" + std::to_string(i) + ".test";
    if (Fail(digest, "site" + std::to_string(i) + "/privacy", host, FailureReason::kDns) ==
        Level::kWarn) {
      ++warnings;
    }
  }
  // Another reason has its own allowance.
  EXPECT_EQ(Fail(digest, "other/privacy", "other.test", FailureReason::kTimeout), Level::kWarn);
  EXPECT_EQ(warnings, 10);
  EXPECT_EQ(digest.Summarize(kStart + minutes(5)),
            (Lines{"summary: 341 checked (0 changed, 0 unchanged, 341 failed: dns 340, timeout 1) "
                   "in 5m",
                   "dns: 340 hosts failed in the last 5m; the first 10 were warnings, the others "
                   "debug lines"}));
}

TEST(CheckLogDigestTest, StoredRecordsAreReadByName) {
  CheckLogDigest digest(kStart);
  CheckRecord failed;
  failed.outcome = "failed";
  failed.reason = "http_4xx";
  EXPECT_EQ(digest.Record("a/privacy", "a.test", failed), Level::kWarn);
  CheckRecord changed;
  changed.outcome = "changed";
  EXPECT_EQ(digest.Record("a/privacy", "a.test", changed), Level::kInfo);
  CheckRecord unchanged;
  unchanged.outcome = "not_modified";
  EXPECT_EQ(digest.Record("a/privacy", "a.test", unchanged), Level::kDebug);
  CheckRecord odd;
  odd.outcome = "exploded";
  EXPECT_EQ(digest.Record("a/privacy", "a.test", odd), Level::kWarn);
  EXPECT_EQ(digest.Summarize(kStart + seconds(1)),
            (Lines{"summary: 4 checked (1 changed, 1 unchanged, 2 failed: http_4xx 1, unknown 1) "
                   "in 1s"}));
}

}  // namespace
}  // namespace policyd

#include "host_strain.h"

#include "policyd/fetcher.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;
using Clock = HostStrain::Clock;

const Clock::time_point t0 = Clock::time_point{} + std::chrono::hours(1);

constexpr ServerHealth kTrouble = ServerHealth::kTrouble;
constexpr ServerHealth kFine = ServerHealth::kFine;

TEST(HostStrain, TroubleIsServerErrorsAndNoAnswer) {
  for (const long status : {500L, 502L, 503L, 504L, 520L, 522L, 530L}) {
    EXPECT_EQ(HealthOf(FetchError::kNone, status), kTrouble) << status;
  }
  for (const long status : {200L, 204L, 301L, 304L, 403L, 404L, 410L, 429L, 501L, 505L, 531L}) {
    EXPECT_EQ(HealthOf(FetchError::kNone, status), kFine) << status;
  }
  EXPECT_EQ(HealthOf(FetchError::kConnect, 0), kTrouble);
  EXPECT_EQ(HealthOf(FetchError::kTimeout, 0), kTrouble);
  EXPECT_EQ(HealthOf(FetchError::kTooLarge, 200), kFine);
  EXPECT_EQ(HealthOf(FetchError::kContentType, 200), kFine);
  // Failures that say nothing of the server's load.
  for (const FetchError error : {FetchError::kDns, FetchError::kTls, FetchError::kProtocol,
                                 FetchError::kBlockedAddress, FetchError::kAborted}) {
    EXPECT_EQ(HealthOf(error, 0), ServerHealth::kUnknown) << FetchErrorName(error);
  }
}

// No word from the server (a cancelled fetch, a DNS failure) neither ends nor lengthens a streak.
TEST(HostStrain, UnknownHealthLeavesTheStreak) {
  HostStrain strain({.base = seconds(30), .max = minutes(4)});
  strain.Note("a.example", "https://a.example/p", kTrouble, t0);
  EXPECT_EQ(strain.Note("a.example", "https://a.example/q", ServerHealth::kUnknown, t0).streak, 1);
  EXPECT_EQ(strain.Note("a.example", "https://a.example/q", kTrouble, t0).pause, seconds(30));
}

// One broken page is its own check's business: however often it fails, the host is not slowed.
TEST(HostStrain, OneFailingPageDoesNotSlowItsHost) {
  HostStrain strain({});
  for (int i = 0; i < 5; ++i) {
    const HostStrain::Verdict verdict =
        strain.Note("a.example", "https://a.example/broken", kTrouble, t0 + minutes(i));
    EXPECT_EQ(verdict.streak, i + 1);
    EXPECT_EQ(verdict.pause, Clock::duration::zero()) << i;
  }
  // Its streak made no rest: a good answer has none to end.
  EXPECT_FALSE(strain.Note("a.example", "https://a.example/", kFine, t0).ended_rest);
}

// Trouble on a second page in a row: the host eases off, doubling its pause at each further
// trouble answer, up to the cap; its next good answer ends the streak.
TEST(HostStrain, TroubleOnSeveralPagesPausesTheHostAndDoubles) {
  HostStrain strain({.base = seconds(30), .max = minutes(4)});
  EXPECT_EQ(strain.Note("a.example", "https://a.example/p", kTrouble, t0).pause,
            Clock::duration::zero());
  const HostStrain::Verdict second = strain.Note("a.example", "https://a.example/q", kTrouble, t0);
  EXPECT_EQ(second.streak, 2);
  EXPECT_EQ(second.first_url, "https://a.example/p");
  EXPECT_EQ(second.pause, seconds(30));
  EXPECT_EQ(strain.Note("a.example", "https://a.example/p", kTrouble, t0).pause, seconds(60));
  EXPECT_EQ(strain.Note("a.example", "https://a.example/r", kTrouble, t0).pause, seconds(120));
  EXPECT_EQ(strain.Note("a.example", "https://a.example/r", kTrouble, t0).pause, seconds(240));
  EXPECT_EQ(strain.Note("a.example", "https://a.example/r", kTrouble, t0).pause, minutes(4));
  // Another host is untouched.
  EXPECT_EQ(strain.Note("b.example", "https://b.example/p", kTrouble, t0).pause,
            Clock::duration::zero());
  // A good answer (even a 404) ends a's streak and its rest: the next trouble starts afresh.
  const HostStrain::Verdict ended = strain.Note("a.example", "https://a.example/gone", kFine, t0);
  EXPECT_TRUE(ended.ended_rest);
  EXPECT_EQ(ended.streak, 6);
  EXPECT_EQ(ended.pause, Clock::duration::zero());
  EXPECT_FALSE(strain.Note("a.example", "https://a.example/gone", kFine, t0).ended_rest);
  EXPECT_EQ(strain.hosts(), 2u);  // b's streak, a's failing pages
  EXPECT_EQ(strain.Note("a.example", "https://a.example/s", kTrouble, t0).pause,
            Clock::duration::zero());
  EXPECT_EQ(strain.Note("a.example", "https://a.example/t", kTrouble, t0).pause, seconds(30));
}

// Two pages broken on their own, checked back to back: the first round cannot tell them from an
// outage, and the host rests once. Once the host has answered well for another page, their
// trouble is theirs: the next rounds give no rest (before, every round where they came in a
// row did, and the host's good pages checked during it failed).
TEST(HostStrain, PagesBrokenOnTheirOwnRestTheirHostOnlyOnce) {
  HostStrain strain({.base = seconds(30), .max = minutes(4)});
  const std::string a = "https://a.example/a", b = "https://a.example/b";
  strain.Note("a.example", a, kTrouble, t0);
  EXPECT_EQ(strain.Note("a.example", b, kTrouble, t0).pause, seconds(30));
  EXPECT_TRUE(strain.Note("a.example", "https://a.example/", kFine, t0).ended_rest);
  for (int round = 1; round <= 3; ++round) {
    const Clock::time_point now = t0 + std::chrono::hours(round);
    EXPECT_EQ(strain.Note("a.example", a, kTrouble, now).pause, Clock::duration::zero()) << round;
    EXPECT_EQ(strain.Note("a.example", b, kTrouble, now).pause, Clock::duration::zero()) << round;
    EXPECT_FALSE(strain.Note("a.example", "https://a.example/", kFine, now).ended_rest) << round;
  }
  EXPECT_EQ(strain.hosts(), 1u);  // a and b are remembered
  // An outage: pages that were fine fail in a row and the host rests, a and b or not between
  // them; with no good answer since, every retry counts, a's and b's too.
  const Clock::time_point outage = t0 + std::chrono::hours(5);
  EXPECT_EQ(strain.Note("a.example", "https://a.example/p", kTrouble, outage).streak, 1);
  EXPECT_EQ(strain.Note("a.example", a, kTrouble, outage).streak, 1);  // a's own
  const HostStrain::Verdict rest =
      strain.Note("a.example", "https://a.example/q", kTrouble, outage);
  EXPECT_EQ(rest.streak, 2);
  EXPECT_EQ(rest.pause, seconds(30));
  EXPECT_EQ(strain.Note("a.example", a, kTrouble, outage).pause, seconds(60));
  EXPECT_EQ(strain.Note("a.example", "https://a.example/p", kTrouble, outage).pause, seconds(120));
  // A page that answers well again is no longer failing: its next trouble is news.
  EXPECT_TRUE(strain.Note("a.example", b, kFine, outage).ended_rest);
  EXPECT_FALSE(strain.Note("a.example", "https://a.example/", kFine, outage).ended_rest);
  strain.Note("a.example", b, kTrouble, outage);
  EXPECT_EQ(strain.Note("a.example", "https://a.example/r", kTrouble, outage).pause, seconds(30));
}

// Hosts without trouble for longer than the memory are forgotten once the map has grown: it
// stays bounded by the hosts failing lately. A good answer forgets a host with no failing page.
TEST(HostStrain, OldStreaksAreSweptAway) {
  HostStrain strain({.base = seconds(30), .max = minutes(10)});
  for (int i = 0; i < 200; ++i) {
    strain.Note("h" + std::to_string(i), "https://x/", kTrouble, t0);
  }
  EXPECT_EQ(strain.hosts(), 200u);
  for (int i = 0; i < 200; ++i) {
    strain.Note("n" + std::to_string(i), "https://y/", kTrouble,
                t0 + HostStrain::kFailingMemory + minutes(1));
  }
  const std::size_t hosts = strain.hosts();
  EXPECT_LE(hosts, 200u);
  strain.Note("n0", "https://y/", kFine, t0 + HostStrain::kFailingMemory + minutes(2));
  EXPECT_EQ(strain.hosts(), hosts - 1);
}

// One host's failing pages are remembered up to a bound; past it they are forgotten, and their
// trouble counts again (the bound errs towards resting).
TEST(HostStrain, FailingPagesPerHostAreBounded) {
  HostStrain strain({.base = seconds(30), .max = minutes(10)});
  for (std::size_t i = 0; i < HostStrain::kMaxFailingUrls; ++i) {
    strain.Note("a.example", "https://a.example/" + std::to_string(i), kTrouble, t0);
    strain.Note("a.example", "https://a.example/", kFine, t0);
  }
  // All remembered: page 0 is broken on its own.
  EXPECT_EQ(strain.Note("a.example", "https://a.example/0", kTrouble, t0).streak, 0);
  // One more page overflows the memory; page 1, forgotten, counts again.
  strain.Note("a.example", "https://a.example/new", kTrouble, t0);
  EXPECT_EQ(strain.Note("a.example", "https://a.example/1", kTrouble, t0).pause, seconds(30));
}

}  // namespace
}  // namespace policyd

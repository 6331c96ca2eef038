#include "policyd/fleet_orphans.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

using std::chrono::minutes;

constexpr int64_t kMinute = 60'000;
constexpr char kDoc[] = "acme/privacy-policy";

DocumentRecord CheckedBy(const std::string& member, int64_t at_ms) {
  return {.version = std::string(64, 'a'), .checked_ms = at_ms, .by = member};
}

// The owner checks it at its interval: always left to it.
TEST(OrphanWatchTest, ADocumentItsOwnerChecksIsLeftToIt) {
  OrphanWatch watch("m1");
  for (int64_t now = 0; now < 100 * kMinute; now += 10 * kMinute) {
    EXPECT_EQ(watch.Judge(kDoc, CheckedBy("m2", now - 3 * kMinute), minutes(10), now),
              OrphanVerdict::kOwnerChecks);
  }
  EXPECT_EQ(watch.tracked(), 0u);
}

// A document the owner never checks (not in its targets): no record when it is first left to
// the owner (a new document's first check may be on its way), none an interval later: checked
// here, said once, and then at every due time, though the record names this member.
TEST(OrphanWatchTest, ADocumentNeverRecordedIsCheckedHereAfterOneInterval) {
  OrphanWatch watch("m1");
  EXPECT_EQ(watch.Judge(kDoc, std::nullopt, minutes(10), 0), OrphanVerdict::kOwnerChecks);
  EXPECT_EQ(watch.Judge(kDoc, std::nullopt, minutes(10), 9 * kMinute),
            OrphanVerdict::kOwnerChecks);  // asked early (policyctl check): not yet
  EXPECT_EQ(watch.Judge(kDoc, std::nullopt, minutes(10), 10 * kMinute), OrphanVerdict::kOrphaned);
  // Checked here: the record is this member's, fresh.
  EXPECT_EQ(watch.Judge(kDoc, CheckedBy("m1", 10 * kMinute), minutes(10), 20 * kMinute),
            OrphanVerdict::kStillOrphaned);
  EXPECT_EQ(watch.Judge(kDoc, CheckedBy("m1", 20 * kMinute), minutes(10), 30 * kMinute),
            OrphanVerdict::kStillOrphaned);
  // The owner checks it again (its targets list it once more): left to it, and forgotten.
  EXPECT_EQ(watch.Judge(kDoc, CheckedBy("m2", 35 * kMinute), minutes(10), 40 * kMinute),
            OrphanVerdict::kOwnerChecks);
  EXPECT_EQ(watch.tracked(), 0u);
}

// The owner stopped checking it (removed from its targets): once its record is two intervals
// old, checked here.
TEST(OrphanWatchTest, ADocumentTheOwnerStoppedCheckingIsCheckedHereOnceOverdue) {
  OrphanWatch watch("m1");
  const DocumentRecord last = CheckedBy("m2", 0);
  EXPECT_EQ(watch.Judge(kDoc, last, minutes(10), 10 * kMinute), OrphanVerdict::kOwnerChecks);
  EXPECT_EQ(watch.Judge(kDoc, last, minutes(10), 20 * kMinute), OrphanVerdict::kOwnerChecks);
  EXPECT_EQ(watch.Judge(kDoc, last, minutes(10), 20 * kMinute + 1), OrphanVerdict::kOrphaned);
  EXPECT_EQ(watch.Judge(kDoc, last, minutes(10), 30 * kMinute), OrphanVerdict::kStillOrphaned);
}

// A document this member checked as its owner before a handover: the new owner checks it at
// the fleet's due time; a fresh record of this member's own is no orphan.
TEST(OrphanWatchTest, ARecordOfThisMembersOwnFromBeforeAHandoverIsNoOrphan) {
  OrphanWatch watch("m1");
  EXPECT_EQ(watch.Judge(kDoc, CheckedBy("m1", 0), minutes(10), 10 * kMinute),
            OrphanVerdict::kOwnerChecks);
  EXPECT_EQ(watch.tracked(), 0u);
}

TEST(OrphanWatchTest, ForgetStartsAgain) {
  OrphanWatch watch("m1");
  EXPECT_EQ(watch.Judge(kDoc, std::nullopt, minutes(10), 0), OrphanVerdict::kOwnerChecks);
  watch.Forget(kDoc);
  EXPECT_EQ(watch.Judge(kDoc, std::nullopt, minutes(10), 10 * kMinute),
            OrphanVerdict::kOwnerChecks);
  EXPECT_EQ(watch.Judge(kDoc, std::nullopt, minutes(10), 20 * kMinute), OrphanVerdict::kOrphaned);
}

// A first pass leaves every document of the others' sites to them at once: the reads of their
// records are bounded, a burst and then kReadsPerSecond.
TEST(OrphanWatchTest, RecordReadsAreBoundedInBurstsAndPerSecond) {
  OrphanWatch watch("m1");
  const int64_t start = 1'000'000;
  int64_t granted = 0;
  for (int i = 0; i < 1000; ++i) granted += watch.MayRead(start);
  EXPECT_EQ(granted, OrphanWatch::kReadBurst);
  EXPECT_FALSE(watch.MayRead(start + 10));  // half a read in 10 ms
  EXPECT_TRUE(watch.MayRead(start + 20));   // one read every 20 ms
  granted = 0;
  for (int64_t ms = start + 21; ms < start + 1021; ++ms) granted += watch.MayRead(ms);
  EXPECT_EQ(granted, OrphanWatch::kReadsPerSecond);
}

}  // namespace
}  // namespace policyd

#include "policyd/in_memory_kv.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace policyd {
namespace {

class InMemoryKvTest : public ::testing::Test {
 protected:
  int64_t now_ms_ = 1'000'000;
  InMemoryKv kv_{[this] { return now_ms_; }, std::chrono::seconds(10)};
};

TEST_F(InMemoryKvTest, CreateOnlyWhenAbsentUpdateOnlyOnTheLastRevision) {
  const KvWrite first = kv_.Create("a", "1");
  ASSERT_EQ(first.outcome, KvOutcome::kOk);
  EXPECT_EQ(kv_.Create("a", "2").outcome, KvOutcome::kConflict);

  const KvWrite second = kv_.Update("a", "2", first.revision);
  ASSERT_EQ(second.outcome, KvOutcome::kOk);
  EXPECT_GT(second.revision, first.revision);
  EXPECT_EQ(kv_.Update("a", "3", first.revision).outcome, KvOutcome::kConflict);  // stale
  EXPECT_EQ(kv_.Update("missing", "x", second.revision).outcome, KvOutcome::kConflict);

  KvEntry entry;
  ASSERT_EQ(kv_.Get("a", &entry), KvOutcome::kOk);
  EXPECT_EQ(entry.value, "2");
  EXPECT_EQ(entry.revision, second.revision);
  EXPECT_EQ(kv_.Get("b", &entry), KvOutcome::kNotFound);
}

TEST_F(InMemoryKvTest, RevisionsIncreaseAcrossTheWholeBucket) {
  const KvWrite a = kv_.Create("a", "1");
  const KvWrite b = kv_.Create("b", "1");
  const KvWrite a2 = kv_.Update("a", "2", a.revision);
  EXPECT_LT(a.revision, b.revision);
  EXPECT_LT(b.revision, a2.revision);
  EXPECT_EQ(kv_.last_revision(), a2.revision);
}

TEST_F(InMemoryKvTest, DeleteLeavesAMarkerThatCreateReplaces) {
  const KvWrite created = kv_.Create("a", "1");
  ASSERT_EQ(kv_.Delete("a"), KvOutcome::kOk);
  KvEntry entry;
  EXPECT_EQ(kv_.Get("a", &entry), KvOutcome::kNotFound);
  // The marker is the key's last revision: an Update on the value's revision conflicts.
  EXPECT_EQ(kv_.Update("a", "2", created.revision).outcome, KvOutcome::kConflict);
  EXPECT_EQ(kv_.Create("a", "3").outcome, KvOutcome::kOk);
  ASSERT_EQ(kv_.Get("a", &entry), KvOutcome::kOk);
  EXPECT_EQ(entry.value, "3");
}

TEST_F(InMemoryKvTest, EntriesDisappearAfterMaxAgeSinceTheirLastWrite) {
  const KvWrite created = kv_.Create("a", "1");
  now_ms_ += 9'000;
  const KvWrite updated = kv_.Update("a", "2", created.revision);  // rewritten: 10 s from here
  ASSERT_EQ(updated.outcome, KvOutcome::kOk);
  now_ms_ += 9'999;
  KvEntry entry;
  EXPECT_EQ(kv_.Get("a", &entry), KvOutcome::kOk);
  now_ms_ += 1;
  EXPECT_EQ(kv_.Get("a", &entry), KvOutcome::kNotFound);
  EXPECT_EQ(kv_.Update("a", "3", updated.revision).outcome, KvOutcome::kConflict);
  EXPECT_EQ(kv_.Create("a", "4").outcome, KvOutcome::kOk);
}

TEST_F(InMemoryKvTest, ListGivesTheLiveKeysUnderAPrefixInOrder) {
  kv_.Create("members.b", "2");
  kv_.Create("members.a", "1");
  kv_.Create("leases.x", "3");
  kv_.Create("members.c", "gone");
  kv_.Delete("members.c");
  now_ms_ += 5'000;
  kv_.Create("members.d", "4");
  std::vector<std::pair<std::string, KvEntry>> listed;
  ASSERT_EQ(kv_.List("members.", &listed), KvOutcome::kOk);
  ASSERT_EQ(listed.size(), 3u);
  EXPECT_EQ(listed[0].first, "members.a");
  EXPECT_EQ(listed[1].first, "members.b");
  EXPECT_EQ(listed[2].first, "members.d");
  EXPECT_EQ(listed[2].second.value, "4");
  now_ms_ += 5'000;  // a and b are 10 s old now
  ASSERT_EQ(kv_.List("members.", &listed), KvOutcome::kOk);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].first, "members.d");
}

TEST(InMemoryKvNoExpiryTest, ZeroMaxAgeKeepsEverything) {
  int64_t now = 0;
  InMemoryKv kv([&now] { return now; }, std::chrono::milliseconds(0));
  kv.Create("a", "1");
  now = int64_t{1} << 50;
  KvEntry entry;
  EXPECT_EQ(kv.Get("a", &entry), KvOutcome::kOk);
}

}  // namespace
}  // namespace policyd

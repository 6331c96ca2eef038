#include "policyd/in_memory_kv.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "kv_contract.h"

namespace policyd {
namespace {

class InMemoryKvTest : public ::testing::Test {
 protected:
  int64_t now_ms_ = 1'000'000;
  InMemoryKv kv_{[this] { return now_ms_; }, std::chrono::seconds(10)};
};

// The shared contract (kv_contract.h) on InMemoryKv with a clock that never moves.
struct InMemorySubject {
  static bool Available() { return true; }
  bool ready() const { return true; }
  FleetKv& kv() { return kv_; }
  InMemoryKv kv_{[] { return int64_t{1'000'000}; }, std::chrono::seconds(10)};
};
INSTANTIATE_TYPED_TEST_SUITE_P(InMemory, KvContractTest, ::testing::Types<InMemorySubject>);

TEST_F(InMemoryKvTest, CountsOperationsAndTheLastRevision) {
  const KvWrite a = kv_.Create("a", "1");
  kv_.Create("a", "again");  // refused, still a write asked of the server
  const KvWrite b = kv_.Create("b", "1");
  KvEntry entry;
  kv_.Get("a", &entry);
  EXPECT_EQ(kv_.last_revision(), b.revision);
  EXPECT_GT(b.revision, a.revision);
  EXPECT_EQ(kv_.writes(), 3u);
  EXPECT_EQ(kv_.reads(), 1u);
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

TEST_F(InMemoryKvTest, ListLeavesOutKeysPastMaxAge) {
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

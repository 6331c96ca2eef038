// The contract of FleetKv (policyd/fleet_kv.h) as typed tests, run against every
// implementation: InMemoryKv (in_memory_kv_test.cc) and JetStreamKv against a real
// nats-server (tests/integration/jetstream_kv_test.cc), so that the simulation's bucket and the
// real one agree. Include this header in exactly one file of a test binary and instantiate:
//
//   INSTANTIATE_TYPED_TEST_SUITE_P(Name, KvContractTest, ::testing::Types<Subject>);
//
// where Subject is default-constructible, has `static bool Available()` (false: the tests
// skip, e.g. no nats-server installed), `bool ready()` (false: it could not be made, a
// failure) and `FleetKv& kv()`, a fresh empty bucket whose
// max_age is far longer than a test (expiry is each implementation's own test: it needs a
// clock).
#ifndef POLICYD_TESTS_UNIT_FLEET_KV_CONTRACT_H_
#define POLICYD_TESTS_UNIT_FLEET_KV_CONTRACT_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "policyd/fleet_kv.h"

namespace policyd {

template <typename Subject>
class KvContractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!Subject::Available()) GTEST_SKIP() << "this key-value store is not available here";
    subject_ = std::make_unique<Subject>();
    ASSERT_TRUE(subject_->ready());
  }
  FleetKv& kv() { return subject_->kv(); }

 private:
  std::unique_ptr<Subject> subject_;
};

TYPED_TEST_SUITE_P(KvContractTest);

TYPED_TEST_P(KvContractTest, CreateOnlyWhenAbsentUpdateOnlyOnTheLastRevision) {
  FleetKv& kv = this->kv();
  const KvWrite first = kv.Create("a", "1");
  ASSERT_EQ(first.outcome, KvOutcome::kOk);
  EXPECT_GT(first.revision, 0u);
  EXPECT_EQ(kv.Create("a", "2").outcome, KvOutcome::kConflict);

  const KvWrite second = kv.Update("a", "2", first.revision);
  ASSERT_EQ(second.outcome, KvOutcome::kOk);
  EXPECT_GT(second.revision, first.revision);
  EXPECT_EQ(kv.Update("a", "3", first.revision).outcome, KvOutcome::kConflict);  // stale
  EXPECT_EQ(kv.Update("missing", "x", second.revision).outcome, KvOutcome::kConflict);

  KvEntry entry;
  ASSERT_EQ(kv.Get("a", &entry), KvOutcome::kOk);
  EXPECT_EQ(entry.value, "2");
  EXPECT_EQ(entry.revision, second.revision);
  EXPECT_EQ(kv.Get("b", &entry), KvOutcome::kNotFound);
}

TYPED_TEST_P(KvContractTest, RevisionsIncreaseAcrossTheWholeBucket) {
  FleetKv& kv = this->kv();
  const KvWrite a = kv.Create("a", "1");
  const KvWrite b = kv.Create("b", "1");
  const KvWrite a2 = kv.Update("a", "2", a.revision);
  ASSERT_EQ(a2.outcome, KvOutcome::kOk);
  EXPECT_LT(a.revision, b.revision);
  EXPECT_LT(b.revision, a2.revision);
  // b's revision is still its own: another key's write does not move it.
  EXPECT_EQ(kv.Update("b", "2", b.revision).outcome, KvOutcome::kOk);
}

TYPED_TEST_P(KvContractTest, DeleteLeavesAMarkerThatCreateReplaces) {
  FleetKv& kv = this->kv();
  const KvWrite created = kv.Create("a", "1");
  ASSERT_EQ(kv.Delete("a"), KvOutcome::kOk);
  KvEntry entry;
  EXPECT_EQ(kv.Get("a", &entry), KvOutcome::kNotFound);
  // The marker is the key's last revision: an Update on the value's revision conflicts.
  EXPECT_EQ(kv.Update("a", "2", created.revision).outcome, KvOutcome::kConflict);
  EXPECT_EQ(kv.Create("a", "3").outcome, KvOutcome::kOk);
  ASSERT_EQ(kv.Get("a", &entry), KvOutcome::kOk);
  EXPECT_EQ(entry.value, "3");
  EXPECT_EQ(kv.Create("a", "4").outcome, KvOutcome::kConflict);
}

TYPED_TEST_P(KvContractTest, ListGivesTheLiveKeysUnderAPrefixInOrder) {
  FleetKv& kv = this->kv();
  const KvWrite b = kv.Create("members.b", "2");
  kv.Create("members.a", "1");
  kv.Create("leases.x", "3");
  kv.Create("members.c", "gone");
  kv.Delete("members.c");
  kv.Update("members.b", "2b", b.revision);
  std::vector<std::pair<std::string, KvEntry>> listed;
  ASSERT_EQ(kv.List("members.", &listed), KvOutcome::kOk);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(listed[0].first, "members.a");
  EXPECT_EQ(listed[0].second.value, "1");
  EXPECT_EQ(listed[1].first, "members.b");
  EXPECT_EQ(listed[1].second.value, "2b");
  KvEntry entry;
  ASSERT_EQ(kv.Get("members.b", &entry), KvOutcome::kOk);
  EXPECT_EQ(listed[1].second.revision, entry.revision);

  ASSERT_EQ(kv.List("leases.", &listed), KvOutcome::kOk);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].first, "leases.x");
  ASSERT_EQ(kv.List("nothing.", &listed), KvOutcome::kOk);
  EXPECT_TRUE(listed.empty());
}

TYPED_TEST_P(KvContractTest, ValuesKeepEveryByte) {
  FleetKv& kv = this->kv();
  const std::string value("{\"a\":1}\0tail \xff", 14);
  ASSERT_EQ(kv.Create("k", value).outcome, KvOutcome::kOk);
  KvEntry entry;
  ASSERT_EQ(kv.Get("k", &entry), KvOutcome::kOk);
  EXPECT_EQ(entry.value, value);
}

REGISTER_TYPED_TEST_SUITE_P(KvContractTest, CreateOnlyWhenAbsentUpdateOnlyOnTheLastRevision,
                            RevisionsIncreaseAcrossTheWholeBucket,
                            DeleteLeavesAMarkerThatCreateReplaces,
                            ListGivesTheLiveKeysUnderAPrefixInOrder, ValuesKeepEveryByte);

}  // namespace policyd

#endif  // POLICYD_TESTS_UNIT_FLEET_KV_CONTRACT_H_

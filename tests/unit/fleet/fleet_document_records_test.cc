// DocumentRecords (policyd/fleet_document_records.h) over InMemoryKv: the fleet's record of a
// document is read, written after a check, never rolled back to an earlier check, and a
// bucket that does not answer is told apart from an absent record.
#include "policyd/fleet_document_records.h"

#include <gtest/gtest.h>

#include <string>

#include "policyd/in_memory_kv.h"
#include "support/switchable_kv.h"

namespace policyd {
namespace {

const std::string kV1(64, 'a');
const std::string kV2(64, 'b');

class DocumentRecordsTest : public ::testing::Test {
 protected:
  int64_t server_ms_ = 0;
  InMemoryKv kv_{[this] { return server_ms_; }, std::chrono::milliseconds(0)};
  testing::SwitchableKv switchable_{&kv_};
  DocumentRecords records_{&switchable_};
};

TEST_F(DocumentRecordsTest, AWrittenRecordIsReadBackUnderTheDocumentsKey) {
  EXPECT_EQ(records_.Read("acme/privacy").outcome, DocumentReadOutcome::kAbsent);
  EXPECT_EQ(records_.Write("acme/privacy", {kV1, 1'000, "m1"}), DocumentWriteOutcome::kWritten);
  const DocumentRead read = records_.Read("acme/privacy");
  ASSERT_EQ(read.outcome, DocumentReadOutcome::kFound);
  EXPECT_EQ(read.record->version, kV1);
  EXPECT_EQ(read.record->checked_ms, 1'000);
  EXPECT_EQ(read.record->by, "m1");
  KvEntry entry;
  EXPECT_EQ(kv_.Get("docs.acme=2Fprivacy", &entry), KvOutcome::kOk);
  // A later check replaces it.
  EXPECT_EQ(records_.Write("acme/privacy", {kV2, 2'000, "m2"}), DocumentWriteOutcome::kWritten);
  EXPECT_EQ(records_.Read("acme/privacy").record->version, kV2);
}

TEST_F(DocumentRecordsTest, AnEarlierCheckNeverReplacesALaterOne) {
  ASSERT_EQ(records_.Write("d", {kV2, 2'000, "m2"}), DocumentWriteOutcome::kWritten);
  // A member that lost its lease a moment ago writes late.
  EXPECT_EQ(records_.Write("d", {kV1, 1'500, "m1"}), DocumentWriteOutcome::kKeptLater);
  EXPECT_EQ(records_.Read("d").record->by, "m2");
}

TEST_F(DocumentRecordsTest, AnUnreadableRecordReadsAsSuchAndIsReplacedByTheNextCheck) {
  ASSERT_EQ(kv_.Create("docs.d", R"({"version":"nope"})").outcome, KvOutcome::kOk);
  EXPECT_EQ(records_.Read("d").outcome, DocumentReadOutcome::kUnreadable);
  EXPECT_FALSE(records_.Read("d").record.has_value());
  EXPECT_EQ(records_.Write("d", {kV1, 1'000, "m1"}), DocumentWriteOutcome::kWritten);
  EXPECT_EQ(records_.Read("d").outcome, DocumentReadOutcome::kFound);
}

TEST_F(DocumentRecordsTest, ABucketThatDoesNotAnswerIsNotAnAbsentRecord) {
  ASSERT_EQ(records_.Write("d", {kV1, 1'000, "m1"}), DocumentWriteOutcome::kWritten);
  switchable_.set_reachable(false);
  EXPECT_EQ(records_.Read("d").outcome, DocumentReadOutcome::kUnavailable);
  EXPECT_EQ(records_.Write("d", {kV2, 2'000, "m1"}), DocumentWriteOutcome::kUnavailable);
  switchable_.set_reachable(true);
  EXPECT_EQ(records_.Read("d").record->version, kV1);  // nothing was written
}

// A FleetKv whose first Updates lose to another writer, as when two members write at once.
class RacingKv final : public FleetKv {
 public:
  RacingKv(FleetKv* target, int races) : target_(target), races_(races) {}
  KvOutcome Get(std::string_view key, KvEntry* out) override { return target_->Get(key, out); }
  KvWrite Create(std::string_view key, std::string_view value) override {
    return target_->Create(key, value);
  }
  KvWrite Update(std::string_view key, std::string_view value, uint64_t revision) override {
    if (races_-- > 0) {
      // The other writer's record lands first, with an earlier check.
      KvEntry entry;
      target_->Get(key, &entry);
      target_->Update(key, EncodeDocumentRecord({kV1, 1'000 + races_, "other"}), entry.revision);
    }
    return target_->Update(key, value, revision);
  }
  KvOutcome Delete(std::string_view key) override { return target_->Delete(key); }
  KvOutcome List(std::string_view prefix,
                 std::vector<std::pair<std::string, KvEntry>>* out) override {
    return target_->List(prefix, out);
  }

 private:
  FleetKv* target_;
  int races_;
};

TEST_F(DocumentRecordsTest, AConflictIsReadAgainAndRetriedABoundedNumberOfTimes) {
  ASSERT_EQ(records_.Write("d", {kV1, 500, "m1"}), DocumentWriteOutcome::kWritten);
  RacingKv racing_once(&kv_, 1);
  DocumentRecords once(&racing_once);
  EXPECT_EQ(once.Write("d", {kV2, 9'000, "m2"}), DocumentWriteOutcome::kWritten);
  EXPECT_EQ(records_.Read("d").record->by, "m2");

  RacingKv racing_always(&kv_, 100);
  DocumentRecords never(&racing_always);
  EXPECT_EQ(never.Write("d", {kV2, 9'500, "m3"}), DocumentWriteOutcome::kConflict);
}

}  // namespace
}  // namespace policyd

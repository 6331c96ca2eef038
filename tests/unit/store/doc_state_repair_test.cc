// A document whose stored state cannot be decoded is rebuilt from its history and checks
// (src/store/doc_state_repair.h): the rule field by field, and Store::RepairDocState keeping
// the unreadable record aside and leaving a store that Verify finds whole.
#include "src/store/doc_state_repair.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/sha256.h"
#include "src/store/store_impl.h"
#include "support/raw_doc_state.h"
#include "support/temp_dir.h"
#include "test_commits.h"

namespace policyd::store_internal {
namespace {

VersionRecord Version(int64_t time_ms, const std::string& text_hash) {
  VersionRecord version;
  version.time_ms = time_ms;
  version.text_hash = text_hash;
  return version;
}

CheckRecord Check(int64_t time_ms, const std::string& outcome, const std::string& reason = "",
                  const std::string& message = "") {
  CheckRecord check;
  check.time_ms = time_ms;
  check.outcome = outcome;
  check.reason = reason;
  check.message = message;
  return check;
}

TEST(RebuildDocStateTest, TakesTheNewestVersionAndTheFailureRunAtTheTop) {
  const std::vector<VersionRecord> history = {Version(1'000, "h1"), Version(2'000, "h2")};
  const std::vector<CheckRecord> newest_first = {
      Check(5'000, "failed", "timeout", "no answer in 30 s"), Check(4'000, "failed", "http_5xx"),
      Check(3'000, "unchanged"), Check(2'500, "failed", "http_4xx", "older streak"),
      Check(2'000, "changed")};
  const DocState state = RebuildDocState(history, newest_first);
  EXPECT_EQ(state.last_text_hash, "h2");
  EXPECT_EQ(state.last_change_ms, 2'000);
  EXPECT_EQ(state.version_count, 2u);
  EXPECT_EQ(state.last_check_ms, 5'000);
  EXPECT_EQ(state.last_success_ms, 3'000);
  EXPECT_EQ(state.consecutive_failures, 2);
  EXPECT_EQ(state.last_error, "timeout: no answer in 30 s");
  // Started afresh.
  EXPECT_EQ(state.etag, "");
  EXPECT_EQ(state.last_modified, "");
  EXPECT_EQ(state.next_due_ms, 0);
  EXPECT_FALSE(state.failure_reported);
  EXPECT_EQ(state.suspect_hash, "");
  EXPECT_EQ(state.suspect_count, 0);
  EXPECT_EQ(state.render_choice, RenderChoice::kUndecided);
}

TEST(RebuildDocStateTest, ADocumentWithoutRecordsStartsAsNew) {
  const DocState state = RebuildDocState({}, {});
  EXPECT_EQ(state.last_text_hash, "");
  EXPECT_EQ(state.version_count, 0u);
  EXPECT_EQ(state.last_check_ms, 0);
  EXPECT_EQ(state.consecutive_failures, 0);
}

TEST(RebuildDocStateTest, OnlyFailuresLeaveNoSuccessTime) {
  const std::vector<CheckRecord> newest_first = {Check(9, "failed", "dns"),
                                                 Check(8, "failed", "dns", "no such host")};
  const DocState state = RebuildDocState({}, newest_first);
  EXPECT_EQ(state.last_success_ms, 0);
  EXPECT_EQ(state.consecutive_failures, 2);
  EXPECT_EQ(state.last_error, "dns");
  EXPECT_EQ(state.last_check_ms, 9);
}

class RepairDocStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open(dir_.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->CommitCheck(VersionCommit("acme/privacy", 1'000, "v1\n", "")).ok());
    ASSERT_TRUE((*store)
                    ->CommitCheck(VersionCommit("acme/privacy", 2'000, "v2\n", Sha256Hex("v1\n")))
                    .ok());
    ASSERT_TRUE((*store)->CommitCheck(UnchangedCommit("acme/privacy", 3'000)).ok());
    ASSERT_TRUE((*store)->CommitCheck(VersionCommit("globex/terms", 1'500, "g1\n", "")).ok());
  }

  TempDir dir_;
  // A format tag no policyd knows yet: what a newer policyd would leave after a downgrade.
  const std::string damaged_ = std::string("\x07", 1) + "from the future";
};

TEST_F(RepairDocStateTest, TheScanGoesOnPastAnUnreadableStateAndNamesIt) {
  ASSERT_TRUE(testing::PutRawDocState(dir_.path(), "acme/privacy", damaged_).ok());
  auto store = Store::Open(dir_.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::vector<std::string_view> ids = {"acme/privacy", "globex/terms"};
  const auto ignore = [](std::size_t, const DocState&) {};
  // Without an `unreadable` callback: Corruption, as before.
  const Status strict = (*store)->ReadDocStates(ids, ignore);
  EXPECT_EQ(strict.code(), Status::Code::kCorruption);

  std::vector<std::pair<std::size_t, std::string>> read;
  std::vector<std::pair<std::size_t, std::string>> unreadable;
  const Status lenient = (*store)->ReadDocStates(
      ids,
      [&](std::size_t index, const DocState& state) {
        read.emplace_back(index, state.last_text_hash);
      },
      [&](std::size_t index, const Status& why) { unreadable.emplace_back(index, why.message()); });
  ASSERT_TRUE(lenient.ok()) << lenient.ToString();
  EXPECT_EQ(read, (std::vector<std::pair<std::size_t, std::string>>{{1, Sha256Hex("g1\n")}}));
  ASSERT_EQ(unreadable.size(), 1u);
  EXPECT_EQ(unreadable[0].first, 0u);
  EXPECT_EQ(unreadable[0].second, strict.message());
  EXPECT_EQ(unreadable[0].second.rfind("unreadable doc state of acme/privacy: ", 0), 0u)
      << unreadable[0].second;
}

TEST_F(RepairDocStateTest, RebuildsFromHistoryKeepsTheRecordAsideAndLeavesAWholeStore) {
  ASSERT_TRUE(testing::PutRawDocState(dir_.path(), "acme/privacy", damaged_).ok());
  auto store = Store::Open(dir_.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const Result<VerifyReport> before = (*store)->Verify();
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->problem_count, 1u);  // the unreadable record

  const Result<DocState> repaired = (*store)->RepairDocState("acme/privacy", 42'000);
  ASSERT_TRUE(repaired.ok()) << repaired.status().ToString();
  EXPECT_EQ(repaired->last_text_hash, Sha256Hex("v2\n"));
  EXPECT_EQ(repaired->version_count, 2u);
  EXPECT_EQ(repaired->last_change_ms, 2'000);
  EXPECT_EQ(repaired->last_check_ms, 3'000);
  EXPECT_EQ(repaired->last_success_ms, 3'000);

  // Written: read back as it was returned.
  const Result<DocState> stored = (*store)->GetDocState("acme/privacy");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_EQ(stored->last_text_hash, repaired->last_text_hash);
  EXPECT_EQ(stored->version_count, 2u);
  // The unreadable bytes are kept, under a key that names the document and the time.
  EXPECT_EQ((*store)->GetMeta("unreadable_doc_state/acme/privacy@42000").value(), damaged_);
  const Result<VerifyReport> after = (*store)->Verify();
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->problem_count, 0u)
      << (after->problems.empty() ? "" : after->problems.front().detail);

  // A state that reads is left as it is: no second record kept aside.
  const Result<DocState> again = (*store)->RepairDocState("acme/privacy", 43'000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->last_text_hash, repaired->last_text_hash);
  EXPECT_EQ((*store)->GetMeta("unreadable_doc_state/acme/privacy@43000").status().code(),
            Status::Code::kNotFound);
  // The other document was never touched.
  EXPECT_EQ((*store)->GetDocState("globex/terms")->last_text_hash, Sha256Hex("g1\n"));
}

TEST_F(RepairDocStateTest, ListingGoesOnPastItAndARebuildForReadingWritesNothing) {
  ASSERT_TRUE(testing::PutRawDocState(dir_.path(), "acme/privacy", damaged_).ok());
  auto store = Store::Open(dir_.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->ListDocStates().status().code(), Status::Code::kCorruption);
  std::vector<std::string> unreadable;
  const auto listed = (*store)->ListDocStates(
      [&unreadable](const std::string& id, const Status&) { unreadable.push_back(id); });
  ASSERT_TRUE(listed.ok()) << listed.status().ToString();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->begin()->first, "globex/terms");
  EXPECT_EQ(unreadable, std::vector<std::string>{"acme/privacy"});

  const Result<DocState> rebuilt = (*store)->RebuiltDocState("acme/privacy");
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(rebuilt->last_text_hash, Sha256Hex("v2\n"));
  EXPECT_EQ(rebuilt->version_count, 2u);
  // Nothing written: the record is still the unreadable one.
  EXPECT_EQ((*store)->GetDocState("acme/privacy").status().code(), Status::Code::kCorruption);
}

TEST_F(RepairDocStateTest, NothingToRepairIsNotFoundAndTheKeptRecordsAreTheStores) {
  auto store = Store::Open(dir_.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->RepairDocState("initech/privacy", 1).status().code(),
            Status::Code::kNotFound);
  EXPECT_EQ((*store)->SetMeta("unreadable_doc_state/acme/privacy@1", "x").code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace policyd::store_internal

// Storage faults (issue 14, item 5): a full disk is injected through a RocksDB FileSystem
// wrapper; commits fail while it lasts, and Store::Recover brings the store back without a
// restart, with contiguous sequence numbers and nothing lost.
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/store.h"
#include "support/fault_file_system.h"
#include "support/temp_dir.h"
#include "tests/unit/store/test_commits.h"

namespace policyd {
namespace {

using testing::FaultFileSystem;

class StorageFaultTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.file_system = fs_;
    auto opened = Store::Open(dir_.path(), options);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  std::vector<uint64_t> EventSeqs() const {
    std::vector<uint64_t> seqs;
    auto events = store_->ReadEvents(0, 100);
    EXPECT_TRUE(events.ok()) << events.status().ToString();
    if (events.ok()) {
      for (const StoredEvent& event : *events) seqs.push_back(event.seq);
    }
    return seqs;
  }

  std::vector<uint64_t> VersionSeqs(const std::string& doc) const {
    std::vector<uint64_t> seqs;
    auto history = store_->GetHistory(doc);
    EXPECT_TRUE(history.ok()) << history.status().ToString();
    if (history.ok()) {
      for (const VersionRecord& version : *history) seqs.push_back(version.event_seq);
    }
    return seqs;
  }

  void ExpectVerifies() const {
    auto report = store_->Verify();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok()) << ToJson(*report).dump();
  }

  TempDir dir_;
  std::shared_ptr<FaultFileSystem> fs_ = std::make_shared<FaultFileSystem>();
  std::unique_ptr<Store> store_;
};

TEST_F(StorageFaultTest, HealthyStoreHasNothingToRecover) {
  ASSERT_TRUE(store_->CommitCheck(VersionCommit("acme", 1000, "v1\n", "")).ok());
  EXPECT_FALSE(store_->CurrentStorageError().has_value());
  const RecoveryResult result = store_->Recover();
  EXPECT_EQ(result.outcome, RecoveryOutcome::kHealthy);
  EXPECT_EQ(result.last_sequence_before, 1u);
  EXPECT_EQ(result.last_sequence_after, 1u);
}

TEST_F(StorageFaultTest, DiskFullFailsCommitsUntilRecoverThenSequenceContinues) {
  ASSERT_EQ(store_->CommitCheck(VersionCommit("acme", 1000, "v1\n", ""))->front().seq, 1u);

  fs_->Arm({});  // every write of every file: the disk is full
  const auto failed = store_->CommitCheck(VersionCommit("acme", 2000, "v2\n", Sha256Hex("v1\n")));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), Status::Code::kIoError);
  EXPECT_NE(failed.status().message().find("No space left on device"), std::string::npos)
      << failed.status().ToString();
  EXPECT_EQ(store_->LastSequence(), 1u);  // a failed commit uses no number
  EXPECT_FALSE(store_->CommitCheck(UnchangedCommit("acme", 2500)).ok());

  std::optional<StorageError> error = store_->CurrentStorageError();
  ASSERT_TRUE(error.has_value());
  EXPECT_NE(error->message.find("No space left on device"), std::string::npos) << error->message;
  EXPECT_GT(error->since_ms, 0);
  EXPECT_EQ(error->failed_writes, 2u);

  // Still full: recovery refuses before touching RocksDB, so the error stays recoverable.
  RecoveryResult result = store_->Recover();
  EXPECT_EQ(result.outcome, RecoveryOutcome::kFailed);
  EXPECT_NE(result.error.message().find("the disk still refuses writes"), std::string::npos)
      << result.error.ToString();

  // Space is back, but RocksDB keeps its background error: commits go on failing (what
  // policyd did until a restart) until the store is recovered.
  fs_->Disarm();
  EXPECT_FALSE(store_->CommitCheck(VersionCommit("acme", 3000, "v2\n", Sha256Hex("v1\n"))).ok());
  EXPECT_EQ(store_->CurrentStorageError()->failed_writes, 3u);

  result = store_->Recover();
  EXPECT_EQ(result.outcome, RecoveryOutcome::kReopened) << result.error.ToString();
  EXPECT_EQ(result.last_sequence_before, 1u);
  EXPECT_EQ(result.last_sequence_after, 1u);
  EXPECT_FALSE(store_->CurrentStorageError().has_value());

  const auto committed =
      store_->CommitCheck(VersionCommit("acme", 4000, "v2\n", Sha256Hex("v1\n")));
  ASSERT_TRUE(committed.ok()) << committed.status().ToString();
  ASSERT_EQ(committed->size(), 1u);
  EXPECT_EQ(committed->front().seq, 2u);
  EXPECT_EQ(EventSeqs(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(VersionSeqs("acme"), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(store_->GetHistory("acme")->back().text_hash, Sha256Hex("v2\n"));
  ExpectVerifies();
}

TEST_F(StorageFaultTest, TooLittleFreeSpaceIsNotRecoveredInto) {
  ASSERT_TRUE(store_->CommitCheck(VersionCommit("acme", 1000, "v1\n", "")).ok());
  fs_->Arm({});
  ASSERT_FALSE(store_->CommitCheck(VersionCommit("acme", 2000, "v2\n", Sha256Hex("v1\n"))).ok());
  fs_->Disarm();
  fs_->SetFreeSpace(1024);  // writes would pass, but the reopen's flush would not fit
  RecoveryResult result = store_->Recover();
  EXPECT_EQ(result.outcome, RecoveryOutcome::kFailed);
  EXPECT_NE(result.error.message().find("only 1024 bytes free"), std::string::npos)
      << result.error.ToString();
  EXPECT_TRUE(store_->CurrentStorageError().has_value());

  fs_->SetFreeSpace(std::nullopt);
  result = store_->Recover();
  EXPECT_EQ(result.outcome, RecoveryOutcome::kReopened) << result.error.ToString();
  EXPECT_EQ(
      store_->CommitCheck(VersionCommit("acme", 3000, "v2\n", Sha256Hex("v1\n")))->front().seq, 2u);
  ExpectVerifies();
}

// A corrupt data file is no full disk: reopening does not cure it, and the next compaction
// reads the bad block again. Recover used to reopen, call that recovered, and fail again
// within milliseconds, forever ("storage error" / "recovered" alternating in the log). It now
// says what the operator must do, and does not reopen.
TEST_F(StorageFaultTest, CorruptionIsNotRecoveredByReopening) {
  ASSERT_TRUE(store_->CommitCheck(VersionCommit("acme", 1000, "v1\n", "")).ok());
  fs_->Arm({.suffix = ".sst", .corruption = true});
  EXPECT_FALSE(store_->CompactForTest().ok());
  ASSERT_TRUE(store_->CurrentStorageError().has_value());
  EXPECT_TRUE(store_->CurrentStorageError()->corruption);
  fs_->Disarm();  // what is written now is fine; what was read corrupt stays so on a real disk
  const RecoveryResult result = store_->Recover();
  EXPECT_EQ(result.outcome, RecoveryOutcome::kFailed);
  EXPECT_EQ(result.error.code(), Status::Code::kCorruption) << result.error.ToString();
  EXPECT_NE(result.error.message().find("policyctl verify"), std::string::npos)
      << result.error.ToString();
  EXPECT_NE(result.error.message().find("restore"), std::string::npos) << result.error.ToString();
  EXPECT_TRUE(store_->CurrentStorageError().has_value());
  EXPECT_EQ(store_->Recover().outcome, RecoveryOutcome::kFailed);
}

// What a reopen writes is the data in the write-ahead log, not the memory the memtables have
// reserved (several MiB once a few column families were written): on an 8 MiB volume with
// 3.7 MiB freed, recovery asked for 8.5 MiB and never came.
TEST_F(StorageFaultTest, RecoveryAsksForTheSpaceTheLoggedDataNeeds) {
  std::string previous;
  for (int i = 0; i < 200; ++i) {  // every column family written: each has reserved memory
    const std::string text = "version " + std::to_string(i) + " " + std::string(500, 'x') + "\n";
    ASSERT_TRUE(store_->CommitCheck(VersionCommit("acme", 1000 + i, text, previous)).ok());
    previous = Sha256Hex(text);
  }
  fs_->Arm({});
  ASSERT_FALSE(store_->CommitCheck(VersionCommit("acme", 5000, "v2\n", previous)).ok());
  fs_->Disarm();
  fs_->SetFreeSpace((uint64_t{4} << 20) + (uint64_t{512} << 10));  // the margin and 512 KiB
  const RecoveryResult result = store_->Recover();
  EXPECT_EQ(result.outcome, RecoveryOutcome::kReopened) << result.error.ToString();
  fs_->SetFreeSpace(std::nullopt);
  ExpectVerifies();
}

// The space estimate is an upper bound (the log's data as written, while the open database
// still holds files it deleted): a disk session saw a 24 MiB volume refused for ever ("only
// 5226496 bytes free; 17768448 needed") that a restart opened with the same free space. After
// three refusals in a row the reopen is tried all the same.
TEST_F(StorageFaultTest, AReopenIsTriedAfterTheSpaceEstimateRefusedThreeTimes) {
  ASSERT_TRUE(store_->CommitCheck(VersionCommit("acme", 1000, "v1\n", "")).ok());
  fs_->Arm({});
  ASSERT_FALSE(store_->CommitCheck(VersionCommit("acme", 2000, "v2\n", Sha256Hex("v1\n"))).ok());
  fs_->Disarm();
  fs_->SetFreeSpace(1024);  // what the file system says; the flush fits all the same
  for (int attempt = 1; attempt <= 2; ++attempt) {
    const RecoveryResult refused = store_->Recover();
    EXPECT_EQ(refused.outcome, RecoveryOutcome::kFailed) << attempt;
    EXPECT_NE(refused.error.message().find("only 1024 bytes free"), std::string::npos)
        << refused.error.ToString();
  }
  const RecoveryResult tried = store_->Recover();
  EXPECT_EQ(tried.outcome, RecoveryOutcome::kReopened) << tried.error.ToString();
  fs_->SetFreeSpace(std::nullopt);
  EXPECT_EQ(
      store_->CommitCheck(VersionCommit("acme", 3000, "v2\n", Sha256Hex("v1\n")))->front().seq, 2u);
  ExpectVerifies();
}

TEST_F(StorageFaultTest, AFailedReopenLeavesReadsFailingClearlyUntilTheNextOne) {
  ASSERT_EQ(store_->CommitCheck(VersionCommit("acme", 1000, "v1\n", ""))->front().seq, 1u);

  // Only the WAL is refused: the space probe passes, but the reopen cannot start a new WAL.
  fs_->Arm({.suffix = ".log"});
  ASSERT_FALSE(store_->CommitCheck(VersionCommit("acme", 2000, "v2\n", Sha256Hex("v1\n"))).ok());
  RecoveryResult result = store_->Recover();
  EXPECT_EQ(result.outcome, RecoveryOutcome::kFailed);
  EXPECT_NE(result.error.message().find("No space left on device"), std::string::npos)
      << result.error.ToString();
  const auto closed = store_->GetHistory("acme");
  ASSERT_FALSE(closed.ok());
  EXPECT_EQ(closed.status().code(), Status::Code::kIoError);
  EXPECT_NE(closed.status().message().find("is closed: reopening after a storage error failed"),
            std::string::npos)
      << closed.status().ToString();
  EXPECT_EQ(store_->ApproximateSizeBytes(), 0u);
  EXPECT_TRUE(store_->CurrentStorageError().has_value());

  fs_->Disarm();
  result = store_->Recover();
  EXPECT_EQ(result.outcome, RecoveryOutcome::kReopened) << result.error.ToString();
  EXPECT_EQ(result.last_sequence_after, 1u);
  EXPECT_FALSE(store_->CurrentStorageError().has_value());
  EXPECT_EQ(
      store_->CommitCheck(VersionCommit("acme", 3000, "v2\n", Sha256Hex("v1\n")))->front().seq, 2u);
  EXPECT_EQ(EventSeqs(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(VersionSeqs("acme"), (std::vector<uint64_t>{1, 2}));
  ExpectVerifies();
}

TEST_F(StorageFaultTest, ReopenReplaysAWriteWhoseSyncFailedAndSaysSo) {
  ASSERT_EQ(store_->CommitCheck(VersionCommit("acme", 1000, "v1\n", ""))->front().seq, 1u);

  // The WAL record is written but its fsync fails: the commit is reported failed, yet its
  // bytes are in the WAL file.
  fs_->Arm({.create = true, .append = false, .sync = true, .suffix = ".log"});
  ASSERT_FALSE(store_->CommitCheck(VersionCommit("acme", 2000, "v2\n", Sha256Hex("v1\n"))).ok());
  EXPECT_EQ(store_->LastSequence(), 1u);
  EXPECT_EQ(store_->Recover().outcome, RecoveryOutcome::kFailed);

  fs_->Disarm();
  const RecoveryResult result = store_->Recover();
  ASSERT_EQ(result.outcome, RecoveryOutcome::kReopened) << result.error.ToString();
  // The reopen replayed the whole commit: the owner learns that event 2 exists after all.
  EXPECT_EQ(result.last_sequence_before, 1u);
  EXPECT_EQ(result.last_sequence_after, 2u);
  EXPECT_EQ(EventSeqs(), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(VersionSeqs("acme"), (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ(
      store_->CommitCheck(VersionCommit("acme", 3000, "v3\n", Sha256Hex("v2\n")))->front().seq, 3u);
  ExpectVerifies();
}

// Found by a daemon test whose database existed before the daemon started: a WAL write that
// fails while the memtables are empty (just after a flush, or after an open, which flushes
// what it recovers) leaves RocksDB's WAL writer broken, and a resume has nothing to flush, so
// it keeps that writer. The next write then aborted the process inside RocksDB (7.8, built
// with assertions: "Assertion `sync_without_flush_called_' failed"). Recovery must not write
// into it.
TEST_F(StorageFaultTest, AFailedWriteWithEmptyMemtablesIsRecoveredWithoutAbortingTheProcess) {
  for (const bool sync_only : {false, true}) {
    SCOPED_TRACE(sync_only ? "the WAL's sync fails" : "the disk is full");
    const uint64_t before = store_->LastSequence();
    const std::string old_text = "v" + std::to_string(before) + "\n";
    const std::string new_text = "v" + std::to_string(before + 1) + "\n";
    ASSERT_TRUE(store_->CompactForTest().ok());  // the memtables are empty
    if (sync_only) {
      fs_->Arm({.create = true, .append = false, .sync = true, .suffix = ".log"});
    } else {
      fs_->Arm({});
    }
    const std::string previous = before == 0 ? "" : Sha256Hex(old_text);
    ASSERT_FALSE(
        store_->CommitCheck(VersionCommit("acme", 1000 * (before + 1), new_text, previous)).ok());
    // Other writes before the recovery (a webhook cursor, a meta key) fail cleanly too, while
    // the disk is full and after it is not.
    EXPECT_FALSE(store_->PutWebhookCursor("audit", 1).ok());
    fs_->Disarm();
    EXPECT_FALSE(store_->SetMeta("probe-before-recovery", "x").ok());
    const RecoveryResult result = store_->Recover();
    ASSERT_NE(result.outcome, RecoveryOutcome::kFailed) << result.error.ToString();
    EXPECT_FALSE(store_->CurrentStorageError().has_value());
    // A sync that failed may have left the commit in the WAL, which a reopen replays.
    const uint64_t after = result.last_sequence_after;
    EXPECT_TRUE(after == before || (sync_only && after == before + 1)) << after;
    if (after == before) {
      const auto committed =
          store_->CommitCheck(VersionCommit("acme", 1000 * (before + 1) + 500, new_text, previous));
      ASSERT_TRUE(committed.ok()) << committed.status().ToString();
      EXPECT_EQ(committed->front().seq, before + 1);
    }
    ExpectVerifies();
  }
}

// A full disk at open is a clear IoError. Starting the real daemon on a full tmpfs aborted
// inside RocksDB instead: its own LOG file failed a line and the next one hit the assertion.
// That abort could not be reproduced here (with the old LOG file, this test passed: its
// writes did not meet this wrapper's faults); scripts/disk-full-test.sh covers it on a real
// tmpfs, and
// rocksdb_log_test.cc that no LOG file is written any more.
TEST_F(StorageFaultTest, OpeningOnAFullDiskIsAClearErrorNotAnAbort) {
  ASSERT_TRUE(store_->CommitCheck(VersionCommit("acme", 1000, "v1\n", "")).ok());
  store_.reset();
  // As on a full disk: files can still be created (an inode), not written to.
  fs_->Arm({.create = false, .append = true, .sync = true});
  StoreOptions options;
  options.file_system = fs_;
  const auto reopened = Store::Open(dir_.path(), options);
  ASSERT_FALSE(reopened.ok());
  EXPECT_EQ(reopened.status().code(), Status::Code::kIoError);
  EXPECT_NE(reopened.status().message().find("No space left on device"), std::string::npos)
      << reopened.status().ToString();
  fs_->Disarm();
  auto again = Store::Open(dir_.path(), options);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  store_ = std::move(again).value();
  EXPECT_EQ(store_->GetHistory("acme")->size(), 1u);
  ExpectVerifies();
}

}  // namespace
}  // namespace policyd

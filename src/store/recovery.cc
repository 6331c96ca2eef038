// Store::Recover: leaving a storage error (a full disk, an I/O error) without a restart.
//
// RocksDB refuses every write after one fails (its background error) until DB::Resume or a
// reopen. Recovery always reopens. DB::Resume flushes the memtables into a new WAL and SST
// files, but with nothing in the memtables (a write failing right after a flush, or after an
// open, which flushes what it recovers) it flushes nothing and keeps the WAL writer the failed
// write broke; the next write then aborts the process inside RocksDB (7.8, Debian's build has
// assertions on: "Assertion `sync_without_flush_called_' failed"). Tried while the disk is
// still full, a resume's flush also fails and turns the error fatal. A reopen starts a new WAL
// whatever the memtables hold, and replays a write whose sync failed. So a recovery first
// checks that the disk takes writes (free space for the memtables, which the reopen flushes
// when it replays the WAL, plus a synced probe file through RocksDB's own file system), then
// closes and opens the database, and finally proves one synced write.
#include <rocksdb/file_system.h>
#include <rocksdb/transaction_log.h>

#include "src/store/store_impl.h"

namespace policyd {
namespace {

using store_internal::Database;

constexpr char kProbeFile[] = "POLICYD-SPACE-PROBE";  // not a RocksDB file name: ignored by it
constexpr std::size_t kProbeBytes = std::size_t{64} << 10;
// Free space asked for beyond the data a resume flushes (file metadata, the MANIFEST).
constexpr uint64_t kSpaceMargin = uint64_t{4} << 20;
// The estimate is an upper bound taken while the database is open: the flush writes the log's
// data compressed (a third of it, on real policy pages), and closing the database frees the
// files it deleted but still held open. A disk session saw a 24 MiB volume refused for ever
// ("only 5226496 bytes free; 17768448 needed") that a restart, which flushes the same log,
// opened. After this many refusals in a row the reopen is tried all the same: one that does
// not fit fails like a start on a full disk (the log stays; nothing stored is lost), and the
// closed database's next estimate is read without the files it held.
constexpr int kSpaceRefusalsBeforeTrying = 3;
// A key only ever deleted: the synced write that proves a recovery leaves no data behind.
constexpr char kProbeKey[] = "storage_probe";

// What a resume must write out: the data not yet flushed, which the live write-ahead log files
// hold. The memtables' own size counts the memory they reserved (an arena block per column
// family written, several MiB in all), which asked a small disk for far more than it needs; it
// is the answer only when the log files cannot be listed.
uint64_t UnflushedBytes(const Store::Impl& impl) {
  rocksdb::VectorLogPtr logs;
  if (impl.db()->GetSortedWalFiles(logs).ok()) {
    uint64_t total = 0;
    for (const std::unique_ptr<rocksdb::LogFile>& log : logs) {
      if (log->Type() == rocksdb::kAliveLogFile) total += log->SizeFileBytes();
    }
    return total;
  }
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* family : impl.database->AllFamilies()) {
    uint64_t bytes = 0;
    if (impl.db()->GetIntProperty(family, rocksdb::DB::Properties::kCurSizeAllMemTables, &bytes)) {
      total += bytes;
    }
  }
  return total;
}

Status WriteProbeFile(rocksdb::FileSystem& fs, const std::string& path) {
  std::unique_ptr<rocksdb::FSWritableFile> file;
  rocksdb::IOStatus status = fs.NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr);
  if (status.ok()) {
    const std::string bytes(kProbeBytes, '\0');
    status = file->Append(rocksdb::Slice(bytes), rocksdb::IOOptions(), nullptr);
  }
  if (status.ok()) status = file->Fsync(rocksdb::IOOptions(), nullptr);
  if (file != nullptr) {
    const rocksdb::IOStatus closed = file->Close(rocksdb::IOOptions(), nullptr);
    if (status.ok()) status = closed;
  }
  // Whatever happened, the probe leaves no file behind (nothing to do if it was not created).
  fs.DeleteFile(path, rocksdb::IOOptions(), nullptr).PermitUncheckedError();
  if (!status.ok()) return Status::IoError("the disk still refuses writes: " + status.ToString());
  return Status::Ok();
}

// Does the disk take writes again?
Status EstimateSpace(const Store::Impl& impl) {
  uint64_t needed = kSpaceMargin;
  {
    const auto access = impl.Use();
    if (access.ok()) needed += UnflushedBytes(impl);
  }
  uint64_t free_bytes = 0;
  const rocksdb::IOStatus space =
      impl.file_system->GetFreeSpace(impl.dir.string(), rocksdb::IOOptions(), &free_bytes, nullptr);
  // A file system that cannot tell (NotSupported) is judged by the probe file alone.
  if (space.ok() && free_bytes < needed) {
    return Status::IoError("only " + std::to_string(free_bytes) + " bytes free in " +
                           impl.dir.string() + "; " + std::to_string(needed) +
                           " needed to resume writing");
  }
  return Status::Ok();
}

// Whether to try a reopen now: the disk takes a small synced write, and the free space fits
// the estimate, or the estimate has refused kSpaceRefusalsBeforeTrying times in a row.
Status ProbeSpace(Store::Impl& impl) {
  if (Status s = WriteProbeFile(*impl.file_system, (impl.dir / kProbeFile).string()); !s.ok()) {
    return s;
  }
  if (Status s = EstimateSpace(impl); !s.ok()) {
    if (++impl.space_refusals < kSpaceRefusalsBeforeTrying) return s;
  }
  impl.space_refusals = 0;
  return Status::Ok();
}

// Closes the database and opens it again once the calls using it are done; calls made
// meanwhile fail at once (Impl::Use). On failure the database stays closed (calls fail with
// IoError until a later reopen succeeds).
Status Reopen(Store::Impl& impl) {
  struct Reopening {
    std::atomic<bool>& flag;
    explicit Reopening(std::atomic<bool>& f) : flag(f) { flag.store(true); }
    ~Reopening() { flag.store(false); }
  } reopening(impl.reopening);
  const std::unique_lock<std::shared_mutex> exclusive(impl.open_mutex);
  const uint64_t before = impl.last_sequence.load();
  impl.database.reset();  // what was written is in the WAL and SST files
  Result<std::unique_ptr<Database>> reopened = Database::Open(impl.dir, impl.database_options);
  Status status = reopened.status();
  if (status.ok()) {
    impl.database = std::move(reopened).value();
    status = impl.RecoverLastSequence();
  }
  if (!status.ok()) {
    impl.database.reset();
    impl.closed_reason = "reopening after a storage error failed: " + status.message();
    return status;
  }
  // Never hand out a number twice, even if what used it did not survive.
  impl.last_sequence.store(std::max(before, impl.last_sequence.load()));
  impl.closed_reason.clear();
  return Status::Ok();
}

// One synced write, so that "recovered" means a commit would be durable now.
Status ProveWrite(Store::Impl& impl) {
  const auto access = impl.Use();
  if (!access.ok()) return access.status();
  rocksdb::WriteBatch batch;
  if (Status s = FromRocks(batch.Delete(impl.cf(Cf::kMeta), kProbeKey), "batching"); !s.ok()) {
    return s;
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = true;
  return impl.Write(write_options, &batch, "probe write after recovery");
}

bool IsClosed(const Store::Impl& impl) {
  const std::shared_lock<std::shared_mutex> shared(impl.open_mutex);
  return impl.database == nullptr;
}

}  // namespace

std::optional<StorageError> Store::CurrentStorageError() const { return impl_->health->Current(); }

RecoveryResult Store::Recover() {
  const std::lock_guard<std::mutex> one_at_a_time(impl_->recover_mutex);
  RecoveryResult result;
  result.last_sequence_before = LastSequence();
  result.last_sequence_after = result.last_sequence_before;
  const bool closed = IsClosed(*impl_);
  const std::optional<StorageError> episode = impl_->health->Current();
  if (!closed && !episode.has_value()) return result;  // kHealthy

  const auto fail = [&result](Status error) {
    result.outcome = RecoveryOutcome::kFailed;
    result.error = std::move(error);
    return result;
  };
  if (episode.has_value() && episode->corruption) {
    // A reopen would be called recovered and fail again at the next compaction.
    return fail(Status::Corruption(
        "the database is corrupt (" + episode->message +
        "): checks stay paused; run `policyctl verify` to see what is damaged, restore from a "
        "backup (policyd --state-dir DIR), or restart policyd to try again"));
  }
  if (Status s = ProbeSpace(*impl_); !s.ok()) return fail(s);
  if (Status s = Reopen(*impl_); !s.ok()) return fail(s);
  if (Status s = ProveWrite(*impl_); !s.ok()) return fail(s);
  result.outcome = RecoveryOutcome::kReopened;
  impl_->health->Clear();
  result.last_sequence_after = LastSequence();
  return result;
}

}  // namespace policyd

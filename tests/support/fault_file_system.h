// FaultFileSystem: the real file system, except that its writes can be made to fail as on a
// full disk. While armed, the chosen operations on matching files answer IOStatus::NoSpace,
// marked retryable as RocksDB's posix file system marks ENOSPC (or Corruption, when asked). Files
// opened before Arm fail too (a disk fills under open files). Pass it as StoreOptions::file_system.
// Thread-safe.
#ifndef POLICYD_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_
#define POLICYD_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_

#include <rocksdb/file_system.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace policyd::testing {

class FaultFileSystem : public rocksdb::FileSystemWrapper {
 public:
  struct Faults {
    bool create = true;  // opening a file for writing
    bool append = true;  // writing into it
    bool sync = true;    // Sync, Fsync, RangeSync
    // Only files whose name ends so (".log": RocksDB's WAL); "" = every file.
    std::string suffix;
    // Answer Corruption (as a checksum mismatch reads) instead of a full disk's NoSpace.
    bool corruption = false;
  };
  enum class Op { kCreate, kAppend, kSync };

  FaultFileSystem() : rocksdb::FileSystemWrapper(rocksdb::FileSystem::Default()) {}
  const char* Name() const override { return "PolicydFaultFileSystem"; }

  void Arm(Faults faults) {
    const std::lock_guard<std::mutex> lock(mutex_);
    faults_ = std::move(faults);
  }
  void Disarm() {
    const std::lock_guard<std::mutex> lock(mutex_);
    faults_.reset();
  }
  uint64_t injected() const { return injected_.load(); }  // operations refused so far
  // What GetFreeSpace answers (nullopt: the real disk's free space).
  void SetFreeSpace(std::optional<uint64_t> bytes) {
    const std::lock_guard<std::mutex> lock(mutex_);
    free_space_ = bytes;
  }

  rocksdb::IOStatus GetFreeSpace(const std::string& path, const rocksdb::IOOptions& options,
                                 uint64_t* free_bytes, rocksdb::IODebugContext* dbg) override {
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (free_space_.has_value()) {
        *free_bytes = *free_space_;
        return rocksdb::IOStatus::OK();
      }
    }
    return target()->GetFreeSpace(path, options, free_bytes, dbg);
  }

  rocksdb::IOStatus Check(Op op, const std::string& fname) {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (!faults_.has_value()) return rocksdb::IOStatus::OK();
    const Faults& f = *faults_;
    const bool armed = op == Op::kCreate ? f.create : op == Op::kAppend ? f.append : f.sync;
    const bool matches =
        fname.size() >= f.suffix.size() &&
        fname.compare(fname.size() - f.suffix.size(), f.suffix.size(), f.suffix) == 0;
    if (!armed || !matches) return rocksdb::IOStatus::OK();
    ++injected_;
    if (f.corruption) return rocksdb::IOStatus::Corruption("injected: " + fname);
    rocksdb::IOStatus status = rocksdb::IOStatus::NoSpace("injected: " + fname);
    status.SetRetryable(true);
    return status;
  }

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    if (auto s = Check(Op::kCreate, fname); !s.ok()) return s;
    return Wrap(fname, target()->NewWritableFile(fname, options, result, dbg), result);
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override {
    if (auto s = Check(Op::kCreate, fname); !s.ok()) return s;
    return Wrap(fname, target()->ReopenWritableFile(fname, options, result, dbg), result);
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override {
    if (auto s = Check(Op::kCreate, fname); !s.ok()) return s;
    return Wrap(fname, target()->ReuseWritableFile(fname, old_fname, options, result, dbg), result);
  }

 private:
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, FaultFileSystem* fs, std::string fname)
        : rocksdb::FSWritableFileOwnerWrapper(std::move(file)), fs_(fs), fname_(std::move(fname)) {}

    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_->Check(Op::kAppend, fname_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info,
                             rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_->Check(Op::kAppend, fname_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_->Check(Op::kAppend, fname_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, dbg);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                       const rocksdb::IOOptions& options,
                                       const rocksdb::DataVerificationInfo& info,
                                       rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_->Check(Op::kAppend, fname_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::PositionedAppend(data, offset, options, info, dbg);
    }
    // Reserving space (fallocate) fails on a full disk as writing does.
    rocksdb::IOStatus Allocate(uint64_t offset, uint64_t len, const rocksdb::IOOptions& options,
                               rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_->Check(Op::kAppend, fname_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Allocate(offset, len, options, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_->Check(Op::kSync, fname_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions& options,
                            rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_->Check(Op::kSync, fname_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::Fsync(options, dbg);
    }
    rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions& options,
                                rocksdb::IODebugContext* dbg) override {
      if (auto s = fs_->Check(Op::kSync, fname_); !s.ok()) return s;
      return FSWritableFileOwnerWrapper::RangeSync(offset, nbytes, options, dbg);
    }

   private:
    FaultFileSystem* fs_;
    std::string fname_;
  };

  rocksdb::IOStatus Wrap(const std::string& fname, rocksdb::IOStatus opened,
                         std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (!opened.ok()) return opened;
    *result = std::make_unique<File>(std::move(*result), this, fname);
    return opened;
  }

  std::mutex mutex_;
  std::optional<Faults> faults_;
  std::optional<uint64_t> free_space_;
  std::atomic<uint64_t> injected_{0};
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_FAULT_FILE_SYSTEM_H_

#include "src/store/storage_health.h"

#include <chrono>
#include <string>

namespace policyd::store_internal {

void StorageHealth::StartLocked(std::string_view message) {
  if (error_.has_value()) return;  // one episode: its first error and start are what count
  StorageError error;
  error.message = std::string(message);
  error.since_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  error_ = std::move(error);
}

void StorageHealth::NoteFailedWrite(std::string_view message) {
  const std::lock_guard<std::mutex> lock(mutex_);
  StartLocked(message);
  ++error_->failed_writes;
}

void StorageHealth::NoteBackgroundError(std::string_view message, bool corruption) {
  const std::lock_guard<std::mutex> lock(mutex_);
  StartLocked(message);
  if (corruption && !error_->corruption) {
    error_->corruption = true;
    error_->message = std::string(message);  // the corruption is what the operator must see
  }
}

std::optional<StorageError> StorageHealth::Current() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return error_;
}

void StorageHealth::Clear() {
  const std::lock_guard<std::mutex> lock(mutex_);
  error_.reset();
}

void StorageListener::OnBackgroundError(rocksdb::BackgroundErrorReason /*reason*/,
                                        rocksdb::Status* error) {
  if (error != nullptr && !error->ok()) {
    health_->NoteBackgroundError(error->ToString(), error->IsCorruption());
  }
}

void StorageListener::OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/,
                                           rocksdb::Status error, bool* auto_recovery) {
  error.PermitUncheckedError();
  // RocksDB's SstFileManager would poll free space and resume on its own; a resume that
  // fails (the disk filled again) makes the error fatal. Store::Recover probes first.
  if (auto_recovery != nullptr) *auto_recovery = false;
}

}  // namespace policyd::store_internal

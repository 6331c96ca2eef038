// StorageHealth: the store's storage error (Store::CurrentStorageError), noted by the store's
// own writes and by a RocksDB listener for background errors (failed flushes, compactions).
// Thread-safe; never calls into RocksDB, so the listener may use it under RocksDB's mutex.
#ifndef POLICYD_SRC_STORE_STORAGE_HEALTH_H_
#define POLICYD_SRC_STORE_STORAGE_HEALTH_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>

#include <rocksdb/listener.h>

#include "policyd/store.h"

namespace policyd::store_internal {

class StorageHealth {
 public:
  // A write refused: starts the error (with `message`) unless one is kept, and counts it.
  void NoteFailedWrite(std::string_view message);
  // RocksDB stopped background work or writes: starts the error unless one is kept; a
  // `corruption` marks the error so whenever it comes.
  void NoteBackgroundError(std::string_view message, bool corruption);
  std::optional<StorageError> Current() const;
  void Clear();

 private:
  void StartLocked(std::string_view message);

  mutable std::mutex mutex_;
  std::optional<StorageError> error_;
};

// Reports RocksDB's background errors to a StorageHealth and turns RocksDB's automatic
// recovery off (the store's owner recovers with Store::Recover: see store.h).
class StorageListener : public rocksdb::EventListener {
 public:
  explicit StorageListener(std::shared_ptr<StorageHealth> health) : health_(std::move(health)) {}
  const char* Name() const override { return "PolicydStorageListener"; }
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override;
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason reason, rocksdb::Status error,
                            bool* auto_recovery) override;

 private:
  std::shared_ptr<StorageHealth> health_;
};

}  // namespace policyd::store_internal

#endif  // POLICYD_SRC_STORE_STORAGE_HEALTH_H_

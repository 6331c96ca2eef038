// Database: owns an open rocksdb::DB and its column family handles (RAII). RocksDB requires
// every handle to be destroyed before the DB is closed; this class is where that order lives.
#ifndef POLICYD_SRC_STORE_DATABASE_H_
#define POLICYD_SRC_STORE_DATABASE_H_

#include <filesystem>
#include <memory>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/listener.h>

#include "policyd/status.h"
#include "src/store/db_options.h"

namespace policyd::store_internal {

struct DatabaseOptions {
  std::shared_ptr<rocksdb::FileSystem> file_system;  // null: RocksDB's default (the real disk)
  std::vector<std::shared_ptr<rocksdb::EventListener>> listeners;
};

class Database {
 public:
  // Opens or creates the database under `dir` with every column family of kCfNames.
  // Column families unknown to this version (from a newer one) are opened too, untouched, so
  // that the caller can inspect the schema version instead of failing in RocksDB.
  static Result<std::unique_ptr<Database>> Open(const std::filesystem::path& dir,
                                                const DatabaseOptions& options = {});

  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  rocksdb::ColumnFamilyHandle* cf(Cf family) const {
    return handles_[static_cast<std::size_t>(family)].get();
  }
  // Every open column family (ours, "default" and any unknown ones).
  std::vector<rocksdb::ColumnFamilyHandle*> AllFamilies() const;

 private:
  struct HandleDeleter {
    rocksdb::DB* db;
    void operator()(rocksdb::ColumnFamilyHandle* handle) const {
      // Only fails for the DB's built-in default handle, which is never stored here.
      db->DestroyColumnFamilyHandle(handle).PermitUncheckedError();
    }
  };
  using HandlePtr = std::unique_ptr<rocksdb::ColumnFamilyHandle, HandleDeleter>;

  Database(std::unique_ptr<rocksdb::Env> env, std::unique_ptr<rocksdb::DB> db)
      : env_(std::move(env)), db_(std::move(db)) {}

  // The Env over an injected file system (null: the default Env). Declared first: the DB
  // uses it until it is closed.
  std::unique_ptr<rocksdb::Env> env_;
  std::unique_ptr<rocksdb::DB> db_;
  // Declared after db_, so destroyed before it even without the explicit destructor order.
  // The first kCfCount entries follow kCfNames; the rest are "default" and unknown families.
  std::vector<HandlePtr> handles_;
};

}  // namespace policyd::store_internal

#endif  // POLICYD_SRC_STORE_DATABASE_H_

#include "src/store/database.h"

#include <algorithm>
#include <string>
#include <system_error>
#include <utility>

#include "policyd/private_files.h"

namespace policyd::store_internal {
namespace {

Status TranslateOpenError(const rocksdb::Status& status, const std::filesystem::path& dir) {
  const std::string detail = status.ToString();
  // A file an earlier run as another user (root) left, LOCK included: no other process holds
  // it, and restarting will not help.
  if (status.IsIOError() && detail.find("Permission denied") != std::string::npos) {
    return Status::IoError("cannot open database at " + dir.string() + ": " + detail +
                           ForeignOwnerHint(dir));
  }
  // RocksDB reports a held LOCK file as an I/O error: "While lock file: ... Resource
  // temporarily unavailable" (another process) or "lock hold by current process".
  if (status.IsIOError() && detail.find("lock") != std::string::npos) {
    return Status::IoError(
        "database at " + dir.string() +
        " is in use by another process (or already open in this one): " + detail);
  }
  if (status.IsCorruption()) {
    return Status::Corruption("database at " + dir.string() + " is corrupt: " + detail);
  }
  return Status::IoError("cannot open database at " + dir.string() + ": " + detail);
}

}  // namespace

Result<std::unique_ptr<Database>> Database::Open(const std::filesystem::path& dir,
                                                 const DatabaseOptions& options) {
  // Private whatever the umask: the parent may be shared, the database is policyd's alone.
  if (Status s = CreatePrivateDirectory(dir, ExistingDirectory::kEnforceMode); !s.ok()) return s;

  rocksdb::DBOptions db_options = MakeDbOptions();
  std::unique_ptr<rocksdb::Env> env;
  if (options.file_system != nullptr) {
    env = rocksdb::NewCompositeEnv(options.file_system);
    db_options.env = env.get();
  }
  db_options.listeners = options.listeners;
  const std::vector<rocksdb::ColumnFamilyOptions> cf_options = MakeCfOptions();
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (std::size_t i = 0; i < kCfCount; ++i) {
    descriptors.emplace_back(std::string(kCfNames[i]), cf_options[i]);
  }
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());
  // RocksDB refuses to open a database without naming all its column families. Listing fails
  // for a database that does not exist yet, which is fine: then there are none to add.
  std::vector<std::string> existing;
  if (rocksdb::DB::ListColumnFamilies(db_options, dir.string(), &existing).ok()) {
    for (const std::string& name : existing) {
      const bool known = std::any_of(descriptors.begin(), descriptors.end(),
                                     [&name](const auto& d) { return d.name == name; });
      if (!known) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
  }

  std::vector<rocksdb::ColumnFamilyHandle*> raw_handles;
  rocksdb::DB* raw_db = nullptr;
  const rocksdb::Status status =
      rocksdb::DB::Open(db_options, dir.string(), descriptors, &raw_handles, &raw_db);
  if (!status.ok()) return TranslateOpenError(status, dir);

  // Take ownership at once: the Database destructor releases handles, then the DB.
  std::unique_ptr<Database> database(
      new Database(std::move(env), std::unique_ptr<rocksdb::DB>(raw_db)));
  for (rocksdb::ColumnFamilyHandle* handle : raw_handles) {
    database->handles_.emplace_back(handle, HandleDeleter{raw_db});
  }
  return database;
}

Database::~Database() {
  handles_.clear();
  if (db_ != nullptr) {
    // Everything written is already in the WAL; a failed Close loses nothing, and a
    // destructor has nobody to report to.
    db_->Close().PermitUncheckedError();
  }
}

std::vector<rocksdb::ColumnFamilyHandle*> Database::AllFamilies() const {
  std::vector<rocksdb::ColumnFamilyHandle*> families;
  for (const HandlePtr& handle : handles_) families.push_back(handle.get());
  return families;
}

}  // namespace policyd::store_internal

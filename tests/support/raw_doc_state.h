// Writes a document's stored state record behind the store's back: the bytes of a damaged
// record, or of a format this build does not know, which the tests of unreadable states need.
// No Store may have the database open in this process meanwhile (RocksDB's lock). Consumers
// link policyd_store and have the project root on their include path (src/store/database.h).
#ifndef POLICYD_TESTS_SUPPORT_RAW_DOC_STATE_H_
#define POLICYD_TESTS_SUPPORT_RAW_DOC_STATE_H_

#include <rocksdb/db.h>

#include <filesystem>
#include <string>

#include "policyd/status.h"
#include "src/store/database.h"

namespace policyd::testing {

// `record` as the stored state of `doc_id` in the database at `db_dir`.
inline Status PutRawDocState(const std::filesystem::path& db_dir, const std::string& doc_id,
                             const std::string& record) {
  auto database = store_internal::Database::Open(db_dir);
  if (!database.ok()) return database.status();
  const rocksdb::Status put = (*database)->db()->Put(
      rocksdb::WriteOptions(), (*database)->cf(store_internal::Cf::kDocs), doc_id, record);
  return put.ok() ? Status::Ok() : Status::IoError("writing " + doc_id + ": " + put.ToString());
}

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_RAW_DOC_STATE_H_

// RocksDB's own log (its "info log": options at open, flushes, compactions, stalls, errors),
// sent to policyd's log instead of a LOG file in the database directory.
//
// Why not RocksDB's LOG file: on a full disk its writer fails once, and RocksDB 7.8's next
// line into it aborts the process ("Assertion `sync_without_flush_called_' failed": Debian
// builds librocksdb with assertions). Opening the database logs at once, so policyd could not
// even start to say that the disk is full. policyd's log (stderr, the journal) does not live
// on the database's disk, and one place to read is simpler for operators.
//
// Levels: RocksDB's ERROR and FATAL are errors, WARN a warning; INFO, DEBUG and the header
// lines are debug (`log_level = "debug"` shows them). Each line is prefixed "rocksdb: " and
// cut at kMaxRocksLogLine bytes (the options dump at open has long lines).
#ifndef POLICYD_SRC_STORE_ROCKSDB_LOG_H_
#define POLICYD_SRC_STORE_ROCKSDB_LOG_H_

#include <rocksdb/env.h>

#include <cstddef>
#include <memory>

namespace policyd::store_internal {

inline constexpr std::size_t kMaxRocksLogLine = 2048;

// A Logger for DBOptions::info_log. Thread-safe (RocksDB logs from its background threads).
std::shared_ptr<rocksdb::Logger> NewRocksLogToPolicydLog();

}  // namespace policyd::store_internal

#endif  // POLICYD_SRC_STORE_ROCKSDB_LOG_H_

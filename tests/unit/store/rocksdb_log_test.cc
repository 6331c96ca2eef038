// RocksDB's own log in policyd's (src/store/rocksdb_log.h): each line at the level it means,
// cut to a bound, and a real database's lines arrive there instead of a LOG file.
#include "src/store/rocksdb_log.h"

#include <gtest/gtest.h>

#include <string>

#include "policyd/store.h"
#include "support/log_capture.h"
#include "support/temp_dir.h"

namespace policyd::store_internal {
namespace {

using policyd::testing::LogCapture;

TEST(RocksLogTest, EachLineAtTheLevelItMeans) {
  LogCapture log;
  const std::shared_ptr<rocksdb::Logger> logger = NewRocksLogToPolicydLog();
  rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, logger, "flush failed: %s", "no space");
  rocksdb::Log(rocksdb::InfoLogLevel::FATAL_LEVEL, logger, "manifest %d lost", 7);
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, logger, "stalling writes\n");
  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, logger, "compacted %d files", 4);
  rocksdb::Log(rocksdb::InfoLogLevel::DEBUG_LEVEL, logger, "below INFO");
  EXPECT_EQ(log.Count(spdlog::level::err, "rocksdb: flush failed: no space"), 1u);
  EXPECT_EQ(log.Count(spdlog::level::err, "rocksdb: manifest 7 lost"), 1u);
  EXPECT_EQ(log.Count(spdlog::level::warn, "rocksdb: stalling writes"), 1u);
  EXPECT_EQ(log.Count(spdlog::level::warn, "\n"), 0u);  // RocksDB's newline is dropped
  EXPECT_EQ(log.Count(spdlog::level::debug, "rocksdb: compacted 4 files"), 1u);
  EXPECT_EQ(log.Count(spdlog::level::debug, "below INFO"), 0u);  // RocksDB's own filter
}

TEST(RocksLogTest, ALongLineIsCutToTheBound) {
  LogCapture log;
  const std::shared_ptr<rocksdb::Logger> logger = NewRocksLogToPolicydLog();
  const std::string long_value(5000, 'x');
  rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, logger, "%s", long_value.c_str());
  const std::size_t kept = kMaxRocksLogLine - 1;  // vsnprintf's terminating NUL
  EXPECT_EQ(log.Count(spdlog::level::err, "rocksdb: " + std::string(kept, 'x')), 1u);
  EXPECT_EQ(log.Count(spdlog::level::err, std::string(kept + 1, 'x')), 0u);
}

TEST(RocksLogTest, ADatabaseLogsIntoPolicydsLogAndWritesNoLogFile) {
  LogCapture log;
  TempDir dir;
  {
    auto store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }
  EXPECT_GT(log.Count(spdlog::level::debug, "rocksdb: "), 0u);
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "LOG"));
}

// A backup while the daemon runs (a checkpoint) made RocksDB warn "File Deletions Disabled, but
// already disabled" and "File Deletions Enable, but not really enabled": its own bookkeeping of
// a nested pause, nothing an operator can act on, logged as warnings on every backup.
TEST(RocksLogTest, ACheckpointWarnsOfNothing) {
  TempDir dir;
  auto store = Store::Open(dir.path() / "db");
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  LogCapture log;
  ASSERT_TRUE((*store)->CreateCheckpoint(dir.path() / "copy").ok());
  EXPECT_EQ(log.Count(spdlog::level::warn, "rocksdb: "), 0u);
  EXPECT_GT(log.Count(spdlog::level::debug, "rocksdb: "), 0u);
}

}  // namespace
}  // namespace policyd::store_internal

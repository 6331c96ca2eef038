#include "src/store/db_options.h"

#include <algorithm>
#include <memory>

#include <rocksdb/cache.h>
#include <rocksdb/convenience.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>

#include "src/store/rocksdb_log.h"

namespace policyd::store_internal {
namespace {

constexpr std::size_t kMiB = std::size_t{1} << 20;

bool Supported(rocksdb::CompressionType type) {
  const auto supported = rocksdb::GetSupportedCompressions();
  return std::find(supported.begin(), supported.end(), type) != supported.end();
}

rocksdb::ColumnFamilyOptions BaseCfOptions(const std::shared_ptr<rocksdb::Cache>& cache,
                                           std::size_t write_buffer_size,
                                           rocksdb::CompressionType compression) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = cache;
  // Index and filter blocks live in the cache too, so the cache size bounds read memory.
  table.cache_index_and_filter_blocks = true;
  table.pin_l0_filter_and_index_blocks_in_cache = true;
  // Blob existence checks and document lookups are point reads: a bloom filter saves I/O.
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));

  rocksdb::ColumnFamilyOptions cf;
  cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf.compaction_style = rocksdb::kCompactionStyleLevel;
  cf.level_compaction_dynamic_level_bytes = true;
  cf.write_buffer_size = write_buffer_size;
  cf.max_write_buffer_number = 2;
  cf.compression = compression;
  // Flushes and the upper levels are rewritten soon: they take cheap LZ4 and only the last
  // level, where history settles, takes zstd. Measured in the pass benchmark (1,000 pages,
  // docs/PERFORMANCE.md): daemon CPU per page 25.9 -> 23.4 ms, database +4-6%.
  if (compression == rocksdb::kZSTD && Supported(rocksdb::kLZ4Compression)) {
    cf.compression = rocksdb::kLZ4Compression;
    cf.bottommost_compression = rocksdb::kZSTD;
  }
  return cf;
}

}  // namespace

rocksdb::CompressionType PreferredCompression() {
  for (const auto type : {rocksdb::kZSTD, rocksdb::kLZ4Compression, rocksdb::kSnappyCompression}) {
    if (Supported(type)) return type;
  }
  return rocksdb::kNoCompression;
}

rocksdb::DBOptions MakeDbOptions() {
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  options.max_open_files = 256;
  options.max_background_jobs = 2;
  // All memtables together; the per-family sizes below are the usual case.
  options.db_write_buffer_size = 64 * kMiB;
  // A rarely written family (docs, meta) would otherwise pin old WAL files forever; past this
  // total RocksDB flushes it so the WAL can be recycled.
  options.max_total_wal_size = 64 * kMiB;
  // RocksDB's own log goes to policyd's, not to a LOG file on the database's disk, which
  // aborted the process once that disk was full (src/store/rocksdb_log.h).
  options.info_log = NewRocksLogToPolicydLog();
  // No automatic resume of retryable write errors: the store's owner recovers (Store::Recover)
  // once the disk takes writes again. RocksDB's own attempts run while the disk may still be
  // full, and one that fails there turns the error fatal (only a reopen clears it).
  options.max_bgerror_resume_count = 0;
  return options;
}

std::vector<rocksdb::ColumnFamilyOptions> MakeCfOptions() {
  const std::shared_ptr<rocksdb::Cache> cache = rocksdb::NewLRUCache(32 * kMiB);
  const rocksdb::CompressionType bulk = PreferredCompression();
  // Small, hot families keep RocksDB's default (fast) compression.
  const rocksdb::CompressionType small = rocksdb::ColumnFamilyOptions().compression;

  std::vector<rocksdb::ColumnFamilyOptions> options(kCfCount);
  options[static_cast<std::size_t>(Cf::kBlobs)] = BaseCfOptions(cache, 16 * kMiB, bulk);
  // Raw bodies and texts are large, written once and read rarely: in blob files (RocksDB's
  // integrated BlobDB) compactions move small references instead of rewriting whole pages.
  // Garbage collection reclaims what `gc` deletes.
  rocksdb::ColumnFamilyOptions& blobs = options[static_cast<std::size_t>(Cf::kBlobs)];
  blobs.enable_blob_files = true;
  blobs.min_blob_size = 4096;
  blobs.blob_compression_type = bulk;
  blobs.enable_blob_garbage_collection = true;
  options[static_cast<std::size_t>(Cf::kVersions)] = BaseCfOptions(cache, 4 * kMiB, bulk);
  // Check records accumulate forever (one per check): compress them like history.
  options[static_cast<std::size_t>(Cf::kChecks)] = BaseCfOptions(cache, 8 * kMiB, bulk);
  options[static_cast<std::size_t>(Cf::kDocs)] = BaseCfOptions(cache, 4 * kMiB, small);
  options[static_cast<std::size_t>(Cf::kEvents)] = BaseCfOptions(cache, 8 * kMiB, bulk);
  options[static_cast<std::size_t>(Cf::kMeta)] = BaseCfOptions(cache, 1 * kMiB, small);
  return options;
}

}  // namespace policyd::store_internal

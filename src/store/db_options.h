// RocksDB tuning for policyd: a small, long-running daemon whose data is mostly cold history.
// Memory is bounded (one shared block cache, capped memtables), files are bounded, and the
// bulky column families are zstd-compressed.
#ifndef POLICYD_SRC_STORE_DB_OPTIONS_H_
#define POLICYD_SRC_STORE_DB_OPTIONS_H_

#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include <rocksdb/options.h>

namespace policyd::store_internal {

// The column families of the layout in policyd/store.h, in a fixed order.
enum class Cf : std::size_t { kBlobs, kVersions, kChecks, kDocs, kEvents, kMeta };
inline constexpr std::size_t kCfCount = 6;
inline constexpr std::array<std::string_view, kCfCount> kCfNames = {"blobs", "versions", "checks",
                                                                    "docs",  "events",   "meta"};

rocksdb::DBOptions MakeDbOptions();

// Options for each name of kCfNames. One block cache is shared by all of them.
std::vector<rocksdb::ColumnFamilyOptions> MakeCfOptions();

// kZSTD when this RocksDB build has it (Debian's does), else the best available fallback, so
// that the daemon still opens its database on an unusual build.
rocksdb::CompressionType PreferredCompression();

}  // namespace policyd::store_internal

#endif  // POLICYD_SRC_STORE_DB_OPTIONS_H_

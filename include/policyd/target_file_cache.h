// TargetFileCache: target files parsed once and reused while their bytes stay the same.
//
// A daemon watching a million documents reads ~10,000 target files at every start, and parsing
// their TOML is most of a start's CPU (docs/SCALE.md). The cache keeps, for each target file
// the last load read, the documents it gave, keyed by the file's path and the SHA-256 of its
// bytes. A later load still reads each file (to hash it) and uses the cached documents only
// when the path, the bytes and the policyd build are those that were parsed; they are then
// equal, field for field and position for position, to what parsing gives
// (TargetFileCacheTest). Anything else is a miss and the file is parsed: a changed file, a
// cache written by another build (or another binary of the same build), a cache file that is
// missing, truncated or corrupt (each entry carries a checksum). The cache never makes a load
// fail and never decides an error: a file that does not load is never cached, so its error is
// found again. Only target files (*.toml) are cached; Open Terms Archive declarations (*.json)
// are parsed every time.
//
// One load's life (TargetCatalog::Load): Open() reads the cache file; the loads look files up
// (LoadSharedTargetsDir, from many threads at once) and keep what they loaded; Close() drops
// what was read, and when the kept files differ from the cached ones, Save() (on any thread)
// writes them as the new cache file, private (0640) and atomically.
//
// File format, version 1 (integers little-endian; "text" = u32 length and bytes):
//   magic "policyd target cache\n"; u32 format (1); text build id; u64 entry count; entries:
//   text path; text SHA-256 of the file's bytes (hex); u64 Sha256Prefix64(body); text body.
//   body: text platform; u32 document count; per document: text id, type, url; i64 interval
//   (ms); u8 flags (bit 0 ignore_robots, bit 1 include_link_urls); u8 render; u32 line, column
//   of its [[documents]] table; then lists (u32 count, then the entries): select, remove,
//   ignore_lines, extra_urls (texts), select_ranges, remove_ranges (4 texts each: startBefore,
//   startAfter, endBefore, endAfter). Nothing after the last document.
#ifndef POLICYD_TARGET_FILE_CACHE_H_
#define POLICYD_TARGET_FILE_CACHE_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policyd/config.h"
#include "policyd/status.h"

namespace policyd {

// A document with where its [[documents]] table starts in its file (1-based; 0 = unknown).
// The spec is the loader's (mutable until it is shared); the cache only reads it.
struct CachedDocument {
  std::shared_ptr<DocumentSpec> spec;
  uint32_t line = 0;
  uint32_t column = 0;
};

class TargetFileCache {
 public:
  // A cache kept in the file `path`, valid for the build `build_id` only (BinaryIdentity():
  // a rebuilt binary parses every file once again).
  TargetFileCache(std::filesystem::path path, std::string build_id);

  // Reads the cache file. A missing file is an empty cache and OK; any other that cannot be
  // used is an empty cache, and the status says why: Unsupported when another build or format
  // wrote it (after an upgrade), Corruption when it is damaged, IoError when unreadable.
  Status Open();

  // The documents cached for the file `path` whose bytes have the SHA-256 `content_sha256`
  // (hex), decoded; false when there are none or their entry is corrupt. Safe to call from
  // many threads at once (between Open and Close, with no Keep running).
  bool Lookup(const std::filesystem::path& path, std::string_view content_sha256,
              std::vector<CachedDocument>* out) const;

  // Notes that this load read `path` (bytes `content_sha256`) and got `documents`, from the
  // cache (`hit`) or by parsing it: the next cache file holds the files kept. Thread-safe.
  void Keep(const std::filesystem::path& path, std::string content_sha256,
            std::vector<CachedDocument> documents, bool hit);

  // Drops what Open read. Returns whether the kept files differ from those the cache file
  // held (a miss, or a cached file no longer read): then Save() them, else Discard() them.
  bool Close();
  // Writes the kept files as the new cache file, then forgets them. IoError naming the file.
  Status Save();
  // Forgets the kept files without writing them (a load that failed).
  void Discard();

  const std::filesystem::path& path() const { return path_; }
  // This load's counts, for the log: files found in the cache, and files parsed.
  std::size_t hits() const { return hits_; }
  std::size_t misses() const { return misses_; }

 private:
  struct Entry {
    std::string_view sha256;
    uint64_t checksum;
    std::string_view body;
  };
  struct KeptFile {
    std::string path;
    std::string sha256;
    std::vector<CachedDocument> documents;
  };

  Status ReadEntries();

  std::filesystem::path path_;
  std::string build_id_;
  std::string contents_;                                 // the cache file, between Open and Close
  std::unordered_map<std::string_view, Entry> entries_;  // by path, views into contents_
  std::mutex kept_mutex_;
  std::vector<KeptFile> kept_;
  std::atomic<std::size_t> hits_{0};
  std::atomic<std::size_t> misses_{0};
};

}  // namespace policyd

#endif  // POLICYD_TARGET_FILE_CACHE_H_

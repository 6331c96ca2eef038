// Store::Impl, shared by the store's source files (store.cc: records and events;
// maintenance.cc: verify, garbage collection, checkpoints). Internal to src/store.
#ifndef POLICYD_SRC_STORE_STORE_IMPL_H_
#define POLICYD_SRC_STORE_STORE_IMPL_H_

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>

#include "policyd/store.h"
#include "src/store/database.h"
#include "src/store/db_options.h"
#include "src/store/json_codec.h"
#include "src/store/keys.h"

namespace policyd {
namespace store_internal {

inline constexpr uint64_t kSchemaVersion = 1;
inline constexpr char kSchemaVersionKey[] = "schema_version";
inline constexpr char kLastSequenceKey[] = "last_sequence";

inline std::optional<uint64_t> ParseUint(std::string_view text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

inline Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return Status::Ok();
  std::string message = std::string(what) + ": " + status.ToString();
  if (status.IsNotFound()) return Status::NotFound(std::move(message));
  if (status.IsCorruption()) return Status::Corruption(std::move(message));
  return Status::IoError(std::move(message));
}

inline Status InvalidDocId(const std::string& doc_id) {
  return Status::InvalidArgument("invalid document id \"" + doc_id +
                                 "\" (must be non-empty, without NUL)");
}

}  // namespace store_internal

using store_internal::Cf;
using store_internal::FromRocks;
using store_internal::InvalidDocId;
using store_internal::kLastSequenceKey;
using store_internal::kSchemaVersion;
using store_internal::kSchemaVersionKey;
using store_internal::ParseUint;

struct Store::Impl {
  StoreOptions options;
  std::filesystem::path dir;
  std::unique_ptr<store_internal::Database> database;

  // Held while a sequence number is chosen and its batch written, so that sequences are
  // assigned in commit order and a failed write gives its number back (no gaps). Readers do
  // not take it: a batch becomes visible atomically, and batches are written in order.
  std::mutex write_mutex;
  std::atomic<uint64_t> last_sequence{0};
  // Suffix of check keys so that same-millisecond checks of a document stay distinct. Seeded
  // from the wall clock in microseconds so a restart does not reuse recent values.
  std::atomic<uint64_t> check_counter{0};
  // Bumped (under write_mutex) whenever blobs are deleted by CollectGarbage. A commit that
  // found a blob already present re-checks it under the mutex if this moved meanwhile, so a
  // version never points at a blob that garbage collection removed in between.
  std::atomic<uint64_t> blob_generation{0};

  rocksdb::DB* db() const { return database->db(); }
  rocksdb::ColumnFamilyHandle* cf(Cf family) const { return database->cf(family); }

  Result<std::string> Get(Cf family, const rocksdb::Slice& key, std::string_view what) const {
    std::string value;
    const rocksdb::Status status = db()->Get(rocksdb::ReadOptions(), cf(family), key, &value);
    if (!status.ok()) return FromRocks(status, what);
    return value;
  }

  // NotFound is an answer here, not an error.
  Result<bool> Exists(Cf family, const rocksdb::Slice& key) const {
    rocksdb::PinnableSlice value;
    const rocksdb::Status status = db()->Get(rocksdb::ReadOptions(), cf(family), key, &value);
    if (status.ok()) return true;
    if (status.IsNotFound()) return false;
    return FromRocks(status, "reading " + key.ToString());
  }

  // Adds `bytes` under its hash unless already stored: blobs are content-addressed, so an
  // existing blob is identical. Two commits racing to add the same blob both write the same
  // bytes, which is harmless. Only CollectGarbage deletes blobs (unreferenced ones); a blob
  // seen here is appended to `skipped` so that WriteSequenced can re-check it if a collection
  // ran in between (see blob_generation).
  Status AddBlob(const std::string& hash, const std::string& bytes, rocksdb::WriteBatch* batch,
                 std::vector<std::pair<std::string, const std::string*>>* skipped) {
    const Result<bool> exists = Exists(Cf::kBlobs, hash);
    if (!exists.ok()) return exists.status();
    if (*exists) {
      skipped->emplace_back(hash, &bytes);
      return Status::Ok();
    }
    return FromRocks(batch->Put(cf(Cf::kBlobs), hash, bytes), "batching blob");
  }

  // Completes `batch` under the write mutex with what needs a sequence number (the events, the
  // version key and record) and writes it. Every event must be an object, `doc_id` valid when
  // `version` is set. The version's event_seq is the sequence of the document.first_seen or
  // document.changed event among `events` (else the last one).
  Result<std::vector<StoredEvent>> WriteSequenced(
      rocksdb::WriteBatch* batch, const std::vector<nlohmann::json>& events,
      const std::string& doc_id, VersionRecord* version,
      const std::vector<std::pair<std::string, const std::string*>>& skipped_blobs = {},
      uint64_t seen_blob_generation = 0) {
    const std::lock_guard<std::mutex> lock(write_mutex);
    if (!skipped_blobs.empty() && blob_generation.load() != seen_blob_generation) {
      for (const auto& [hash, bytes] : skipped_blobs) {
        const Result<bool> exists = Exists(Cf::kBlobs, hash);
        if (!exists.ok()) return exists.status();
        if (!*exists) {
          const Status status =
              FromRocks(batch->Put(cf(Cf::kBlobs), hash, *bytes), "batching blob");
          if (!status.ok()) return status;
        }
      }
    }
    std::vector<StoredEvent> stored;
    stored.reserve(events.size());
    uint64_t sequence = last_sequence.load();
    uint64_t version_sequence = 0;
    for (const nlohmann::json& event : events) {
      ++sequence;
      nlohmann::json with_seq = event;
      with_seq["seq"] = sequence;
      const std::string type = event.value("type", std::string());
      if (type == "document.first_seen" || type == "document.changed") {
        version_sequence = sequence;
      }
      stored.push_back(StoredEvent{sequence, store_internal::DumpJson(with_seq)});
      const Status status = FromRocks(
          batch->Put(cf(Cf::kEvents), store_internal::EventKey(sequence), stored.back().json),
          "batching event");
      if (!status.ok()) return status;
    }
    if (!events.empty()) {
      const Status status =
          FromRocks(batch->Put(cf(Cf::kMeta), kLastSequenceKey, std::to_string(sequence)),
                    "batching last_sequence");
      if (!status.ok()) return status;
      if (version_sequence == 0) version_sequence = sequence;
    }
    if (version != nullptr) {
      version->event_seq = version_sequence;
      // With an event, its (unique) sequence makes the key unique. Without one, probe for a
      // free suffix: history must never be overwritten. Safe because writes are serialised.
      std::string key = store_internal::DocTimeKey(doc_id, version->time_ms, version_sequence);
      if (version_sequence == 0) {
        for (uint64_t n = 1;; ++n) {
          const Result<bool> exists = Exists(Cf::kVersions, key);
          if (!exists.ok()) return exists.status();
          if (!*exists) break;
          key = store_internal::DocTimeKey(doc_id, version->time_ms, n);
        }
      }
      const Status status =
          FromRocks(batch->Put(cf(Cf::kVersions), key, store_internal::DumpJson(ToJson(*version))),
                    "batching version");
      if (!status.ok()) return status;
    }

    rocksdb::WriteOptions write_options;
    write_options.sync = options.sync_on_version && (!events.empty() || version != nullptr);
    const Status status = FromRocks(db()->Write(write_options, batch), "writing commit");
    if (!status.ok()) return status;  // the sequence numbers were not used
    if (!events.empty()) last_sequence.store(sequence);
    return stored;
  }

  // The schema version check of Open: stamps a new database, refuses a newer one.
  Status CheckSchema() {
    const Result<std::string> stored = Get(Cf::kMeta, kSchemaVersionKey, "reading schema");
    if (stored.status().IsNotFound()) {
      rocksdb::WriteOptions write_options;
      write_options.sync = true;
      return FromRocks(db()->Put(write_options, cf(Cf::kMeta), kSchemaVersionKey,
                                 std::to_string(kSchemaVersion)),
                       "writing schema version");
    }
    if (!stored.ok()) return stored.status();
    const std::optional<uint64_t> version = ParseUint(*stored);
    if (!version.has_value() || *version == 0) {
      return Status::Corruption("database at " + dir.string() + " has a bad schema version \"" +
                                *stored + "\"");
    }
    if (*version > kSchemaVersion) {
      return Status::Unsupported("database at " + dir.string() + " has schema version " + *stored +
                                 ", newer than this policyd supports (" +
                                 std::to_string(kSchemaVersion) + ")");
    }
    return Status::Ok();
  }

  // The last sequence is the last key of the events family: it is written in the same batch
  // as the event, so it is right whatever happened before a crash. meta.last_sequence is also
  // honoured (the larger wins) so that numbers are never reused even if old events were ever
  // pruned.
  Status RecoverLastSequence() {
    uint64_t last = 0;
    const std::unique_ptr<rocksdb::Iterator> it(
        db()->NewIterator(rocksdb::ReadOptions(), cf(Cf::kEvents)));
    it->SeekToLast();
    if (it->Valid()) {
      const std::optional<uint64_t> key =
          store_internal::DecodeBigEndian64(std::string_view(it->key().data(), it->key().size()));
      if (!key.has_value()) return Status::Corruption("malformed event key in " + dir.string());
      last = *key;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "reading events");

    const Result<std::string> meta = Get(Cf::kMeta, kLastSequenceKey, "reading last_sequence");
    if (meta.ok()) {
      const std::optional<uint64_t> value = ParseUint(*meta);
      if (!value.has_value()) return Status::Corruption("bad meta.last_sequence \"" + *meta + "\"");
      last = std::max(last, *value);
    } else if (!meta.status().IsNotFound()) {
      return meta.status();
    }
    last_sequence.store(last);
    return Status::Ok();
  }
};

}  // namespace policyd

#endif  // POLICYD_SRC_STORE_STORE_IMPL_H_

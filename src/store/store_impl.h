// Store::Impl, shared by the store's source files (store.cc: records and events;
// maintenance.cc: verify, garbage collection, checkpoints). Internal to src/store.
#ifndef POLICYD_SRC_STORE_STORE_IMPL_H_
#define POLICYD_SRC_STORE_STORE_IMPL_H_

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
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
#include "src/store/storage_health.h"

namespace policyd {
namespace store_internal {

// 1: records in JSON. 2: doc states in the binary form of doc_state_codec.h (JSON ones are still
// read). 3: doc states in its format 2, which says what the validators were taken under
// (format 1 ones are still read). 4: doc states in its format 3, which says which URL validators
// kept through a redirect belong to (formats 1 and 2 are still read). 5: doc states in its
// format 4, which adds when the current text was last read and since when a suspect text is held
// (written as a second layout of format 3 before: both are read). Opening an older database
// stamps it 5, so that an older policyd, which cannot read the newer states, refuses it clearly
// instead of rebuilding every state from its history.
inline constexpr uint64_t kSchemaVersion = 5;
inline constexpr char kSchemaVersionKey[] = "schema_version";
inline constexpr char kLastSequenceKey[] = "last_sequence";
inline constexpr std::string_view kWebhookCursorPrefix = "webhook_cursor/";
inline constexpr std::string_view kProcessingPrefix = "processing/";

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
using store_internal::kProcessingPrefix;
using store_internal::kSchemaVersion;
using store_internal::kSchemaVersionKey;
using store_internal::kWebhookCursorPrefix;
using store_internal::ParseUint;

struct Store::Impl {
  StoreOptions options;
  std::filesystem::path dir;
  // What Database::Open gets, at first and on every reopen (Recover).
  store_internal::DatabaseOptions database_options;
  // Where the space probe of Recover writes: options.file_system, else the real one.
  std::shared_ptr<rocksdb::FileSystem> file_system;
  std::shared_ptr<store_internal::StorageHealth> health =
      std::make_shared<store_internal::StorageHealth>();

  // Shared by every public call for as long as it uses `database`; exclusive while Recover
  // reopens it. `database` is null (and `closed_reason` says why) after a failed reopen.
  mutable std::shared_mutex open_mutex;
  std::unique_ptr<store_internal::Database> database;
  std::string closed_reason;
  std::mutex recover_mutex;  // one Recover at a time
  int space_refusals = 0;    // Recover's space estimate refused this many times in a row
  // Set from just before a reopen takes open_mutex until it is done: calls meanwhile fail at
  // once instead of waiting (an event loop must never wait for a database to reopen).
  std::atomic<bool> reopening{false};

  using Access = std::shared_lock<std::shared_mutex>;
  // A public call's hold on the open database (see open_mutex). Internal helpers do not take
  // it again: their public caller holds it.
  Result<Access> Use() const {
    if (reopening.load()) {
      return Status::IoError("database at " + dir.string() +
                             " is being reopened after a storage error");
    }
    Access access(open_mutex);
    if (database == nullptr) {
      return Status::IoError("database at " + dir.string() + " is closed: " + closed_reason);
    }
    return access;
  }

  // Every write goes through here: a refused one starts (or counts in) the storage error.
  Status Write(const rocksdb::WriteOptions& write_options, rocksdb::WriteBatch* batch,
               std::string_view what) {
    const rocksdb::Status status = db()->Write(write_options, batch);
    if (!status.ok()) health->NoteFailedWrite(status.ToString());
    return FromRocks(status, what);
  }

  // Held while a sequence number is chosen and its batch written, so that sequences are
  // assigned in commit order and a failed write gives its number back (no gaps). Readers do
  // not take it: a batch becomes visible atomically, and batches are written in order.
  // Only a group commit's leader (and CollectGarbage) takes it, so it is rarely contended.
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

  // One commit waiting to be written (group commit, see WriteSequenced). Lives on the
  // committing thread's stack until its `done` is set.
  struct Writer {
    rocksdb::WriteBatch* batch = nullptr;
    const std::vector<nlohmann::json>* events = nullptr;
    const std::string* doc_id = nullptr;
    VersionRecord* version = nullptr;
    const std::vector<std::pair<std::string, const std::string*>>* skipped_blobs = nullptr;
    uint64_t seen_blob_generation = 0;
    bool done = false;  // guarded by queue_mutex
    Result<std::vector<StoredEvent>> result = Status::IoError("not written");
    std::condition_variable cv;
  };

  // The queue of group commit (see WriteSequenced): commits waiting to be written, oldest
  // first; the front one is the leader.
  std::mutex queue_mutex;
  std::deque<Writer*> writers;
  std::atomic<uint64_t> write_count{0};  // RocksDB writes of commits (groups)

  // A group stops growing past this many batch bytes (the first batch always goes in), so
  // one write stays bounded even when large versions queue up.
  static constexpr std::size_t kMaxGroupBytes = std::size_t{16} << 20;

  // Completes `batch` with what needs a sequence number (the events, the version key and
  // record) and writes it. Every event must be an object, `doc_id` valid when `version` is
  // set. The version's event_seq is the sequence of the event among `events` that
  // announces it (AnnouncesVersion; else the last one).
  //
  // Group commit: commits queue in `writers`; the one at the front (the leader) takes every
  // batch queued behind it, numbers them in queue order under write_mutex, and writes them as
  // ONE WriteBatch with one sync. So concurrent commits share an fsync instead of taking
  // turns for it. Each caller returns only after the group's write, so its events are
  // durable (and visible, atomically with the rest of the group) before anyone can send
  // them. A failed write fails the whole group and uses no sequence number.
  Result<std::vector<StoredEvent>> WriteSequenced(
      rocksdb::WriteBatch* batch, const std::vector<nlohmann::json>& events,
      const std::string& doc_id, VersionRecord* version,
      const std::vector<std::pair<std::string, const std::string*>>& skipped_blobs = {},
      uint64_t seen_blob_generation = 0) {
    Writer self;
    self.batch = batch;
    self.events = &events;
    self.doc_id = &doc_id;
    self.version = version;
    self.skipped_blobs = &skipped_blobs;
    self.seen_blob_generation = seen_blob_generation;

    std::unique_lock<std::mutex> queue_lock(queue_mutex);
    writers.push_back(&self);
    while (!self.done && writers.front() != &self) self.cv.wait(queue_lock);
    if (self.done) return std::move(self.result);  // a leader wrote it with its group

    // The leader: the group is everything queued now. Later arrivals wait for the next one.
    std::vector<Writer*> group;
    std::size_t group_bytes = 0;
    for (Writer* writer : writers) {
      const std::size_t bytes = writer->batch->GetDataSize();
      if (!group.empty() && group_bytes + bytes > kMaxGroupBytes) break;
      group.push_back(writer);
      group_bytes += bytes;
    }
    queue_lock.unlock();
    try {
      WriteGroup(group);
    } catch (const std::exception& error) {
      // Only allocation can throw here, before the write (nothing after it throws). The
      // queue must move on whatever happens, or every later commit would wait forever.
      for (Writer* writer : group) {
        writer->result = Status::IoError(std::string("commit failed: ") + error.what());
      }
    }
    queue_lock.lock();
    for (std::size_t i = 0; i < group.size(); ++i) {
      Writer* written = writers.front();
      writers.pop_front();
      if (written != &self) {
        written->done = true;
        written->cv.notify_one();
      }
    }
    if (!writers.empty()) writers.front()->cv.notify_one();  // the next leader
    return std::move(self.result);
  }

  // Numbers and writes `group` (queue order) under write_mutex; sets every writer's result.
  void WriteGroup(const std::vector<Writer*>& group) {
    const std::lock_guard<std::mutex> lock(write_mutex);
    uint64_t sequence = last_sequence.load();
    bool sync = false;
    std::vector<Writer*> prepared;
    std::set<std::string> version_keys;  // taken by earlier writers of this group
    for (Writer* writer : group) {
      uint64_t next = sequence;
      writer->result = Prepare(*writer, &next, &version_keys);
      if (!writer->result.ok()) continue;  // this commit alone fails; its numbers are reused
      sequence = next;
      sync = sync || !writer->events->empty() || writer->version != nullptr;
      prepared.push_back(writer);
    }
    if (prepared.empty()) return;

    rocksdb::WriteBatch merged;
    rocksdb::WriteBatch* to_write = prepared.front()->batch;
    if (prepared.size() > 1) {
      BatchAppender appender(&merged, *database);
      for (Writer* writer : prepared) {
        const Status status = FromRocks(writer->batch->Iterate(&appender), "merging commits");
        if (!status.ok()) {
          for (Writer* failed : prepared) failed->result = status;
          return;
        }
      }
      to_write = &merged;
    }
    rocksdb::WriteOptions write_options;
    write_options.sync = options.sync_on_version && sync;
    const Status status = Write(write_options, to_write, "writing commit");
    if (!status.ok()) {
      for (Writer* writer : prepared) writer->result = status;  // no sequence number used
      return;
    }
    last_sequence.store(sequence);
    write_count.fetch_add(1);
  }

  // The part of a commit that needs the write mutex: re-adds blobs a collection may have
  // removed, numbers the events from *sequence + 1 (advancing it) and keys the version.
  Result<std::vector<StoredEvent>> Prepare(const Writer& writer, uint64_t* sequence,
                                           std::set<std::string>* version_keys) {
    rocksdb::WriteBatch* batch = writer.batch;
    if (!writer.skipped_blobs->empty() && blob_generation.load() != writer.seen_blob_generation) {
      for (const auto& [hash, bytes] : *writer.skipped_blobs) {
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
    stored.reserve(writer.events->size());
    uint64_t version_sequence = 0;
    for (const nlohmann::json& event : *writer.events) {
      ++*sequence;
      nlohmann::json with_seq = event;
      with_seq["seq"] = *sequence;
      const std::string type = event.value("type", std::string());
      if (AnnouncesVersion(type)) {
        version_sequence = *sequence;
      }
      stored.push_back(StoredEvent{*sequence, store_internal::DumpJson(with_seq)});
      const Status status = FromRocks(
          batch->Put(cf(Cf::kEvents), store_internal::EventKey(*sequence), stored.back().json),
          "batching event");
      if (!status.ok()) return status;
    }
    if (!writer.events->empty()) {
      const Status status =
          FromRocks(batch->Put(cf(Cf::kMeta), kLastSequenceKey, std::to_string(*sequence)),
                    "batching last_sequence");
      if (!status.ok()) return status;
      if (version_sequence == 0) version_sequence = *sequence;
    }
    if (VersionRecord* version = writer.version; version != nullptr) {
      version->event_seq = version_sequence;
      // With an event, its (unique) sequence makes the key unique. Without one, probe for a
      // free suffix, in the database and in this group: history must never be overwritten.
      // Safe because groups are written one at a time.
      const std::string& doc_id = *writer.doc_id;
      std::string key = store_internal::DocTimeKey(doc_id, version->time_ms, version_sequence);
      if (version_sequence == 0) {
        for (uint64_t n = 1;; ++n) {
          const Result<bool> exists = Exists(Cf::kVersions, key);
          if (!exists.ok()) return exists.status();
          if (!*exists && version_keys->count(key) == 0) break;
          key = store_internal::DocTimeKey(doc_id, version->time_ms, n);
        }
      }
      version_keys->insert(key);
      const Status status =
          FromRocks(batch->Put(cf(Cf::kVersions), key, store_internal::DumpJson(ToJson(*version))),
                    "batching version");
      if (!status.ok()) return status;
    }
    return stored;
  }

  // Copies a batch's records into another (merging a group). Commits put, and delete their
  // document's processing mark (CheckCommit::clears_processing_mark); anything else is refused
  // by the Handler's defaults, so a new kind of record cannot be merged away silently.
  class BatchAppender : public rocksdb::WriteBatch::Handler {
   public:
    BatchAppender(rocksdb::WriteBatch* target, const store_internal::Database& database)
        : target_(target) {
      for (rocksdb::ColumnFamilyHandle* family : database.AllFamilies()) {
        families_[family->GetID()] = family;
      }
    }
    rocksdb::Status PutCF(uint32_t family_id, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
      const auto family = families_.find(family_id);
      if (family == families_.end()) return rocksdb::Status::InvalidArgument("unknown family");
      return target_->Put(family->second, key, value);
    }
    rocksdb::Status DeleteCF(uint32_t family_id, const rocksdb::Slice& key) override {
      const auto family = families_.find(family_id);
      if (family == families_.end()) return rocksdb::Status::InvalidArgument("unknown family");
      return target_->Delete(family->second, key);
    }

   private:
    rocksdb::WriteBatch* target_;
    std::map<uint32_t, rocksdb::ColumnFamilyHandle*> families_;
  };

  // The schema version check of Open: stamps a new or older database, refuses a newer one.
  Status CheckSchema() {
    const Result<std::string> stored = Get(Cf::kMeta, kSchemaVersionKey, "reading schema");
    if (stored.status().IsNotFound()) return StampSchema();
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
    return *version < kSchemaVersion ? StampSchema() : Status::Ok();
  }

  Status StampSchema() {
    rocksdb::WriteOptions write_options;
    write_options.sync = true;
    rocksdb::WriteBatch batch;
    const Status status = FromRocks(
        batch.Put(cf(Cf::kMeta), kSchemaVersionKey, std::to_string(kSchemaVersion)), "batching");
    return status.ok() ? Write(write_options, &batch, "writing schema version") : status;
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

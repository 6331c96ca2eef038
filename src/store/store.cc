// Store: the durable record. Column families, keys and the commit contract are described in
// policyd/store.h; RocksDB tuning is in db_options.cc.
#include "policyd/store.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/transaction_log.h>
#include <rocksdb/write_batch.h>

#include "src/store/database.h"
#include "src/store/db_options.h"
#include "src/store/json_codec.h"
#include "src/store/keys.h"

namespace policyd {

using store_internal::Cf;

namespace {

constexpr uint64_t kSchemaVersion = 1;
constexpr char kSchemaVersionKey[] = "schema_version";
constexpr char kLastSequenceKey[] = "last_sequence";

std::optional<uint64_t> ParseUint(std::string_view text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

Status FromRocks(const rocksdb::Status& status, std::string_view what) {
  if (status.ok()) return Status::Ok();
  std::string message = std::string(what) + ": " + status.ToString();
  if (status.IsNotFound()) return Status::NotFound(std::move(message));
  if (status.IsCorruption()) return Status::Corruption(std::move(message));
  return Status::IoError(std::move(message));
}

Status InvalidDocId(const std::string& doc_id) {
  return Status::InvalidArgument("invalid document id \"" + doc_id +
                                 "\" (must be non-empty, without NUL)");
}

}  // namespace

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
  // bytes, which is harmless; blobs are never deleted, so a blob seen here stays.
  Status AddBlob(const std::string& hash, const std::string& bytes, rocksdb::WriteBatch* batch) {
    const Result<bool> exists = Exists(Cf::kBlobs, hash);
    if (!exists.ok()) return exists.status();
    if (*exists) return Status::Ok();
    return FromRocks(batch->Put(cf(Cf::kBlobs), hash, bytes), "batching blob");
  }

  // Completes `batch` under the write mutex with what needs a sequence number (the events, the
  // version key and record) and writes it. Every event must be an object, `doc_id` valid when
  // `version` is set. The version's event_seq is the sequence of the document.first_seen or
  // document.changed event among `events` (else the last one).
  Result<std::vector<StoredEvent>> WriteSequenced(rocksdb::WriteBatch* batch,
                                                  const std::vector<nlohmann::json>& events,
                                                  const std::string& doc_id,
                                                  VersionRecord* version) {
    const std::lock_guard<std::mutex> lock(write_mutex);
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

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& dir,
                                           const StoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->dir = dir;
  Result<std::unique_ptr<store_internal::Database>> database = store_internal::Database::Open(dir);
  if (!database.ok()) return database.status();
  impl->database = std::move(database).value();

  Status status = impl->CheckSchema();
  if (status.ok()) status = impl->RecoverLastSequence();
  if (!status.ok()) return status;  // `impl` closes the database
  impl->check_counter.store(
      static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count()));
  return std::unique_ptr<Store>(new Store(std::move(impl)));
}

Result<std::vector<StoredEvent>> Store::CommitCheck(const CheckCommit& commit) {
  if (!store_internal::IsValidDocId(commit.doc_id)) return InvalidDocId(commit.doc_id);
  for (const nlohmann::json& event : commit.events) {
    if (!event.is_object()) return Status::InvalidArgument("event must be a JSON object");
  }

  // Hashing, serialising and blob lookups happen before taking the write mutex.
  rocksdb::WriteBatch batch;
  const std::string check_key = store_internal::DocTimeKey(commit.doc_id, commit.check.time_ms,
                                                           impl_->check_counter.fetch_add(1));
  Status status = FromRocks(
      batch.Put(impl_->cf(Cf::kChecks), check_key, store_internal::DumpJson(ToJson(commit.check))),
      "batching check");
  if (status.ok()) {
    status = FromRocks(batch.Put(impl_->cf(Cf::kDocs), commit.doc_id,
                                 store_internal::DumpJson(ToJson(commit.state))),
                       "batching doc state");
  }
  if (!status.ok()) return status;

  std::optional<VersionRecord> version;
  if (commit.version.has_value()) {
    version = commit.version->record;
    version->text_hash = Sha256Hex(commit.version->text);
    version->raw_hash = Sha256Hex(commit.version->raw_html);
    if (version->text_hash.empty() || version->raw_hash.empty()) {
      return Status::IoError("SHA-256 computation failed (OpenSSL)");
    }
    status = impl_->AddBlob(version->text_hash, commit.version->text, &batch);
    if (status.ok() && version->raw_hash != version->text_hash) {
      status = impl_->AddBlob(version->raw_hash, commit.version->raw_html, &batch);
    }
    if (!status.ok()) return status;
  }
  return impl_->WriteSequenced(&batch, commit.events, commit.doc_id,
                               version.has_value() ? &*version : nullptr);
}

Result<StoredEvent> Store::AppendEvent(const nlohmann::json& event) {
  if (!event.is_object()) return Status::InvalidArgument("event must be a JSON object");
  rocksdb::WriteBatch batch;
  Result<std::vector<StoredEvent>> stored =
      impl_->WriteSequenced(&batch, {event}, std::string(), nullptr);
  if (!stored.ok()) return stored.status();
  return std::move(stored->front());
}

Result<DocState> Store::GetDocState(const std::string& doc_id) const {
  const Result<std::string> value = impl_->Get(Cf::kDocs, doc_id, "doc state of " + doc_id);
  if (!value.ok()) return value.status();
  const std::optional<nlohmann::json> j = store_internal::ParseJsonObject(*value);
  if (!j.has_value()) return Status::Corruption("unreadable doc state of " + doc_id);
  return DocStateFromJson(*j);
}

Status Store::PutDocState(const std::string& doc_id, const DocState& state) {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  return FromRocks(impl_->db()->Put(rocksdb::WriteOptions(), impl_->cf(Cf::kDocs), doc_id,
                                    store_internal::DumpJson(ToJson(state))),
                   "writing doc state of " + doc_id);
}

Result<std::map<std::string, DocState>> Store::ListDocStates() const {
  std::map<std::string, DocState> states;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kDocs)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::optional<nlohmann::json> j =
        store_internal::ParseJsonObject(std::string_view(it->value().data(), it->value().size()));
    if (!j.has_value())
      return Status::Corruption("unreadable doc state of " + it->key().ToString());
    states.emplace(it->key().ToString(), DocStateFromJson(*j));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing doc states");
  return states;
}

Status Store::DeleteDocState(const std::string& doc_id) {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  return FromRocks(impl_->db()->Delete(rocksdb::WriteOptions(), impl_->cf(Cf::kDocs), doc_id),
                   "deleting doc state of " + doc_id);
}

Result<std::vector<VersionRecord>> Store::GetHistory(const std::string& doc_id) const {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  const std::string begin = store_internal::DocKeyBegin(doc_id);
  const std::string end = store_internal::DocKeyEnd(doc_id);
  const rocksdb::Slice upper(end);
  rocksdb::ReadOptions read_options;
  read_options.iterate_upper_bound = &upper;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(read_options, impl_->cf(Cf::kVersions)));
  std::vector<VersionRecord> history;
  for (it->Seek(begin); it->Valid(); it->Next()) {
    const std::optional<nlohmann::json> j =
        store_internal::ParseJsonObject(std::string_view(it->value().data(), it->value().size()));
    if (!j.has_value()) return Status::Corruption("unreadable version record of " + doc_id);
    history.push_back(VersionRecordFromJson(*j));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading history of " + doc_id);
  return history;
}

Result<std::vector<CheckRecord>> Store::GetChecks(const std::string& doc_id,
                                                  std::size_t limit) const {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  std::vector<CheckRecord> checks;
  if (limit == 0) return checks;
  // Both bounds: SeekToLast starts below the upper one, Prev stops at the lower one.
  const std::string begin = store_internal::DocKeyBegin(doc_id);
  const std::string end = store_internal::DocKeyEnd(doc_id);
  const rocksdb::Slice lower(begin);
  const rocksdb::Slice upper(end);
  rocksdb::ReadOptions read_options;
  read_options.iterate_lower_bound = &lower;
  read_options.iterate_upper_bound = &upper;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(read_options, impl_->cf(Cf::kChecks)));
  for (it->SeekToLast(); it->Valid() && checks.size() < limit; it->Prev()) {
    const std::optional<nlohmann::json> j =
        store_internal::ParseJsonObject(std::string_view(it->value().data(), it->value().size()));
    if (!j.has_value()) return Status::Corruption("unreadable check record of " + doc_id);
    checks.push_back(CheckRecordFromJson(*j));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading checks of " + doc_id);
  return checks;
}

Result<std::string> Store::GetBlob(const std::string& sha256_hex) const {
  return impl_->Get(Cf::kBlobs, sha256_hex, "blob " + sha256_hex);
}

Result<std::vector<StoredEvent>> Store::ReadEvents(uint64_t after_seq,
                                                   std::size_t max_count) const {
  std::vector<StoredEvent> events;
  if (max_count == 0 || after_seq == std::numeric_limits<uint64_t>::max()) return events;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kEvents)));
  for (it->Seek(store_internal::EventKey(after_seq + 1)); it->Valid() && events.size() < max_count;
       it->Next()) {
    const std::optional<uint64_t> seq =
        store_internal::DecodeBigEndian64(std::string_view(it->key().data(), it->key().size()));
    if (!seq.has_value()) return Status::Corruption("malformed event key");
    events.push_back(StoredEvent{*seq, it->value().ToString()});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading events");
  return events;
}

uint64_t Store::LastSequence() const { return impl_->last_sequence.load(); }

Status Store::SetMeta(const std::string& key, const std::string& value) {
  if (key == kSchemaVersionKey || key == kLastSequenceKey) {
    return Status::InvalidArgument("meta key \"" + key + "\" is managed by the store");
  }
  return FromRocks(impl_->db()->Put(rocksdb::WriteOptions(), impl_->cf(Cf::kMeta), key, value),
                   "writing meta " + key);
}

Result<std::string> Store::GetMeta(const std::string& key) const {
  return impl_->Get(Cf::kMeta, key, "meta " + key);
}

uint64_t Store::ApproximateSizeBytes() const {
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* family : impl_->database->AllFamilies()) {
    uint64_t sst_bytes = 0;
    if (impl_->db()->GetIntProperty(family, rocksdb::DB::Properties::kTotalSstFilesSize,
                                    &sst_bytes)) {
      total += sst_bytes;
    }
  }
  // Recent writes are only in the WAL until their memtable is flushed.
  rocksdb::VectorLogPtr wal_files;
  if (impl_->db()->GetSortedWalFiles(wal_files).ok()) {
    for (const auto& file : wal_files) total += file->SizeFileBytes();
  }
  return total;
}

}  // namespace policyd

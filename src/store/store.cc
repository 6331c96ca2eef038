// Store: the durable record. Column families, keys and the commit contract are described in
// policyd/store.h; RocksDB tuning is in db_options.cc; Store::Impl is in store_impl.h.
#include "policyd/store.h"

#include <rocksdb/transaction_log.h>

#include <algorithm>
#include <cassert>

#include "policyd/event_names.h"
#include "policyd/sha256.h"
#include "src/store/doc_state_codec.h"
#include "src/store/doc_state_repair.h"
#include "src/store/store_impl.h"

namespace policyd {

namespace {

// Corruption naming the document and what is wrong with its stored state.
Status Unreadable(std::string_view doc_id, const Status& why) {
  return Status::Corruption("unreadable doc state of " + std::string(doc_id) + ": " +
                            why.message());
}

// The state stored for `doc_id`, or Unreadable.
Result<DocState> DecodeStoredDocState(std::string_view doc_id, std::string_view record) {
  Result<DocState> state = store_internal::DecodeDocState(record);
  if (!state.ok()) return Unreadable(doc_id, state.status());
  return state;
}

}  // namespace

Store::Store(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Store::~Store() = default;

Result<std::unique_ptr<Store>> Store::Open(const std::filesystem::path& dir,
                                           const StoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->dir = dir;
  impl->file_system =
      options.file_system != nullptr ? options.file_system : rocksdb::FileSystem::Default();
  impl->database_options.file_system = options.file_system;
  impl->database_options.listeners = {
      std::make_shared<store_internal::StorageListener>(impl->health)};
  Result<std::unique_ptr<store_internal::Database>> database =
      store_internal::Database::Open(dir, impl->database_options);
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
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();

  // Hashing, serialising and blob lookups happen before taking the write mutex.
  rocksdb::WriteBatch batch;
  const std::string check_key = store_internal::DocTimeKey(commit.doc_id, commit.check.time_ms,
                                                           impl_->check_counter.fetch_add(1));
  Status status = FromRocks(
      batch.Put(impl_->cf(Cf::kChecks), check_key, store_internal::DumpJson(ToJson(commit.check))),
      "batching check");
  if (status.ok()) {
    status = FromRocks(batch.Put(impl_->cf(Cf::kDocs), commit.doc_id,
                                 store_internal::EncodeDocState(commit.state)),
                       "batching doc state");
  }
  if (status.ok() && commit.clears_processing_mark) {
    status = FromRocks(
        batch.Delete(impl_->cf(Cf::kMeta), std::string(kProcessingPrefix) + commit.doc_id),
        "batching processing mark");
  }
  if (!status.ok()) return status;

  std::optional<VersionRecord> version;
  // Read before the blob lookups: a collection after this point makes the commit re-check.
  const uint64_t blob_generation = impl_->blob_generation.load();
  std::vector<std::pair<std::string, const std::string*>> skipped;
  if (commit.version.has_value()) {
    version = commit.version->record;
    version->text_hash = commit.version->text_hash.empty() ? Sha256Hex(commit.version->text)
                                                           : commit.version->text_hash;
    version->raw_hash = commit.version->raw_hash.empty() ? Sha256Hex(commit.version->raw_html)
                                                         : commit.version->raw_hash;
    // A wrong hash would file the bytes under another key: debug builds check the caller's.
    assert(version->text_hash == Sha256Hex(commit.version->text));
    assert(version->raw_hash == Sha256Hex(commit.version->raw_html));
    if (version->text_hash.empty() || version->raw_hash.empty()) {
      return Status::IoError("SHA-256 computation failed (OpenSSL)");
    }
    status = impl_->AddBlob(version->text_hash, commit.version->text, &batch, &skipped);
    if (status.ok() && version->raw_hash != version->text_hash) {
      status = impl_->AddBlob(version->raw_hash, commit.version->raw_html, &batch, &skipped);
    }
    if (status.ok() && !commit.version->segment_ids.empty()) {
      version->segment_ids_hash = Sha256Hex(commit.version->segment_ids);
      status =
          impl_->AddBlob(version->segment_ids_hash, commit.version->segment_ids, &batch, &skipped);
    }
    if (!status.ok()) return status;
  }
  return impl_->WriteSequenced(&batch, commit.events, commit.doc_id,
                               version.has_value() ? &*version : nullptr, skipped, blob_generation);
}

Result<StoredEvent> Store::AppendEvent(const nlohmann::json& event) {
  if (!event.is_object()) return Status::InvalidArgument("event must be a JSON object");
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  rocksdb::WriteBatch batch;
  Result<std::vector<StoredEvent>> stored =
      impl_->WriteSequenced(&batch, {event}, std::string(), nullptr);
  if (!stored.ok()) return stored.status();
  return std::move(stored->front());
}

Result<DocState> Store::GetDocState(const std::string& doc_id) const {
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  const Result<std::string> value = impl_->Get(Cf::kDocs, doc_id, "doc state of " + doc_id);
  if (!value.ok()) return value.status();
  return DecodeStoredDocState(doc_id, *value);
}

Status Store::PutDocState(const std::string& doc_id, const DocState& state) {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  rocksdb::WriteBatch batch;
  const Status status = FromRocks(
      batch.Put(impl_->cf(Cf::kDocs), doc_id, store_internal::EncodeDocState(state)), "batching");
  return status.ok()
             ? impl_->Write(rocksdb::WriteOptions(), &batch, "writing doc state of " + doc_id)
             : status;
}

Result<std::map<std::string, DocState>> Store::ListDocStates(
    const std::function<void(const std::string& id, const Status& why)>& unreadable) const {
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  std::map<std::string, DocState> states;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kDocs)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    Result<DocState> state =
        DecodeStoredDocState(std::string_view(it->key().data(), it->key().size()),
                             std::string_view(it->value().data(), it->value().size()));
    if (state.ok()) {
      states.emplace(it->key().ToString(), std::move(state).value());
    } else if (unreadable) {
      unreadable(it->key().ToString(), state.status());
    } else {
      return state.status();
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "listing doc states");
  return states;
}

Status Store::ReadDocStates(
    std::span<const std::string_view> ids,
    const std::function<void(std::size_t index, const DocState& state)>& visit,
    const std::function<void(std::size_t index, const Status& why)>& unreadable) const {
  if (ids.empty()) return Status::Ok();
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  // A bulk scan (a daemon's start reads every state once): its blocks are not worth keeping
  // in the block cache (which they would fill, evicting what checks read, at a cost in CPU and
  // memory), and reading ahead saves a read per block.
  rocksdb::ReadOptions read_options;
  read_options.fill_cache = false;
  read_options.readahead_size = 2 << 20;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(read_options, impl_->cf(Cf::kDocs)));
  DocState state;  // each state decoded into it in turn, reusing its strings' buffers
  // Next() is far cheaper than Seek(), until the keys between two wanted ids are many.
  constexpr int kStepsBeforeSeek = 16;
  it->Seek(rocksdb::Slice(ids.front().data(), ids.front().size()));
  for (std::size_t i = 0; i < ids.size() && it->Valid();) {
    const std::string_view wanted = ids[i];
    int steps = 0;
    while (it->Valid() && std::string_view(it->key().data(), it->key().size()) < wanted) {
      if (++steps > kStepsBeforeSeek) {
        it->Seek(rocksdb::Slice(wanted.data(), wanted.size()));
        break;
      }
      it->Next();
    }
    if (!it->Valid()) break;
    const std::string_view key(it->key().data(), it->key().size());
    if (key == wanted) {
      const Status decoded = store_internal::DecodeDocState(
          std::string_view(it->value().data(), it->value().size()), &state);
      if (decoded.ok()) {
        visit(i, state);
      } else if (unreadable) {
        unreadable(i, Unreadable(key, decoded));
      } else {
        return Unreadable(key, decoded);
      }
      it->Next();
    }
    ++i;  // `wanted` has no state when the key is past it
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading doc states");
  return Status::Ok();
}

Status Store::DeleteDocState(const std::string& doc_id) {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  rocksdb::WriteBatch batch;
  const Status status = FromRocks(batch.Delete(impl_->cf(Cf::kDocs), doc_id), "batching");
  return status.ok()
             ? impl_->Write(rocksdb::WriteOptions(), &batch, "deleting doc state of " + doc_id)
             : status;
}

Result<std::vector<VersionRecord>> Store::GetHistory(const std::string& doc_id) const {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
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

bool AnnouncesVersion(std::string_view event_type) {
  const std::optional<EventType> type = ParseEventType(event_type);
  return type.has_value() && AnnouncesVersion(*type);
}

Result<VersionRecord> Store::GetLatestVersion(const std::string& doc_id) const {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  const std::string begin = store_internal::DocKeyBegin(doc_id);
  const std::string end = store_internal::DocKeyEnd(doc_id);
  const rocksdb::Slice lower(begin);
  rocksdb::ReadOptions read_options;
  read_options.iterate_lower_bound = &lower;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(read_options, impl_->cf(Cf::kVersions)));
  it->SeekForPrev(end);  // the last key before the document's end: its newest version
  if (!it->status().ok()) return FromRocks(it->status(), "reading history of " + doc_id);
  if (!it->Valid() || it->key().compare(rocksdb::Slice(end)) >= 0) {
    return Status::NotFound("no version of " + doc_id);
  }
  const std::optional<nlohmann::json> j =
      store_internal::ParseJsonObject(std::string_view(it->value().data(), it->value().size()));
  if (!j.has_value()) return Status::Corruption("unreadable version record of " + doc_id);
  return VersionRecordFromJson(*j);
}

Result<std::vector<CheckRecord>> Store::GetChecks(const std::string& doc_id,
                                                  std::size_t limit) const {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  std::vector<CheckRecord> checks;
  if (limit == 0) return checks;
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
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
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  Result<std::string> blob = impl_->Get(Cf::kBlobs, sha256_hex, "blob " + sha256_hex);
  if (!blob.ok()) return blob;
  // Content-addressed: bytes that no longer hash to their key (altered behind the store's
  // back) are not that hash's content, and must never be cited as it.
  if (const std::string actual = Sha256Hex(*blob); actual != sha256_hex) {
    return Status::Corruption("blob " + sha256_hex +
                              " does not match its hash (its bytes hash to " + actual +
                              "): the stored data was altered; see policyctl verify");
  }
  return blob;
}

Result<std::vector<StoredEvent>> Store::ReadEvents(uint64_t after_seq, std::size_t max_count,
                                                   std::size_t max_bytes) const {
  std::vector<StoredEvent> events;
  if (max_count == 0 || after_seq == std::numeric_limits<uint64_t>::max()) return events;
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kEvents)));
  std::size_t bytes = 0;
  for (it->Seek(store_internal::EventKey(after_seq + 1)); it->Valid() && events.size() < max_count;
       it->Next()) {
    const std::optional<uint64_t> seq =
        store_internal::DecodeBigEndian64(std::string_view(it->key().data(), it->key().size()));
    if (!seq.has_value()) return Status::Corruption("malformed event key");
    if (!events.empty() && (bytes >= max_bytes || it->value().size() > max_bytes - bytes)) break;
    bytes += it->value().size();
    events.push_back(StoredEvent{*seq, it->value().ToString()});
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading events");
  return events;
}

uint64_t Store::LastSequence() const { return impl_->last_sequence.load(); }

Status Store::SetMeta(const std::string& key, const std::string& value) {
  if (key == kSchemaVersionKey || key == kLastSequenceKey ||
      key.starts_with(kWebhookCursorPrefix) || key.starts_with(kProcessingPrefix) ||
      key.starts_with(store_internal::kUnreadableDocStatePrefix)) {
    return Status::InvalidArgument("meta key \"" + key + "\" is managed by the store");
  }
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  rocksdb::WriteBatch batch;
  const Status status = FromRocks(batch.Put(impl_->cf(Cf::kMeta), key, value), "batching");
  return status.ok() ? impl_->Write(rocksdb::WriteOptions(), &batch, "writing meta " + key)
                     : status;
}

Result<std::string> Store::GetMeta(const std::string& key) const {
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  return impl_->Get(Cf::kMeta, key, "meta " + key);
}

Status Store::PutWebhookCursor(const std::string& name, uint64_t seq) {
  if (name.empty() || name.find('\0') != std::string::npos) {
    return Status::InvalidArgument("invalid webhook name \"" + name + "\"");
  }
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  const std::string key = std::string(kWebhookCursorPrefix) + name;
  rocksdb::WriteBatch batch;
  const Status status =
      FromRocks(batch.Put(impl_->cf(Cf::kMeta), key, std::to_string(seq)), "batching");
  return status.ok() ? impl_->Write(rocksdb::WriteOptions(), &batch, "writing " + key) : status;
}

Result<std::map<std::string, uint64_t>> Store::ListWebhookCursors() const {
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  std::map<std::string, uint64_t> cursors;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kMeta)));
  for (it->Seek(rocksdb::Slice(kWebhookCursorPrefix.data(), kWebhookCursorPrefix.size()));
       it->Valid() && it->key().starts_with(
                          rocksdb::Slice(kWebhookCursorPrefix.data(), kWebhookCursorPrefix.size()));
       it->Next()) {
    const std::string key = it->key().ToString();
    const std::optional<uint64_t> seq = ParseUint(it->value().ToString());
    if (!seq.has_value()) return Status::Corruption("malformed " + key + " in meta");
    cursors.emplace(key.substr(kWebhookCursorPrefix.size()), *seq);
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading webhook cursors");
  return cursors;
}

Status Store::MarkProcessing(const std::string& doc_id, int interrupted_before) {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  const std::string key = std::string(kProcessingPrefix) + doc_id;
  rocksdb::WriteBatch batch;
  const Status status = FromRocks(
      batch.Put(impl_->cf(Cf::kMeta), key, std::to_string(std::max(interrupted_before, 0))),
      "batching");
  return status.ok() ? impl_->Write(rocksdb::WriteOptions(), &batch, "writing " + key) : status;
}

Status Store::ClearProcessing(const std::string& doc_id) {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  const std::string key = std::string(kProcessingPrefix) + doc_id;
  rocksdb::WriteBatch batch;
  const Status status = FromRocks(batch.Delete(impl_->cf(Cf::kMeta), key), "batching");
  return status.ok() ? impl_->Write(rocksdb::WriteOptions(), &batch, "deleting " + key) : status;
}

Result<std::map<std::string, int>> Store::TakeProcessingMarks() {
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  const rocksdb::Slice prefix(kProcessingPrefix.data(), kProcessingPrefix.size());
  std::map<std::string, int> marks;
  rocksdb::WriteBatch batch;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl_->db()->NewIterator(rocksdb::ReadOptions(), impl_->cf(Cf::kMeta)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string key = it->key().ToString();
    // A count that does not parse still says the processing was interrupted (once).
    const std::optional<uint64_t> before = ParseUint(it->value().ToString());
    marks.emplace(key.substr(kProcessingPrefix.size()),
                  static_cast<int>(std::min<uint64_t>(before.value_or(0), 1000)) + 1);
    if (Status s = FromRocks(batch.Delete(impl_->cf(Cf::kMeta), key), "batching"); !s.ok()) {
      return s;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "reading processing marks");
  if (marks.empty()) return marks;
  const Status deleted = impl_->Write(rocksdb::WriteOptions(), &batch, "deleting processing marks");
  if (!deleted.ok()) return deleted;
  return marks;
}

uint64_t Store::CommitWriteCount() const { return impl_->write_count.load(); }

uint64_t Store::ApproximateSizeBytes() const {
  const auto access = impl_->Use();
  if (!access.ok()) return 0;  // closed after a failed reopen: nothing to measure
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* family : impl_->database->AllFamilies()) {
    // Flushed raw pages and texts are in blob files, beside the SST files that point to them.
    for (const std::string* property : {&rocksdb::DB::Properties::kTotalSstFilesSize,
                                        &rocksdb::DB::Properties::kTotalBlobFileSize}) {
      uint64_t bytes = 0;
      if (impl_->db()->GetIntProperty(family, *property, &bytes)) total += bytes;
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

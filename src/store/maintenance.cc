// Store maintenance: the integrity scan (Verify), retention (CollectGarbage), online copies
// (CreateCheckpoint) and full compaction. These read whole column families, so the daemon runs
// them on its worker pool, never on the io thread.
#include <rocksdb/snapshot.h>
#include <rocksdb/utilities/checkpoint.h>

#include <map>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "policyd/event_names.h"
#include "src/store/doc_state_codec.h"
#include "src/store/store_impl.h"

namespace policyd {
namespace {

// Size of the DocTimeKey suffix: '\0' be64(time) be64(n).
constexpr std::size_t kDocTimeSuffix = 17;

struct DocTimeParts {
  std::string doc;
  uint64_t time_ms = 0;
};

// Splits a versions/checks key; nullopt when it is not doc_id '\0' be64 be64.
std::optional<DocTimeParts> SplitDocTimeKey(std::string_view key) {
  if (key.size() <= kDocTimeSuffix || key[key.size() - kDocTimeSuffix] != '\0') {
    return std::nullopt;
  }
  const std::optional<uint64_t> time =
      store_internal::DecodeBigEndian64(key.substr(key.size() - 16, 8));
  if (!time.has_value()) return std::nullopt;
  return DocTimeParts{std::string(key.substr(0, key.size() - kDocTimeSuffix)), *time};
}

std::string_view View(const rocksdb::Slice& slice) { return {slice.data(), slice.size()}; }

bool IsHex64(std::string_view text) {
  return text.size() == 64 && text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string Short(const std::string& hash) { return hash.substr(0, 12); }

class ProblemList {
 public:
  explicit ProblemList(VerifyReport* report) : report_(report) {}
  void Add(std::string kind, std::string doc, std::string where, std::string detail) {
    ++report_->problem_count;
    if (report_->problems.size() < VerifyReport::kMaxListed) {
      report_->problems.push_back(
          VerifyProblem{std::move(kind), std::move(doc), std::move(where), std::move(detail)});
    }
  }

 private:
  VerifyReport* report_;
};

// What Verify keeps of a first_seen/changed/reread event to check versions against it.
struct VersionEvent {
  std::string type;
  std::string doc;
  std::string hash;      // "hash" (first_seen) or "new_hash" (changed)
  std::string old_hash;  // "old_hash" (changed, reread); "" when absent
  int64_t index = 0;     // "version": the version's index in its history; 0 when absent
  int versions = 0;      // versions whose event_seq is this event
  // [fleet] a change from the fleet's version, held by another member: the text before it
  // here may be this very text (the page went back to what this member last saw).
  bool from_elsewhere = false;
};

// One integrity scan (Store::Verify), one column family after the other, all read at one
// snapshot: a commit running meanwhile is either wholly in it or not. Each phase adds what it
// finds to the report and keeps what a later phase checks against (the blobs' hashes, the
// version events, each document's newest text); a read error ends the scan.
class VerifyScan {
 public:
  VerifyScan(const Store::Impl& impl, VerifyReport* report)
      : impl_(impl), snapshot_(impl.db()), problems_(report), report_(*report) {
    read_.snapshot = snapshot_.snapshot();
    read_.fill_cache = false;  // a full scan would evict the daemon's working set
  }

  // A phase that cannot read on (a damaged block: RocksDB's checksum says so) is a problem of
  // the report, not the end of the scan: the operator learns what else is whole, and the
  // cross-checks that need the unread records are left out rather than reported as missing.
  Status Run() {
    struct Phase {
      Status (VerifyScan::*scan)();
      const char* records;
      bool* read_whole;
    };
    for (const Phase& phase : {Phase{&VerifyScan::ScanBlobs, "blobs", &blobs_whole_},
                               Phase{&VerifyScan::ScanEvents, "events", &events_whole_},
                               Phase{&VerifyScan::CheckLastSequence, "meta", nullptr},
                               Phase{&VerifyScan::ScanVersions, "versions", &versions_whole_},
                               Phase{&VerifyScan::ScanChecks, "checks", nullptr},
                               Phase{&VerifyScan::ScanDocStates, "doc states", nullptr}}) {
      Status s = (this->*phase.scan)();
      if (s.ok()) continue;
      if (s.code() != Status::Code::kCorruption && s.code() != Status::Code::kIoError) return s;
      problems_.Add("unreadable_data", "", phase.records,
                    s.message() + "; the " + phase.records +
                        " after it were not checked: restore the database from a backup "
                        "(policyctl backup, policyd --state-dir)");
      if (phase.read_whole != nullptr) *phase.read_whole = false;
    }
    return Status::Ok();
  }

 private:
  std::unique_ptr<rocksdb::Iterator> Scan(Cf family) const {
    std::unique_ptr<rocksdb::Iterator> it(impl_.db()->NewIterator(read_, impl_.cf(family)));
    it->SeekToFirst();
    return it;
  }

  // Blobs: content must match the key.
  Status ScanBlobs() {
    const auto it = Scan(Cf::kBlobs);
    for (; it->Valid(); it->Next()) {
      ++report_.blobs;
      const std::string key = it->key().ToString();
      if (!IsHex64(key)) {
        problems_.Add("bad_key", "", "blob " + key, "blob key is not a lower-case SHA-256");
      }
      const std::string actual = Sha256Hex(View(it->value()));
      if (actual != key) {
        problems_.Add(
            "blob_hash_mismatch", "", "blob " + key,
            "content hashes to " + actual + " (" + std::to_string(it->value().size()) + " bytes)");
      }
      blobs_.insert(key);
    }
    return it->status().ok() ? Status::Ok() : FromRocks(it->status(), "scanning blobs");
  }

  // Events: keys contiguous from 1, "seq" equal to the key; remember the version events.
  Status ScanEvents() {
    uint64_t expected = 1;
    const auto it = Scan(Cf::kEvents);
    for (; it->Valid(); it->Next()) {
      ++report_.events;
      const std::optional<uint64_t> seq = store_internal::DecodeBigEndian64(View(it->key()));
      if (!seq.has_value()) {
        problems_.Add("bad_key", "", "event key of " + std::to_string(it->key().size()) + " bytes",
                      "event key is not a big-endian u64");
        continue;
      }
      const std::string where = "event " + std::to_string(*seq);
      if (*seq != expected) {
        problems_.Add("event_gap", "", where,
                      *seq > expected ? "events " + std::to_string(expected) + ".." +
                                            std::to_string(*seq - 1) + " are missing"
                                      : "out of order");
      }
      expected = *seq + 1;
      report_.last_sequence = *seq;
      const std::optional<nlohmann::json> event =
          store_internal::ParseJsonObject(View(it->value()));
      if (!event.has_value()) {
        problems_.Add("unreadable_record", "", where, "event is not a JSON object");
        continue;
      }
      NoteEvent(*seq, *event, where);
    }
    return it->status().ok() ? Status::Ok() : FromRocks(it->status(), "scanning events");
  }

  // One readable event: its "seq" field, and what a version must agree with if it announces one.
  void NoteEvent(uint64_t seq, const nlohmann::json& event, const std::string& where) {
    const auto seq_field = event.find("seq");
    if (seq_field == event.end() || !seq_field->is_number_unsigned() ||
        seq_field->get<uint64_t>() != seq) {
      problems_.Add("event_seq_mismatch", event.value("doc", ""), where,
                    "the event's \"seq\" field does not equal its key");
    }
    const std::string type = event.value("type", "");
    if (!AnnouncesVersion(type)) return;
    VersionEvent& entry = version_events_[seq];
    entry.type = type;
    entry.from_elsewhere = event.contains("previous_member");
    entry.doc = event.value("doc", "");
    entry.hash =
        event.value(type == EventTypeName(EventType::kFirstSeen) ? "hash" : "new_hash", "");
    if (const auto old_hash = event.find("old_hash");
        old_hash != event.end() && old_hash->is_string()) {
      entry.old_hash = old_hash->get<std::string>();
    }
    if (const auto index = event.find("version"); index != event.end() && index->is_number()) {
      entry.index = index->is_number_integer() ? index->get<int64_t>() : -1;
    }
  }

  // The store's own record of the last sequence must not be ahead of the log.
  Status CheckLastSequence() {
    std::string meta;
    const rocksdb::Status status =
        impl_.db()->Get(read_, impl_.cf(Cf::kMeta), kLastSequenceKey, &meta);
    if (status.IsNotFound()) return Status::Ok();
    if (!status.ok()) return FromRocks(status, "reading last_sequence");
    const std::optional<uint64_t> value = ParseUint(meta);
    if (!value.has_value()) {
      problems_.Add("unreadable_record", "", "meta last_sequence", "not a number: " + meta);
    } else if (*value > report_.last_sequence) {
      problems_.Add("event_gap", "", "event " + std::to_string(report_.last_sequence + 1),
                    "events " + std::to_string(report_.last_sequence + 1) + ".." + meta +
                        " are missing (meta.last_sequence is " + meta + ")");
    }
    return Status::Ok();
  }

  // Versions, in key order (per document, oldest first): their blobs are stored, each is
  // announced by its own version event, which names its place in the history and the text
  // before it, and no two in a row hold the same text. Then every version event is announced
  // by exactly one version.
  Status ScanVersions() {
    const auto it = Scan(Cf::kVersions);
    std::string previous_doc;
    std::string previous_hash;
    int64_t index = 0;  // of the version in its document's history, from 1
    for (; it->Valid(); it->Next()) {
      ++report_.versions;
      const std::optional<DocTimeParts> key = SplitDocTimeKey(View(it->key()));
      if (!key.has_value()) {
        problems_.Add("bad_key", "", "version key " + it->key().ToString(true),
                      "not doc_id NUL be64 be64");
        continue;
      }
      const std::optional<nlohmann::json> j = store_internal::ParseJsonObject(View(it->value()));
      if (!j.has_value()) {
        problems_.Add("unreadable_record", key->doc, "version at " + std::to_string(key->time_ms),
                      "version record is not a JSON object");
        continue;
      }
      const VersionRecord version = VersionRecordFromJson(*j);
      const std::string where =
          "version " + std::to_string(version.time_ms) + " " + Short(version.text_hash);
      CheckVersionBlobs(key->doc, version, where);
      const bool same_doc = key->doc == previous_doc;
      index = same_doc ? index + 1 : 1;
      const bool from_elsewhere = CheckVersionEvent(
          key->doc, version, {index, same_doc ? previous_hash : std::string()}, where);
      if (same_doc && version.text_hash == previous_hash && !from_elsewhere) {
        problems_.Add("duplicate_consecutive_version", key->doc, where,
                      "the same text as the version before it");
      }
      previous_doc = key->doc;
      previous_hash = version.text_hash;
      newest_hash_[key->doc] = version.text_hash;
    }
    if (!it->status().ok()) return FromRocks(it->status(), "scanning versions");
    if (!blobs_whole_ || !events_whole_) return Status::Ok();
    for (const auto& [seq, event] : version_events_) {
      if (event.versions != 1) {
        problems_.Add("event_without_version", event.doc, "event " + std::to_string(seq),
                      event.type + " is announced by " + std::to_string(event.versions) +
                          " versions (expected exactly 1)");
      }
    }
    return Status::Ok();
  }

  void CheckVersionBlobs(const std::string& doc, const VersionRecord& version,
                         const std::string& where) {
    if (!blobs_whole_) return;  // the unread blobs are named already
    if (version.text_hash.empty() || blobs_.count(version.text_hash) == 0) {
      problems_.Add("missing_blob", doc, where,
                    "text blob " + version.text_hash + " is not stored");
    }
    if (version.raw_hash.empty() || blobs_.count(version.raw_hash) == 0) {
      problems_.Add("missing_blob", doc, where,
                    "raw HTML blob " + version.raw_hash + " is not stored");
    }
    if (!version.segment_ids_hash.empty() && blobs_.count(version.segment_ids_hash) == 0) {
      problems_.Add("missing_blob", doc, where,
                    "segment ids blob " + version.segment_ids_hash + " is not stored");
    }
  }

  // Where a version is in its document's history.
  struct HistoryPlace {
    int64_t index = 1;          // from 1
    std::string previous_text;  // the text hash of the version before it; "" for the first
  };

  // Counts the version against the event announcing it. True when that event is a change
  // from the fleet's version, held by another member (the text before it here may then be
  // this very text: the page went back to what this member last saw).
  bool CheckVersionEvent(const std::string& doc, const VersionRecord& version,
                         const HistoryPlace& place, const std::string& where) {
    const auto event = version_events_.find(version.event_seq);
    if (!events_whole_ && event == version_events_.end()) {
      // Its event may be among the unread ones.
    } else if (version.event_seq == 0 && !version.adopted_from.empty()) {
      // Adopted from another fleet member: announced in the fleet's stream by that member.
    } else if (event == version_events_.end()) {
      problems_.Add("version_event_missing", doc, where,
                    "event_seq " + std::to_string(version.event_seq) +
                        " is not a document.first_seen/changed/reread event");
    } else {
      ++event->second.versions;
      if (event->second.doc != doc || event->second.hash != version.text_hash) {
        problems_.Add("version_event_mismatch", doc, where,
                      "event " + std::to_string(version.event_seq) + " announces " +
                          event->second.doc + " " + Short(event->second.hash));
      } else {
        CheckHistoryPlace(doc, version.event_seq, event->second, place, where);
      }
    }
    return event != version_events_.end() && event->second.from_elsewhere;
  }

  // The event's "version" and "old_hash", where present, agree with the history: an event
  // that names a text stored nowhere, or another place, breaks the chain of hashes that an
  // analyzer or a reader of the evidence follows. A change from the fleet's version may follow
  // another text here (see CheckVersionEvent).
  void CheckHistoryPlace(const std::string& doc, uint64_t seq, const VersionEvent& event,
                         const HistoryPlace& place, const std::string& where) {
    const std::string named = "event " + std::to_string(seq);
    if (event.index != 0 && event.index != place.index) {
      problems_.Add("version_event_mismatch", doc, where,
                    named + " calls it version " + std::to_string(event.index) +
                        "; it is version " + std::to_string(place.index) + " of the history");
    }
    if (event.old_hash.empty() || event.from_elsewhere || event.old_hash == place.previous_text) {
      return;
    }
    problems_.Add("version_event_mismatch", doc, where,
                  named + "'s old_hash is " + Short(event.old_hash) + ", but " +
                      (place.previous_text.empty()
                           ? std::string("no version comes before it")
                           : "the version before it holds " + Short(place.previous_text)));
  }

  // Checks: a recorded text hash names a stored text.
  Status ScanChecks() {
    const auto it = Scan(Cf::kChecks);
    for (; it->Valid(); it->Next()) {
      ++report_.checks;
      const std::optional<DocTimeParts> key = SplitDocTimeKey(View(it->key()));
      const std::string doc = key.has_value() ? key->doc : "";
      const std::optional<nlohmann::json> j = store_internal::ParseJsonObject(View(it->value()));
      if (!key.has_value() || !j.has_value()) {
        problems_.Add("unreadable_record", doc, "check key " + it->key().ToString(true),
                      "bad check key or record");
        continue;
      }
      const CheckRecord check = CheckRecordFromJson(*j);
      // A "suspicious" check (the daemon's error-page guard) records the hash of a text it
      // deliberately held back instead of storing: there is no blob to find.
      if (blobs_whole_ && !check.text_hash.empty() && check.outcome != "suspicious" &&
          blobs_.count(check.text_hash) == 0) {
        problems_.Add("check_missing_blob", doc,
                      "check " + std::to_string(check.time_ms) + " " + check.outcome,
                      "text hash " + check.text_hash + " is not stored");
      }
    }
    return it->status().ok() ? Status::Ok() : FromRocks(it->status(), "scanning checks");
  }

  // Document states agree with their history.
  Status ScanDocStates() {
    const auto it = Scan(Cf::kDocs);
    for (; it->Valid(); it->Next()) {
      ++report_.docs;
      const std::string doc = it->key().ToString();
      const Result<DocState> decoded = store_internal::DecodeDocState(View(it->value()));
      if (!decoded.ok()) {
        problems_.Add("unreadable_record", doc, "doc state", decoded.status().message());
        continue;
      }
      const DocState& state = *decoded;
      if (!versions_whole_) continue;  // its newest version may be among the unread ones
      const auto newest = newest_hash_.find(doc);
      const std::string history_hash = newest == newest_hash_.end() ? "" : newest->second;
      if (state.last_text_hash != history_hash) {
        problems_.Add("doc_state_mismatch", doc, "doc state",
                      "last_text_hash " +
                          (state.last_text_hash.empty() ? "(none)" : Short(state.last_text_hash)) +
                          " but the newest version is " +
                          (history_hash.empty() ? "(none)" : Short(history_hash)));
      }
    }
    return it->status().ok() ? Status::Ok() : FromRocks(it->status(), "scanning doc states");
  }

  const Store::Impl& impl_;
  rocksdb::ManagedSnapshot snapshot_;
  rocksdb::ReadOptions read_;
  ProblemList problems_;
  VerifyReport& report_;
  std::unordered_set<std::string> blobs_;
  std::map<uint64_t, VersionEvent> version_events_;
  std::unordered_map<std::string, std::string> newest_hash_;  // doc -> text hash
  // Whether each family that later phases check against was read to its end.
  bool blobs_whole_ = true;
  bool events_whole_ = true;
  bool versions_whole_ = true;
};

}  // namespace

Result<VerifyReport> Store::Verify() const {
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  VerifyReport report;
  if (Status s = VerifyScan(*impl_, &report).Run(); !s.ok()) return s;
  return report;
}

namespace {

// Old check records, except those that made a version and each document's newest (the proof
// that it was verified, and when): deleted in batches (memory stays bounded on a large
// database). Check keys are never rewritten, so deleting outside the write mutex is safe.
Status DeleteOldChecks(Store::Impl& impl, int64_t cutoff, GcReport* report) {
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  const std::unique_ptr<rocksdb::Iterator> it(impl.db()->NewIterator(read, impl.cf(Cf::kChecks)));
  rocksdb::WriteBatch batch;
  const auto flush = [&]() -> Status {
    if (batch.Count() == 0) return Status::Ok();
    Status status = impl.Write(rocksdb::WriteOptions(), &batch, "deleting checks");
    batch.Clear();
    return status;
  };
  // Keys sort by document, then time: a deletable record is held until a later record of its
  // document shows that it is not the newest; a document's last record is never deleted.
  struct Held {
    std::string doc;
    std::string key;
    std::size_t bytes = 0;
  };
  std::optional<Held> held;
  const auto delete_held = [&]() -> Status {
    report->bytes_freed += held->bytes;
    ++report->checks_deleted;
    if (Status s = FromRocks(batch.Delete(impl.cf(Cf::kChecks), held->key), "batching"); !s.ok()) {
      return s;
    }
    held.reset();
    return batch.Count() >= 10'000 ? flush() : Status::Ok();
  };
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report->checks_scanned;
    const std::optional<DocTimeParts> key = SplitDocTimeKey(View(it->key()));
    if (!key.has_value()) continue;
    if (held && held->doc == key->doc) {
      if (Status s = delete_held(); !s.ok()) return s;
    }
    held.reset();  // another document's: that one's newest, kept
    if (static_cast<int64_t>(key->time_ms) >= cutoff) continue;
    const std::optional<nlohmann::json> j = store_internal::ParseJsonObject(View(it->value()));
    // An unreadable record is kept: verify reports it, and gc must not hide evidence.
    if (!j.has_value()) continue;
    const std::string outcome = j->value("outcome", "");
    if (outcome == "first_seen" || outcome == "changed" || outcome == "reread" ||
        outcome == "adopted") {
      continue;
    }
    held = Held{key->doc, it->key().ToString(), it->key().size() + it->value().size()};
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning checks");
  return flush();
}

// Every blob a version refers to (its text, raw capture and segment ids). Corruption when a
// version record is unreadable: what it refers to cannot be told, so no blob may be deleted.
Result<std::unordered_set<std::string>> ReferencedBlobs(const Store::Impl& impl) {
  std::unordered_set<std::string> referenced;
  const std::unique_ptr<rocksdb::Iterator> it(
      impl.db()->NewIterator(rocksdb::ReadOptions(), impl.cf(Cf::kVersions)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    const std::optional<nlohmann::json> j = store_internal::ParseJsonObject(View(it->value()));
    if (!j.has_value()) {
      return Status::Corruption("unreadable version record " + it->key().ToString(true) +
                                "; not collecting blobs (run policyctl verify)");
    }
    referenced.insert(j->value("text_hash", ""));
    referenced.insert(j->value("raw_hash", ""));
    referenced.insert(j->value("segment_ids_hash", ""));
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning versions");
  return referenced;
}

// Blobs no version refers to. Under the write mutex: no version can be written between the
// scan of references and the deletes; commits that saw a blob before re-check it
// (blob_generation).
Status DeleteUnreferencedBlobs(Store::Impl& impl, GcReport* report) {
  const std::lock_guard<std::mutex> lock(impl.write_mutex);
  const Result<std::unordered_set<std::string>> referenced = ReferencedBlobs(impl);
  if (!referenced.ok()) return referenced.status();
  rocksdb::ReadOptions read;
  read.fill_cache = false;
  const std::unique_ptr<rocksdb::Iterator> it(impl.db()->NewIterator(read, impl.cf(Cf::kBlobs)));
  rocksdb::WriteBatch batch;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    ++report->blobs_scanned;
    if (referenced->count(it->key().ToString()) > 0) continue;
    ++report->blobs_deleted;
    report->bytes_freed += it->key().size() + it->value().size();
    if (Status s = FromRocks(batch.Delete(impl.cf(Cf::kBlobs), it->key()), "batching"); !s.ok()) {
      return s;
    }
  }
  if (!it->status().ok()) return FromRocks(it->status(), "scanning blobs");
  if (batch.Count() == 0) return Status::Ok();
  impl.blob_generation.fetch_add(1);
  return impl.Write(rocksdb::WriteOptions(), &batch, "deleting blobs");
}

}  // namespace

Result<GcReport> Store::CollectGarbage(const GcOptions& options) {
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  GcReport report;
  const int64_t now_ms = options.now_ms != 0
                             ? options.now_ms
                             : std::chrono::duration_cast<std::chrono::milliseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count();
  const int64_t cutoff = now_ms - std::max<int64_t>(0, options.check_retention_ms);
  if (Status s = DeleteOldChecks(*impl_, cutoff, &report); !s.ok()) return s;
  if (Status s = DeleteUnreferencedBlobs(*impl_, &report); !s.ok()) return s;
  return report;
}

Status Store::CreateCheckpoint(const std::filesystem::path& dir) {
  std::error_code error;
  if (std::filesystem::exists(dir, error)) {
    return Status::InvalidArgument("backup target " + dir.string() + " already exists");
  }
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  rocksdb::Checkpoint* raw = nullptr;
  if (Status s = FromRocks(rocksdb::Checkpoint::Create(impl_->db(), &raw), "creating checkpoint");
      !s.ok()) {
    return s;
  }
  const std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  // log_size_for_flush = 0: memtables are flushed first, so the copy needs no WAL replay.
  return FromRocks(checkpoint->CreateCheckpoint(dir.string(), /*log_size_for_flush=*/0),
                   "checkpoint into " + dir.string());
}

Status Store::CompactForTest() {
  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  const std::vector<rocksdb::ColumnFamilyHandle*> families = impl_->database->AllFamilies();
  if (Status s = FromRocks(impl_->db()->Flush(rocksdb::FlushOptions(), families), "flush");
      !s.ok()) {
    return s;
  }
  for (rocksdb::ColumnFamilyHandle* family : families) {
    rocksdb::CompactRangeOptions compact;
    compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
    if (Status s =
            FromRocks(impl_->db()->CompactRange(compact, family, nullptr, nullptr), "compaction");
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

nlohmann::json ToJson(const VerifyReport& report) {
  nlohmann::json problems = nlohmann::json::array();
  for (const VerifyProblem& problem : report.problems) {
    problems.push_back({{"kind", problem.kind},
                        {"doc", problem.doc},
                        {"where", problem.where},
                        {"detail", problem.detail}});
  }
  return {{"ok", report.ok()},
          {"blobs", report.blobs},
          {"versions", report.versions},
          {"checks", report.checks},
          {"events", report.events},
          {"docs", report.docs},
          {"last_sequence", report.last_sequence},
          {"problem_count", report.problem_count},
          {"problems", std::move(problems)}};
}

nlohmann::json ToJson(const GcReport& report) {
  return {{"checks_scanned", report.checks_scanned},
          {"checks_deleted", report.checks_deleted},
          {"blobs_scanned", report.blobs_scanned},
          {"blobs_deleted", report.blobs_deleted},
          {"bytes_freed", report.bytes_freed}};
}

}  // namespace policyd

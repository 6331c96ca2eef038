// Store: policyd's durable record in RocksDB. Content-addressed blobs (SHA-256 via OpenSSL
// EVP), per-document versions, check records, document state and the event log.
//
// Column families (keys are sortable bytes; integers big-endian):
//   blobs    sha256 hex (64 bytes)               -> raw bytes (extracted text or raw HTML)
//   versions doc_id '\0' be64(capture ms) be64(seq) -> VersionRecord JSON
//   checks   doc_id '\0' be64(check ms) be64(n)  -> CheckRecord JSON
//   docs     doc_id                              -> DocState (binary, src/store/doc_state_codec.h)
//   events   be64(sequence)                      -> event JSON line (without '\n')
//   meta     "schema_version", "last_sequence", "webhook_cursor/" name -> decimal seq
//            (PutWebhookCursor), free keys (SetMeta/GetMeta)
// blobs, versions and events use zstd compression (RocksDB's, per column family).
//
// Contract: CommitCheck writes everything one check produced in ONE WriteBatch, so a crash
// leaves either all of it or none of it. Event sequence numbers are assigned inside that
// commit, contiguous from 1, in commit order. Concurrent commits are merged into one synced
// write (group commit); each returns once its group is durable. All methods are thread-safe.
#ifndef POLICYD_STORE_H_
#define POLICYD_STORE_H_

#include <cstdint>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/sha256.h"
#include "policyd/status.h"

namespace rocksdb {
class FileSystem;
}  // namespace rocksdb

namespace policyd {

// What RenderMode::kAuto found a document needs (DocState::render_choice): undecided until a
// check tells; kStatic when its page as served gave the text; kBrowser when it was an app
// shell and the browser's render gave the text; kNeither when the browser's render of the shell
// was empty too (the browser is then not tried again before render_retest_interval).
enum class RenderChoice { kUndecided, kStatic, kBrowser, kNeither };
const char* RenderChoiceName(RenderChoice choice);  // "", "static", "browser", "neither"

// Which fetcher produced a version's page (VersionRecord::fetcher).
enum class FetcherKind { kHttp, kBrowser };
const char* FetcherKindName(FetcherKind kind);  // "http", "browser"

struct DocState {
  std::string last_text_hash;  // hash of the current version's text; "" before the first
  std::string etag;            // validators of the last successful response
  std::string last_modified;
  // ValidatorsKey of the spec `etag` and `last_modified` were taken under (its URL and
  // extraction settings); 0: none known (no validators, or a state stored before they were
  // keyed). Sent only while the spec has the same key.
  uint64_t validators_key = 0;
  // The URL whose response `etag` and `last_modified` came from when the document's URL
  // redirected there; "" when they are the document's URL's own. Sent only to that URL.
  std::string validators_url;
  int64_t next_due_ms = 0;  // when the scheduler checks next; 0 = never scheduled
  int64_t last_check_ms = 0;
  int64_t last_success_ms = 0;
  int64_t last_change_ms = 0;
  // The last check that read the current version's text (its own, unchanged, not modified):
  // the start of the window in which the next change happened. 0: not known (a state stored
  // before it was kept).
  int64_t text_seen_ms = 0;
  int consecutive_failures = 0;
  bool failure_reported = false;  // document.fetch_failed has been emitted for this streak
  std::string last_error;         // reason class and message of the last failure, "" if none
  uint64_t version_count = 0;
  // Error-page guard: a text that shrank suspiciously is held back until it is seen again
  // (the same hash on consecutive checks) instead of becoming a version at once.
  std::string suspect_hash;
  int suspect_count = 0;
  int64_t suspect_since_ms = 0;  // the check that first read the held text; 0: none held
  // RenderMode::kAuto's remembered choice, and when the page was last tried as served.
  RenderChoice render_choice = RenderChoice::kUndecided;
  int64_t render_tested_ms = 0;
};

struct CheckRecord {
  int64_t time_ms = 0;
  // "first_seen", "changed", "unchanged", "not_modified", "adopted" ([fleet]) or "failed".
  std::string outcome;
  std::string reason;     // failure reason class ("timeout", "http_5xx", ...), "" on success
  std::string message;    // human-readable detail
  long http_status = 0;   // 0 when no response
  std::string raw_hash;   // SHA-256 of the body bytes as received (decoded), "" if none
  std::string text_hash;  // SHA-256 of the extracted text, "" if none
  int64_t duration_ms = 0;
  // Where the page's fetch ended when redirects led away from the URL asked for; "" when it
  // ended there (or no response came). Kept for every outcome: an unchanged text served from
  // a new address is evidence too.
  std::string final_url;
};

struct VersionRecord {
  int64_t time_ms = 0;  // capture time
  // When the change happened, as closely as the checks can tell: after `previous_seen_ms`, the
  // last check that read the previous version's text (0: none, or not known), and by
  // `held_since_ms`, the first check that read this text when it was held back as suspicious
  // before a later check confirmed it (0: not held; the text was first read at `time_ms`).
  int64_t previous_seen_ms = 0;
  int64_t held_since_ms = 0;
  std::string text_hash;
  std::string raw_hash;  // raw HTML blob of this version
  long http_status = 0;
  std::string url;                             // requested URL
  std::string final_url;                       // after redirects
  std::map<std::string, std::string> headers;  // selected response headers
  uint64_t event_seq = 0;                      // the first_seen/changed/reread event announcing it
  std::string policyd_version;                 // the policyd that captured it (evidence)
  // "http": the page as served (libcurl); "browser": the DOM after the page's scripts ran in
  // headless Chromium, whose product and version `browser_version` names (the raw blob is
  // then that DOM, serialised).
  FetcherKind fetcher = FetcherKind::kHttp;
  std::string browser_version;
  // The language of the text (DetectTextLanguage: "en", "fr", ...), "" when not reliable or
  // captured before languages were recorded.
  std::string lang;
  // True when the page was as before and only policyd's reading of it changed (an upgraded
  // extractor, new extraction settings): the previous version's raw capture, extracted again
  // now, gives this text. Announced as document.reread, never document.changed.
  bool reread = false;
  // The segment ids of this version (policyd/version_segments.h): a blob of
  // EncodeSegmentIds, split by rules version `segment_rules` (kSegmentRulesVersion); "" and 0
  // for versions stored before segments existed.
  std::string segment_ids_hash;
  int segment_rules = 0;
  // [fleet]: the member whose check announced this text, when this member adopted it as its
  // baseline without an event of its own (the fleet's stream holds that member's event;
  // policyd/fleet_baseline.h); event_seq is then 0. "" otherwise.
  std::string adopted_from;
};

// The event types that announce a version (the version's event_seq is theirs):
// document.first_seen, document.changed and document.reread.
bool AnnouncesVersion(std::string_view event_type);

struct StoredEvent {
  uint64_t seq = 0;
  std::string json;  // one JSON object, no trailing newline; contains "seq"
};

// Everything one check produced. Built by the worker that processed the check.
struct CheckCommit {
  std::string doc_id;
  CheckRecord check;
  // The document's new state, written as is: the caller maintains version_count and
  // last_text_hash (the store derives neither from the version it writes).
  DocState state;
  struct NewVersion {
    std::string text;      // extracted text (stored once under its hash)
    std::string raw_html;  // raw body (stored once under its hash)
    // SHA-256 hex of `text` and `raw_html` when the caller has already computed them (the
    // daemon hashes both to compare): the store then uses them instead of hashing megabytes
    // again (debug builds still check them). Empty: the store computes them.
    std::string text_hash;
    std::string raw_hash;
    // EncodeSegmentIds of the version's segments, stored once under its hash; "" for none.
    std::string segment_ids;
    VersionRecord record;  // text_hash/raw_hash/segment_ids_hash are filled by the store
  };
  std::optional<NewVersion> version;
  // Events to append, in order, without "seq": the store adds consecutive "seq" numbers
  // before writing. A check can raise more than one (document.recovered, then
  // document.changed). The version's event_seq is the seq of its first_seen/changed/reread event.
  std::vector<nlohmann::json> events;
  // Deletes the document's processing mark (MarkProcessing) in the same batch: once the check
  // is stored, a kill cannot leave its mark behind to call it interrupted at the next start.
  bool clears_processing_mark = false;
};

// What Store::Verify found. A problem names its class (`kind`), the document if any, the
// record it is about and what is wrong.
struct VerifyProblem {
  // "blob_hash_mismatch", "bad_key", "unreadable_record", "missing_blob", "check_missing_blob",
  // "version_event_missing", "version_event_mismatch" (also an event whose "version" or
  // "old_hash" disagrees with the history), "event_without_version",
  // "event_gap", "event_seq_mismatch", "doc_state_mismatch", "duplicate_consecutive_version",
  // "unreadable_data" (a damaged block: the records after it in that family are unread).
  std::string kind;
  std::string doc;     // document id, "" if none
  std::string where;   // the record: "blob <hash>", "version <time> <hash>", "event 17", ...
  std::string detail;  // what is wrong, for people
};

struct VerifyReport {
  uint64_t blobs = 0;
  uint64_t versions = 0;
  uint64_t checks = 0;
  uint64_t events = 0;
  uint64_t docs = 0;
  uint64_t last_sequence = 0;
  uint64_t problem_count = 0;           // every problem found
  std::vector<VerifyProblem> problems;  // the first kMaxListed of them
  static constexpr std::size_t kMaxListed = 1000;
  bool ok() const { return problem_count == 0; }
};

struct GcOptions {
  // Check records older than this are deleted, except those that created a version
  // (outcome first_seen/changed/reread): those are the evidence behind the history.
  int64_t check_retention_ms = int64_t{90} * 24 * 3600 * 1000;
  int64_t now_ms = 0;  // "now" for the retention cut-off; 0 = the wall clock
};

struct GcReport {
  uint64_t checks_scanned = 0;
  uint64_t checks_deleted = 0;
  uint64_t blobs_scanned = 0;
  uint64_t blobs_deleted = 0;  // blobs no version refers to (text or raw HTML)
  uint64_t bytes_freed = 0;    // uncompressed value bytes of the deleted records
};

nlohmann::json ToJson(const VerifyReport& report);
nlohmann::json ToJson(const GcReport& report);

struct StoreOptions {
  // fsync the WAL when a batch creates a version or an event (evidence must survive a power
  // loss); plain check records are written without sync (they survive a process kill).
  bool sync_on_version = true;
  // The file system RocksDB (and Recover's space probe) write through; null = the real one.
  // Tests inject a wrapper that fails writes as a full disk does.
  std::shared_ptr<rocksdb::FileSystem> file_system;
};

// The store's storage error: set by the first write that fails (or by a failed background
// flush or compaction), kept until Recover succeeds.
struct StorageError {
  std::string message;         // the first error of the episode, as RocksDB worded it
  int64_t since_ms = 0;        // when it happened (Unix ms)
  uint64_t failed_writes = 0;  // writes refused since (commits, doc states, meta)
  // RocksDB found stored data corrupt (a checksum mismatch in a data file): no reopen cures
  // that, so Recover refuses to try; the operator restores from a backup.
  bool corruption = false;
};

enum class RecoveryOutcome {
  kHealthy,   // there was no error to recover from
  kReopened,  // the database was closed and opened again; it takes writes
  kFailed,    // still failing: `error` says why; try again later
};

struct RecoveryResult {
  RecoveryOutcome outcome = RecoveryOutcome::kHealthy;
  Status error;  // why kFailed
  // LastSequence before and after. After a reopen they can differ: a write reported as failed
  // may have reached the WAL before its sync failed, and is then replayed whole (its events,
  // doc state and version): the owner must treat those events as committed.
  uint64_t last_sequence_before = 0;
  uint64_t last_sequence_after = 0;
};

class Store {
 public:
  // Opens (creating if needed) the database under `dir`. Fails with IoError if another
  // process holds it, Corruption if it cannot be read.
  static Result<std::unique_ptr<Store>> Open(const std::filesystem::path& dir,
                                             const StoreOptions& options = {});
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // Writes `commit` in one WriteBatch. On success, returns the stored events (with their
  // sequence numbers), in order; empty when the commit raised none.
  Result<std::vector<StoredEvent>> CommitCheck(const CheckCommit& commit);

  // Appends a stand-alone event (e.g. document.fetch_failed raised outside a check commit).
  Result<StoredEvent> AppendEvent(const nlohmann::json& event);

  Result<DocState> GetDocState(const std::string& doc_id) const;  // NotFound if none
  Status PutDocState(const std::string& doc_id, const DocState& state);
  // Every document state, keyed by id. A state that cannot be decoded is given to
  // unreadable(id, why) and left out; without `unreadable` it is Corruption.
  Result<std::map<std::string, DocState>> ListDocStates(
      const std::function<void(const std::string& id, const Status& why)>& unreadable = {}) const;
  // The states of `ids` (sorted, distinct), without a map of them all: visit(i, state) for
  // each ids[i] that has one, in order. One pass over the states from the first id to the
  // last, skipping (unread) those of other ids, so that a daemon starting with a million
  // documents makes one iteration, not a million lookups; a far gap is crossed by a seek.
  // A state that cannot be decoded is given to unreadable(i, why), and the scan goes on;
  // without `unreadable` it is Corruption. Callers may read disjoint lists on several threads
  // at once. `state` is valid during the call only (one DocState is reused for every record,
  // so that a million states do not cost a million times its allocations).
  Status ReadDocStates(
      std::span<const std::string_view> ids,
      const std::function<void(std::size_t index, const DocState& state)>& visit,
      const std::function<void(std::size_t index, const Status& why)>& unreadable = {}) const;
  // A document whose stored state cannot be decoded (a damaged record, or one a newer policyd
  // wrote before a downgrade) must not stay unwatched, nor stop the daemon: this rebuilds its
  // state from its history and newest checks (src/store/doc_state_repair.h says which fields
  // come from where and which start afresh), writes it, and keeps the unreadable record in
  // meta under "unreadable_doc_state/<doc_id>@<now_ms>", in the same synced batch: nothing
  // stored is lost. A state that decodes is returned as it is; NotFound if none is stored.
  Result<DocState> RepairDocState(const std::string& doc_id, int64_t now_ms);
  // The state RepairDocState would write for `doc_id`, without writing it: for read-only
  // callers that meet an unreadable state (the listing of documents no longer watched).
  Result<DocState> RebuiltDocState(const std::string& doc_id) const;
  // Removes a document's state (history, checks and blobs are kept: history is never lost).
  Status DeleteDocState(const std::string& doc_id);

  // Versions of `doc_id`, oldest first.
  Result<std::vector<VersionRecord>> GetHistory(const std::string& doc_id) const;
  // The document's newest version (the last of GetHistory) without reading the others;
  // NotFound when it has none.
  Result<VersionRecord> GetLatestVersion(const std::string& doc_id) const;
  // The newest `limit` check records of `doc_id`, newest first.
  Result<std::vector<CheckRecord>> GetChecks(const std::string& doc_id, std::size_t limit) const;
  // The blob stored under `sha256_hex`; NotFound if absent; Corruption when its bytes do not
  // hash to `sha256_hex` (altered behind the store's back: never given out as that content).
  Result<std::string> GetBlob(const std::string& sha256_hex) const;

  // Events with sequence > `after_seq`, in order, at most `max_count`, stopping before an
  // event that would take their JSON past `max_bytes` (the first is returned whatever its
  // size).
  // Commits become visible in sequence order, so a reader never sees a gap that is filled
  // later.
  Result<std::vector<StoredEvent>> ReadEvents(
      uint64_t after_seq, std::size_t max_count,
      std::size_t max_bytes = std::numeric_limits<std::size_t>::max()) const;
  uint64_t LastSequence() const;

  // "schema_version", "last_sequence", the "webhook_cursor/", "unreadable_doc_state/" and
  // "processing/" keys are the store's own:
  // SetMeta refuses them (InvalidArgument); GetMeta reads them.
  Status SetMeta(const std::string& key, const std::string& value);
  Result<std::string> GetMeta(const std::string& key) const;  // NotFound if absent

  // Webhook cursors (WebhookDispatcher, include/policyd/webhook.h): per webhook name, the
  // sequence number up to which it has handled the event log (every event at or below it was
  // delivered, did not match the webhook's filters, or was given up after max_attempts).
  // Kept in `meta` under "webhook_cursor/" + name as a decimal number. Written without sync:
  // a process kill (kill -9) keeps every write that returned; a power loss may take the last
  // ones back, which only means that those events are delivered again (at least once, never
  // lost). A cursor outlives its webhook's removal from the config (nothing deletes it), so
  // that a webhook removed by mistake and put back resumes where it was. Events are never
  // deleted (see CollectGarbage), so a lagging cursor never points at a pruned event.
  Status PutWebhookCursor(const std::string& name, uint64_t seq);
  // Every stored cursor, by name.
  Result<std::map<std::string, uint64_t>> ListWebhookCursors() const;

  // Checks in processing (the daemon's guard against a page that crashes it, docs/ARCHITECTURE.md):
  // while a worker processes a document's page, `meta` holds "processing/" + its id with the
  // number of processings of it in a row interrupted before this one. Written without sync: a
  // process kill keeps it, and a process kill is what it is for. A mark found at the next start
  // says that the process ended (crashed or was killed) while it processed that page.
  Status MarkProcessing(const std::string& doc_id, int interrupted_before);
  Status ClearProcessing(const std::string& doc_id);
  // Each marked document's interrupted processings in a row, the last one included (its
  // mark's count + 1), by id. The marks are deleted as they are read.
  Result<std::map<std::string, int>> TakeProcessingMarks();

  // Approximate on-disk size in bytes (SST + WAL).
  uint64_t ApproximateSizeBytes() const;

  // Full integrity scan (reads everything; seconds on a large database, so not on the io
  // thread): every blob matches its SHA-256 key; every version's text and raw hash resolve to
  // blobs; every check's non-empty text hash resolves (except "suspicious" checks, whose
  // text the daemon held back on purpose); every version's event_seq is a
  // first_seen/changed/reread event of that document announcing that hash (or 0 for a version
  // adopted from another fleet member: adopted_from), and every such event has
  // exactly one version; event sequences are contiguous from 1 to LastSequence(); each doc
  // state's last_text_hash is its newest version's hash; no document holds the same text twice
  // in a row. Problems are reported, not repaired. Fails only if the database cannot be read.
  // Runs on a consistent snapshot, so it may run while the daemon commits.
  Result<VerifyReport> Verify() const;

  // Retention: deletes check records older than `options.check_retention_ms` that did not
  // create a version, then every blob no version refers to. Versions and events are never
  // deleted. Safe while commits run (blob deletion is serialised with commits).
  Result<GcReport> CollectGarbage(const GcOptions& options = {});

  // A consistent copy of the live database in `dir` (RocksDB checkpoint: hard links where
  // possible), openable by Store::Open. `dir` must not exist; its parent must.
  Status CreateCheckpoint(const std::filesystem::path& dir);

  // RocksDB writes made for commits so far. Concurrent commits are written together (group
  // commit), so this grows more slowly than the number of commits under contention.
  uint64_t CommitWriteCount() const;

  // The storage error this store is in, if any (cheap: no I/O).
  std::optional<StorageError> CurrentStorageError() const;

  // Tries to leave the storage error: checks that the disk takes writes again (free space for
  // the memtables, a synced probe file), closes and reopens the database (never DB::Resume:
  // src/store/recovery.cc says why), then proves a synced write. Blocking (reopens, flushes
  // memtables): never call it from an event loop. While a reopen runs, other calls fail at
  // once with IoError (none waits for it); if the reopen fails, they fail so until a later
  // Recover succeeds. kHealthy when there is nothing to recover.
  RecoveryResult Recover();

  // Flushes memtables and compacts every column family fully, so that size measurements
  // reflect what is really stored (tests and benchmarks).
  Status CompactForTest();

  struct Impl;

 private:
  explicit Store(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// JSON (de)serialisation of the records, shared by the store and the control protocol.
nlohmann::json ToJson(const DocState& state);
nlohmann::json ToJson(const CheckRecord& check);
nlohmann::json ToJson(const VersionRecord& version);
DocState DocStateFromJson(const nlohmann::json& j);
CheckRecord CheckRecordFromJson(const nlohmann::json& j);
VersionRecord VersionRecordFromJson(const nlohmann::json& j);

}  // namespace policyd

#endif  // POLICYD_STORE_H_

// Control commands over the stored record (issue 4): verify, gc, evidence, text, backup, and
// removed (documents no longer watched whose history is kept).
// Every one reads the store on the worker pool and answers on the io thread, like HandleDiff:
// the scans (verify, gc, backup, removed) read the whole database, and evidence and text read
// a history and a blob (a raw capture may be megabytes), which the io thread never waits for.
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "daemon.h"
#include "policyd/base64.h"
#include "policyd/clock.h"
#include "policyd/file_read.h"
#include "policyd/json_text.h"
#include "policyd/node_id.h"
#include "policyd/private_files.h"
#include "policyd/utf8.h"
#include "version_ref.h"

namespace policyd {

namespace asio = boost::asio;

namespace {

std::string StringOr(const nlohmann::json& object, const char* key, const std::string& fallback) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

// A document that is no longer watched, as `list` shows watched ones: its target file may be
// gone, so platform, type and URL come from the event that announced its newest version
// (else from the id).
nlohmann::json RemovedDocumentJson(const Store& store, const std::string& id,
                                   const DocState& state) {
  const std::size_t slash = id.find('/');
  std::string platform = id.substr(0, slash);
  std::string type = slash == std::string::npos ? id : id.substr(slash + 1);
  std::string url;
  if (auto history = store.GetHistory(id); history.ok() && !history->empty()) {
    url = history->back().url;
    if (const auto event = AnnouncingEvent(store, history->back()); event.is_object()) {
      platform = StringOr(event, "platform", platform);
      type = StringOr(event, "doc_type", type);
    }
  }
  return {{"id", id},
          {"platform", platform},
          {"type", type},
          {"url", url},
          {"versions", state.version_count},
          {"last_change", state.last_change_ms > 0
                              ? nlohmann::json(FormatTimestamp(state.last_change_ms))
                              : nlohmann::json()},
          {"watched", false}};
}

// verify: the integrity scan, timed; its problems are logged as an error.
nlohmann::json VerifyJson(const Store& store) {
  const auto started = std::chrono::steady_clock::now();
  Result<VerifyReport> report = store.Verify();
  if (!report.ok()) return ControlErrorFromStatus(report.status());
  nlohmann::json result = ToJson(*report);
  result["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (!report->ok()) spdlog::error("verify: {} problem(s) in the database", report->problem_count);
  return ControlOk(std::move(result));
}

// gc's options: the config's check retention, or the request's; nullopt when the request's is
// not a duration.
// The request's check_retention, in the config's range (policyd/config.h), else the config's.
Result<GcOptions> GcOptionsOf(const nlohmann::json& request,
                              std::chrono::milliseconds configured_retention) {
  GcOptions options;
  options.check_retention_ms = configured_retention.count();
  if (const auto it = request.find("check_retention"); it != request.end() && !it->is_null()) {
    const auto parsed = it->is_string() ? ParseDuration(it->get<std::string>()) : std::nullopt;
    if (!parsed) {
      return Status::InvalidArgument("check_retention must be a duration such as \"90d\"");
    }
    if (*parsed < kMinCheckRetention || *parsed > kMaxCheckRetention) {
      return Status::InvalidArgument(
          "check_retention must be between " + FormatDuration(kMinCheckRetention) + " and " +
          FormatDuration(kMaxCheckRetention) + ", not " + it->get<std::string>() +
          " (a shorter one would delete the records that prove pages were verified unchanged)");
    }
    options.check_retention_ms = parsed->count();
  }
  return options;
}

nlohmann::json CollectGarbageJson(Store& store, const GcOptions& options) {
  Result<GcReport> report = store.CollectGarbage(options);
  if (!report.ok()) return ControlErrorFromStatus(report.status());
  spdlog::info("gc: {} check record(s) and {} blob(s) deleted", report->checks_deleted,
               report->blobs_deleted);
  nlohmann::json result = ToJson(*report);
  result["check_retention"] = FormatDuration(std::chrono::milliseconds(options.check_retention_ms));
  result["database_bytes"] = store.ApproximateSizeBytes();
  return ControlOk(std::move(result));
}

// evidence: one version's record (default: the newest) with the event that announced it: the
// analyzers' view of the same capture. `spec` is the document's when it is watched.
nlohmann::json EvidenceJson(const Store& store, const std::string& doc_id, const std::string& ref,
                            const DocumentSpec* spec) {
  auto history = store.GetHistory(doc_id);
  if (!history.ok()) return ControlErrorFromStatus(history.status());
  const auto index = ResolveVersionOr(*history, ref, NewestIndex(*history));
  if (!index) return NoSuchVersion(doc_id, ref, history->size());
  const VersionRecord& version = (*history)[*index];
  nlohmann::json result = ToJson(version);
  result["doc"] = doc_id;
  result["index"] = *index + 1;
  result["versions"] = history->size();
  AddVersionTimes(version, &result);
  nlohmann::json event = AnnouncingEvent(store, version);
  if (spec != nullptr) {
    result["platform"] = spec->platform;
    result["type"] = spec->type;
  } else if (event.is_object()) {
    // A document no longer watched (`remove` keeps its history): as its event announced it.
    result["platform"] = event.value("platform", std::string());
    result["type"] = event.value("doc_type", std::string());
  }
  if (!event.is_discarded()) result["event"] = std::move(event);
  return ControlOk(std::move(result));
}

// text: a stored text or raw capture of the document's history, by hash. Only those: the
// control socket is not a blob browser.
nlohmann::json StoredTextJson(const Store& store, const std::string& doc_id,
                              const std::string& hash) {
  auto history = store.GetHistory(doc_id);
  if (!history.ok()) return ControlErrorFromStatus(history.status());
  const bool known = std::any_of(history->begin(), history->end(), [&](const VersionRecord& v) {
    return v.text_hash == hash || v.raw_hash == hash;
  });
  if (!known) {
    return ControlError("not_found", "no version of '" + doc_id + "' has hash '" + hash + "'");
  }
  auto blob = store.GetBlob(hash);
  if (!blob.ok()) return ControlErrorFromStatus(blob.status());
  // Raw HTML may be in any charset but JSON needs UTF-8: a round trip through dump with
  // `replace` turns invalid bytes into U+FFFD (extracted texts are UTF-8 already). The exact
  // bytes, whose SHA-256 the evidence names, then come as base64 too.
  const std::string quoted = JsonText(nlohmann::json(*blob));
  nlohmann::json result = {{"doc", doc_id},
                           {"hash", hash},
                           {"bytes", blob->size()},
                           {"text", nlohmann::json::parse(quoted)}};
  if (!IsValidUtf8(*blob)) result["base64"] = Base64Encode(*blob);
  return ControlOk(std::move(result));
}

// removed: the documents with a history that are not among `watched` (sorted ids).
nlohmann::json RemovedDocumentsJson(const Store& store, const std::vector<std::string>& watched) {
  // A state that cannot be decoded does not hide the others: that document is listed with
  // the state its history gives (the daemon repairs it if it is watched again).
  std::vector<std::string> unreadable;
  auto states = store.ListDocStates([&unreadable](const std::string& id, const Status& why) {
    spdlog::warn("{}; listed from its history", why.message());
    unreadable.push_back(id);
  });
  if (!states.ok()) return ControlErrorFromStatus(states.status());
  for (const std::string& id : unreadable) {
    auto rebuilt = store.RebuiltDocState(id);
    if (!rebuilt.ok()) return ControlErrorFromStatus(rebuilt.status());
    states->emplace(id, std::move(*rebuilt));
  }
  nlohmann::json documents = nlohmann::json::array();
  for (const auto& [id, state] : *states) {
    if (state.version_count == 0 || std::binary_search(watched.begin(), watched.end(), id)) {
      continue;
    }
    documents.push_back(RemovedDocumentJson(store, id, state));
  }
  return ControlOk({{"documents", std::move(documents)}});
}

// The run-time target files (`policyctl add`: <state_dir>/targets/*.toml) copied into
// `target`, each written atomically with the daemon's private modes; how many. They are
// copied after the checkpoint: a document added meanwhile is in the copy without history (a
// restore checks it afresh), never in the history without being watched.
Result<std::size_t> CopyRuntimeTargets(const std::filesystem::path& runtime_dir,
                                       const std::filesystem::path& target) {
  // A target file is a few KiB; this only bounds what a stray file could make us read.
  constexpr std::size_t kMaxTargetFileBytes = std::size_t{16} << 20;
  std::error_code error;
  if (!std::filesystem::is_directory(runtime_dir, error)) return std::size_t{0};
  if (Status s = CreatePrivateDirectory(target, ExistingDirectory::kEnforceMode); !s.ok()) {
    return s;
  }
  std::size_t copied = 0;
  for (const auto& entry : std::filesystem::directory_iterator(runtime_dir, error)) {
    const std::filesystem::path& path = entry.path();
    if (path.extension() != ".toml" || path.filename().string().starts_with('.') ||
        !entry.is_regular_file(error)) {
      continue;
    }
    Result<std::string> text = ReadRegularFile(path, kMaxTargetFileBytes);
    if (!text.ok()) return text.status();
    if (Status s = WritePrivateFileAtomically(target / path.filename(), *text); !s.ok()) return s;
    ++copied;
  }
  if (error) return Status::IoError(runtime_dir.string() + ": " + error.message());
  return copied;
}

// backup: a checkpoint of the store in `target`/db, the same shape as <state_dir>/db, and the
// run-time target files in `target`/targets as in <state_dir>/targets, so that
// `policyd --state-dir DIR` opens it with every document it watched. The checkpoint is made
// as `target`/db.partial and named db only once the target files are beside it: a backup that
// stops half-way (an error, a full disk, the daemon killed) leaves no db that would open as
// complete while it watches less, and the same backup can be run again.
// The checkpoint at `db` gets a node id of its own (node_id.h): restored, its events after the
// backup must not publish under the message ids the original used for other events. Returns
// the copy's last event: the live database's is already ahead of it while checks run.
Result<uint64_t> RenewCopysNodeId(const std::filesystem::path& db) {
  Result<std::unique_ptr<Store>> copy = Store::Open(db);
  if (!copy.ok()) return copy.status();
  Result<std::string> renewed = RenewNodeId(**copy);
  if (!renewed.ok()) return renewed.status();
  if (!renewed->empty()) spdlog::info("backup: the copy's node id is {}", *renewed);
  return (*copy)->LastSequence();
}

// Why `target` cannot take a backup (an empty string when it can): a backup writes only into
// what is new or its own. `live_db` is the running daemon's database.
std::string RefuseBackupTarget(const std::filesystem::path& target,
                               const std::filesystem::path& live_db) {
  std::error_code error;
  const std::filesystem::path resolved = std::filesystem::weakly_canonical(target, error);
  const std::filesystem::path live = std::filesystem::weakly_canonical(live_db, error);
  if (!error && std::mismatch(live.begin(), live.end(), resolved.begin(), resolved.end()).first ==
                    live.end()) {
    return target.string() + " is inside the daemon's own database (" + live.string() +
           "): back up to a directory outside the state directory";
  }
  if (std::filesystem::exists(target, error) && !std::filesystem::is_directory(target, error)) {
    return target.string() + " exists and is not a directory";
  }
  const std::filesystem::path db = target / "db";
  if (std::filesystem::equivalent(db, live_db, error)) {
    return target.string() + " is the daemon's own state directory: back up to another one";
  }
  if (std::filesystem::exists(db, error)) {
    return "backup target " + db.string() +
           " already exists: a backup goes to a new or empty directory (remove it first or "
           "choose another)";
  }
  // Its target files would replace files of the same names there, which may be the operator's
  // own (a config's targets_dir): only the leftovers of this backup's unfinished run may stay.
  const std::filesystem::path targets = target / "targets";
  if (std::filesystem::is_directory(targets, error) &&
      !std::filesystem::exists(target / "db.partial", error) &&
      std::filesystem::directory_iterator(targets, error) !=
          std::filesystem::directory_iterator()) {
    return targets.string() +
           " already holds files, which the backup's target files would overwrite (is it a "
           "targets_dir?): back up to a new or empty directory";
  }
  return "";
}

nlohmann::json BackupJson(Store& store, const std::filesystem::path& target,
                          const std::filesystem::path& state_dir) {
  if (std::string refused = RefuseBackupTarget(target, state_dir / "db"); !refused.empty()) {
    return ControlError("invalid_argument", std::move(refused));
  }
  std::error_code error;
  std::filesystem::create_directories(target, error);
  if (error) {
    return ControlError("internal", "cannot create " + target.string() + ": " + error.message());
  }
  const std::filesystem::path db = target / "db";
  const std::filesystem::path partial = target / "db.partial";
  std::filesystem::remove_all(partial, error);  // what a backup that stopped half-way left
  const auto started = std::chrono::steady_clock::now();
  if (Status s = store.CreateCheckpoint(partial); !s.ok()) return ControlErrorFromStatus(s);
  const Result<uint64_t> last_seq = RenewCopysNodeId(partial);
  if (!last_seq.ok()) {
    std::error_code ignored;
    std::filesystem::remove_all(partial, ignored);
    return ControlErrorFromStatus(last_seq.status());
  }
  const Result<std::size_t> targets = CopyRuntimeTargets(state_dir / "targets", target / "targets");
  if (targets.ok()) std::filesystem::rename(partial, db, error);
  if (!targets.ok() || error) {
    std::error_code ignored;
    std::filesystem::remove_all(partial, ignored);
    if (!targets.ok()) return ControlErrorFromStatus(targets.status());
    return ControlError("internal", "cannot rename " + partial.string() + ": " + error.message());
  }
  spdlog::info("backup: checkpoint written to {}, {} run-time target file(s) beside it",
               db.string(), *targets);
  return ControlOk(
      {{"dir", target.string()},
       {"db", db.string()},
       {"runtime_target_files", *targets},
       {"last_seq", *last_seq},
       {"seconds",
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}});
}

}  // namespace

void Daemon::RespondFromPool(std::function<nlohmann::json()> work,
                             std::function<void(nlohmann::json)> respond) {
  asio::post(workers_, [this, work = std::move(work), respond = std::move(respond)]() {
    nlohmann::json response = work();
    asio::post(io_, [this, respond, response = std::move(response)]() mutable {
      // A backup's checkpoint or gc's deletes on a full disk leave the store refusing writes:
      // said now, not at the next status tick.
      NoteStoreHealth();
      respond(std::move(response));
    });
  });
}

bool Daemon::HandleStoreCommand(const std::string& cmd, const nlohmann::json& request,
                                std::function<void(nlohmann::json)>& respond) {
  // The pool's work outlives this call, never the store (~Daemon joins the pool first).
  Store* const store = store_.get();
  const auto on_pool = [this, &respond](std::function<nlohmann::json()> work) {
    RespondFromPool(std::move(work), std::move(respond));
  };
  if (cmd == "verify") {
    on_pool([store] { return VerifyJson(*store); });
  } else if (cmd == "gc") {
    const Result<GcOptions> options = GcOptionsOf(request, config_.check_retention);
    if (!options.ok()) {
      respond(ControlErrorFromStatus(options.status()));
      return true;
    }
    on_pool([store, options = *options] { return CollectGarbageJson(*store, options); });
  } else if (cmd == "evidence") {
    const std::string doc_id = request.value("doc", std::string());
    const Document* doc = documents_.Find(doc_id);
    std::shared_ptr<const DocumentSpec> spec = doc != nullptr ? doc->spec : nullptr;
    on_pool([store, doc_id, ref = request.value("version", std::string()), spec] {
      return EvidenceJson(*store, doc_id, ref, spec.get());
    });
  } else if (cmd == "text") {
    on_pool([store, doc_id = request.value("doc", std::string()),
             hash = request.value("hash", std::string())] {
      return StoredTextJson(*store, doc_id, hash);
    });
  } else if (cmd == "removed") {
    // Documents no longer watched whose history is kept (`remove` keeps it): `export` must
    // not leave them out. Their states are listed from the store, on the pool.
    std::vector<std::string> watched;  // sorted: documents_ iterates in id order
    watched.reserve(documents_.size());
    for (const Document& doc : documents_) watched.push_back(doc.spec->id);
    on_pool(
        [store, watched = std::move(watched)] { return RemovedDocumentsJson(*store, watched); });
  } else if (cmd == "segments" || cmd == "offsets") {
    HandleSegmentCommand(cmd, request, std::move(respond));
  } else if (cmd == "backup") {
    const std::string dir = request.value("dir", std::string());
    const std::filesystem::path target(dir);
    if (dir.empty() || !target.is_absolute()) {
      respond(ControlError("invalid_argument", "backup needs an absolute \"dir\""));
      return true;
    }
    on_pool([store, target, state_dir = config_.state_dir] {
      return BackupJson(*store, target, state_dir);
    });
  } else {
    return false;
  }
  return true;
}

}  // namespace policyd

// Control commands over the stored record (issue 4): verify, gc, evidence, text, backup, and
// removed (documents no longer watched whose history is kept).
// The scans (verify, gc, backup) read the whole database, so they run on the worker pool and
// answer on the io thread, like HandleDiff; evidence and text are point reads.
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>

#include "daemon.h"
#include "policyd/clock.h"
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

}  // namespace

void Daemon::RespondFromPool(std::function<nlohmann::json()> work,
                             std::function<void(nlohmann::json)> respond) {
  asio::post(workers_, [this, work = std::move(work), respond = std::move(respond)]() {
    nlohmann::json response = work();
    asio::post(
        io_, [respond, response = std::move(response)]() mutable { respond(std::move(response)); });
  });
}

bool Daemon::HandleStoreCommand(const std::string& cmd, const nlohmann::json& request,
                                std::function<void(nlohmann::json)>& respond) {
  auto on_pool = [this, &respond](std::function<nlohmann::json()> work) {
    RespondFromPool(std::move(work), std::move(respond));
  };

  if (cmd == "verify") {
    on_pool([this]() {
      const auto started = std::chrono::steady_clock::now();
      Result<VerifyReport> report = store_->Verify();
      if (!report.ok()) return ControlErrorFromStatus(report.status());
      nlohmann::json result = ToJson(*report);
      result["seconds"] =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
      if (!report->ok()) {
        spdlog::error("verify: {} problem(s) in the database", report->problem_count);
      }
      return ControlOk(std::move(result));
    });
    return true;
  }
  if (cmd == "gc") {
    GcOptions options;
    options.check_retention_ms = config_.check_retention.count();
    if (const auto it = request.find("check_retention"); it != request.end() && !it->is_null()) {
      const auto parsed = it->is_string() ? ParseDuration(it->get<std::string>()) : std::nullopt;
      if (!parsed) {
        respond(
            ControlError("invalid_argument", "check_retention must be a duration such as \"90d\""));
        return true;
      }
      options.check_retention_ms = parsed->count();
    }
    on_pool([this, options]() {
      Result<GcReport> report = store_->CollectGarbage(options);
      if (!report.ok()) return ControlErrorFromStatus(report.status());
      spdlog::info("gc: {} check record(s) and {} blob(s) deleted", report->checks_deleted,
                   report->blobs_deleted);
      nlohmann::json result = ToJson(*report);
      result["check_retention"] =
          FormatDuration(std::chrono::milliseconds(options.check_retention_ms));
      result["database_bytes"] = store_->ApproximateSizeBytes();
      return ControlOk(std::move(result));
    });
    return true;
  }
  if (cmd == "evidence") {
    const std::string doc_id = request.value("doc", std::string());
    auto history = store_->GetHistory(doc_id);
    if (!history.ok()) {
      respond(ControlErrorFromStatus(history.status()));
      return true;
    }
    const std::string ref = request.value("version", std::string());
    const auto index = ResolveVersionOr(*history, ref, NewestIndex(*history));
    if (!index) {
      respond(NoSuchVersion(doc_id, ref, history->empty()));
      return true;
    }
    const VersionRecord& version = (*history)[*index];
    nlohmann::json result = ToJson(version);
    result["doc"] = doc_id;
    result["index"] = *index + 1;
    result["versions"] = history->size();
    result["time"] = FormatTimestamp(version.time_ms);
    if (const Document* doc = documents_.Find(doc_id)) {
      result["platform"] = doc->spec->platform;
      result["type"] = doc->spec->type;
    }
    // The event that announced it: the analyzers' view of the same capture.
    if (auto event = AnnouncingEvent(*store_, version); !event.is_discarded()) {
      result["event"] = std::move(event);
    }
    respond(ControlOk(std::move(result)));
    return true;
  }
  if (cmd == "text") {
    const std::string doc_id = request.value("doc", std::string());
    const std::string hash = request.value("hash", std::string());
    auto history = store_->GetHistory(doc_id);
    if (!history.ok()) {
      respond(ControlErrorFromStatus(history.status()));
      return true;
    }
    // Only texts of this document's history: the control socket is not a blob browser.
    const bool known = std::any_of(history->begin(), history->end(), [&](const VersionRecord& v) {
      return v.text_hash == hash || v.raw_hash == hash;
    });
    if (!known) {
      respond(ControlError("not_found", "no version of '" + doc_id + "' has hash '" + hash + "'"));
      return true;
    }
    auto blob = store_->GetBlob(hash);
    if (!blob.ok()) {
      respond(ControlErrorFromStatus(blob.status()));
      return true;
    }
    // Raw HTML may be in any charset but JSON needs UTF-8: a round trip through dump with
    // `replace` turns invalid bytes into U+FFFD (extracted texts are UTF-8 already).
    const std::string quoted =
        nlohmann::json(*blob).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    respond(ControlOk({{"doc", doc_id},
                       {"hash", hash},
                       {"bytes", blob->size()},
                       {"text", nlohmann::json::parse(quoted)}}));
    return true;
  }
  if (cmd == "removed") {
    // Documents no longer watched whose history is kept (`remove` keeps it): `export` must
    // not leave them out. Their states are listed from the store, on the pool.
    std::vector<std::string> watched;  // sorted: documents_ iterates in id order
    watched.reserve(documents_.size());
    for (const Document& doc : documents_) watched.push_back(doc.spec->id);
    on_pool([this, watched = std::move(watched)]() {
      auto states = store_->ListDocStates();
      if (!states.ok()) return ControlErrorFromStatus(states.status());
      nlohmann::json documents = nlohmann::json::array();
      for (const auto& [id, state] : *states) {
        if (state.version_count == 0 || std::binary_search(watched.begin(), watched.end(), id)) {
          continue;
        }
        documents.push_back(RemovedDocumentJson(*store_, id, state));
      }
      return ControlOk({{"documents", std::move(documents)}});
    });
    return true;
  }
  if (cmd == "segments" || cmd == "offsets") {
    HandleSegmentCommand(cmd, request, std::move(respond));
    return true;
  }
  if (cmd == "backup") {
    const std::string dir = request.value("dir", std::string());
    const std::filesystem::path target(dir);
    if (dir.empty() || !target.is_absolute()) {
      respond(ControlError("invalid_argument", "backup needs an absolute \"dir\""));
      return true;
    }
    on_pool([this, target]() {
      std::error_code error;
      std::filesystem::create_directories(target, error);
      if (error) {
        return ControlError("internal",
                            "cannot create " + target.string() + ": " + error.message());
      }
      // The store lives in <state_dir>/db: the copy has the same shape, so `policyd
      // --state-dir DIR` opens it.
      const std::filesystem::path db = target / "db";
      const auto started = std::chrono::steady_clock::now();
      if (Status s = store_->CreateCheckpoint(db); !s.ok()) return ControlErrorFromStatus(s);
      spdlog::info("backup: checkpoint written to {}", db.string());
      return ControlOk(
          {{"dir", target.string()},
           {"db", db.string()},
           {"last_seq", store_->LastSequence()},
           {"seconds",
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count()}});
    });
    return true;
  }
  return false;
}

}  // namespace policyd

// The daemon's side of the control protocol: what each command does. Framing and errors
// for malformed requests live in src/control; this file only maps commands to actions.
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <optional>
#include <span>
#include <utility>
#include <variant>

#include "daemon.h"
#include "list_filter.h"
#include "policyd/check_wait.h"
#include "policyd/clock.h"
#include "policyd/did_you_mean.h"
#include "policyd/diff.h"
#include "policyd/document_status.h"
#include "version_ref.h"

namespace policyd {

namespace asio = boost::asio;

namespace {

nlohmann::json TimeOrNull(int64_t ms) {
  return ms > 0 ? nlohmann::json(FormatTimestamp(ms)) : nlohmann::json();
}

// A selector list argument: absent or null (none), a string, or an array of strings; nullopt
// for anything else, which the caller refuses rather than drop.
std::optional<std::vector<std::string>> SelectorList(const nlohmann::json& request,
                                                     const char* key) {
  std::vector<std::string> out;
  const auto it = request.find(key);
  if (it == request.end() || it->is_null()) return out;
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
    return out;
  }
  if (!it->is_array()) return std::nullopt;
  for (const auto& item : *it) {
    if (!item.is_string()) return std::nullopt;
    out.push_back(item.get<std::string>());
  }
  return out;
}

// The arguments add reads: another one is a mistake (a misspelt "select" would watch the
// whole page), refused with the closest name.
const std::vector<std::string>& AddArguments() {
  static const std::vector<std::string> names = {"cmd",    "id",     "platform", "type",    "url",
                                                 "select", "remove", "render",   "interval"};
  return names;
}

enum class ArgumentType { kString, kBoolean, kCount };

// Arguments the commands read with one JSON type (json::value(), which throws on another
// type): checked once before any handler runs, so that a client's wrong type is answered as
// its mistake (invalid_argument, naming the argument) and not as an "internal" error.
// Arguments a handler validates itself (check's "all", "wait" and "timeout", events' "since"
// and "limit", offsets' "at", add's "select" and "remove") are not listed.
constexpr std::pair<const char*, ArgumentType> kTypedArguments[] = {
    {"doc", ArgumentType::kString},      {"a", ArgumentType::kString},
    {"b", ArgumentType::kString},        {"version", ArgumentType::kString},
    {"hash", ArgumentType::kString},     {"from", ArgumentType::kString},
    {"to", ArgumentType::kString},       {"dir", ArgumentType::kString},
    {"platform", ArgumentType::kString}, {"type", ArgumentType::kString},
    {"url", ArgumentType::kString},      {"interval", ArgumentType::kString},
    {"render", ArgumentType::kString},   {"word", ArgumentType::kBoolean},
    {"color", ArgumentType::kBoolean},   {"context", ArgumentType::kCount},
};

// Diff context beyond this many lines is the whole text anyway, and bounds the output.
constexpr uint64_t kMaxDiffContext = 100'000;

// null, or the invalid_argument answer for the first argument of the wrong type. A JSON null
// is a wrong type too (the handlers' json::value() would throw on it): a client that means
// "not given" leaves the key out, as policyctl does.
nlohmann::json ArgumentTypeError(const nlohmann::json& request) {
  for (const auto& [key, type] : kTypedArguments) {
    const auto it = request.find(key);
    if (it == request.end()) continue;
    const bool ok = type == ArgumentType::kString ? it->is_string()
                    : type == ArgumentType::kBoolean
                        ? it->is_boolean()
                        : it->is_number_unsigned() && it->get<uint64_t>() <= kMaxDiffContext;
    if (ok) continue;
    const char* expected = type == ArgumentType::kString    ? "a string"
                           : type == ArgumentType::kBoolean ? "true or false"
                                                            : "an integer from 0 to 100000";
    return ControlError("invalid_argument", std::string("\"") + key + "\" must be " + expected);
  }
  return nullptr;
}

// The hosts whose pages are held now (a 429's wait, a struggling server's rest), at most
// kHeldHostsShown of them, by host.
constexpr std::size_t kHeldHostsShown = 20;
nlohmann::json HeldHostsJson(const Fetcher& fetcher) {
  nlohmann::json held = nlohmann::json::array();
  for (const HeldHost& host : fetcher.HeldHosts()) {
    if (held.size() == kHeldHostsShown) break;
    held.push_back({{"host", host.host},
                    {"kind", host.rest ? "rest" : "asked"},
                    {"seconds_left", (host.left.count() + 999) / 1000},
                    {"why", host.why}});
  }
  return held;
}

}  // namespace

nlohmann::json Daemon::StatusJson() const {
  std::size_t failing = 0;
  std::size_t reported = 0;
  for (const Document& doc : documents_) {
    failing += doc.packed_state().consecutive_failures() > 0;
    reported += doc.packed_state().failure_reported();
  }
  const auto next_due = scheduler_.NextDueMs();
  return {{"version", POLICYD_VERSION},
          {"pid", getpid()},
          {"started", FormatTimestamp(started_ms_)},
          {"uptime_seconds", (NowUnixMillis() - started_ms_) / 1000},
          {"state_dir", config_.state_dir.string()},
          {"documents", documents_.size()},
          {"failing", failing},
          {"failure_reported", reported},
          {"checks_in_progress", outstanding_},
          {"checks_waiting_for_host", dispatch_gate_.parked()},
          {"fetches_running", fetcher_->Running()},
          {"fetches_queued", fetcher_->Queued()},
          {"held_hosts", HeldHostsJson(*fetcher_)},
          {"browser", BrowserStatusJson()},
          {"processing", processing_},
          {"processing_peak", processing_peak_},
          {"checks_done", checks_done_},
          {"first_pass", FirstPassJson()},
          {"check_waits", check_waiters_.size()},
          {"subscribers", feed_->subscriber_count()},
          {"webhooks", webhooks_->SummaryJson()},  // count, max_lag, failing
          // null without [nats]; else connected, url, stream, published_seq, lag, last_error
          {"nats", nats_ ? ToJson(nats_->CurrentStatus()) : nlohmann::json()},
          {"web", WebStatusJson()},  // null, or listen and connections
          // null without [fleet]; else member_id, bucket, connected, joined, live_members,
          // documents_owned, leases_held, last_error
          {"fleet", fleet_ ? fleet_->StatusJson() : nlohmann::json()},
          {"last_seq", store_->LastSequence()},
          {"next_due", next_due ? TimeOrNull(*next_due) : nlohmann::json()},
          {"database_bytes", store_->ApproximateSizeBytes()},
          // null, or the store's storage error: what, since when, commits refused, recovery.
          {"storage_error", StorageErrorJson()},
          {"stages_us",
           {{"checks", stage_samples_},
            {"queue", stage_totals_.queue_us},
            {"fetch", stage_totals_.fetch_us},
            {"decode", stage_totals_.decode_us},
            {"parse", stage_totals_.parse_us},
            {"extract", stage_totals_.extract_us},
            {"hash", stage_totals_.hash_us},
            {"diff", stage_totals_.diff_us},
            {"pool_wait", stage_totals_.pool_wait_us},
            {"store", stage_totals_.store_us},
            {"publish", publish_us_total_}}}};
}

nlohmann::json Daemon::FirstPassJson() const {
  const bool complete = first_pass_done_ms_ != 0;
  const int64_t until = complete ? first_pass_done_ms_ : NowUnixMillis();
  return {{"checked", std::min(first_pass_checked_, documents_.size())},
          {"checked_before_start", std::min(first_pass_checked_before_, documents_.size())},
          {"left_to_other_members", std::min(first_pass_left_to_others_, documents_.size())},
          {"total", documents_.size()},
          {"complete", complete},
          {"duration_ms", std::max<int64_t>(0, until - started_ms_)}};
}

namespace {

// Range selectors as Open Terms Archive writes them: {"startBefore": css, "endAfter": css}.
nlohmann::json RangesJson(const std::vector<SelectRange>& ranges) {
  nlohmann::json list = nlohmann::json::array();
  for (const SelectRange& range : ranges) {
    nlohmann::json item = nlohmann::json::object();
    if (!range.start_before.empty()) item["startBefore"] = range.start_before;
    if (!range.start_after.empty()) item["startAfter"] = range.start_after;
    if (!range.end_before.empty()) item["endBefore"] = range.end_before;
    if (!range.end_after.empty()) item["endAfter"] = range.end_after;
    list.push_back(std::move(item));
  }
  return list;
}

// A combined document's pages in fetch order, each with the options it is read with (its own,
// from an OTA combine page, else the document's); [] for a document of one page.
nlohmann::json PagesJson(const DocumentSpec& spec) {
  nlohmann::json pages = nlohmann::json::array();
  if (spec.extra_urls.empty()) return pages;
  for (std::size_t i = 0; i <= spec.extra_urls.size(); ++i) {
    const ExtractOptions options = i < spec.page_options.size() && spec.page_options[i]
                                       ? *spec.page_options[i]
                                       : MakeExtractOptions(spec);
    pages.push_back({{"url", i == 0 ? spec.url : spec.extra_urls[i - 1]},
                     {"select", options.select},
                     {"remove", options.remove},
                     {"select_ranges", RangesJson(options.ranges)},
                     {"remove_ranges", RangesJson(options.remove_ranges)}});
  }
  return pages;
}

}  // namespace

bool Daemon::OwnedElsewhere(const std::string& doc_id) const {
  const auto left = left_to_owners_.find(doc_id);
  return left != left_to_owners_.end() && left->second.owned_elsewhere;
}

nlohmann::json Daemon::DocumentJson(const Document& doc) const {
  const auto due = scheduler_.DueMs(doc.handle);
  const DocState state = doc.state();
  return {{"id", doc.spec->id},
          {"platform", doc.spec->platform},
          {"type", doc.spec->type},
          {"url", doc.spec->url},
          {"interval", FormatDuration(IntervalOf(*doc.spec))},
          {"select", doc.spec->select},
          {"remove", doc.spec->remove},
          {"select_ranges", RangesJson(doc.spec->select_ranges)},
          {"remove_ranges", RangesJson(doc.spec->remove_ranges)},
          {"render", RenderModeName(doc.spec->render)},
          {"render_choice", RenderChoiceName(state.render_choice)},
          {"source_file", doc.spec->source_file.string()},
          {"next_due", due ? TimeOrNull(*due) : nlohmann::json()},
          {"checking", scheduler_.InFlight(doc.handle) && !dispatch_gate_.IsParked(doc.spec->id)},
          {"waiting_for_host", dispatch_gate_.IsParked(doc.spec->id)},
          {"last_check", TimeOrNull(state.last_check_ms)},
          {"last_success", TimeOrNull(state.last_success_ms)},
          {"last_change", TimeOrNull(state.last_change_ms)},
          {"current_hash", state.last_text_hash},
          {"versions", state.version_count},
          {"status", DocumentStatusName(OwnedElsewhere(doc.spec->id) ? DocumentStatus::kOtherMember
                                                                     : DocumentStatusOf(state))},
          {"consecutive_failures", state.consecutive_failures},
          {"last_error", state.last_error}};
}

nlohmann::json Daemon::ListResponse(const nlohmann::json& request) const {
  auto filter = ParseListFilter(request);
  if (!filter.ok()) return ControlErrorFromStatus(filter.status());
  // A platform or type no document has is a typo until proven otherwise: refused, with the
  // closest names, rather than answered with an empty list.
  if (!filter->platform.empty() || !filter->type.empty()) {
    std::set<std::string> platforms;
    std::set<std::string> types;
    bool platform_known = filter->platform.empty();
    bool type_known = filter->type.empty();
    for (const Document& doc : documents_) {
      platforms.insert(doc.spec->platform);
      types.insert(doc.spec->type);
      platform_known = platform_known || NameMatches(filter->platform, doc.spec->platform);
      type_known = type_known || NameMatches(filter->type, doc.spec->type);
    }
    if (!platform_known) return UnknownNameError("platform", filter->platform, platforms);
    if (!type_known) return UnknownNameError("type", filter->type, types);
  }
  nlohmann::json docs = nlohmann::json::array();
  for (const Document& doc : documents_) {
    if (PassesListFilter(*filter, *doc.spec, doc.state())) docs.push_back(DocumentJson(doc));
  }
  return ControlOk({{"documents", std::move(docs)}, {"total", documents_.size()}});
}

const Daemon::Document* Daemon::FindDocument(const nlohmann::json& request,
                                             nlohmann::json* error) const {
  const auto doc = request.find("doc");
  if (doc == request.end() || !doc->is_string()) {
    *error = ControlError("invalid_argument", "missing \"doc\" (a document id)");
    return nullptr;
  }
  const std::string& id = doc->get_ref<const std::string&>();
  const Document* found = documents_.Find(id);
  if (found == nullptr && catalog_->RemovedAtRunTime(id)) {
    *error = ControlError("not_found", "no watched document '" + id +
                                           "': it was removed with `policyctl remove` (its "
                                           "versions, if any, are kept: `policyctl history " +
                                           id + "`; `policyctl add` watches it again)");
  } else if (found == nullptr) {
    *error = ControlError("not_found", "no watched document '" + id + "' (see `policyctl list`)");
  }
  return found;
}

namespace {

// history: every version of `doc_id` with its class (and a change's size, as its event
// counted it); not_found when the document is neither watched nor has a history.
nlohmann::json HistoryJson(const Store& store, const std::string& doc_id, bool watched,
                           bool removed) {
  auto history = store.GetHistory(doc_id);
  if (!history.ok()) return ControlErrorFromStatus(history.status());
  if (history->empty() && removed) {  // said as `show` says it, without promising a history
    return ControlError("not_found", "no watched document '" + doc_id +
                                         "': it was removed with `policyctl remove` before any "
                                         "version was stored (`policyctl add` watches it again)");
  }
  if (history->empty() && !watched) {
    return ControlError("not_found", "no document '" + doc_id + "' and no history");
  }
  nlohmann::json versions = nlohmann::json::array();
  std::size_t index = 1;
  for (const auto& version : *history) {
    nlohmann::json item = ToJson(version);
    item["index"] = index++;
    AddVersionTimes(version, &item);
    const nlohmann::json event = AnnouncingEvent(store, version);
    item["change_class"] = VersionClass(event);
    // A change's size as its event counted it (absent for first versions and old events).
    for (const char* count : {"words_added", "words_removed"}) {
      if (event.is_object() && event.contains(count)) item[count] = event[count];
    }
    versions.push_back(std::move(item));
  }
  return ControlOk({{"doc", doc_id}, {"versions", std::move(versions)}});
}

// add's document, as the request describes it; the refusal when a field is invalid.
std::variant<DocumentSpec, nlohmann::json> SpecFromAddRequest(const nlohmann::json& request) {
  for (const auto& [key, value] : request.items()) {
    if (std::find(AddArguments().begin(), AddArguments().end(), key) == AddArguments().end()) {
      return ControlError("invalid_argument",
                          "unknown argument '" + key + "' of add" +
                              DidYouMean(ClosestNames(key, AddArguments(), 3, 3)));
    }
  }
  DocumentSpec spec;
  spec.platform = request.value("platform", std::string());
  spec.type = request.value("type", std::string());
  spec.url = request.value("url", std::string());
  const std::pair<const char*, CompactVector<std::string>*> lists[] = {{"select", &spec.select},
                                                                       {"remove", &spec.remove}};
  for (const auto& [key, list] : lists) {
    auto selectors = SelectorList(request, key);
    if (!selectors) {
      return ControlError("invalid_argument",
                          std::string("'") + key + "' must be a CSS selector or a list of them");
    }
    *list = std::move(*selectors);
  }
  if (const auto render = request.value("render", std::string()); !render.empty()) {
    const auto mode = ParseRenderMode(render);
    if (!mode) {
      return ControlError("invalid_argument",
                          "bad render '" + render + "' (auto, static or browser)");
    }
    spec.render = *mode;
  }
  if (const auto interval = request.value("interval", std::string()); !interval.empty()) {
    if (const auto without_unit = IntervalWithoutUnit(interval)) {
      return ControlError("invalid_argument", "interval " + *without_unit);
    }
    const auto parsed = ParseDuration(interval);
    if (!parsed) {
      return ControlError("invalid_argument",
                          "bad interval '" + interval + "' (" + std::string(kDurationShape) + ")");
    }
    spec.interval = *parsed;
  }
  return spec;
}

}  // namespace

nlohmann::json Daemon::ShowJson(const Store& store, const std::string& doc_id,
                                nlohmann::json result) {
  auto checks = store.GetChecks(doc_id, 10);
  if (!checks.ok()) return ControlErrorFromStatus(checks.status());
  nlohmann::json recent = nlohmann::json::array();
  for (const auto& check : *checks) {
    nlohmann::json item = ToJson(check);
    item["time"] = FormatTimestamp(check.time_ms);
    recent.push_back(std::move(item));
  }
  result["recent_checks"] = std::move(recent);
  return ControlOk(std::move(result));
}

nlohmann::json Daemon::TargetWriteError(const Status& status) {
  if (status.code() != Status::Code::kIoError) return ControlErrorFromStatus(status);
  // The store refused its write (a full disk, a file-size limit): the daemon is in a storage
  // error from now, as a failed check's commit would put it, and `status` says so.
  if (!storage_episode_.has_value()) {
    if (std::optional<StorageError> error = store_->CurrentStorageError()) {
      BeginStorageEpisode(std::move(*error));
    }
  }
  return ControlError("internal", status.ToString() +
                                      " (is the file system of the state directory full, or a "
                                      "file-size limit reached? free space, then try again)");
}

nlohmann::json Daemon::AddDocument(DocumentSpec spec) {
  auto added = catalog_->Add(std::move(spec));
  if (!added.ok()) return TargetWriteError(added.status());
  const DocumentSpec& spec_added = **added;
  if (Status s = WatchAddedDocument(*added); !s.ok()) return ControlErrorFromStatus(s);
  CheckNow(spec_added.id, NowUnixMillis());  // the first check right away
  ArmScheduleTimer();
  // Added as its target file declares it (a removed declared document brought back): the
  // file is the operator's, and nothing was written to it.
  const bool declared =
      spec_added.source_file.path().parent_path() != config_.state_dir / "targets";
  spdlog::info("{}: added at run time ({}{})", spec_added.id, spec_added.url,
               declared ? ", as declared in " + spec_added.source_file.string() : "");
  return ControlOk({{"id", spec_added.id},
                    {"source_file", spec_added.source_file.string()},
                    {"declared", declared}});
}

nlohmann::json Daemon::RemoveDocument(std::string id) {
  if (Status s = catalog_->Remove(id); !s.ok()) return TargetWriteError(s);
  if (Status s = UnwatchRemovedDocument(id); !s.ok()) return ControlErrorFromStatus(s);
  spdlog::info("{}: removed at run time (history kept)", id);
  return ControlOk({{"removed", id}});
}

void Daemon::HandleControl(const nlohmann::json& request,
                           std::function<void(nlohmann::json)> respond) {
  const std::string cmd = request["cmd"];
  if (nlohmann::json type_error = ArgumentTypeError(request); !type_error.is_null()) {
    return respond(type_error);
  }
  nlohmann::json error;
  if (cmd == "status") {
    respond(ControlOk(StatusJson()));
  } else if (cmd == "list") {
    respond(ListResponse(request));
  } else if (cmd == "metrics") {
    respond(ControlOk({{"text", MetricsText()}}));
  } else if (cmd == "show") {
    const Document* doc = FindDocument(request, &error);
    if (doc == nullptr) return respond(error);
    // The document's state is the loop's; its recent checks are read from the store on the
    // pool, like every read beyond a document's state.
    Store* const store = store_.get();  // outlives the pool's work (~Daemon joins it first)
    RespondFromPool(
        [store, doc_id = doc->spec->id, document = DocumentJson(*doc),
         pages = PagesJson(*doc->spec)]() mutable {
          document["pages"] = std::move(pages);
          return ShowJson(*store, doc_id, std::move(document));
        },
        std::move(respond));
  } else if (cmd == "history") {
    // On the pool: a long history reads an event per version.
    Store* const store = store_.get();  // outlives the pool's work (~Daemon joins it first)
    const auto doc_id = request.value("doc", std::string());
    RespondFromPool([store, doc_id, watched = documents_.Contains(doc_id),
                     removed = catalog_->RemovedAtRunTime(
                         doc_id)] { return HistoryJson(*store, doc_id, watched, removed); },
                    std::move(respond));
  } else if (cmd == "diff") {
    HandleDiff(request, std::move(respond));
  } else if (cmd == "check") {
    HandleCheck(request, std::move(respond));
  } else if ((cmd == "add" || cmd == "remove") && HoldTargetChange(request, &respond)) {
    // held until the running reload ends (answered then), or refused as busy
  } else if (cmd == "add") {
    auto spec = SpecFromAddRequest(request);
    if (auto* refusal = std::get_if<nlohmann::json>(&spec)) return respond(std::move(*refusal));
    respond(AddDocument(std::move(std::get<DocumentSpec>(spec))));
  } else if (cmd == "remove") {
    const Document* doc = FindDocument(request, &error);
    respond(doc != nullptr ? RemoveDocument(doc->spec->id) : error);
  } else if (cmd == "reload") {
    Reload([this, respond = std::move(respond)](const Status& status) {
      if (!status.ok()) {
        return respond(
            ControlError("invalid_argument", status.message() + " (running targets kept)"));
      }
      respond(ControlOk({{"documents", documents_.size()},
                         {"added", last_target_changes_.added},
                         {"removed", last_target_changes_.removed},
                         {"url_changed", last_target_changes_.url_changed},
                         {"settings_changed", last_target_changes_.settings_changed},
                         {"relabelled", last_target_changes_.relabelled},
                         {"restart_needed", restart_needed_}}));
    });
  } else if (HandleStoreCommand(cmd, request, respond)) {
    // verify, gc, evidence, text, removed, backup, segments, offsets: maintenance_commands.cc
  } else if (HandleWebhookCommand(cmd, request, respond)) {
    // webhooks, webhooks_test: daemon/webhook_commands.cc
  } else if (HandleAtomCommand(cmd, request, respond)) {
    // atom: daemon/atom_commands.cc
  } else if (HandleEventsCommand(cmd, request, respond)) {
    // events: daemon/events_commands.cc
  } else if (HandleFleetCommand(cmd, request, respond)) {
    // fleet: daemon/fleet_commands.cc
  } else {
    respond(ControlError(
        "unknown_command",
        "unknown command '" + cmd +
            "' (status, list, show, history, diff, check, add, remove, reload, verify, "
            "gc, evidence, text, removed, backup, segments, offsets, webhooks, webhooks_test, "
            "metrics, atom, events, fleet)"));
  }
}

namespace {

// How long `check` with "wait" waits by default, and at most.
constexpr std::chrono::milliseconds kDefaultCheckWait = std::chrono::minutes(10);

// A boolean argument: absent or null is `fallback`; anything but a boolean is refused.
std::optional<bool> BoolArgument(const nlohmann::json& request, const char* key, bool fallback,
                                 nlohmann::json* error) {
  const auto it = request.find(key);
  if (it == request.end() || it->is_null()) return fallback;
  if (it->is_boolean()) return it->get<bool>();
  *error = ControlError("invalid_argument", std::string("\"") + key + "\" must be true or false");
  return std::nullopt;
}

}  // namespace

void Daemon::HandleCheck(const nlohmann::json& request,
                         std::function<void(nlohmann::json)> respond) {
  nlohmann::json error;
  const auto all = BoolArgument(request, "all", false, &error);
  const auto wait = BoolArgument(request, "wait", false, &error);
  if (!all || !wait) return respond(error);
  std::vector<DocHandle> handles;
  if (*all) {
    handles.reserve(documents_.size());
    for (const Document& doc : documents_) handles.push_back(doc.handle);
  } else {
    const Document* doc = FindDocument(request, &error);
    if (doc == nullptr) return respond(error);
    handles.push_back(doc->handle);
  }
  std::chrono::milliseconds timeout = kDefaultCheckWait;
  if (const auto it = request.find("timeout"); *wait && it != request.end() && !it->is_null()) {
    const auto parsed = it->is_string() ? ParseDuration(it->get<std::string>()) : std::nullopt;
    if (!parsed || parsed->count() <= 0 || *parsed > kMaxCheckWait) {
      return respond(ControlError("invalid_argument",
                                  "\"timeout\" must be a duration from 1ms to " +
                                      FormatDuration(kMaxCheckWait) + " (\"90s\", \"10m\")"));
    }
    timeout = *parsed;
  }
  if (*wait && check_waiters_.Full()) {
    return respond(ControlError("busy", std::to_string(check_waiters_.size()) +
                                            " clients wait for checks already; try later"));
  }

  const int64_t now = NowUnixMillis();
  std::size_t scheduled = 0;
  std::size_t joined = 0;
  std::vector<std::string> doc_ids;  // what a waiting client waits for
  for (const DocHandle handle : handles) {
    const std::string& id = documents_.at(handle).spec->id;
    if (*wait) doc_ids.push_back(id);
    if (*wait && scheduler_.InFlight(handle)) {
      ++joined;  // a waiting client joins a check already running rather than add one after it
      continue;
    }
    // [fleet] Asked for by the operator: checked now even if another member checked it less
    // than an interval ago (OnFleetAnswer), not at the fleet's due time.
    if (fleet_) operator_checks_.insert(id);
    if (scheduler_.InFlight(handle) && dispatch_gate_.IsParked(id)) {
      ++scheduled;  // parked behind its host's share, it has fetched nothing: the check asked for
      continue;
    }
    scheduled += scheduler_.CheckNow(handle, now);
  }
  ArmScheduleTimer();
  if (!*wait) return respond(ControlOk({{"scheduled", scheduled}}));
  // Checks are paused until the store takes writes again: nothing would end before the timeout.
  std::vector<std::string> paused;
  if (storage_episode_.has_value()) paused = doc_ids;
  check_waiters_.Add(std::move(doc_ids), std::chrono::steady_clock::now() + timeout,
                     {{"scheduled", scheduled}, {"joined", joined}},
                     [respond = std::move(respond)](nlohmann::json result) {
                       respond(ControlOk(std::move(result)));
                     });
  for (const std::string& id : paused) {
    check_waiters_.Ended(id, CheckWaitEnd::kNotRecorded, PausedCheckMessage());
  }
  ArmWaitTimer();
}

void Daemon::ArmWaitTimer() {
  const auto next = check_waiters_.NextDeadline();
  if (!next) {
    wait_timer_.cancel();
    return;
  }
  wait_timer_.expires_at(*next);
  wait_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    check_waiters_.ExpireDue(std::chrono::steady_clock::now());
    ArmWaitTimer();
  });
}

namespace {

// The two versions `diff` compares (indexes into `history`): "a" and "b" (default: the
// newest), or the last two; the refusal when one is not there.
std::variant<std::pair<std::size_t, std::size_t>, nlohmann::json> DiffPair(
    const std::vector<VersionRecord>& history, const std::string& doc_id, const std::string& a,
    const std::string& b) {
  if (history.empty()) return ControlError("not_found", "no versions of '" + doc_id + "'");
  if (a.empty() && b.empty()) {
    if (history.size() < 2) {
      return ControlError("not_found", "'" + doc_id + "' has only one version");
    }
    return std::pair(history.size() - 2, history.size() - 1);
  }
  std::optional<std::size_t> to =
      b.empty() ? std::optional<std::size_t>(history.size() - 1) : ResolveVersion(history, b);
  if (!to) return NoSuchVersion(doc_id, b, history.size());
  // Two texts given (an event's old_hash and new_hash): the newest version with B's text that
  // directly follows one with A's, which is what an event announcing a change between them
  // compared (when the page went back and forth, the newest such change: its `version` names
  // one exactly).
  if (const std::optional<std::size_t> change = NewestChangeBetween(history, a, b)) to = change;
  const std::optional<std::size_t> from = ResolveVersionBefore(history, a, *to);
  if (!from) return NoSuchVersion(doc_id, a, history.size());
  return std::pair(*from, *to);
}

std::string DiffLabel(const std::string& doc_id, const VersionRecord& version) {
  return doc_id + " " + FormatTimestamp(version.time_ms) + " " + version.text_hash.substr(0, 12);
}

// The diff of two versions with its summary and class (worker pool: diffing long policies is
// CPU work). Bounded (issue 14): a pair of versions too costly to diff is refused.
// `reread`: every version after the older one up to the newer is a reread, so the page did
// not change between them (the texts differ by policyd's reading alone).
nlohmann::json DiffJson(const Store& store, const std::string& doc_id,
                        const VersionRecord& old_version, const VersionRecord& new_version,
                        bool reread, const UnifiedDiffOptions& options) {
  auto old_text = store.GetBlob(old_version.text_hash);
  if (!old_text.ok()) return ControlErrorFromStatus(old_text.status());  // "altered", "missing"
  auto new_text = store.GetBlob(new_version.text_hash);
  if (!new_text.ok()) return ControlErrorFromStatus(new_text.status());
  auto diff = UnifiedDiff(*old_text, *new_text, DiffLabel(doc_id, old_version),
                          DiffLabel(doc_id, new_version), options);
  if (!diff.ok()) return ControlError("too_large", diff.status().message());
  const DiffSummary summary = SummarizeDiff(*old_text, *new_text);
  const ChangeClassification change = ClassifyChange(*old_text, *new_text);
  // Two versions of the same text (one version twice, an edit reverted) differ in no way.
  const bool same_text = old_version.text_hash == new_version.text_hash;
  return ControlOk({{"doc", doc_id},
                    {"change_class", same_text ? "none" : ChangeClassName(change.change_class)},
                    {"reread", reread && !same_text},
                    {"words_added", change.words_added},
                    {"words_removed", change.words_removed},
                    {"old_hash", old_version.text_hash},
                    {"new_hash", new_version.text_hash},
                    {"lines_added", summary.lines_added},
                    {"lines_removed", summary.lines_removed},
                    {"sections", summary.sections},
                    {"sections_truncated", summary.sections_truncated},
                    {"diff", std::move(*diff)}});
}

}  // namespace

void Daemon::HandleDiff(const nlohmann::json& request,
                        std::function<void(nlohmann::json)> respond) {
  const auto doc_id = request.value("doc", std::string());
  auto history = store_->GetHistory(doc_id);
  if (!history.ok()) return respond(ControlErrorFromStatus(history.status()));
  auto pair = DiffPair(*history, doc_id, request.value("a", std::string()),
                       request.value("b", std::string()));
  if (auto* refusal = std::get_if<nlohmann::json>(&pair)) return respond(std::move(*refusal));
  const auto [from, to] = std::get<std::pair<std::size_t, std::size_t>>(pair);
  const auto between =
      std::span(*history).subspan(std::min(from, to) + 1, std::max(from, to) - std::min(from, to));
  const bool reread = !between.empty() && std::ranges::all_of(between, &VersionRecord::reread);
  UnifiedDiffOptions options;
  options.word_level = request.value("word", false);
  options.color = request.value("color", false);
  options.context_lines = request.value("context", 3);
  Store* const store = store_.get();  // outlives the pool's work (~Daemon joins it first)
  RespondFromPool(
      [store, doc_id, old_version = (*history)[from], new_version = (*history)[to], reread,
       options] { return DiffJson(*store, doc_id, old_version, new_version, reread, options); },
      std::move(respond));
}

}  // namespace policyd

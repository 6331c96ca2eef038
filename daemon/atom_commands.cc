// The control command `atom` (issue 18 item 2): an Atom feed of the stored changes, computed on
// the worker pool (reading events and texts, diffing) and rendered by policyd/atom.h.
//   {"cmd": "atom"}                    every document
//   {"cmd": "atom", "doc": ID}         one document (watched, or removed with its history kept)
//   {"cmd": "atom", "platform": P}     one platform's documents (its name or slug)
//   optional "limit": 1..200 entries (default 50)
// -> {"xml": "<?xml ...", "entries": N, "scanned": M}
//
// Where the entries come from: for a document, its versions (GetHistory) and the events that
// announced them, so every version is reachable however old; for a platform or everything,
// the event log read backwards in windows until `limit` entries are found or
// kMaxScannedEvents events were read (older changes are then left out of that feed).
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "daemon.h"
#include "list_filter.h"
#include "policyd/atom.h"
#include "policyd/clock.h"
#include "policyd/did_you_mean.h"
#include "policyd/diff.h"
#include "policyd/event_names.h"
#include "version_ref.h"

namespace policyd {
namespace {

constexpr std::size_t kDefaultAtomEntries = 50;
// The events a platform or all-documents feed reads at most, and per store read.
constexpr uint64_t kMaxScannedEvents = 100'000;
constexpr uint64_t kScanWindow = 1'000;

struct AtomRequest {
  AtomScope scope;
  std::size_t limit = kDefaultAtomEntries;
};

// The event's diff against the version before it (document.changed carries both hashes),
// bounded like `diff`: a pair of versions too costly to diff gets a note instead.
AtomEntryInput WithDiff(const Store& store, nlohmann::json event) {
  AtomEntryInput entry{std::move(event), AtomDiffState::kUnavailable, ""};
  if (entry.event.value("type", std::string()) != EventTypeName(EventType::kChanged)) return entry;
  auto old_text = store.GetBlob(entry.event.value("old_hash", std::string()));
  auto new_text = store.GetBlob(entry.event.value("new_hash", std::string()));
  if (!old_text.ok() || !new_text.ok()) return entry;
  UnifiedDiffOptions options;
  options.context_lines = 2;
  auto diff = UnifiedDiff(*old_text, *new_text, "before", "after", options);
  if (!diff.ok()) {
    entry.diff_state = AtomDiffState::kTooCostly;
    return entry;
  }
  entry.diff_state = AtomDiffState::kShown;
  entry.diff = std::move(*diff);
  return entry;
}

// A document's newest `limit` changes, from its history.
Result<std::vector<nlohmann::json>> DocumentEvents(const Store& store, const std::string& doc_id,
                                                   std::size_t limit) {
  auto history = store.GetHistory(doc_id);
  if (!history.ok()) return history.status();
  std::vector<nlohmann::json> events;
  for (auto it = history->rbegin(); it != history->rend() && events.size() < limit; ++it) {
    nlohmann::json event = AnnouncingEvent(store, *it);
    if (event.is_object() && IsAtomEntryEvent(event.value("type", std::string()))) {
      events.push_back(std::move(event));
    }
  }
  return events;
}

// The newest `limit` changes whose platform is `platform` ("" = any), reading the log
// backwards; `scanned` counts the events read.
Result<std::vector<nlohmann::json>> LogEvents(const Store& store, const std::string& platform,
                                              std::size_t limit, uint64_t* scanned) {
  std::vector<nlohmann::json> events;
  uint64_t high = store.LastSequence();
  while (high > 0 && events.size() < limit && *scanned < kMaxScannedEvents) {
    const uint64_t low = high > kScanWindow ? high - kScanWindow : 0;
    auto window = store.ReadEvents(low, static_cast<std::size_t>(high - low));
    if (!window.ok()) return window.status();
    *scanned += high - low;
    for (auto it = window->rbegin(); it != window->rend() && events.size() < limit; ++it) {
      nlohmann::json event = nlohmann::json::parse(it->json, nullptr, false);
      if (!event.is_object() || !IsAtomEntryEvent(event.value("type", std::string()))) continue;
      if (!platform.empty() && !NameMatches(platform, event.value("platform", std::string()))) {
        continue;
      }
      events.push_back(std::move(event));
    }
    high = low;
  }
  return events;
}

// The request's "limit"; the refusal when it is not a number of entries from 1 to
// kMaxAtomEntries.
std::optional<nlohmann::json> ReadAtomLimit(const nlohmann::json& request, AtomRequest* atom) {
  const auto it = request.find("limit");
  if (it == request.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_unsigned() || it->get<uint64_t>() == 0 ||
      it->get<uint64_t>() > kMaxAtomEntries) {
    return ControlError("invalid_argument", "\"limit\" must be a number of entries from 1 to " +
                                                std::to_string(kMaxAtomEntries));
  }
  atom->limit = it->get<std::size_t>();
  return std::nullopt;
}

// The request's scope: a document, a platform of the watched ones (by name or slug), or every
// document; the refusal when it asks for both or for a platform nobody watches.
std::optional<nlohmann::json> ReadAtomScope(const nlohmann::json& request,
                                            const DocumentTable& documents, AtomRequest* atom) {
  const auto doc = request.find("doc");
  const auto platform = request.find("platform");
  const bool has_doc = doc != request.end() && !doc->is_null();
  const bool has_platform = platform != request.end() && !platform->is_null();
  if ((has_doc && !doc->is_string()) || (has_platform && !platform->is_string()) ||
      (has_doc && has_platform)) {
    return ControlError("invalid_argument",
                        "expected {\"doc\": ID}, {\"platform\": NAME} or neither (all documents)");
  }
  if (has_doc) {
    atom->scope = {AtomScopeKind::kDocument, doc->get<std::string>()};
  } else if (has_platform) {
    const std::string wanted = platform->get<std::string>();
    std::set<std::string> platforms;
    std::string name;
    for (const auto& watched : documents) {
      platforms.insert(watched.spec->platform);
      if (name.empty() && NameMatches(wanted, watched.spec->platform)) {
        name = watched.spec->platform;
      }
    }
    if (wanted.empty() || wanted.size() > kMaxFilterValueBytes || name.empty()) {
      return UnknownNameError("platform", wanted, platforms);
    }
    atom->scope = {AtomScopeKind::kPlatform, name};
  }
  return std::nullopt;
}

// The feed (worker pool). A document scope whose document has no version and is not watched
// is refused, with the closest of `doc_ids` as suggestions.
nlohmann::json AtomFeedJson(const Store& store, const AtomRequest& atom, bool watched_doc,
                            const std::vector<std::string>& doc_ids) {
  uint64_t scanned = 0;
  auto events = atom.scope.kind == AtomScopeKind::kDocument
                    ? DocumentEvents(store, atom.scope.value, atom.limit)
                    : LogEvents(store, atom.scope.value, atom.limit, &scanned);
  if (!events.ok()) return ControlErrorFromStatus(events.status());
  if (atom.scope.kind == AtomScopeKind::kDocument && events->empty() && !watched_doc) {
    // The closest ids go in `suggestions` (as list's filter refusals do), not in the
    // message: policyctl prints its own "did you mean" line for a refused document.
    const std::size_t distance = std::max<std::size_t>(2, atom.scope.value.size() / 3);
    nlohmann::json error = ControlError(
        "not_found", "no document '" + atom.scope.value + "' with versions (see `policyctl list`)");
    error["error"]["suggestions"] = ClosestNames(atom.scope.value, doc_ids, distance, 3);
    return error;
  }
  AtomFeedInput input;
  input.scope = atom.scope;
  input.generated_at = FormatTimestamp(NowUnixMillis());
  input.generator_version = POLICYD_VERSION;
  for (nlohmann::json& event : *events) input.entries.push_back(WithDiff(store, std::move(event)));
  AtomLimits limits;
  limits.max_entries = atom.limit;
  return ControlOk({{"xml", RenderAtomFeed(input, limits)},
                    {"entries", input.entries.size()},
                    {"scanned", scanned}});
}

}  // namespace

bool Daemon::HandleAtomCommand(const std::string& cmd, const nlohmann::json& request,
                               std::function<void(nlohmann::json)>& respond) {
  if (cmd != "atom") return false;
  AtomRequest atom;
  if (auto refusal = ReadAtomLimit(request, &atom)) {
    respond(std::move(*refusal));
    return true;
  }
  if (auto refusal = ReadAtomScope(request, documents_, &atom)) {
    respond(std::move(*refusal));
    return true;
  }
  // A watched document without versions has an empty feed; for one that is not watched, the
  // ids a did-you-mean picks from (copied only then: a million of them cost tens of MB).
  const bool document = atom.scope.kind == AtomScopeKind::kDocument;
  const bool watched_doc = document && documents_.Contains(atom.scope.value);
  std::vector<std::string> doc_ids;
  if (document && !watched_doc) {
    doc_ids.reserve(documents_.size());
    for (const auto& watched : documents_) doc_ids.push_back(watched.spec->id);
  }
  Store* const store = store_.get();  // outlives the pool's work (~Daemon joins it first)
  RespondFromPool(
      [store, atom, watched_doc, doc_ids = std::move(doc_ids)] {
        return AtomFeedJson(*store, atom, watched_doc, doc_ids);
      },
      std::move(respond));
  return true;
}

}  // namespace policyd

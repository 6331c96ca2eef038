// The control commands on clause ids (issue 16 item 4):
//   segments {doc, version?}      a version's segments (default: the newest), with their text
//                                 and code-point offsets in the stored text;
//   offsets  {doc, from?, to?, at?}
//                                 the offset map from one version's text to another's
//                                 (default: the two newest), and where offset `at` went.
// Both read the store and align texts: they run on the worker pool.
#include <algorithm>
#include <optional>
#include <string_view>

#include "daemon.h"
#include "policyd/segments.h"
#include "policyd/version_segments.h"
#include "version_ref.h"

namespace policyd {
namespace {

// What a stored version needs to be read as segments.
struct VersionText {
  VersionRecord version;
  std::size_t index = 0;  // 1-based, as policyctl shows it
  std::string text;
};

// The version `ref` names (or `fallback`) with its text; a control error otherwise.
std::optional<VersionText> ReadVersion(const Store& store, const std::string& doc_id,
                                       const std::vector<VersionRecord>& history,
                                       const std::string& ref, std::optional<std::size_t> fallback,
                                       nlohmann::json* error) {
  const auto index = ResolveVersionOr(history, ref, fallback);
  if (!index) {
    *error = NoSuchVersion(doc_id, ref, history.size());
    return std::nullopt;
  }
  auto text = store.GetBlob(history[*index].text_hash);
  if (!text.ok()) {
    *error = ControlErrorFromStatus(text.status());
    return std::nullopt;
  }
  return VersionText{history[*index], *index + 1, std::move(*text)};
}

// The document type: from the target when it is watched, else from the version's event.
std::string DocTypeOf(const Store& store, const VersionRecord& version,
                      const std::string& watched_type) {
  if (!watched_type.empty()) return watched_type;
  const nlohmann::json event = AnnouncingEvent(store, version);
  return event.is_object() ? event.value("doc_type", std::string()) : std::string();
}

nlohmann::json SegmentsResult(const Store& store, const std::string& doc_id,
                              const std::string& watched_type, const VersionText& read) {
  nlohmann::json segments = nlohmann::json::array();
  for (const Segment& segment : LoadVersionSegments(store, read.version, read.text)) {
    segments.push_back(SegmentJson(segment, read.text));
  }
  return ControlOk({{"doc", doc_id},
                    {"doc_type", DocTypeOf(store, read.version, watched_type)},
                    {"version", read.version.text_hash},
                    {"index", read.index},
                    {"lang", read.version.lang},
                    {"segments", std::move(segments)}});
}

// The length of `text` in code points, the unit of segment and offset-map positions.
std::size_t CodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;  // not a continuation byte
  }));
}

nlohmann::json OffsetsResult(const Store& store, const std::string& doc_id, const VersionText& from,
                             const VersionText& to, std::optional<std::size_t> at) {
  if (const std::size_t length = CodePoints(from.text); at.has_value() && *at >= length) {
    return ControlError("invalid_argument", "character " + std::to_string(*at) +
                                                " is past the end of version " +
                                                std::to_string(from.index) + " (" +
                                                std::to_string(length) + " characters)");
  }
  const std::vector<Segment> old_segments = LoadVersionSegments(store, from.version, from.text);
  const SegmentAlignment alignment = AlignSegments(from.text, old_segments, to.text);
  nlohmann::json runs = nlohmann::json::array();
  for (const OffsetRun& run : alignment.offset_map) {
    runs.push_back(
        {{"old_start", run.old_start}, {"new_start", run.new_start}, {"length", run.length}});
  }
  nlohmann::json result = {{"doc", doc_id},
                           {"from", from.version.text_hash},
                           {"to", to.version.text_hash},
                           {"from_index", from.index},
                           {"to_index", to.index},
                           {"approximate", alignment.approximate},
                           {"runs", std::move(runs)}};
  if (at.has_value()) {
    const std::optional<std::size_t> mapped = MapOffset(alignment.offset_map, *at);
    result["at"] = *at;
    result["mapped"] = mapped.has_value() ? nlohmann::json(*mapped) : nlohmann::json(nullptr);
    if (!mapped) {
      // Why not: a character of a segment's text was changed or removed; one outside every
      // segment (a Markdown marker, a blank line) is never mapped, changed or not.
      const bool in_segment = std::any_of(
          old_segments.begin(), old_segments.end(),
          [&](const Segment& segment) { return *at >= segment.start && *at < segment.end; });
      result["unmapped"] = in_segment ? "changed" : "not_text";
    }
  }
  return ControlOk(std::move(result));
}

}  // namespace

void Daemon::HandleSegmentCommand(const std::string& cmd, const nlohmann::json& request,
                                  std::function<void(nlohmann::json)> respond) {
  const std::string doc_id = request.value("doc", std::string());
  std::string watched_type;
  if (const Document* doc = documents_.Find(doc_id)) watched_type = doc->spec->type;
  std::optional<std::size_t> at;
  if (cmd == "offsets" && request.contains("at")) {
    if (!request["at"].is_number_unsigned()) {
      return respond(ControlError("invalid_argument", "\"at\" must be a character offset (>= 0)"));
    }
    at = request["at"].get<std::size_t>();
  }
  auto work = [this, cmd, doc_id, watched_type, at,
               from_ref = request.value(cmd == "segments" ? "version" : "from", std::string()),
               to_ref = request.value("to", std::string())]() -> nlohmann::json {
    auto history = store_->GetHistory(doc_id);
    if (!history.ok()) return ControlErrorFromStatus(history.status());
    nlohmann::json error;
    const std::optional<std::size_t> newest = NewestIndex(*history);
    if (cmd == "segments") {
      const auto read = ReadVersion(*store_, doc_id, *history, from_ref, newest, &error);
      return read ? SegmentsResult(*store_, doc_id, watched_type, *read) : error;
    }
    // offsets: from the version before `to` (default: the newest) unless `from` is given.
    const auto to = ReadVersion(*store_, doc_id, *history, to_ref, newest, &error);
    if (!to) return error;
    const std::optional<std::size_t> before =
        to->index >= 2 ? std::optional<std::size_t>(to->index - 2) : std::nullopt;
    const auto from = ReadVersion(*store_, doc_id, *history, from_ref, before, &error);
    if (!from) return error;
    return OffsetsResult(*store_, doc_id, *from, *to, at);
  };
  RespondFromPool(std::move(work), std::move(respond));
}

}  // namespace policyd

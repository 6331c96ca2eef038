#include "version_ref.h"

#include <string_view>

#include "policyd/ascii.h"
#include "policyd/clock.h"
#include "policyd/control.h"
#include "policyd/event_names.h"

namespace policyd {

namespace {

constexpr std::size_t kMinHashPrefix = 6;

// `ref` as an index into a history of `size` versions ("3": the third oldest, "-1": the
// newest), or nullopt when it is not a number or out of range.
std::optional<std::size_t> AsIndex(const std::string& ref, std::size_t size) {
  // An optional '-' and 1 to 9 digits, so std::stol cannot overflow.
  const std::string_view digits =
      ref.starts_with('-') ? std::string_view(ref).substr(1) : std::string_view(ref);
  if (digits.empty() || digits.size() > 9 ||
      digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return std::nullopt;
  }
  const long index = std::stol(ref);
  const auto count = static_cast<long>(size);
  if (index >= 1 && index <= count) return static_cast<std::size_t>(index - 1);
  if (index < 0 && -index <= count) return static_cast<std::size_t>(count + index);
  return std::nullopt;
}

// The newest version whose text hash starts with `ref` (any case), when every match is the
// same text; nullopt for none, or for a prefix two different texts share.
std::optional<std::size_t> ByHashPrefix(const std::vector<VersionRecord>& history,
                                        const std::string& ref, std::size_t before) {
  if (ref.size() < kMinHashPrefix) return std::nullopt;
  const std::string prefix = AsciiLower(ref);
  std::optional<std::size_t> found;
  std::optional<std::size_t> found_before;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (!history[i].text_hash.starts_with(prefix)) continue;
    if (found && history[*found].text_hash != history[i].text_hash) return std::nullopt;
    found = i;  // later entries are newer
    if (i < before) found_before = i;
  }
  return found_before ? found_before : found;
}

}  // namespace

std::optional<std::size_t> ResolveVersion(const std::vector<VersionRecord>& history,
                                          const std::string& ref) {
  if (ref.empty()) return std::nullopt;
  // An index first; a hash prefix made only of decimal digits ("680279") is no index in range.
  if (const std::optional<std::size_t> index = AsIndex(ref, history.size())) return index;
  return ByHashPrefix(history, ref, history.size());
}

std::optional<std::size_t> ResolveVersionBefore(const std::vector<VersionRecord>& history,
                                                const std::string& ref, std::size_t before) {
  if (ref.empty()) return std::nullopt;
  if (const std::optional<std::size_t> index = AsIndex(ref, history.size())) return index;
  return ByHashPrefix(history, ref, before);
}

std::optional<std::size_t> NewestChangeBetween(const std::vector<VersionRecord>& history,
                                               const std::string& old_ref,
                                               const std::string& new_ref) {
  if (old_ref.empty() || new_ref.empty() || AsIndex(old_ref, history.size()) ||
      AsIndex(new_ref, history.size())) {
    return std::nullopt;
  }
  const std::optional<std::size_t> old_text = ByHashPrefix(history, old_ref, history.size());
  const std::optional<std::size_t> new_text = ByHashPrefix(history, new_ref, history.size());
  if (!old_text || !new_text) return std::nullopt;
  for (std::size_t i = history.size(); i-- > 1;) {
    if (history[i].text_hash == history[*new_text].text_hash &&
        history[i - 1].text_hash == history[*old_text].text_hash) {
      return i;
    }
  }
  return std::nullopt;
}

std::optional<std::size_t> NewestIndex(const std::vector<VersionRecord>& history) {
  return history.empty() ? std::nullopt : std::optional<std::size_t>(history.size() - 1);
}

std::optional<std::size_t> ResolveVersionOr(const std::vector<VersionRecord>& history,
                                            const std::string& ref,
                                            std::optional<std::size_t> fallback) {
  return ref.empty() ? fallback : ResolveVersion(history, ref);
}

nlohmann::json NoSuchVersion(const std::string& doc_id, const std::string& ref,
                             std::size_t versions) {
  const std::string count = std::to_string(versions);
  const std::string plural = versions == 1 ? " version" : " versions";
  std::string message;
  if (versions == 0) {
    message = "no versions of '" + doc_id + "'";
  } else if (ref.empty()) {
    message = "'" + doc_id + "' has only " + count + plural;
  } else if (const std::string_view digits = std::string_view(ref).substr(ref.starts_with('-'));
             !digits.empty() && digits.size() < kMinHashPrefix &&
             digits.find_first_not_of("0123456789") == std::string_view::npos) {
    message = "no version " + ref + " of '" + doc_id + "': it has " + count + plural + " (1 to " +
              count + ", or -1 to -" + count + ")";
  } else {
    message = "no version '" + ref + "' of '" + doc_id + "' (use an index, 1 to " + count +
              " or -1 to -" + count + ", or a hash prefix of 6+ hex digits that only one text has)";
  }
  return ControlError("not_found", message);
}

nlohmann::json AnnouncingEvent(const Store& store, const VersionRecord& version) {
  if (version.event_seq == 0) return nlohmann::json(nlohmann::json::value_t::discarded);
  auto events = store.ReadEvents(version.event_seq - 1, 1);
  if (!events.ok() || events->empty() || (*events)[0].seq != version.event_seq) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  return nlohmann::json::parse((*events)[0].json, nullptr, false);
}

void AddVersionTimes(const VersionRecord& version, nlohmann::json* item) {
  (*item)["time"] = FormatTimestamp(version.time_ms);
  if (version.previous_seen_ms > 0) {
    (*item)["previous_seen"] = FormatTimestamp(version.previous_seen_ms);
  }
  if (version.held_since_ms > 0) (*item)["held_since"] = FormatTimestamp(version.held_since_ms);
}

std::string VersionClass(const nlohmann::json& announcing_event) {
  if (!announcing_event.is_object()) return "";
  const std::string type = announcing_event.value("type", "");
  if (type == EventTypeName(EventType::kFirstSeen)) return "first_seen";
  if (type == EventTypeName(EventType::kReread)) return "reread";
  return announcing_event.value("change_class", "");
}

}  // namespace policyd

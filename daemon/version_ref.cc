#include "version_ref.h"

#include "policyd/control.h"
#include "policyd/event_names.h"

namespace policyd {

std::optional<std::size_t> ResolveVersion(const std::vector<VersionRecord>& history,
                                          const std::string& ref) {
  if (ref.empty()) return std::nullopt;
  // At most 9 digits, so std::stol cannot overflow; "-" alone is not a number.
  const bool numeric =
      ref.find_first_not_of("-0123456789") == std::string::npos && ref.size() <= 9 && ref != "-";
  if (numeric) {
    const long index = std::stol(ref);
    const long size = static_cast<long>(history.size());
    if (index >= 1 && index <= size) return static_cast<std::size_t>(index - 1);
    if (index < 0 && -index <= size) return static_cast<std::size_t>(size + index);
    return std::nullopt;
  }
  if (ref.size() < 6) return std::nullopt;
  std::optional<std::size_t> found;
  for (std::size_t i = 0; i < history.size(); ++i) {
    if (history[i].text_hash.rfind(ref, 0) == 0) found = i;  // later entries are newer
  }
  return found;
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
                             bool history_empty) {
  return ControlError("not_found", history_empty ? "no versions of '" + doc_id + "'"
                                                 : "no version '" + ref + "' of '" + doc_id +
                                                       "' (use an index or a hash prefix)");
}

nlohmann::json AnnouncingEvent(const Store& store, const VersionRecord& version) {
  if (version.event_seq == 0) return nlohmann::json(nlohmann::json::value_t::discarded);
  auto events = store.ReadEvents(version.event_seq - 1, 1);
  if (!events.ok() || events->empty() || (*events)[0].seq != version.event_seq) {
    return nlohmann::json(nlohmann::json::value_t::discarded);
  }
  return nlohmann::json::parse((*events)[0].json, nullptr, false);
}

std::string VersionClass(const nlohmann::json& announcing_event) {
  if (!announcing_event.is_object()) return "";
  const std::string type = announcing_event.value("type", "");
  if (type == EventTypeName(EventType::kFirstSeen)) return "first_seen";
  if (type == EventTypeName(EventType::kReread)) return "reread";
  return announcing_event.value("change_class", "");
}

}  // namespace policyd

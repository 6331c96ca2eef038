// The names of the stored event types and of the change classes, as events carry them and as
// subscribers and webhooks filter on them (docs/EVENTS.md). One list, so that the feed's
// `classes`, the config's webhook filters and their error messages never disagree.
#ifndef POLICYD_EVENT_NAMES_H_
#define POLICYD_EVENT_NAMES_H_

#include <cstddef>
#include <iterator>

#include <optional>
#include <string_view>

namespace policyd {

// The type of a stored event. Code speaks of it as this enum; events carry its name.
enum class EventType { kFirstSeen, kChanged, kReread, kFetchFailed, kRecovered };

// Every `type` a stored event may have, in EventType's order.
inline constexpr const char* kEventTypeNames[] = {
    "document.first_seen",   "document.changed",   "document.reread",
    "document.fetch_failed", "document.recovered",
};

// "document.changed", ...
constexpr std::string_view EventTypeName(EventType type) {
  return kEventTypeNames[static_cast<int>(type)];
}

// The type of an event's `type` name; nullopt for any other name ("feed.hello", "").
constexpr std::optional<EventType> ParseEventType(std::string_view name) {
  for (int i = 0; i < static_cast<int>(std::size(kEventTypeNames)); ++i) {
    if (name == kEventTypeNames[i]) return static_cast<EventType>(i);
  }
  return std::nullopt;
}

// The names follow the enum, one each (checked when anything includes this header).
static_assert(std::size(kEventTypeNames) == static_cast<std::size_t>(EventType::kRecovered) + 1);
static_assert(EventTypeName(EventType::kFirstSeen) == "document.first_seen");
static_assert(EventTypeName(EventType::kRecovered) == "document.recovered");
static_assert(ParseEventType("document.reread") == EventType::kReread);
static_assert(!ParseEventType("feed.hello").has_value());

// Whether events of this type announce a stored version (first_seen, changed, reread).
constexpr bool AnnouncesVersion(EventType type) {
  return type == EventType::kFirstSeen || type == EventType::kChanged || type == EventType::kReread;
}

// Every `change_class` of a document.changed event (ChangeClass in diff.h).
inline constexpr const char* kChangeClassNames[] = {"substantive", "cosmetic", "formatting",
                                                    "reorder"};

}  // namespace policyd

#endif  // POLICYD_EVENT_NAMES_H_

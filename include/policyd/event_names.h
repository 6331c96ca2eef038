// The names of the stored event types and of the change classes, as events carry them and as
// subscribers and webhooks filter on them (docs/EVENTS.md). One list, so that the feed's
// `classes`, the config's webhook filters and their error messages never disagree.
#ifndef POLICYD_EVENT_NAMES_H_
#define POLICYD_EVENT_NAMES_H_

namespace policyd {

// Every `type` a stored event may have.
inline constexpr const char* kEventTypeNames[] = {
    "document.first_seen",   "document.changed",   "document.reread",
    "document.fetch_failed", "document.recovered",
};

// Every `change_class` of a document.changed event (ChangeClass in diff.h).
inline constexpr const char* kChangeClassNames[] = {"substantive", "cosmetic", "formatting",
                                                    "reorder"};

}  // namespace policyd

#endif  // POLICYD_EVENT_NAMES_H_

// Version references as policyctl users type them: "1".."N" (1 = oldest), "-1" (newest),
// "-K" (K-th from the newest), or a prefix of at least 6 hex digits of a text hash.
#ifndef POLICYD_DAEMON_VERSION_REF_H_
#define POLICYD_DAEMON_VERSION_REF_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/store.h"

namespace policyd {

// The index in `history` (oldest first) that `ref` names, or nullopt when it names none
// (empty, too short a prefix, no match, a prefix of two different texts). A number is an
// index when it is in range, else a hash prefix (one hash in 16 starts with 6 decimal
// digits). Prefixes match any case; of several versions with the same text the newest wins.
std::optional<std::size_t> ResolveVersion(const std::vector<VersionRecord>& history,
                                          const std::string& ref);

// As ResolveVersion, but of several versions with the text a hash prefix names, the newest
// before index `before` wins when there is one: the old side of a diff given the hashes an
// event cites is the version that event followed, not a later return to that text.
std::optional<std::size_t> ResolveVersionBefore(const std::vector<VersionRecord>& history,
                                                const std::string& ref, std::size_t before);

// When `old_ref` and `new_ref` both name texts (hash prefixes, not indexes): the index of the
// newest version with new_ref's text whose previous version has old_ref's, nullopt when none
// does (or either is an index).
std::optional<std::size_t> NewestChangeBetween(const std::vector<VersionRecord>& history,
                                               const std::string& old_ref,
                                               const std::string& new_ref);

// The newest version's index, nullopt for an empty history.
std::optional<std::size_t> NewestIndex(const std::vector<VersionRecord>& history);

// `ref` resolved as above, or `fallback` when `ref` is empty (e.g. the newest version).
std::optional<std::size_t> ResolveVersionOr(const std::vector<VersionRecord>& history,
                                            const std::string& ref,
                                            std::optional<std::size_t> fallback);

// The control error (not_found) for a reference that names none of the `versions` versions of
// `doc_id` ("" when the command's default version is missing), saying how many there are.
nlohmann::json NoSuchVersion(const std::string& doc_id, const std::string& ref,
                             std::size_t versions);

// The first_seen/changed event that announced `version` (the analysts' view of the same
// capture), or a discarded value when it cannot be read.
nlohmann::json AnnouncingEvent(const Store& store, const VersionRecord& version);

// What kind of version it is, from its announcing event: "first_seen", the change_class of a
// document.changed, or "" (an event stored before classes existed, or unreadable).
std::string VersionClass(const nlohmann::json& announcing_event);

// Sets `item`'s times as control answers show them (ISO 8601 UTC): "time" (the capture), and
// when known "previous_seen" (the last check that read the previous text) and "held_since"
// (the first check that read this text, when it was held back): the window of the change.
void AddVersionTimes(const VersionRecord& version, nlohmann::json* item);

}  // namespace policyd

#endif  // POLICYD_DAEMON_VERSION_REF_H_

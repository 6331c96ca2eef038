// Atom feeds (issue 18 item 2): the changes of one document, of one platform or of everything,
// as an Atom 1.0 document (RFC 4287). A pure function of what it is given: the caller reads
// the stored events and computes each change's diff (daemon/atom_commands.cc); the renderer
// only writes XML text, thread-safe, no I/O.
//
// What a feed holds: one entry per stored version that is a change of the document, i.e. per
// document.first_seen and document.changed event, newest first (highest `seq` first). Like
// the feeds of Open Terms Archive, a feed carries versions only: document.reread (policyd's
// own new reading of an unchanged page), document.fetch_failed and document.recovered are
// not entries (the events socket and webhooks carry them); the renderer skips them if given.
//
// Ids (stable, so a reader never sees an entry twice):
//   feed   tag:policyd,2026:feed/all | feed/doc/<doc id> | feed/platform/<platform slug>
//   entry  tag:policyd,2026:event/<seq>   (the event's sequence number in this database)
// Characters outside [A-Za-z0-9-._~/] in a doc id or slug are percent-encoded.
//
// Entry: title ("Acme Privacy Policy changed (substantive): +12 -3 words", or "... first
// version"), updated = the event's time, an alternate link to the document's URL, categories
// (the change class, the platform and the document type, each under its own tag: scheme),
// and content type="html": the changed sections and a unified diff in <pre>, the diff cut on
// a line boundary at AtomLimits::max_diff_bytes with a note saying so. Context lines over 240
// bytes are shortened (a long paragraph beside a change must not push the change out), and a
// changed line that does not fit shows its beginning when it is the first or a long one.
//
// Escaping: every text and attribute value goes through EscapeMarkup (policyd/markup_escape.h),
// page text included. Content is HTML escaped once into the HTML and that HTML escaped again into
// the XML (type="html").
//
// Deviations from RFC 4287 and choices it leaves open:
//   - the feed's <updated> is its newest entry's time; a feed without entries takes
//     `generated_at` instead (RFC 4287 requires an <updated>, it does not say which);
//   - a self link (rel="self", RFC 4287 §4.2.7 "SHOULD") is written only when `self_url` is
//     known: policyd does not serve feeds over HTTP yet (the web view will), so `policyctl
//     feed` output has none;
//   - the author is "policyd" (the feed states what policyd saw, not what the site wrote);
//   - an event time that is not "YYYY-MM-DDTHH:MM:SS.mmmZ" is replaced by `generated_at`.
#ifndef POLICYD_ATOM_H_
#define POLICYD_ATOM_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace policyd {

enum class AtomScopeKind { kAll, kDocument, kPlatform };

struct AtomScope {
  AtomScopeKind kind = AtomScopeKind::kAll;
  // kDocument: the document id; kPlatform: the platform's name as in its target file
  // ("Acme"; its slug goes into the id); kAll: unused.
  std::string value;
};

// The diff an entry shows, as the caller could compute it.
enum class AtomDiffState {
  kShown,        // `diff` is the unified diff from the previous version (may be empty)
  kTooCostly,    // the diff's work bound was reached: no diff, a note says so
  kUnavailable,  // a text is missing from the store (or first_seen: nothing to diff)
};

struct AtomEntryInput {
  nlohmann::json event;  // a stored event as in docs/EVENTS.md (with "seq")
  AtomDiffState diff_state = AtomDiffState::kUnavailable;
  std::string diff;
};

struct AtomLimits {
  std::size_t max_entries = 50;       // the newest ones are kept
  std::size_t max_diff_bytes = 4096;  // per entry; cut on a line boundary, with a note
  std::size_t max_sections = 20;      // changed sections listed per entry; the rest counted
};

// The most entries a feed request may ask for.
inline constexpr std::size_t kMaxAtomEntries = 200;

struct AtomFeedInput {
  AtomScope scope;
  std::vector<AtomEntryInput> entries;  // any order; sorted newest first by `seq`
  std::string generated_at;             // "YYYY-MM-DDTHH:MM:SS.mmmZ": now, for an empty feed
  std::string self_url;                 // "" = no self link
  std::string generator_version;        // policyd's version, for <generator>
};

// The Atom document, UTF-8, starting with the XML declaration.
std::string RenderAtomFeed(const AtomFeedInput& input, const AtomLimits& limits = {});

// True for the event types that become entries: document.first_seen and document.changed.
bool IsAtomEntryEvent(std::string_view event_type);

std::string AtomFeedId(const AtomScope& scope);
std::string AtomEntryId(uint64_t seq);

}  // namespace policyd

#endif  // POLICYD_ATOM_H_

// Byte bounds on the events a check stores and the feed sends (issue 14: 200 changed
// headings of 8 KB made one 3.2 MB document.changed). The diff summary already caps the
// number and length of `sections`; this is the last line: whatever the page, the server or
// the config, a stored event line stays within kMaxEventBytes.
#ifndef POLICYD_CHECK_EVENT_BOUNDS_H_
#define POLICYD_CHECK_EVENT_BOUNDS_H_

#include <cstddef>

#include <nlohmann/json.hpp>

namespace policyd {

inline constexpr std::size_t kMaxEventBytes = 64 * 1024;  // one event line, "seq" included
inline constexpr std::size_t kMaxEventFieldBytes = 2048;  // one string field, e.g. final_url
inline constexpr std::size_t kEventSeqReserve = 32;       // ,"seq":N added by the store

// Bounds `event`, a JSON object about to be committed, to `max_bytes` of serialized JSON
// (less kEventSeqReserve). In order, until it fits:
//   1. every string field except "type" and "doc" (identities, never cut) longer than
//      kMaxEventFieldBytes is cut to it (TruncateUtf8: ends in "…");
//   2. entries of "segments" (the changed segments) are dropped from the end, each counted in
//      "segments_truncated"; then entries of "sections", counted in "sections_truncated";
//   3. the longest string field except "type" and "doc" is halved, while one is longer than
//      64 bytes.
// Only an event whose "type" and "doc" alone exceed the bound stays larger.
void BoundEventSize(nlohmann::json* event, std::size_t max_bytes = kMaxEventBytes);

}  // namespace policyd

#endif  // POLICYD_CHECK_EVENT_BOUNDS_H_

// Byte bounds on text that leaves the daemon (event fields, section names): cut without
// splitting a UTF-8 character, and marked so a reader knows something was left out.
#ifndef POLICYD_TEXT_BOUNDS_H_
#define POLICYD_TEXT_BOUNDS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace policyd {

// What TruncateUtf8 appends to a text it cut: "…" (U+2026), 3 bytes.
inline constexpr std::string_view kTruncationMark = "\u2026";

// The longest prefix of `text` that fits in `max_bytes` bytes together with
// kTruncationMark, never ending inside a UTF-8 sequence, followed by the mark; `text`
// itself when it fits. The result is at most max(max_bytes, kTruncationMark.size()) bytes.
// Invalid UTF-8 is cut bytewise: a continuation byte is never left without its lead byte.
std::string TruncateUtf8(std::string_view text, std::size_t max_bytes);

// The length of the prefix TruncateUtf8 keeps (text.size() when it fits): two texts with
// the same kept prefix truncate to the same string.
std::size_t TruncatedLength(std::string_view text, std::size_t max_bytes);

}  // namespace policyd

#endif  // POLICYD_TEXT_BOUNDS_H_

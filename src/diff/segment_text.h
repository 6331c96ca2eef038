// What a segment's span says, in the forms the segment functions compare: its content (the
// span without per-line Markdown markers), that content with white space collapsed (what
// ids are derived from), and code point offsets of byte offsets.
#ifndef POLICYD_SRC_DIFF_SEGMENT_TEXT_H_
#define POLICYD_SRC_DIFF_SEGMENT_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "policyd/segments.h"

namespace policyd::diff_internal {

// The span of a `kind` segment without the markers of its continuation lines ("> " of a
// quote, the indentation of a list item or paragraph) and without trailing white space on
// each line; lines joined by '\n'. Code keeps its indentation.
std::string SegmentContent(SegmentKind kind, std::string_view span);

// `text` with each run of white space (space, tab, CR, LF, FF, VT) as one space, none at the
// ends.
std::string CollapseSpaces(std::string_view text);

// True for bytes that start a code point (all but UTF-8 continuation bytes 10xxxxxx).
inline bool StartsCodePoint(char byte) { return (static_cast<unsigned char>(byte) & 0xC0) != 0x80; }

std::size_t CountCodePoints(std::string_view text);

// Code point offsets of increasing byte offsets of one text, in linear time overall.
class CodePointCursor {
 public:
  explicit CodePointCursor(std::string_view text) : text_(text) {}
  // The code point offset of byte offset `byte` (at most text.size()). Cheap when `byte` is
  // at or after the previous call's; otherwise counts from the start again.
  std::size_t At(std::size_t byte);

 private:
  std::string_view text_;
  std::size_t byte_ = 0;
  std::size_t code_points_ = 0;
};

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_SEGMENT_TEXT_H_

// Line splitting shared by the diff functions. Lines are views into the caller's text and keep
// their '\n': two lines are equal only if both end the same way, so a change of the final
// newline is a real change (as for diff(1)) and can be reported faithfully.
#ifndef POLICYD_SRC_DIFF_LINES_H_
#define POLICYD_SRC_DIFF_LINES_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace policyd::diff_internal {

// Splits `text` after each '\n'. The last line has no '\n' when the text does not end with
// one; an empty text has no lines.
std::vector<std::string_view> SplitLines(std::string_view text);

// `line` without its trailing '\n' (if any).
std::string_view LineContent(std::string_view line);

// True if `line` ends with '\n'.
bool HasNewline(std::string_view line);

// The length of the Markdown list marker that `body` (a line after its indentation) starts
// with: "-", "*", "+", or up to 10 digits and "." or ")", followed by a space, a tab or the
// end ("-" alone is an empty item); 0 when it starts with none ("-x" and "1.5" are text). The
// one reading of list items for the segmenter, the change classes and the word diff.
std::size_t ListMarkerLength(std::string_view body);

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_LINES_H_

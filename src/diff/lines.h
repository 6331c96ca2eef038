// Line splitting shared by the diff functions. Lines are views into the caller's text and keep
// their '\n': two lines are equal only if both end the same way, so a change of the final
// newline is a real change (as for diff(1)) and can be reported faithfully.
#ifndef POLICYD_SRC_DIFF_LINES_H_
#define POLICYD_SRC_DIFF_LINES_H_

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

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_LINES_H_

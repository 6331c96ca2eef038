// How wide a text is on a terminal, for policyctl's aligned output. An approximation that
// holds for the text policyctl prints (ids, timestamps, reasons, headings): one column per
// UTF-8 code point; wide (CJK) and combining characters are not told apart.
#ifndef POLICYD_DAEMON_VIEWS_TEXT_WIDTH_H_
#define POLICYD_DAEMON_VIEWS_TEXT_WIDTH_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace policyd {

// Code points in `text` (bytes that are not UTF-8 continuation bytes).
std::size_t DisplayWidth(std::string_view text);

// `text` when it is at most `width` columns; else its longest prefix of width - 1 columns
// (never cut inside a UTF-8 sequence) followed by "…". Width 0 gives "".
std::string CutToWidth(std::string_view text, std::size_t width);

// `text` padded with spaces to `width` columns (left-aligned), or right-aligned.
std::string PadRight(std::string_view text, std::size_t width);
std::string PadLeft(std::string_view text, std::size_t width);

}  // namespace policyd

#endif  // POLICYD_DAEMON_VIEWS_TEXT_WIDTH_H_

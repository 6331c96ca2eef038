// Text made safe for markup: the one escaper for everything policyd writes into XML or HTML
// (Atom feeds, the Matrix chat body, the web view), page text included.
#ifndef POLICYD_MARKUP_ESCAPE_H_
#define POLICYD_MARKUP_ESCAPE_H_

#include <string>
#include <string_view>

namespace policyd {

// `text` as XML 1.0 or HTML character data or attribute value: & < > " ' escaped (' as
// &#39;, which HTML 4 knows too); characters XML 1.0 forbids (controls other than tab, LF
// and CR, U+FFFE, U+FFFF, lone surrogates) and bytes that are not valid UTF-8 become U+FFFD.
// The result is always valid UTF-8.
std::string EscapeMarkup(std::string_view text);

}  // namespace policyd

#endif  // POLICYD_MARKUP_ESCAPE_H_

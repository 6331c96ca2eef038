// EscapeMarkup (include/policyd/markup_escape.h). UTF-8 is decoded with ICU's U8_NEXT, which
// reports an ill-formed sequence (overlong, surrogate, truncated, > U+10FFFF) as a negative
// code point after consuming its maximal prefix.
#include "policyd/markup_escape.h"

#include <cstdint>

#include <unicode/utf8.h>

namespace policyd {
namespace {

constexpr std::string_view kReplacement = "\uFFFD";

// XML 1.0 §2.2 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
bool IsXmlChar(UChar32 c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

}  // namespace

std::string EscapeMarkup(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  // U8_NEXT is a macro generic in its index type: size_t indexes take any length.
  const std::size_t length = text.size();
  std::size_t i = 0;
  while (i < length) {
    const std::size_t start = i;
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0 || !IsXmlChar(c)) {
      out += kReplacement;
      continue;
    }
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.append(
            text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
  }
  return out;
}

}  // namespace policyd

// UTF-8 helpers shared by the charset decoder, the normaliser and the Markdown writer.
// Internal to the extract component.
#ifndef POLICYD_SRC_EXTRACT_UNICODE_H_
#define POLICYD_SRC_EXTRACT_UNICODE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace policyd::extract_internal {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes the code point starting at text[*pos] and advances *pos past it. Invalid or
// truncated sequences (overlong forms, surrogates, > U+10FFFF) yield U+FFFD and advance by
// the maximal invalid prefix (at least one byte), as the WHATWG decoder does.
char32_t NextCodePoint(std::string_view text, size_t* pos);

// Appends the UTF-8 encoding of `cp` (which must be a scalar value) to *out.
void AppendUtf8(char32_t cp, std::string* out);

// Copies `text` to *out replacing every invalid sequence with U+FFFD and dropping every NUL
// (as HTML's "in body" insertion mode ignores U+0000; deliberate for script/RCDATA too).
void RepairUtf8(std::string_view text, std::string* out);

// Unicode white space that the output contract folds into ' ': ASCII white space, NEL,
// NBSP, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
bool IsFoldedSpace(char32_t cp);

// Characters the output contract deletes: zero-width (U+200B..U+200D, U+2060, U+FEFF), soft
// hyphen U+00AD, the bidi marks U+200E/U+200F/U+061C, embeddings, overrides and isolates
// (U+202A..U+202E, U+2066..U+2069), and C0/DEL control characters other than
// white space. They are invisible in a browser, so a re-render that adds or drops them must
// not change the text.
bool IsDeleted(char32_t cp);

// The canonical form of a typographic variant of an ASCII character, or "" when `cp` is not one:
// single quotes and primes U+2018, U+2019, U+201A, U+201B, U+2032 -> "'"; double quotes and
// double primes U+201C..U+201F, U+2033 -> '"'; the hyphens U+2010 and U+2011 (non-breaking) ->
// "-"; the ellipsis U+2026 -> "...". A site's "smart punctuation" setting, a CMS's text filter or
// a translation tool turns one into the other without changing a word, so the output contract
// uses one form. En and em dashes (U+2013, U+2014) are not variants of '-': they are kept (see
// docs/EXTRACTION.md).
std::string_view TypographicReplacement(char32_t cp);

// ASCII classification of one byte for the fast paths; bytes >= 0x80 are kOther.
enum class AsciiClass : uint8_t { kPlain, kSpace, kNewline, kDeleted, kOther };

namespace internal {
constexpr std::array<AsciiClass, 256> MakeAsciiTable() {
  std::array<AsciiClass, 256> table{};
  for (int c = 0; c < 256; ++c) {
    if (c >= 0x80) {
      table[c] = AsciiClass::kOther;
    } else if (c == '\n' || c == '\r') {
      table[c] = AsciiClass::kNewline;
    } else if (c == '\t' || c == '\v' || c == '\f' || c == ' ') {
      table[c] = AsciiClass::kSpace;
    } else if (c < 0x20 || c == 0x7F) {
      table[c] = AsciiClass::kDeleted;
    } else {
      table[c] = AsciiClass::kPlain;
    }
  }
  return table;
}
inline constexpr std::array<AsciiClass, 256> kAsciiTable = MakeAsciiTable();
}  // namespace internal

inline AsciiClass ClassifyAscii(unsigned char c) { return internal::kAsciiTable[c]; }

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_UNICODE_H_

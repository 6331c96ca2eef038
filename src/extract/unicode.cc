#include "unicode.h"

namespace policyd::extract_internal {

char32_t NextCodePoint(std::string_view text, size_t* pos) {
  const size_t n = text.size();
  size_t i = *pos;
  const auto b0 = static_cast<unsigned char>(text[i++]);
  if (b0 < 0x80) {
    *pos = i;
    return b0;
  }
  int need = 0;
  unsigned char lower = 0x80;
  unsigned char upper = 0xBF;
  char32_t cp = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 1;
    cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 2;
    cp = b0 & 0x0F;
    if (b0 == 0xE0) lower = 0xA0;
    if (b0 == 0xED) upper = 0x9F;  // no UTF-16 surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 3;
    cp = b0 & 0x07;
    if (b0 == 0xF0) lower = 0x90;
    if (b0 == 0xF4) upper = 0x8F;  // nothing above U+10FFFF
  } else {
    *pos = i;
    return kReplacementChar;
  }
  for (int k = 0; k < need; ++k) {
    if (i >= n) {
      *pos = i;
      return kReplacementChar;
    }
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < lower || b > upper) {
      *pos = i;  // the offending byte starts the next sequence (maximal subpart rule)
      return kReplacementChar;
    }
    lower = 0x80;
    upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    ++i;
  }
  *pos = i;
  return cp;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

void RepairUtf8(std::string_view text, std::string* out) {
  out->reserve(out->size() + text.size() + 16);
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b != 0 && b < 0x80) {
      // Copy the ASCII run in one go.
      size_t j = i + 1;
      while (j < n && static_cast<unsigned char>(text[j]) < 0x80 && text[j] != '\0') ++j;
      out->append(text.data() + i, j - i);
      i = j;
      continue;
    }
    if (b == 0) {
      // The HTML tree builder ignores U+0000 in body text; a server that sprinkles NULs
      // through a page must not produce a "new" text, so they are dropped here, once.
      ++i;
      continue;
    }
    AppendUtf8(NextCodePoint(text, &i), out);
  }
}

bool IsFoldedSpace(char32_t cp) {
  switch (cp) {
    case '\t':
    case '\n':
    case '\v':
    case '\f':
    case '\r':
    case ' ':
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return cp >= 0x2000 && cp <= 0x200A;
  }
}

bool IsDeleted(char32_t cp) {
  if (cp < 0x20) return !IsFoldedSpace(cp);
  switch (cp) {
    case 0x7F:
    case 0xAD:
    case 0x200B:
    case 0x200C:
    case 0x200D:
    case 0x200E:
    case 0x200F:
    case 0x2060:
    case 0xFEFF:
    case 0x061C:  // ARABIC LETTER MARK: invisible, like LRM and RLM
      return true;
    default:
      // Bidirectional embeddings, overrides and isolates (LRE..RLO, LRI..PDI): invisible.
      return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
  }
}

std::string_view TypographicReplacement(char32_t cp) {
  switch (cp) {
    case 0x2018:  // LEFT SINGLE QUOTATION MARK
    case 0x2019:  // RIGHT SINGLE QUOTATION MARK (also the typographic apostrophe)
    case 0x201A:  // SINGLE LOW-9 QUOTATION MARK
    case 0x201B:  // SINGLE HIGH-REVERSED-9 QUOTATION MARK
    case 0x2032:  // PRIME
      return "'";
    case 0x201C:  // LEFT DOUBLE QUOTATION MARK
    case 0x201D:  // RIGHT DOUBLE QUOTATION MARK
    case 0x201E:  // DOUBLE LOW-9 QUOTATION MARK
    case 0x201F:  // DOUBLE HIGH-REVERSED-9 QUOTATION MARK
    case 0x2033:  // DOUBLE PRIME
      return "\"";
    case 0x2010:  // HYPHEN
    case 0x2011:  // NON-BREAKING HYPHEN
      return "-";
    case 0x2026:  // HORIZONTAL ELLIPSIS
      return "...";
    default:
      return {};
  }
}

}  // namespace policyd::extract_internal

// NormalizeText and CollapseWhiteSpace: the white-space, invisible-character and typography
// rules of the output contract (policyd/extract.h).
#include "normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>

#include <climits>
#include <string>
#include <string_view>

#include "policyd/extract.h"
#include "unicode.h"

namespace policyd {
namespace extract_internal {
namespace {

// Rewrites *text (valid UTF-8) in Unicode Normalization Form C with ICU. Most text already is:
// the quick check reads it once and nothing is copied.
void ToNfc(std::string* text) {
  if (text->size() > static_cast<size_t>(INT32_MAX)) return;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) return;
  const icu::StringPiece piece(text->data(), static_cast<int32_t>(text->size()));
  if (nfc->isNormalizedUTF8(piece, status) || U_FAILURE(status)) return;
  std::string composed;
  composed.reserve(text->size());
  icu::StringByteSink<std::string> sink(&composed);
  status = U_ZERO_ERROR;
  nfc->normalizeUTF8(0, piece, sink, nullptr, status);
  if (U_SUCCESS(status)) text->swap(composed);
}

}  // namespace

void CollapseWhiteSpace(std::string_view text, std::string* out, bool* leading, bool* trailing) {
  out->clear();
  *leading = false;
  bool space = false;  // white space seen since the last visible character
  auto before_content = [&]() {
    if (space) {
      if (out->empty()) {
        *leading = true;
      } else {
        out->push_back(' ');
      }
      space = false;
    }
  };
  const size_t n = text.size();
  size_t i = 0;
  bool non_ascii = false;  // the output needs the NFC check
  while (i < n) {
    const auto b = static_cast<unsigned char>(text[i]);
    switch (ClassifyAscii(b)) {
      case AsciiClass::kPlain: {
        size_t j = i + 1;  // copy the run of plain ASCII at once
        while (j < n && ClassifyAscii(static_cast<unsigned char>(text[j])) == AsciiClass::kPlain) {
          ++j;
        }
        before_content();
        out->append(text.data() + i, j - i);
        i = j;
        continue;
      }
      case AsciiClass::kSpace:
      case AsciiClass::kNewline:
        space = true;
        ++i;
        continue;
      case AsciiClass::kDeleted:
        ++i;
        continue;
      case AsciiClass::kOther:
        break;
    }
    const size_t start = i;
    const char32_t cp = NextCodePoint(text, &i);
    if (IsFoldedSpace(cp)) {
      space = true;
    } else if (!IsDeleted(cp)) {
      before_content();
      if (const std::string_view ascii = TypographicReplacement(cp); !ascii.empty()) {
        out->append(ascii);
      } else if (cp == kReplacementChar) {
        AppendUtf8(cp, out);  // U+FFFD itself, or invalid input bytes
        non_ascii = true;
      } else {
        out->append(text.data() + start, i - start);
        non_ascii = true;
      }
    }
  }
  if (non_ascii) ToNfc(out);
  *trailing = space && !out->empty();
  if (out->empty()) *leading = space;
}

}  // namespace extract_internal

std::string NormalizeText(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 1);
  std::string line;
  bool blank_pending = false;  // an empty line was seen since the last emitted one
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    bool leading = false;
    bool trailing = false;
    extract_internal::CollapseWhiteSpace(text.substr(start, end - start), &line, &leading,
                                         &trailing);
    if (line.empty()) {
      blank_pending = !out.empty();
    } else {
      if (blank_pending) out.push_back('\n');
      blank_pending = false;
      out.append(line);
      out.push_back('\n');
    }
    if (end < text.size() && text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') {
      ++end;  // CRLF is one line break
    }
    start = end + 1;
  }
  return out;
}

}  // namespace policyd

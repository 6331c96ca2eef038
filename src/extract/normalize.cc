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

// The output of CollapseWhiteSpace as it is written: white space is held back until the next
// visible character, so that a run of it becomes one space and none is written at either end
// (a leading one is reported in *leading as it is met).
class CollapsingWriter {
 public:
  CollapsingWriter(std::string* out, bool* leading) : out_(out), leading_(leading) {
    out_->clear();
    *leading_ = false;
  }
  void Space() { space_ = true; }
  void Visible(std::string_view text) {
    if (space_) {
      if (out_->empty()) {
        *leading_ = true;
      } else {
        out_->push_back(' ');
      }
      space_ = false;
    }
    out_->append(text);
  }
  bool space_pending() const { return space_; }

 private:
  std::string* out_;
  bool* leading_;
  bool space_ = false;  // white space seen since the last visible character
};

// The end of the run of plain ASCII that begins at text[i]: copied at once.
size_t PlainAsciiRunEnd(std::string_view text, size_t i) {
  while (i < text.size() &&
         ClassifyAscii(static_cast<unsigned char>(text[i])) == AsciiClass::kPlain) {
    ++i;
  }
  return i;
}

// The code point at text[*i] (not ASCII, or invalid bytes), *i moved past it: white space,
// deleted, replaced by its ASCII form, or written as it is. True when non-ASCII was written
// (the output then needs the NFC check).
bool CollapseCodePoint(std::string_view text, size_t* i, CollapsingWriter* writer) {
  const size_t start = *i;
  const char32_t cp = NextCodePoint(text, i);
  if (IsFoldedSpace(cp)) {
    writer->Space();
    return false;
  }
  if (IsDeleted(cp)) return false;
  if (const std::string_view ascii = TypographicReplacement(cp); !ascii.empty()) {
    writer->Visible(ascii);
    return false;
  }
  // U+FFFD for itself and for invalid input bytes alike (its UTF-8 form).
  writer->Visible(cp == kReplacementChar ? std::string_view("\xEF\xBF\xBD")
                                         : text.substr(start, *i - start));
  return true;
}

}  // namespace

void CollapseWhiteSpace(std::string_view text, std::string* out, bool* leading, bool* trailing) {
  CollapsingWriter writer(out, leading);
  bool non_ascii = false;
  size_t i = 0;
  while (i < text.size()) {
    switch (ClassifyAscii(static_cast<unsigned char>(text[i]))) {
      case AsciiClass::kPlain: {
        const size_t end = PlainAsciiRunEnd(text, i + 1);
        writer.Visible(text.substr(i, end - i));
        i = end;
        break;
      }
      case AsciiClass::kSpace:
      case AsciiClass::kNewline:
        writer.Space();
        ++i;
        break;
      case AsciiClass::kDeleted:
        ++i;
        break;
      case AsciiClass::kOther:
        non_ascii |= CollapseCodePoint(text, &i, &writer);
        break;
    }
  }
  if (non_ascii) ToNfc(out);
  *trailing = writer.space_pending() && !out->empty();
  if (out->empty()) *leading = writer.space_pending();
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

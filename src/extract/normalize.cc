// NormalizeText and CollapseWhiteSpace: the white-space, invisible-character and typography
// rules of the output contract (policyd/extract.h).
#include "normalize.h"

#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <unicode/stringpiece.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

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

// Wide or fullwidth (East Asian Width F, W or H) and not Hangul: the characters between which
// a line break of the source is no space (CSS Text 3, segment break transformation).
bool JoinsAcrossLineBreaks(char32_t cp) {
  if (cp < 0x1100) return false;  // the fast path: nothing below is wide
  const auto width = static_cast<UEastAsianWidth>(
      u_getIntPropertyValue(static_cast<UChar32>(cp), UCHAR_EAST_ASIAN_WIDTH));
  if (width != U_EA_FULLWIDTH && width != U_EA_WIDE && width != U_EA_HALFWIDTH) return false;
  UErrorCode status = U_ZERO_ERROR;
  return uscript_getScript(static_cast<UChar32>(cp), &status) != USCRIPT_HANGUL;
}

// The output of CollapseWhiteSpace as it is written: white space is held back until the next
// visible character, so that a run of it becomes one space and none is written at either end
// (a leading one is reported in *leading as it is met). A run that holds a line break between
// two Chinese or Japanese characters is no space at all, as in a browser (CSS Text 3): the
// source's lines are rewrapped by editors and CMSs without a word changing.
class CollapsingWriter {
 public:
  CollapsingWriter(std::string* out, bool* leading) : out_(out), leading_(leading) {
    out_->clear();
    *leading_ = false;
  }
  void Space() { space_ = true; }
  void LineBreak() {
    space_ = true;
    line_break_ = true;
  }
  // `first` and `last`: the first and last code points of `text`.
  void Visible(std::string_view text, char32_t first, char32_t last) {
    if (space_) {
      if (out_->empty()) {
        *leading_ = true;
      } else if (!(line_break_ && JoinsAcrossLineBreaks(last_) && JoinsAcrossLineBreaks(first))) {
        out_->push_back(' ');
      }
      space_ = false;
      line_break_ = false;
    }
    out_->append(text);
    last_ = last;
  }
  bool space_pending() const { return space_; }

 private:
  std::string* out_;
  bool* leading_;
  bool space_ = false;       // white space seen since the last visible character
  bool line_break_ = false;  // and a line break in it
  char32_t last_ = 0;        // the last visible code point written
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
    if (cp == 0x85 || cp == 0x2028 || cp == 0x2029) {
      writer->LineBreak();
    } else {
      writer->Space();
    }
    return false;
  }
  if (IsDeleted(cp)) return false;
  if (const std::string_view ascii = TypographicReplacement(cp); !ascii.empty()) {
    writer->Visible(ascii, static_cast<unsigned char>(ascii.front()),
                    static_cast<unsigned char>(ascii.back()));
    return false;
  }
  // U+FFFD for itself and for invalid input bytes alike (its UTF-8 form).
  writer->Visible(
      cp == kReplacementChar ? std::string_view("\xEF\xBF\xBD") : text.substr(start, *i - start),
      cp, cp);
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
        writer.Visible(text.substr(i, end - i), static_cast<unsigned char>(text[i]),
                       static_cast<unsigned char>(text[end - 1]));
        i = end;
        break;
      }
      case AsciiClass::kSpace:
        writer.Space();
        ++i;
        break;
      case AsciiClass::kNewline:
        writer.LineBreak();
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

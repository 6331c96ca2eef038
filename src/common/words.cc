#include "policyd/words.h"

#include <unicode/brkiter.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include <memory>

namespace policyd {
namespace {

// UText over the caller's bytes (no copy), closed when it goes out of scope.
struct UTextCloser {
  void operator()(UText* text) const { utext_close(text); }
};

}  // namespace

std::unique_ptr<icu::BreakIterator> NewWordIterator() {
  UErrorCode status = U_ZERO_ERROR;
  thread_local const std::unique_ptr<icu::BreakIterator> prototype(
      icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
  if (prototype == nullptr) return nullptr;
  return std::unique_ptr<icu::BreakIterator>(prototype->clone());
}

// A word iterator over the caller's bytes: `text` must outlive it. nullptr when ICU's word data
// cannot be loaded or the text not opened.
std::unique_ptr<icu::BreakIterator> WordsOf(std::string_view utf8,
                                            std::unique_ptr<UText, UTextCloser>* text) {
  UErrorCode status = U_ZERO_ERROR;
  text->reset(utext_openUTF8(nullptr, utf8.data(), static_cast<int64_t>(utf8.size()), &status));
  std::unique_ptr<icu::BreakIterator> words = NewWordIterator();
  if (U_FAILURE(status) || *text == nullptr || words == nullptr) return nullptr;
  words->setText(text->get(), status);
  if (U_FAILURE(status)) return nullptr;
  return words;
}

std::size_t CountWordsUpTo(std::string_view utf8, std::size_t limit) {
  std::unique_ptr<UText, UTextCloser> text;
  const std::unique_ptr<icu::BreakIterator> words = WordsOf(utf8, &text);
  // Without ICU's word data (a broken installation), every text has enough words: the rules
  // built on this count then let pages through rather than refuse every one.
  if (words == nullptr) return limit + 1;
  std::size_t count = 0;
  for (int32_t end = words->next(); end != icu::BreakIterator::DONE; end = words->next()) {
    // The rule status of the segment that ends here: UBRK_WORD_NONE for spaces and
    // punctuation; numbers, letters, kana and ideographs above it.
    if (words->getRuleStatus() >= UBRK_WORD_NONE_LIMIT && ++count > limit) break;
  }
  return count;
}

bool IsUnspacedScriptLetter(UChar32 c) {
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(c, &status)) {
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
      return true;
    default:
      return false;
  }
}

namespace {

// Whether a code point of `utf8` outside ASCII satisfies `wanted`.
template <typename Predicate>
bool HasNonAsciiLetter(std::string_view utf8, Predicate wanted) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(utf8.data());
  const auto length = static_cast<int32_t>(utf8.size());
  for (int32_t i = 0; i < length;) {
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && wanted(c)) return true;
  }
  return false;
}

}  // namespace

bool HasUnspacedScriptLetter(std::string_view utf8) {
  return HasNonAsciiLetter(utf8, IsUnspacedScriptLetter);
}

bool HasHangulLetter(std::string_view utf8) {
  return HasNonAsciiLetter(utf8, [](UChar32 c) {
    UErrorCode status = U_ZERO_ERROR;
    return uscript_getScript(c, &status) == USCRIPT_HANGUL;
  });
}

std::vector<std::size_t> InnerWordBoundaries(std::string_view utf8) {
  std::vector<std::size_t> boundaries;
  std::unique_ptr<UText, UTextCloser> text;
  const std::unique_ptr<icu::BreakIterator> words = WordsOf(utf8, &text);
  if (words == nullptr) return boundaries;
  // A UTF-8 UText's native indexes are byte offsets.
  for (int32_t end = words->next(); end != icu::BreakIterator::DONE; end = words->next()) {
    if (end > 0 && static_cast<std::size_t>(end) < utf8.size()) boundaries.push_back(end);
  }
  return boundaries;
}

}  // namespace policyd

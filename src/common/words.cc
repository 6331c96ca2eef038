#include "policyd/words.h"

#include <unicode/brkiter.h>
#include <unicode/utext.h>

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

std::size_t CountWordsUpTo(std::string_view utf8, std::size_t limit) {
  UErrorCode status = U_ZERO_ERROR;
  const std::unique_ptr<UText, UTextCloser> text(
      utext_openUTF8(nullptr, utf8.data(), static_cast<int64_t>(utf8.size()), &status));
  const std::unique_ptr<icu::BreakIterator> words = NewWordIterator();
  // Without ICU's word data (a broken installation), every text has enough words: the rules
  // built on this count then let pages through rather than refuse every one.
  if (U_FAILURE(status) || text == nullptr || words == nullptr) return limit + 1;
  words->setText(text.get(), status);
  if (U_FAILURE(status)) return limit + 1;
  std::size_t count = 0;
  for (int32_t end = words->next(); end != icu::BreakIterator::DONE; end = words->next()) {
    // The rule status of the segment that ends here: UBRK_WORD_NONE for spaces and
    // punctuation; numbers, letters, kana and ideographs above it.
    if (words->getRuleStatus() >= UBRK_WORD_NONE_LIMIT && ++count > limit) break;
  }
  return count;
}

}  // namespace policyd

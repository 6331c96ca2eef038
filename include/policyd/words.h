// Counting the words of a text in any script, for the rules that judge a page by how much it
// says (near-empty pages, redirect interstitials).
//
// Words are Unicode's word boundaries (UAX #29, ICU's word BreakIterator), with ICU's
// dictionaries for the scripts written without spaces between words (Chinese, Japanese, Thai,
// Lao, Khmer, Burmese): a segment is a word when it holds a letter, a number, kana or an
// ideograph; punctuation, symbols and spaces are none. A paragraph of Chinese counts its
// words, not one per run of characters between punctuation.
#ifndef POLICYD_WORDS_H_
#define POLICYD_WORDS_H_

#include <unicode/brkiter.h>

#include <cstddef>
#include <memory>
#include <string_view>

namespace policyd {

// A word BreakIterator (root locale, the rules above), cloned from one made once per thread:
// making one costs far more than segmenting a paragraph. nullptr when ICU's word data cannot
// be loaded.
std::unique_ptr<icu::BreakIterator> NewWordIterator();

// The words of `utf8` (ill-formed sequences read as U+FFFD), counted up to `limit` + 1: the
// walk stops there, so a long text costs no more than its first words. `limit` + 1 when ICU's
// word data cannot be loaded.
std::size_t CountWordsUpTo(std::string_view utf8, std::size_t limit);

}  // namespace policyd

#endif  // POLICYD_WORDS_H_

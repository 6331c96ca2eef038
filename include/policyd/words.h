// The words of a text in any script: counted, for the rules that judge a page by how much it
// says (near-empty pages, redirect interstitials); split, for the diffs and change classes that
// compare words in scripts written without spaces.
//
// Words are Unicode's word boundaries (UAX #29, ICU's word BreakIterator), with ICU's
// dictionaries for the scripts written without spaces between words (Chinese, Japanese, Thai,
// Lao, Khmer, Burmese): a segment is a word when it holds a letter, a number, kana or an
// ideograph; punctuation, symbols and spaces are none. A paragraph of Chinese counts its
// words, not one per run of characters between punctuation.
#ifndef POLICYD_WORDS_H_
#define POLICYD_WORDS_H_

#include <unicode/brkiter.h>
#include <unicode/umachine.h>

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

namespace policyd {

// A word BreakIterator (root locale, the rules above), cloned from one made once per thread:
// making one costs far more than segmenting a paragraph. nullptr when ICU's word data cannot
// be loaded.
std::unique_ptr<icu::BreakIterator> NewWordIterator();

// The words of `utf8` (ill-formed sequences read as U+FFFD), counted up to `limit` + 1: the
// walk stops there, so a long text costs no more than its first words. `limit` + 1 when ICU's
// word data cannot be loaded.
std::size_t CountWordsUpTo(std::string_view utf8, std::size_t limit);

// True for a letter of a script written without spaces between words (Chinese, Japanese,
// Thai, Lao, Khmer, Burmese): a run of them holds many words.
bool IsUnspacedScriptLetter(UChar32 c);

// True when `utf8` holds a letter of such a script.
bool HasUnspacedScriptLetter(std::string_view utf8);

// True when `utf8` holds a Hangul letter (Korean: spaced, but where the spaces go is a matter
// of spelling rules that writers apply unevenly, "제공할 수" and "제공할수").
bool HasHangulLetter(std::string_view utf8);

// The byte offsets inside `utf8` where its word boundaries fall (the rules above: words,
// and the runs of spaces and punctuation between them), after 0 and before utf8.size(), in
// order. Empty when ICU's word data cannot be loaded (the text is then one piece).
std::vector<std::size_t> InnerWordBoundaries(std::string_view utf8);

}  // namespace policyd

#endif  // POLICYD_WORDS_H_

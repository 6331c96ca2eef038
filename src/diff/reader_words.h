// The words a reader sees in a Markdown text, shared by ClassifyChange and the segment
// alignment (which judges whether an edited paragraph is still the same clause).
//
// Words are compared the way a reader compares them: NFKC-normalised and case-folded (ICU),
// split at every code point that is not a letter, mark or digit, so that quotes, dashes,
// apostrophes (' or ’), ellipses and Markdown syntax never make or break a word.
#ifndef POLICYD_SRC_DIFF_READER_WORDS_H_
#define POLICYD_SRC_DIFF_READER_WORDS_H_

#include <string>
#include <string_view>
#include <vector>

namespace policyd::diff_internal {

// The text without what only Markdown says: link targets ("[text](url)" keeps "[text]"), the
// markers a line starts with (quotes, headings, bullets, ordered items' numbers, table pipes),
// the backslashes that escape punctuation, and line breaks. What is
// left is the words and punctuation a reader sees, in order, with runs of white space as one
// space and none at the ends.
std::string ReaderText(std::string_view text);

// The words of `text` (UTF-8), NFKC case-folded, without Arabic tatweel nor the optional
// vowel marks of Hebrew and Arabic, digits of any script as ASCII ("٩٠" is "90"), with
// Turkish İ and ı folded like I (a heading put in capitals changes no word). Runs of Chinese,
// Japanese, Thai, Lao, Khmer or Burmese letters are split into ICU's dictionary words.
std::vector<std::string> FoldedWords(std::string_view text);

// For two texts whose FoldedWords are equal: how many of their words differ in more than
// case. Full case folding makes "Maßen" and "Massen", or Turkish "sık" and "sik", one word,
// which is right for a heading put in capitals ("MASSEN", "SIK") and wrong otherwise: a word
// pair counts when neither is written in capitals and their simple case foldings differ.
int WordsChangedBeyondCase(std::string_view old_text, std::string_view new_text);

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_READER_WORDS_H_

// ClassifyChange: what kind of change one version of a text is to the previous one, judged
// on the words a reader sees (src/diff/reader_words.h).
#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/diff.h"
#include "policyd/words.h"
#include "src/diff/reader_words.h"

namespace policyd {
namespace {

using diff_internal::FoldedWords;
using diff_internal::ReaderText;

// The words of each paragraph (line) of `text`, one entry per non-empty line.
std::vector<std::vector<std::string>> ParagraphWords(std::string_view text) {
  std::vector<std::vector<std::string>> paragraphs;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::vector<std::string> words = FoldedWords(ReaderText(text.substr(start, end - start)));
    if (!words.empty()) paragraphs.push_back(std::move(words));
    start = end + 1;
  }
  return paragraphs;
}

// Words of `a` not matched by a word of `b` (multiset difference).
int Unmatched(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  std::map<std::string_view, int> counts;
  for (const std::string& word : b) ++counts[word];
  int unmatched = 0;
  for (const std::string& word : a) {
    auto it = counts.find(word);
    if (it == counts.end() || it->second == 0) {
      ++unmatched;
    } else {
      --it->second;
    }
  }
  return unmatched;
}

// Whether the words differ only in where Korean text puts its spaces ("제공할 수" against
// "제공할수"): the same letters in the same order, and every word that differs holds Hangul.
// Joined Latin words ("a part", "apart") stay a change of words.
bool OnlyKoreanSpacingDiffers(const std::vector<std::string>& old_words,
                              const std::vector<std::string>& new_words) {
  const auto joined = [](const std::vector<std::string>& words) {
    std::string all;
    for (const std::string& word : words) all += word;
    return all;
  };
  if (joined(old_words) != joined(new_words)) return false;
  const auto differing_words_are_korean = [](const std::vector<std::string>& a,
                                             const std::vector<std::string>& b) {
    std::map<std::string_view, int> counts;
    for (const std::string& word : b) ++counts[word];
    for (const std::string& word : a) {
      auto it = counts.find(word);
      if (it != counts.end() && it->second > 0) {
        --it->second;
      } else if (!HasHangulLetter(word)) {
        return false;
      }
    }
    return true;
  };
  return differing_words_are_korean(old_words, new_words) &&
         differing_words_are_korean(new_words, old_words);
}

}  // namespace

const char* ChangeClassName(ChangeClass change_class) {
  switch (change_class) {
    case ChangeClass::kSubstantive:
      return "substantive";
    case ChangeClass::kCosmetic:
      return "cosmetic";
    case ChangeClass::kFormatting:
      return "formatting";
    case ChangeClass::kReorder:
      return "reorder";
  }
  return "substantive";
}

ChangeClassification ClassifyChange(std::string_view old_text, std::string_view new_text) {
  ChangeClassification result;
  const std::string old_reader = ReaderText(old_text);
  const std::string new_reader = ReaderText(new_text);
  const std::vector<std::string> old_words = FoldedWords(old_reader);
  const std::vector<std::string> new_words = FoldedWords(new_reader);
  if (old_words == new_words) {
    // The same words in the same order, unless a word changed beyond its case (ß for ss,
    // Turkish ı for i): only the way they are written or laid out changed.
    if (const int changed = diff_internal::WordsChangedBeyondCase(old_reader, new_reader);
        changed > 0) {
      result.words_added = result.words_removed = changed;
      result.change_class = ChangeClass::kSubstantive;
      return result;
    }
    result.change_class =
        old_reader == new_reader ? ChangeClass::kFormatting : ChangeClass::kCosmetic;
    return result;
  }
  if (OnlyKoreanSpacingDiffers(old_words, new_words)) {
    result.change_class = ChangeClass::kCosmetic;
    return result;
  }
  result.words_added = Unmatched(new_words, old_words);
  result.words_removed = Unmatched(old_words, new_words);
  auto old_paragraphs = ParagraphWords(old_text);
  auto new_paragraphs = ParagraphWords(new_text);
  std::sort(old_paragraphs.begin(), old_paragraphs.end());
  std::sort(new_paragraphs.begin(), new_paragraphs.end());
  result.change_class =
      old_paragraphs == new_paragraphs ? ChangeClass::kReorder : ChangeClass::kSubstantive;
  return result;
}

}  // namespace policyd

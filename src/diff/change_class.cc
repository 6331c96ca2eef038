// ClassifyChange: what kind of change one version of a text is to the previous one, judged
// on the words a reader sees (src/diff/reader_words.h).
#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/diff.h"
#include "policyd/words.h"
#include "src/diff/lines.h"
#include "src/diff/reader_words.h"

namespace policyd {
namespace {

using diff_internal::FoldedWords;
using diff_internal::ReaderText;

// The indentation of a Markdown list item's line (spaces before its marker), nullopt for any
// other line.
std::optional<std::size_t> ListItemIndent(std::string_view line) {
  const std::size_t indent = line.find_first_not_of(' ');
  if (indent == std::string_view::npos ||
      diff_internal::ListMarkerLength(line.substr(indent)) == 0) {
    return std::nullopt;
  }
  return indent;
}

// The paragraphs of a text as ClassifyChange compares them.
struct Paragraphs {
  // The words of each paragraph (see paragraph_starts); a nested list item's start with its
  // parent item's words and a separator, so that an item moved under another parent is
  // another paragraph.
  std::vector<std::vector<std::string>> keyed;
  // For each word of the lines, in order: where its list parent's words start (a position in
  // this sequence), or -1 for a word of no nested item.
  std::vector<int64_t> word_parents;
  // Where each paragraph after the first begins, as a position in that sequence: a line after
  // a blank one, a list item, a heading or a table row (a line break inside a paragraph is
  // none).
  std::vector<int64_t> paragraph_starts;
};

Paragraphs ParagraphWords(std::string_view text) {
  struct OpenItem {
    std::size_t indent;
    std::size_t line;  // in `own`
    int64_t first_word;
  };
  std::vector<OpenItem> open;                 // the list items the next line may nest under
  std::vector<std::vector<std::string>> own;  // each non-blank line's words
  Paragraphs paragraphs;
  std::size_t start = 0;
  bool after_blank = false;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    std::vector<std::string> words = FoldedWords(ReaderText(line));
    if (words.empty()) {  // blank lines do not end a list
      after_blank = after_blank || line.find_first_not_of(" \t\r") == std::string_view::npos;
      continue;
    }
    const std::optional<std::size_t> indent = ListItemIndent(line);
    const std::size_t content = line.find_first_not_of(' ');
    const bool starts_paragraph = paragraphs.word_parents.empty() || after_blank ||
                                  indent.has_value() || line[content] == '#' ||
                                  line[content] == '|';
    if (starts_paragraph && !paragraphs.word_parents.empty()) {
      paragraphs.paragraph_starts.push_back(static_cast<int64_t>(paragraphs.word_parents.size()));
    }
    after_blank = false;
    if (indent.has_value()) {
      while (!open.empty() && open.back().indent >= *indent) open.pop_back();
    } else if (line.front() != ' ') {
      open.clear();  // a paragraph at the margin ends the lists above it
    }
    const OpenItem* parent = indent.has_value() && !open.empty() ? &open.back() : nullptr;
    if (starts_paragraph) {
      paragraphs.keyed.emplace_back();
      if (parent != nullptr) {
        paragraphs.keyed.back() = own[parent->line];
        paragraphs.keyed.back().emplace_back("\x1f");
      }
    }
    // A line that starts no paragraph continues the one above (a <br>, a definition under its
    // term): a line moved from one such paragraph to another changes both.
    paragraphs.keyed.back().insert(paragraphs.keyed.back().end(), words.begin(), words.end());
    const auto first_word = static_cast<int64_t>(paragraphs.word_parents.size());
    paragraphs.word_parents.insert(paragraphs.word_parents.end(), words.size(),
                                   parent != nullptr ? parent->first_word : -1);
    if (indent.has_value()) open.push_back({*indent, own.size(), first_word});
    own.push_back(std::move(words));
  }
  return paragraphs;
}

// Whether a paragraph boundary moved: between two boundaries both texts have, one only the old
// text has and one only the new text has (words left one paragraph for its neighbour). A
// boundary only added (a paragraph split) or only removed (two merged) moves no word.
bool ABoundaryMoved(const std::vector<int64_t>& old_starts,
                    const std::vector<int64_t>& new_starts) {
  bool removed = false;
  bool added = false;
  for (std::size_t i = 0, j = 0; i < old_starts.size() || j < new_starts.size();) {
    if (j == new_starts.size() || (i < old_starts.size() && old_starts[i] < new_starts[j])) {
      removed = true;
      ++i;
    } else if (i == old_starts.size() || new_starts[j] < old_starts[i]) {
      added = true;
      ++j;
    } else {  // both: a boundary that stayed
      removed = added = false;
      ++i;
      ++j;
    }
    if (removed && added) return true;
  }
  return false;
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

// `words` with each word cut where a number meets Korean letters ("90일" → "90", "일"), so
// that a number written apart from its unit or joined to it reads the same.
std::vector<std::string> NumbersApartFromHangul(const std::vector<std::string>& words) {
  enum class Kind { kDigit, kHangul, kOther };
  std::vector<std::string> cut;
  for (const std::string& word : words) {
    std::size_t piece = 0;
    Kind previous = Kind::kOther;
    for (std::size_t i = 0; i < word.size();) {
      const auto lead = static_cast<unsigned char>(word[i]);
      const std::size_t length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
      const std::string_view character = std::string_view(word).substr(i, length);
      const Kind kind = (lead >= '0' && lead <= '9') ? Kind::kDigit
                        : HasHangulLetter(character) ? Kind::kHangul
                                                     : Kind::kOther;
      if (i > 0 && kind != Kind::kOther && previous != Kind::kOther && kind != previous) {
        cut.push_back(word.substr(piece, i - piece));
        piece = i;
      }
      previous = kind;
      i += length;
    }
    cut.push_back(word.substr(piece));
  }
  return cut;
}

// Whether the words differ only in where Korean text puts its spaces ("제공할 수" against
// "제공할수", "90일" against "90 일"): the same letters in the same order, and every word that
// differs, once numbers are cut from the Korean letters they touch, holds Hangul. Joined Latin
// words ("a part", "apart") and joined numbers ("1 2일", "12일") stay a change of words.
bool OnlyKoreanSpacingDiffers(const std::vector<std::string>& old_text_words,
                              const std::vector<std::string>& new_text_words) {
  const auto joined = [](const std::vector<std::string>& words) {
    std::string all;
    for (const std::string& word : words) all += word;
    return all;
  };
  if (joined(old_text_words) != joined(new_text_words)) return false;
  const std::vector<std::string> old_words = NumbersApartFromHangul(old_text_words);
  const std::vector<std::string> new_words = NumbersApartFromHangul(new_text_words);
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
    // A list item moved up or down a level under another parent: the same words, but what
    // they are listed under changed.
    // And a paragraph boundary moved: words now in the other paragraph.
    const Paragraphs old_paragraphs = ParagraphWords(old_text);
    const Paragraphs new_paragraphs = ParagraphWords(new_text);
    if (old_paragraphs.word_parents.size() == new_paragraphs.word_parents.size() &&
        (old_paragraphs.word_parents != new_paragraphs.word_parents ||
         ABoundaryMoved(old_paragraphs.paragraph_starts, new_paragraphs.paragraph_starts))) {
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
  auto old_paragraphs = ParagraphWords(old_text).keyed;
  auto new_paragraphs = ParagraphWords(new_text).keyed;
  std::sort(old_paragraphs.begin(), old_paragraphs.end());
  std::sort(new_paragraphs.begin(), new_paragraphs.end());
  result.change_class =
      old_paragraphs == new_paragraphs ? ChangeClass::kReorder : ChangeClass::kSubstantive;
  return result;
}

}  // namespace policyd

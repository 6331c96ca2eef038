// ClassifyChange: what kind of change one version of a text is to the previous one.
//
// Words are compared the way a reader compares them: NFKC-normalised and case-folded (ICU),
// split at every code point that is not a letter, mark or digit, so that quotes, dashes,
// apostrophes (' or ’), ellipses and Markdown syntax never make or break a word.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/diff.h"

namespace policyd {
namespace {

// The text without what only Markdown says: link targets ("[text](url)" keeps "[text]"), the
// markers a line starts with (headings, list items, table pipes) and line breaks. What is
// left is the words and punctuation a reader sees, in order.
std::string ReaderText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\n') {
      line_start = true;
      out += ' ';
      continue;
    }
    if (line_start) {
      if (c == ' ' || c == '#' || c == '-' || c == '|') continue;
      line_start = false;
    }
    if (c == ']' && i + 1 < text.size() && text[i + 1] == '(') {
      const std::size_t close = text.find(')', i + 2);
      const std::size_t newline = text.find('\n', i + 2);
      if (close != std::string_view::npos && close < newline) {
        i = close;  // the target goes, the bracket too
        continue;
      }
    }
    if (c == '[' || c == ']' || c == '|') {
      out += ' ';
      continue;
    }
    out += c;
  }
  // Runs of white space as one space, none at the ends.
  std::string collapsed;
  for (const char c : out) {
    if (c == ' ' || c == '\t') {
      if (!collapsed.empty() && collapsed.back() != ' ') collapsed += ' ';
    } else {
      collapsed += c;
    }
  }
  while (!collapsed.empty() && collapsed.back() == ' ') collapsed.pop_back();
  return collapsed;
}

// The words of `text` (UTF-8), NFKC case-folded.
std::vector<std::string> Words(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* fold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString folded = U_SUCCESS(status) ? fold->normalize(source, status) : source;
  if (U_FAILURE(status)) folded = source;
  std::vector<std::string> words;
  icu::UnicodeString word;
  const auto flush = [&] {
    if (word.isEmpty()) return;
    std::string utf8;
    word.toUTF8String(utf8);
    words.push_back(std::move(utf8));
    word.remove();
  };
  for (int32_t i = 0; i < folded.length();) {
    const UChar32 c = folded.char32At(i);
    i += U16_LENGTH(c);
    if (u_isalnum(c) || (u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY_MASK) & U_GC_M_MASK)) {
      word.append(c);
    } else {
      flush();
    }
  }
  flush();
  return words;
}

// The words of each paragraph (line) of `text`, one entry per non-empty line.
std::vector<std::vector<std::string>> ParagraphWords(std::string_view text) {
  std::vector<std::vector<std::string>> paragraphs;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::vector<std::string> words = Words(ReaderText(text.substr(start, end - start)));
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
  const std::vector<std::string> old_words = Words(old_reader);
  const std::vector<std::string> new_words = Words(new_reader);
  if (old_words == new_words) {
    // The same words in the same order: only the way they are written or laid out changed.
    result.change_class =
        old_reader == new_reader ? ChangeClass::kFormatting : ChangeClass::kCosmetic;
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

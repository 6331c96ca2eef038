#include "src/diff/reader_words.h"

#include <unicode/brkiter.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <cctype>
#include <memory>
#include <utility>

#include "policyd/words.h"

namespace policyd::diff_internal {

namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The length of the markers `line` starts with: indentation, quote markers ("> "), then a
// heading's '#'s, a bullet, a table's pipe, or an ordered item's number ("12. "). A number
// after a heading's '#' is the heading's text (a section renumbered), not a marker.
std::size_t MarkerLength(std::string_view line) {
  std::size_t i = 0;
  bool heading = false;
  while (i < line.size()) {
    const char c = line[i];
    if (c == ' ' || c == '-' || c == '|' || c == '>') {
      ++i;
    } else if (c == '#') {
      heading = true;
      ++i;
    } else if (IsDigit(c) && !heading) {
      std::size_t end = i;
      while (end < line.size() && IsDigit(line[end])) ++end;
      if (end + 1 >= line.size() || line[end] != '.' || line[end + 1] != ' ') break;
      i = end + 2;
    } else {
      break;
    }
  }
  return i;
}

// The length of the footnote reference `text` starts with ("[^3]", "[^a]", "[^*]": the labels
// of src/extract/markdown.cc's FootnoteLabel, at most 4 characters), 0 when it starts with none.
std::size_t FootnoteReferenceLength(std::string_view text) {
  constexpr std::size_t kMaxLabel = 4;
  if (!text.starts_with("[^")) return 0;
  std::size_t end = 2;
  while (end < text.size() && end - 2 < kMaxLabel &&
         (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '*')) {
    ++end;
  }
  return end > 2 && end < text.size() && text[end] == ']' ? end + 1 : 0;
}

// Symbols that say something, as words: currency signs, mathematical symbols (≥ 16, ±),
// other symbols (a disclosure table's ✓ and ✗), and per cent and per mille signs. Not the
// minus sign, a typographic variant of the hyphen-minus, which is punctuation.
bool IsMeaningfulSymbol(UChar32 c, int32_t category) {
  if (c == 0x2212) return false;                            // − MINUS SIGN
  if (c == '%' || c == 0x2030 || c == 0x2031) return true;  // % ‰ ‱
  return (category & (U_GC_SC_MASK | U_GC_SM_MASK | U_GC_SO_MASK)) != 0;
}

}  // namespace

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
      line_start = false;
      const std::string_view line = text.substr(i, text.find('\n', i) - i);
      if (const std::size_t markers = MarkerLength(line); markers > 0) {
        i += markers - 1;
        continue;
      }
    }
    // A backslash before ASCII punctuation is the extractor's Markdown escape ("21\.", "\#",
    // "\|"): the reader sees the character alone.
    if (c == '\\' && i + 1 < text.size() && std::ispunct(static_cast<unsigned char>(text[i + 1]))) {
      continue;
    }
    // A footnote reference ("data[^3]."), which the extractor writes for a <sup> linking to a
    // note: a marker, set aside as a link target is. Adding a note renumbers every later one,
    // and the clauses that cite them say nothing new.
    if (const std::size_t length = FootnoteReferenceLength(text.substr(i)); length > 0) {
      out += ' ';
      i += length - 1;
      continue;
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

namespace {

// Folded away: Arabic tatweel (kashida, U+0640), which only stretches a word, and the
// combining dot above that case folding leaves after the i of a Turkish capital İ.
bool IsStretchOrTurkishDot(UChar32 c, const icu::UnicodeString& word) {
  return c == 0x0640 || (c == 0x0307 && !word.isEmpty() && word.char32At(word.length() - 1) == 'i');
}

// Appends `run` to `words`, split at ICU's dictionary word boundaries when it holds letters of
// a script written without spaces; whole otherwise, or when ICU's word data is missing.
void AppendWords(const icu::UnicodeString& run, bool unspaced, std::vector<std::string>* words) {
  const auto append = [words](const icu::UnicodeString& word) {
    std::string utf8;
    word.toUTF8String(utf8);
    words->push_back(std::move(utf8));
  };
  if (!unspaced) return append(run);
  const std::unique_ptr<icu::BreakIterator> breaks = NewWordIterator();
  if (breaks == nullptr) return append(run);
  breaks->setText(run);
  int32_t start = breaks->first();
  for (int32_t end = breaks->next(); end != icu::BreakIterator::DONE; end = breaks->next()) {
    append(icu::UnicodeString(run, start, end - start));
    start = end;
  }
}

}  // namespace

namespace {

// Vowel points and cantillation of Hebrew, harakat of Arabic: optional marks a site may add to
// a word or leave out, and the same word to a reader.
bool IsOptionalVowelMark(UChar32 c, int32_t category) {
  if ((category & U_GC_MN_MASK) == 0) return false;
  return (c >= 0x0591 && c <= 0x05C7) || (c >= 0x0610 && c <= 0x061A) ||
         (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED);
}

enum class Case { kFold, kKeep };

// The words of `text` after `form` (NFKC case folding, or NFKC alone).
std::vector<std::string> Words(std::string_view text, Case form) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* normalizer = form == Case::kFold
                                           ? icu::Normalizer2::getNFKCCasefoldInstance(status)
                                           : icu::Normalizer2::getNFKCInstance(status);
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
  icu::UnicodeString normal = U_SUCCESS(status) ? normalizer->normalize(source, status) : source;
  if (U_FAILURE(status)) normal = source;
  std::vector<std::string> words;
  icu::UnicodeString word;
  bool unspaced = false;  // `word` holds a letter of a script written without spaces
  const auto flush = [&] {
    if (word.isEmpty()) return;
    AppendWords(word, unspaced, &words);
    word.remove();
    unspaced = false;
  };
  for (int32_t i = 0; i < normal.length();) {
    UChar32 c = normal.char32At(i);
    i += U16_LENGTH(c);
    const int32_t category = u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY_MASK);
    if (IsStretchOrTurkishDot(c, word) || IsOptionalVowelMark(c, category)) continue;
    if (category & U_GC_ND_MASK) c = '0' + u_charDigitValue(c);  // ٩٠ and 90: one number
    if (c == 0x0131 && form == Case::kFold) {
      word.append(UChar32{'i'});  // dotless ı: capitals fold it and dotted i alike, to I and İ
    } else if (u_isalnum(c) || (category & U_GC_M_MASK)) {
      word.append(c);
      unspaced = unspaced || IsUnspacedScriptLetter(c);
    } else if (IsMeaningfulSymbol(c, category)) {
      flush();
      word.append(c);  // a word of its own: "$10" is "$" and "10"
      flush();
    } else {
      flush();
    }
  }
  flush();
  return words;
}

// Written in capitals: letters, none of them lower case ("MASSEN", "SIK").
bool InCapitals(const icu::UnicodeString& word) {
  bool letters = false;
  for (int32_t i = 0; i < word.length();) {
    const UChar32 c = word.char32At(i);
    i += U16_LENGTH(c);
    if (u_islower(c)) return false;
    letters = letters || u_isalpha(c);
  }
  return letters;
}

// Simple case folding, code point by code point: "Maßen" stays "maßen", "sık" stays "sık".
icu::UnicodeString SimpleFold(const icu::UnicodeString& word) {
  icu::UnicodeString folded;
  for (int32_t i = 0; i < word.length();) {
    const UChar32 c = word.char32At(i);
    i += U16_LENGTH(c);
    folded.append(u_foldCase(c, U_FOLD_CASE_DEFAULT));
  }
  return folded;
}

icu::UnicodeString FromUtf8(const std::string& text) {
  return icu::UnicodeString::fromUTF8(
      icu::StringPiece(text.data(), static_cast<int32_t>(text.size())));
}

}  // namespace

std::vector<std::string> FoldedWords(std::string_view text) { return Words(text, Case::kFold); }

int WordsChangedBeyondCase(std::string_view old_text, std::string_view new_text) {
  const std::vector<std::string> old_words = Words(old_text, Case::kKeep);
  const std::vector<std::string> new_words = Words(new_text, Case::kKeep);
  if (old_words.size() != new_words.size()) return 0;
  int changed = 0;
  for (std::size_t i = 0; i < old_words.size(); ++i) {
    if (old_words[i] == new_words[i]) continue;
    const icu::UnicodeString old_word = FromUtf8(old_words[i]);
    const icu::UnicodeString new_word = FromUtf8(new_words[i]);
    if (InCapitals(old_word) || InCapitals(new_word)) continue;  // case may explain it
    changed += SimpleFold(old_word) != SimpleFold(new_word);
  }
  return changed;
}

}  // namespace policyd::diff_internal

#include "layout_text.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "policyd/ascii.h"
#include "policyd/extract.h"

namespace policyd::pdf_internal {
namespace {

// Font sizes compared in half points: nearby sizes from rounding in the PDF are one size.
int SizeKey(double height) { return static_cast<int>(std::lround(height * 2)); }

// The first and the last code point of `text` (UTF-8); -1 when empty or not UTF-8 there.
UChar32 FirstCodePoint(std::string_view text) {
  if (text.empty()) return -1;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  int32_t offset = 0;
  UChar32 c = -1;
  U8_NEXT(bytes, offset, static_cast<int32_t>(text.size()), c);
  return c;
}

UChar32 LastCodePoint(std::string_view text) {
  if (text.empty()) return -1;
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  int32_t offset = static_cast<int32_t>(text.size());
  UChar32 c = -1;
  U8_PREV(bytes, 0, offset, c);
  return c;
}

// Any script's lower case (ICU): "записи", "ώρα", "łączy" continue a sentence as "stays" does.
bool StartsLowerCase(std::string_view text) {
  const UChar32 c = FirstCodePoint(text);
  return c >= 0 && u_islower(c);
}

// Writing without spaces between words (Chinese, Japanese): a line break there is no space,
// or the same characters wrapped at another width would read as other words. Korean, which
// writes spaces, is not one of them.
bool WritesWithoutSpaces(UChar32 c) {
  if (c < 0x2E80) return false;
  if ((c >= 0x3000 && c <= 0x303F) || (c >= 0xFF00 && c <= 0xFFEF)) return true;  // punctuation
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  return U_SUCCESS(status) &&
         (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA);
}

bool IsLetterByte(char c) {
  const auto u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || u >= 0x80;
}

// One line of the output contract: white space collapsed, trimmed, no line break inside.
std::string NormalizeLine(std::string_view text) {
  std::string flat(text);
  std::replace_if(
      flat.begin(), flat.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  std::string line = NormalizeText(flat);  // ends with '\n' unless empty
  if (!line.empty()) line.pop_back();
  return line;
}

// A run of consecutive lines of one block with the same role.
struct Group {
  bool large = false;
  double height = 0;
  std::vector<const LayoutLine*> lines;
};

// The line height that carries the most characters: the body text's size.
int BodySizeKey(const std::vector<LayoutPage>& pages) {
  std::map<int, std::size_t> weight;
  for (const LayoutPage& page : pages) {
    for (const LayoutBlock& block : page.blocks) {
      for (const LayoutLine& line : block.lines) {
        weight[SizeKey(LineHeight(line))] += LineText(line).size();
      }
    }
  }
  int best = 0;
  std::size_t best_weight = 0;
  for (const auto& [key, w] : weight) {
    if (w > best_weight) best = key, best_weight = w;
  }
  return best;
}

// Poppler keeps paragraphs separated only by an empty line in one block when the gap is
// small: a line further below its predecessor than kParagraphGap times the block's tightest
// line pitch starts a new paragraph.
constexpr double kParagraphGap = 1.4;

double TightestPitch(const LayoutBlock& block) {
  double pitch = 0;
  for (std::size_t i = 1; i < block.lines.size(); ++i) {
    const double step = LineTop(block.lines[i]) - LineTop(block.lines[i - 1]);
    if (step > 0 && (pitch == 0 || step < pitch)) pitch = step;
  }
  return pitch;
}

// Splits a block where lines change between body-sized and large, or between large sizes, and
// at paragraph gaps.
std::vector<Group> SplitBlock(const LayoutBlock& block, double body_height) {
  std::vector<Group> groups;
  const double pitch = TightestPitch(block);
  const LayoutLine* previous = nullptr;
  for (const LayoutLine& line : block.lines) {
    const double height = LineHeight(line);
    const bool large = body_height > 0 && height >= kHeadingRatio * body_height;
    const bool gap = previous != nullptr && pitch > 0 &&
                     LineTop(line) - LineTop(*previous) > kParagraphGap * pitch;
    if (groups.empty() || gap || groups.back().large != large ||
        (large && SizeKey(groups.back().height) != SizeKey(height))) {
      groups.push_back({large, height, {}});
    }
    groups.back().lines.push_back(&line);
    previous = &line;
  }
  return groups;
}

std::string JoinLines(const Group& group) {
  std::string text;
  for (const LayoutLine* line : group.lines) AppendLine(NormalizeLine(LineText(*line)), &text);
  return text;
}

bool IsHeading(const Group& group, const std::string& text) {
  if (!group.large || text.empty() || text.back() == '.') return false;
  return std::count(text.begin(), text.end(), ' ') + 1 <= kMaxHeadingWords;
}

bool EndsSentence(const std::string& text) {
  return !text.empty() && std::string_view(".!?:;").find(text.back()) != std::string_view::npos;
}

struct Item {
  int heading_size = 0;  // SizeKey of a heading; 0 for a paragraph
  std::string text;
};

// A paragraph that stops inside a sentence: after a comma, or on a word that starts lower
// case ("... stays in the"). A label ("Contact") or a title does not.
bool EndsMidSentence(const std::string& text) {
  if (text.empty()) return false;
  if (text.back() == ',') return true;
  const std::size_t space = text.rfind(' ');
  return StartsLowerCase(std::string_view(text).substr(space == std::string::npos ? 0 : space + 1));
}

// Paragraphs and headings in reading order, paragraphs cut by a page or column break joined:
// when the next starts lower case, or, at a page break, when the one before stops inside a
// sentence ("stays in the" | "European Union").
std::vector<Item> CollectItems(const std::vector<LayoutPage>& pages) {
  const double body_height = BodySizeKey(pages) / 2.0;
  std::vector<Item> items;
  for (const LayoutPage& page : pages) {
    bool page_start = true;
    for (const LayoutBlock& block : page.blocks) {
      for (const Group& group : SplitBlock(block, body_height)) {
        std::string text = JoinLines(group);
        if (text.empty()) continue;
        const bool continues =
            !items.empty() && items.back().heading_size == 0 && !EndsSentence(items.back().text) &&
            (StartsLowerCase(text) || (page_start && EndsMidSentence(items.back().text)));
        page_start = false;
        if (IsHeading(group, text)) {
          items.push_back({SizeKey(group.height), std::move(text)});
        } else if (continues) {
          AppendLine(text, &items.back().text);
        } else {
          items.push_back({0, std::move(text)});
        }
      }
    }
  }
  return items;
}

}  // namespace

void AppendLine(std::string_view line, std::string* text) {
  if (line.empty()) return;
  if (text->empty()) {
    *text = line;
    return;
  }
  const std::size_t n = text->size();
  const bool hyphen_break = n >= 2 && (*text)[n - 1] == '-' && IsLetterByte((*text)[n - 2]);
  // No space after a hyphenated compound's hyphen ("COVID-" + "19", "Opt-" + "In": kept), nor
  // where Japanese or Chinese meet ("個人情報を" + "取得し": they put none between words).
  const bool spaced = !hyphen_break && !WritesWithoutSpaces(LastCodePoint(*text)) &&
                      !WritesWithoutSpaces(FirstCodePoint(line));
  if (hyphen_break && StartsLowerCase(line)) {
    // "informa-" + "tion" or "third-" + "party": ResolveLineHyphens decides.
    text->back() = kLineHyphen;
  } else if (spaced) {
    *text += ' ';
  }
  *text += line;
}

namespace {

// First parts of compounds written with a hyphen ("third-party", "opt-out", "e-mail",
// "self-service", "non-essential"), lower case; rarely the start of a word divided at the
// margin.
constexpr std::array<std::string_view, 18> kCompoundFirstParts = {
    "cross", "double", "e",   "first", "full", "high",  "long",  "low", "multi",
    "non",   "one",    "opt", "real",  "self", "short", "third", "two", "well"};

bool IsWordByte(char c) { return IsLetterByte(c) || (c >= '0' && c <= '9'); }

// The words (letters, digits and inner hyphens; lower case) written in `text` outside
// line-end hyphens.
std::set<std::string> WrittenWords(std::string_view text) {
  std::set<std::string> words;
  std::size_t start = 0;
  while (start < text.size()) {
    while (start < text.size() && !IsWordByte(text[start])) ++start;
    std::size_t end = start;
    bool divided = false;
    while (end < text.size() &&
           (IsWordByte(text[end]) || text[end] == kLineHyphen ||
            (text[end] == '-' && end + 1 < text.size() && IsWordByte(text[end + 1])))) {
      divided = divided || text[end] == kLineHyphen;
      ++end;
    }
    if (end > start && !divided) words.insert(AsciiLower(text.substr(start, end - start)));
    start = end;
  }
  return words;
}

}  // namespace

std::string ResolveLineHyphens(std::string text) {
  if (text.find(kLineHyphen) == std::string::npos) return text;
  const std::set<std::string> written = WrittenWords(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != kLineHyphen) {
      out += text[i];
      continue;
    }
    std::size_t left = out.size();
    while (left > 0 && IsWordByte(out[left - 1])) --left;
    std::size_t right = i + 1;
    while (right < text.size() && IsWordByte(text[right])) ++right;
    const std::string first = AsciiLower(std::string_view(out).substr(left));
    const std::string second = AsciiLower(std::string_view(text).substr(i + 1, right - i - 1));
    bool hyphen = false;
    if (written.contains(first + "-" + second)) {
      hyphen = true;
    } else if (!written.contains(first + second)) {
      hyphen = std::find(kCompoundFirstParts.begin(), kCompoundFirstParts.end(), first) !=
               kCompoundFirstParts.end();
    }
    if (hyphen) out += '-';
  }
  return out;
}

std::string LayoutToText(const std::vector<LayoutPage>& pages) {
  const std::vector<Item> items = CollectItems(pages);
  std::vector<int> heading_sizes;
  for (const Item& item : items) {
    if (item.heading_size > 0) heading_sizes.push_back(item.heading_size);
  }
  std::sort(heading_sizes.begin(), heading_sizes.end(), std::greater<>());
  heading_sizes.erase(std::unique(heading_sizes.begin(), heading_sizes.end()), heading_sizes.end());
  std::string out;
  for (const Item& item : items) {
    if (!out.empty()) out += "\n\n";
    if (item.heading_size > 0) {
      const auto rank = std::find(heading_sizes.begin(), heading_sizes.end(), item.heading_size) -
                        heading_sizes.begin();
      out += std::string(static_cast<std::size_t>(std::min<long>(rank + 1, 3)), '#') + " ";
    }
    out += item.text;
  }
  if (!out.empty()) out += '\n';
  return ResolveLineHyphens(std::move(out));
}

}  // namespace policyd::pdf_internal

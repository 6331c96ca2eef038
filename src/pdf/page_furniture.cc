#include "page_furniture.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "policyd/ascii.h"

namespace policyd::pdf_internal {
namespace {

enum class Band { kNone, kTop, kBottom };

Band BandOf(const LayoutLine& line, double page_height) {
  if (page_height <= 0) return Band::kNone;
  if (LineTop(line) < kBandFraction * page_height) return Band::kTop;
  if (LineBottom(line) > (1 - kBandFraction) * page_height) return Band::kBottom;
  return Band::kNone;
}

// The text with each run of digits as one '#': "Page 3 of 12" and "Page 10 of 12" match.
std::string MaskDigits(std::string_view text) {
  std::string masked;
  for (char c : text) {
    const bool digit = c >= '0' && c <= '9';
    if (!digit) {
      masked += c;
    } else if (masked.empty() || masked.back() != '#') {
      masked += '#';
    }
  }
  return masked;
}

using Key = std::pair<Band, std::string>;

// On how many pages each (band, masked text) appears.
std::map<Key, int> CountRepeats(const std::vector<LayoutPage>& pages) {
  std::map<Key, int> counts;
  for (const LayoutPage& page : pages) {
    std::set<Key> seen;  // once per page
    for (const LayoutBlock& block : page.blocks) {
      for (const LayoutLine& line : block.lines) {
        const Band band = BandOf(line, page.height);
        if (band != Band::kNone) seen.insert({band, MaskDigits(LineText(line))});
      }
    }
    for (const Key& key : seen) ++counts[key];
  }
  return counts;
}

}  // namespace

bool IsPageNumber(std::string_view line_text) {
  // Dashes (ASCII, en, em), slashes and bars separate; words "page", "p.", "of" may surround.
  std::string text = AsciiLower(line_text);
  for (const std::string_view dash : {"\xE2\x80\x93", "\xE2\x80\x94"}) {
    for (std::size_t at = text.find(dash); at != std::string::npos; at = text.find(dash)) {
      text.replace(at, dash.size(), " ");
    }
  }
  bool digits = false;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '-' || c == '/' || c == '|' || c == '.' || c == '(' || c == ')') {
      ++i;
    } else if (c >= '0' && c <= '9') {
      digits = true;
      ++i;
    } else {
      const std::size_t end = text.find_first_of(" -/|.()0123456789", i);
      const std::string_view word = std::string_view(text).substr(i, end - i);
      if (word != "page" && word != "p" && word != "of") return false;
      i = end == std::string::npos ? text.size() : end;
    }
  }
  return digits;
}

void DropPageFurniture(std::vector<LayoutPage>* pages) {
  const std::map<Key, int> counts = CountRepeats(*pages);
  // Half of the pages, rounded down (a header on every other page of 25 is on 12), and two.
  const int needed = std::max<int>(2, static_cast<int>(pages->size()) / 2);
  for (LayoutPage& page : *pages) {
    // Phase 1: the lines that look like furniture by their band and text.
    std::set<const LayoutLine*> looks_like;
    for (const LayoutBlock& block : page.blocks) {
      for (const LayoutLine& line : block.lines) {
        const Band band = BandOf(line, page.height);
        if (band == Band::kNone) continue;
        const std::string text = LineText(line);
        const auto found = counts.find({band, MaskDigits(text)});
        if (IsPageNumber(text) || (found != counts.end() && found->second >= needed)) {
          looks_like.insert(&line);
        }
      }
    }
    // Phase 2: a line beside text that is not furniture is a cell of that row (a table that
    // runs into the band: "Yes", "26" months), not a running header, footer or page number.
    const auto beside_content = [&](const LayoutLine& candidate) {
      for (const LayoutBlock& block : page.blocks) {
        for (const LayoutLine& line : block.lines) {
          if (looks_like.contains(&line)) continue;
          if (LineTop(line) < LineBottom(candidate) && LineTop(candidate) < LineBottom(line)) {
            return true;
          }
        }
      }
      return false;
    };
    std::set<const LayoutLine*> furniture;
    for (const LayoutLine* line : looks_like) {
      if (!beside_content(*line)) furniture.insert(line);
    }
    for (LayoutBlock& block : page.blocks) {
      std::erase_if(block.lines, [&](const LayoutLine& line) { return furniture.contains(&line); });
    }
    std::erase_if(page.blocks, [](const LayoutBlock& block) { return block.lines.empty(); });
  }
}

}  // namespace policyd::pdf_internal

// The words of a PDF as `pdftotext -bbox-layout` prints them: XHTML with
// <page width height><flow><block><line><word xMin yMin xMax yMax>text</word>..., in Poppler's
// reading order. Parsed with Gumbo (an HTML5 parser reads this XHTML fine; attribute names
// come out lower-case), descending only through that fixed structure.
#ifndef POLICYD_SRC_PDF_BBOX_LAYOUT_H_
#define POLICYD_SRC_PDF_BBOX_LAYOUT_H_

#include <string>
#include <string_view>
#include <vector>

namespace policyd::pdf_internal {

// Coordinates in points, y growing downwards from the top of the page (as pdftotext prints).
struct LayoutWord {
  double x_min = 0, y_min = 0, x_max = 0, y_max = 0;
  std::string text;  // UTF-8
};

struct LayoutLine {
  std::vector<LayoutWord> words;  // never empty
};

struct LayoutBlock {
  std::vector<LayoutLine> lines;  // never empty
};

struct LayoutPage {
  double width = 0;
  double height = 0;
  std::vector<LayoutBlock> blocks;  // the blocks of every flow, in reading order
};

// A line's extent and size: the top of its highest word, the bottom of its lowest, the height
// of its tallest word (Poppler's word boxes scale with the font size), and its words joined
// with single spaces.
double LineTop(const LayoutLine& line);
double LineBottom(const LayoutLine& line);
double LineHeight(const LayoutLine& line);
std::string LineText(const LayoutLine& line);

// Parses pdftotext's output (any bytes: invalid UTF-8 is replaced). Empty lines and blocks
// are left out; pages are kept even when empty, so page numbers stay right.
std::vector<LayoutPage> ParseBboxLayout(std::string_view xhtml);

}  // namespace policyd::pdf_internal

#endif  // POLICYD_SRC_PDF_BBOX_LAYOUT_H_

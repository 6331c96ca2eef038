// A test-only PDF 1.4 writer: pages of text in the standard Helvetica font (Type1,
// WinAnsiEncoding) at given positions and sizes, and filled rectangles, with a correct
// cross-reference table. For generating fixtures in tests; never a parser. Text is written as
// given (ASCII expected); '(', ')' and '\' are escaped.
#ifndef POLICYD_TESTS_SUPPORT_PDF_WRITER_H_
#define POLICYD_TESTS_SUPPORT_PDF_WRITER_H_

#include <string>
#include <vector>

namespace policyd::testing {

struct PdfTextRun {
  double x = 72;   // left edge of the baseline, in points from the page's left
  double y = 720;  // baseline, in points from the page's bottom (PDF coordinates)
  double size = 11;
  std::string text;
};

struct PdfRect {
  double x = 0, y = 0, width = 0, height = 0;
};

struct PdfPage {
  double width = 612;  // US Letter
  double height = 792;
  std::vector<PdfTextRun> texts;
  std::vector<PdfRect> rects;  // filled black, drawn before the text
};

// A complete PDF file with `pages` in order.
std::string WritePdf(const std::vector<PdfPage>& pages);

// A PDF file from raw object bodies: objects[i] becomes object i + 1 ("N 0 obj ... endobj"),
// object 1 must be the catalog. For hand-made hostile structures with a valid xref table.
std::string AssemblePdf(const std::vector<std::string>& objects);

// Lays out `paragraphs` as left-aligned lines of at most `chars_per_line` characters, from
// `top` downwards with `leading` points between baselines and one empty line between
// paragraphs, on one page's text list. Returns the y of the next free baseline.
double AddParagraphs(const std::vector<std::string>& paragraphs, double x, double top, double size,
                     double leading, std::size_t chars_per_line, PdfPage* page);

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_PDF_WRITER_H_

// The words of a PDF (after page furniture is dropped) -> the extraction output contract
// (policyd/extract.h).
//
//  - A Poppler block is a paragraph, unless a line gap markedly wider than the block's
//    tightest line pitch splits it (Poppler may keep paragraphs apart only by an empty line in
//    one block). A paragraph's lines are joined with spaces; a hyphen at a line end before a
//    lower-case letter is undone ("informa-" "tion") unless the document shows it belongs to
//    a compound ("third-" "party": ResolveLineHyphens), and kept without a space before
//    anything else ("COVID-" "19", "Opt-" "In"). Lower-case means ASCII a-z or
//    U+00DF..U+00FF (no Unicode tables here).
//  - Headings by font size: the body size is the line height that carries the most
//    characters; lines at least kHeadingRatio times as tall, grouped when consecutive in a
//    block, with at most kMaxHeadingWords words and no final period, are headings. The
//    distinct heading sizes, largest first, give "# ", "## ", then "### " for all smaller.
//  - A paragraph that stops without final punctuation (. ! ? : ;) and is followed by one that
//    starts with a lower-case letter is one paragraph cut by a page or column break: joined,
//    so that another pagination of the same words gives the same text. At a page break, one
//    that stops inside a sentence (after a comma, or on a word that starts lower case: "stays
//    in the") is joined with the next whatever its first letter ("European Union").
#ifndef POLICYD_SRC_PDF_LAYOUT_TEXT_H_
#define POLICYD_SRC_PDF_LAYOUT_TEXT_H_

#include <string>
#include <vector>

#include "bbox_layout.h"

namespace policyd::pdf_internal {

inline constexpr double kHeadingRatio = 1.2;
inline constexpr int kMaxHeadingWords = 15;

// The text of `pages` in the output contract; "" when there are no words.
std::string LayoutToText(const std::vector<LayoutPage>& pages);

// Appends `line` to the paragraph `text` (hyphenation rule above): a hyphen at a line end
// before a lower-case word is left as kLineHyphen for ResolveLineHyphens. Exposed for tests.
void AppendLine(std::string_view line, std::string* text);

// Stands for a line end's hyphen before a lower-case word until the whole text is known.
inline constexpr char kLineHyphen = '\x1F';

// Decides every kLineHyphen of `text`, which holds a whole document: a hyphen when the
// hyphenated form ("third-party") is written elsewhere in it, nothing when the joined one
// ("information") is; with neither, a hyphen after a few first parts of common compounds
// ("third", "opt", "e", "self", "non", ...), nothing after any other. Exposed for tests.
std::string ResolveLineHyphens(std::string text);

}  // namespace policyd::pdf_internal

#endif  // POLICYD_SRC_PDF_LAYOUT_TEXT_H_

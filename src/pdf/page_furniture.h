// Page furniture: running headers and footers and page numbers, which are not the policy and
// change when the same text is re-issued (a new date in the header, another pagination).
//
// A line is furniture when it lies in the top or bottom band of its page (kBandFraction of the
// page height), either (a) its text with every digit masked repeats in the same band on at
// least half of the pages (rounded down), and on two pages at least ("ACME Privacy Policy -
// Page 3 of 12"), or (b) it is only a page number ("3", "Page 3", "3 of 12", "- 3 -", "3/12"),
// and no other line at its height is text: a "Yes" or a "26" beside a table row's label in the
// band is a cell of that row.
#ifndef POLICYD_SRC_PDF_PAGE_FURNITURE_H_
#define POLICYD_SRC_PDF_PAGE_FURNITURE_H_

#include <string_view>
#include <vector>

#include "bbox_layout.h"

namespace policyd::pdf_internal {

inline constexpr double kBandFraction = 0.08;

// True for a line that is only a page number, as in (b) above.
bool IsPageNumber(std::string_view line_text);

// Removes the furniture lines from `pages` (and the blocks left without lines).
void DropPageFurniture(std::vector<LayoutPage>* pages);

}  // namespace policyd::pdf_internal

#endif  // POLICYD_SRC_PDF_PAGE_FURNITURE_H_

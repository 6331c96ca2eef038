// Choosing what part of a page is the document (internal to the extract component).
#ifndef POLICYD_SRC_EXTRACT_MAIN_CONTENT_H_
#define POLICYD_SRC_EXTRACT_MAIN_CONTENT_H_

#include <string>
#include <vector>

#include <gumbo.h>

#include "policyd/selector.h"
#include "ranges.h"
#include "removal.h"

namespace policyd::extract_internal {

// Automatic mode: the text of the page's main content, boilerplate removed. On a page that
// does not name itself a legal document (block_score.h), the best-scoring blocks when they
// hold at least 200 bytes and 40% of the body's non-link text (a news story without its
// related-story lists). Otherwise the outermost <main>/role=main elements when the page has
// them and they hold a credible share of the page's text, else the outermost <article>
// elements under the same condition, else all of <body>: a legal document is never cut down
// to a single "best" block, which loses whole sections. A page that
// is empty without scripts but carries at least 1000 bytes of text in <noscript> yields that
// text, as a browser with scripts disabled shows it.
// `link_urls`: links as "[text](url)". What `removal` drops is never seen.
std::string RenderMainContent(const GumboNode* body, const Removal& removal, bool link_urls);

// Select mode: the elements matching any of `select` and the outermost nodes (elements or
// text) wholly inside one of `ranges` (ranges.h, over `positions`, required when `ranges` is
// not empty), in document order, leaving out what `removal` drops and the nodes nested in
// another chosen node. The ranges' boundaries are looked for outside removed content; those
// that match nothing are appended to `unmatched`.
std::vector<const GumboNode*> SelectRoots(const GumboNode* root,
                                          const std::vector<Selector>& select,
                                          const std::vector<ParsedRange>& ranges,
                                          const Removal& removal, const TreePositions* positions,
                                          std::vector<UnmatchedBoundary>* unmatched);

// Select mode: the text of `roots`, each treated as content (boilerplate inside them is
// still removed, but header/footer/aside inside them are kept), without what `removal` drops.
std::string RenderSelected(const std::vector<const GumboNode*>& roots, const Removal& removal,
                           bool link_urls);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_MAIN_CONTENT_H_

// Choosing what part of a page is the document (internal to the extract component).
#ifndef POLICYD_SRC_EXTRACT_MAIN_CONTENT_H_
#define POLICYD_SRC_EXTRACT_MAIN_CONTENT_H_

#include <string>
#include <vector>

#include <gumbo.h>

#include "policyd/selector.h"

namespace policyd::extract_internal {

// Automatic mode: the text of the page's main content, boilerplate removed. Uses the outermost
// <main>/role=main elements when the page has them and they hold a credible share of the
// page's text, else the outermost <article> elements under the same condition, else all of
// <body>. Never a single "best" block: on legal pages that loses whole sections.
std::string RenderMainContent(const GumboNode* body, const std::vector<Selector>& remove);

// Select mode: the elements matching any of `select` in document order, outside subtrees
// matching `remove` and without those nested in another match.
std::vector<const GumboNode*> SelectRoots(const GumboNode* root,
                                          const std::vector<Selector>& select,
                                          const std::vector<Selector>& remove);

// Select mode: the text of `roots`, each treated as content (boilerplate inside them is
// still removed, but header/footer/aside inside them are kept).
std::string RenderSelected(const std::vector<const GumboNode*>& roots,
                           const std::vector<Selector>& remove);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_MAIN_CONTENT_H_

// Block scoring: for automatic mode on pages that are NOT legal documents, the best-scoring
// block of text (a news story, a blog post, a help article) and its qualifying siblings,
// without the related-story lists, teasers and widgets around it. Internal to the extract
// component.
//
// Why gated: on a legal document one "best block" loses whole sections (accordions, tabs,
// sections in sibling containers, annexes with few paragraphs). So the page is first
// classified: a <title>, <h1> or two visible h2/h3 headings naming a legal document
// (privacy, cookies, terms of use/service, terms and conditions, imprint, Datenschutz,
// Nutzungsbedingungen, AGB, conditions générales, CGU, mentions légales, community
// guidelines, ...) make it legal, and legal pages keep the whole-body rules of
// main_content.h. A news story about a privacy policy is then kept whole too: some chrome is
// cheaper than a lost section.
//
// Scoring (Readability-like, own design): a "paragraph" is a block element (p, td, li, div,
// ...) with at least 25 characters of its own inline text; it scores
// (1 + commas + min(chars / 100, 3)) * (1 - its own link density). The score goes to its
// parent in full, to the grandparent by half and to the three ancestors above by 1/(3*level).
// A candidate's score, plus a base by tag (div +5, lists -3, ...) and +-25 per class/id with
// content words (article, content, post, story...) or clutter words (related, comment,
// sidebar, share, promo...), is multiplied by (1 - link density of the whole subtree). The best
// candidate (the first in document order on ties) climbs to its parent while that adds no
// text, then its siblings join when they score at least a fifth of it (and at least 10) or
// are plain paragraphs of more than 80 characters with little link text. Inside the chosen
// blocks, containers that are mostly links or named as clutter and have no paragraph of
// their own are excluded (related stories, tag lists, share rows).
//
// Boilerplate (boilerplate.h) and `remove` matches are skipped exactly as the renderer skips
// them, so the scores see the text that would be output. One iterative walk over the body;
// everything else is linear in the number of elements.
#ifndef POLICYD_SRC_EXTRACT_BLOCK_SCORE_H_
#define POLICYD_SRC_EXTRACT_BLOCK_SCORE_H_

#include <unordered_set>
#include <vector>

#include <gumbo.h>

#include "policyd/selector.h"

namespace policyd::extract_internal {

struct ScoredBlocks {
  bool legal = false;  // the page names itself a legal document: no roots are chosen
  // The chosen blocks (empty when the page is legal or has no scorable paragraph) and, inside
  // them, subtrees to leave out.
  std::unordered_set<const GumboNode*> roots;
  std::unordered_set<const GumboNode*> excluded;
};

// Classifies the page of `body` (its <title> is read from the sibling <head>) and, unless it is
// legal, chooses its best blocks. Deterministic; iterative.
ScoredBlocks ScoreBlocks(const GumboNode* body, const std::vector<Selector>& remove);

// True when `text` (a title or heading) names a legal document. Exposed for tests.
bool NamesLegalDocument(std::string_view text);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_BLOCK_SCORE_H_

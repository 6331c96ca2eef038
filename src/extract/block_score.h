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
// parent in full, to the grandparent by half and to the three ancestors above by 1/(3*level);
// a container whose inline text sits beside block children (a story written straight into a
// <div> after a title <p>) holds that text as an anonymous paragraph, so the chain starts at
// the container itself. An excerpt cut short ("...", "…", up to 400 characters) is a teaser
// for another page and scores like a link.
// A candidate's score, plus a base by tag (div +5, lists -3, ...) and +-25 per class/id with
// content words (article, content, post, story...) or clutter words (related, comment,
// sidebar, share, promo...), is multiplied by (1 - link density of the whole subtree). The best
// candidate (the first in document order on ties) climbs to its parent while that adds no
// text, then its siblings join when they score at least a fifth of it (and at least 10) or
// are plain paragraphs of more than 80 characters with little link text. Inside the chosen
// blocks, containers that are mostly links or named as clutter (captions and galleries
// included) and have no paragraph of their own are excluded (related stories, tag lists,
// share rows).
//
// Related-content boxes: a container whose first text is an h2..h6 naming one ("Related
// articles", "You may also like", "Leia também", ...; or a class/id containing "related"), or
// a short element whose whole text is such a title ("<b>You may also like...</b>"), is never a
// candidate, nor is anything inside it, and it is cut out of the chosen blocks. Only the
// smallest such container counts: the one above may begin with the box and hold the story.
//
// Hidden microdata (display:none or `hidden` with `itemscope`: schema.org copies of the
// headline, dates and story) is never shown and is dropped from every output of these pages.
//
// Boilerplate (boilerplate.h) and what `remove` drops (removal.h) are skipped exactly as the
// renderer skips them, so the scores see the text that would be output. One iterative walk
// over the body; everything else is linear in the number of elements.
#ifndef POLICYD_SRC_EXTRACT_BLOCK_SCORE_H_
#define POLICYD_SRC_EXTRACT_BLOCK_SCORE_H_

#include <string_view>
#include <unordered_set>
#include <vector>

#include <gumbo.h>

#include "removal.h"

namespace policyd::extract_internal {

struct ScoredBlocks {
  bool legal = false;  // the page names itself a legal document: no roots are chosen
  // The chosen blocks (empty when the page is legal or has no scorable paragraph) and, inside
  // them, subtrees to leave out.
  std::unordered_set<const GumboNode*> roots;
  std::unordered_set<const GumboNode*> excluded;
  // Related-content boxes ("You may also like", "Related articles"): their first text is a
  // heading naming one. Never candidates, left out of the chosen blocks, and their text does
  // not count in the body's share (main_content.cc); the whole-body text keeps them, because
  // on listing pages such a heading often titles the listing itself.
  std::unordered_set<const GumboNode*> related;
  // Hidden elements carrying microdata (`itemscope`): dropped from every output. Not looked for
  // on legal pages, where a hidden FAQ answer may carry microdata too.
  std::unordered_set<const GumboNode*> hidden_metadata;
  // Blocks whose own text is an excerpt cut short ("... ", "…"): teasers for other pages.
  // They score like links, and their text does not count in the body's share.
  std::unordered_set<const GumboNode*> teasers;
};

// Classifies the page of `body` (its <title> is read from the sibling <head>) and, unless it is
// legal, chooses its best blocks. Deterministic; iterative.
ScoredBlocks ScoreBlocks(const GumboNode* body, const Removal& removal);

// True when `text` (a title or heading) names a legal document. Exposed for tests.
bool NamesLegalDocument(std::string_view text);

// True when `text` titles a related-content box: it begins with one of the known openings
// ("Related", "You may also like", "More from", "Leia também", ...), or with `whole`, it is
// exactly one. At most 80 bytes. Exposed for tests.
bool NamesRelatedContent(std::string_view text, bool whole);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_BLOCK_SCORE_H_

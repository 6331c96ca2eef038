#include "main_content.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "block_score.h"
#include "html_tags.h"
#include "markdown.h"

namespace policyd::extract_internal {
namespace {

// A candidate (main or articles) must hold at least this share of the body's non-link text.
// Below it the page keeps real text outside the candidate (a <main> around the title only,
// say), and losing text is worse than keeping some chrome. Link text is left out of both
// sides because mega-footers and menus are mostly links.
constexpr size_t kCandidateShareDenominator = 3;
// A candidate whose first heading names a legal document ("Privacy Policy"), on a page that
// names itself one, says where the document is: it needs only a tenth. Otherwise chrome that
// grows around a short policy (a strip of store addresses, a longer promo) flips the page
// from the candidate to the whole body and back, a false change each way. A tenth and
// kMinScoredText still send a <main> around only the title, or the title and a short intro,
// to the whole body.
constexpr size_t kTitledShareDenominator = 10;

// Below this many text bytes the page is (almost) empty without scripts ...
constexpr size_t kScriptOnlyPage = 200;
// ... and <noscript> content of at least this size is the page served to non-script clients.
constexpr size_t kMinNoscriptText = 1000;

// Scored blocks (block_score.h, pages that do not name themselves a legal document) replace
// the page when they hold at least this much non-link text (less is a caption or a teaser) ...
constexpr size_t kMinScoredText = 200;
// ... and at least kScoredShareNumerator / kScoredShareDenominator of the body's. Below that the
// page is a listing, a forum thread, a product page or a help index whose content is spread
// over many blocks: measured on WCXB dev, 0.4 keeps article pages at F1 0.946 and brings
// all pages from 0.755 (no share) to 0.850; on the article benchmark it costs 0.001.
constexpr size_t kScoredShareNumerator = 2;
constexpr size_t kScoredShareDenominator = 5;

size_t NonLinkBytes(TextSink& sink) { return sink.text_bytes() - sink.link_bytes(); }

// True when the first heading of `lines` (Markdown, as a sink emits it) is of level 1 to 3
// and names a legal document.
bool FirstHeadingNamesLegalDocument(std::string_view lines) {
  for (size_t start = 0; start < lines.size();) {
    size_t end = lines.find('\n', start);
    if (end == std::string_view::npos) end = lines.size();
    const std::string_view line = lines.substr(start, end - start);
    if (line.starts_with('#')) {
      const size_t level = line.find_first_not_of('#');
      if (level == std::string_view::npos || level > 3) return false;
      return NamesLegalDocument(line.substr(level));
    }
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string RenderMainContent(const GumboNode* body, const Removal& removal, bool link_urls) {
  const ScoredBlocks scored = ScoreBlocks(body, removal);
  auto render = [&](bool noscript, size_t* bytes) {
    MarkdownRenderer renderer(removal, link_urls, noscript);
    if (!noscript) renderer.SetScoredBlocks(&scored);
    renderer.Render(body, /*root_is_content=*/false, /*track_candidates=*/true);
    TextSink& all = renderer.sink(MarkdownRenderer::kBodySink);
    const size_t body_bytes = NonLinkBytes(all);
    auto credible = [&](TextSink& candidate) {
      const size_t candidate_bytes = NonLinkBytes(candidate);
      if (candidate_bytes == 0) return false;
      if (candidate_bytes * kCandidateShareDenominator >= body_bytes) return true;
      return scored.legal && candidate_bytes >= kMinScoredText &&
             candidate_bytes * kTitledShareDenominator >= body_bytes &&
             FirstHeadingNamesLegalDocument(candidate.emitted());
    };
    TextSink* chosen = &all;
    const size_t scored_bytes = NonLinkBytes(renderer.sink(MarkdownRenderer::kScoredSink));
    // Related-content boxes and teasers are never the page's content: they do not dilute
    // the share.
    const size_t shared_bytes =
        body_bytes -
        std::min(body_bytes, NonLinkBytes(renderer.sink(MarkdownRenderer::kDiscountSink)));
    if (renderer.saw_scored() && scored_bytes >= kMinScoredText &&
        scored_bytes * kScoredShareDenominator >= shared_bytes * kScoredShareNumerator) {
      chosen = &renderer.sink(MarkdownRenderer::kScoredSink);
    } else if (renderer.saw_main() && credible(renderer.sink(MarkdownRenderer::kMainSink))) {
      chosen = &renderer.sink(MarkdownRenderer::kMainSink);
    } else if (renderer.saw_article() && credible(renderer.sink(MarkdownRenderer::kArticleSink))) {
      chosen = &renderer.sink(MarkdownRenderer::kArticleSink);
    }
    *bytes = chosen->text_bytes();
    return chosen->Finish();
  };
  size_t bytes = 0;
  std::string text = render(/*noscript=*/false, &bytes);
  if (bytes < kScriptOnlyPage) {
    // Pages that render their content with scripts often serve it to clients without scripts
    // in <noscript> (Discourse forums, some help centres). A short "enable JavaScript" notice
    // stays out: the noscript text must be substantial to replace an empty page.
    size_t noscript_bytes = 0;
    std::string noscript_text = render(/*noscript=*/true, &noscript_bytes);
    if (noscript_bytes >= kMinNoscriptText) return noscript_text;
  }
  return text;
}

std::vector<const GumboNode*> SelectRoots(const GumboNode* root,
                                          const std::vector<Selector>& select,
                                          const std::vector<ParsedRange>& ranges,
                                          const Removal& removal, const TreePositions* positions,
                                          std::vector<UnmatchedBoundary>* unmatched) {
  // OTA selects in the document its `remove` step left: no boundary in removed content.
  std::vector<TreePositions::Interval> intervals;
  if (!ranges.empty() && positions != nullptr) {
    intervals = positions->Resolve(
        ranges, [&removal](const GumboNode* node) { return removal.Removes(node); }, unmatched);
  }
  auto in_range = [&](const GumboNode* node) {
    return !intervals.empty() && positions->Inside(node, intervals);
  };

  std::vector<const GumboNode*> roots;
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
        node->type == GUMBO_NODE_WHITESPACE) {
      if (in_range(node) && !removal.Removes(node)) roots.push_back(node);
      continue;
    }
    if (node->type == GUMBO_NODE_TEMPLATE) {
      // Templates are inert, except declarative shadow roots, which browsers render in place.
      if (extract_internal::GetAttr(node, "shadowrootmode") == nullptr &&
          extract_internal::GetAttr(node, "shadowroot") == nullptr) {
        continue;
      }
    } else if (node->type != GUMBO_NODE_ELEMENT) {
      continue;
    }
    if (removal.Removes(node)) continue;
    bool selected = in_range(node);
    for (size_t i = 0; !selected && i < select.size(); ++i) selected = select[i].Matches(node);
    if (selected) {
      roots.push_back(node);  // its descendants are part of it
      continue;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return roots;
}

std::string RenderSelected(const std::vector<const GumboNode*>& roots, const Removal& removal,
                           bool link_urls) {
  MarkdownRenderer renderer(removal, link_urls);
  for (const GumboNode* root : roots) {
    renderer.Render(root, /*root_is_content=*/true, /*track_candidates=*/false);
  }
  return renderer.sink(MarkdownRenderer::kBodySink).Finish();
}

}  // namespace policyd::extract_internal

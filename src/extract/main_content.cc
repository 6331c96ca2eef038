#include "main_content.h"

#include <string>
#include <vector>

#include "html_tags.h"
#include "markdown.h"

namespace policyd::extract_internal {
namespace {

// A candidate (main or articles) must hold at least this share of the body's non-link text.
// Below it the page keeps real text outside the candidate (a <main> around the title only,
// say), and losing text is worse than keeping some chrome. Link text is left out of both
// sides because mega-footers and menus are mostly links.
constexpr size_t kCandidateShareDenominator = 3;

size_t NonLinkBytes(TextSink& sink) { return sink.text_bytes() - sink.link_bytes(); }

}  // namespace

std::string RenderMainContent(const GumboNode* body, const std::vector<Selector>& remove) {
  MarkdownRenderer renderer(remove);
  renderer.Render(body, /*root_is_content=*/false, /*track_candidates=*/true);
  TextSink& all = renderer.sink(MarkdownRenderer::kBodySink);
  const size_t body_bytes = NonLinkBytes(all);
  auto credible = [&](TextSink& candidate) {
    const size_t bytes = NonLinkBytes(candidate);
    return bytes > 0 && bytes * kCandidateShareDenominator >= body_bytes;
  };
  if (renderer.saw_main() && credible(renderer.sink(MarkdownRenderer::kMainSink))) {
    return renderer.sink(MarkdownRenderer::kMainSink).Finish();
  }
  if (renderer.saw_article() && credible(renderer.sink(MarkdownRenderer::kArticleSink))) {
    return renderer.sink(MarkdownRenderer::kArticleSink).Finish();
  }
  return all.Finish();
}

std::vector<const GumboNode*> SelectRoots(const GumboNode* root,
                                          const std::vector<Selector>& select,
                                          const std::vector<Selector>& remove) {
  std::vector<const GumboNode*> roots;
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEMPLATE) {
      // Templates are inert, except declarative shadow roots, which browsers render in place.
      if (extract_internal::GetAttr(node, "shadowrootmode") == nullptr &&
          extract_internal::GetAttr(node, "shadowroot") == nullptr) {
        continue;
      }
    } else if (node->type != GUMBO_NODE_ELEMENT) {
      continue;
    }
    bool removed = false;
    for (const Selector& selector : remove) {
      if (selector.Matches(node)) {
        removed = true;
        break;
      }
    }
    if (removed) continue;
    bool selected = false;
    for (const Selector& selector : select) {
      if (selector.Matches(node)) {
        selected = true;
        break;
      }
    }
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

std::string RenderSelected(const std::vector<const GumboNode*>& roots,
                           const std::vector<Selector>& remove) {
  MarkdownRenderer renderer(remove);
  for (const GumboNode* root : roots) {
    renderer.Render(root, /*root_is_content=*/true, /*track_candidates=*/false);
  }
  return renderer.sink(MarkdownRenderer::kBodySink).Finish();
}

}  // namespace policyd::extract_internal

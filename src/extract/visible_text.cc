// ReadVisibleText: the whole page's text as a reader without JavaScript sees it.
#include <algorithm>
#include <vector>

#include "html_tags.h"
#include "policyd/extract.h"
#include "policyd/gumbo_document.h"

namespace policyd {

using extract_internal::Children;

namespace {

// Elements whose content is never shown as text: scripts, styles, templates.
bool IsHiddenContent(const GumboNode* node) {
  if (node->type != GUMBO_NODE_ELEMENT) return false;
  const GumboTag tag = node->v.element.tag;
  return tag == GUMBO_TAG_SCRIPT || tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_TEMPLATE;
}

// The text of the first <title> under `root` (document order, without recursion).
std::string TitleText(const GumboNode* root) {
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == GUMBO_TAG_TITLE) {
      std::string title;
      for (unsigned i = 0; i < node->v.element.children.length; ++i) {
        const auto* child = static_cast<const GumboNode*>(node->v.element.children.data[i]);
        if (child->type == GUMBO_NODE_TEXT) title += child->v.text.text;
      }
      return title;
    }
    const GumboVector& children = Children(node);
    for (unsigned i = children.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
    }
  }
  return "";
}

}  // namespace

VisibleText ReadVisibleText(std::string_view html, std::string_view content_type) {
  std::string utf8;
  DecodeToUtf8(html, content_type, &utf8);
  const GumboDocument document(std::move(utf8));
  VisibleText visible;
  visible.title = TitleText(document.root());
  // Every text node in document order, skipping what is never shown; an explicit stack, so a
  // deep tree costs memory, not call depth.
  std::vector<const GumboNode*> stack = {document.root()};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA ||
        node->type == GUMBO_NODE_WHITESPACE) {
      visible.text += node->v.text.text;
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT || IsHiddenContent(node)) continue;
    if (node->v.element.tag == GUMBO_TAG_TITLE) continue;  // in `title`, not in the page
    visible.text += ' ';                                   // element boundaries separate words
    const GumboVector& children = Children(node);
    for (unsigned i = children.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
    }
  }
  return visible;
}

}  // namespace policyd

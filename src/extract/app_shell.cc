// LooksLikeAppShell: is a page as served only the shell of a script-built application?
#include <gumbo.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <vector>

#include "html_tags.h"
#include "policyd/ascii.h"
#include "policyd/extract.h"
#include "policyd/gumbo_document.h"

namespace policyd {

using extract_internal::Children;

namespace {

// Ids and elements that single-page application frameworks render into (React's create-react-
// app and Vite templates, Vue, Next.js, Nuxt, Gatsby, Angular, Svelte, Ember, single-spa).
constexpr std::array<const char*, 9> kMountPointIds = {
    "root",      "app",    "__next",    "__nuxt",
    "___gatsby", "svelte", "ember-app", "single-spa-application",
    "main-app"};

const char* AttributeOf(const GumboNode* node, const char* name) {
  const GumboAttribute* attribute = gumbo_get_attribute(&node->v.element.attributes, name);
  return attribute == nullptr ? nullptr : attribute->value;
}

// A script that runs (not JSON-LD, templates or other data blocks).
bool IsExecutableScript(const GumboNode* node) {
  const char* type = AttributeOf(node, "type");
  if (type == nullptr) return true;
  const std::string lower = AsciiLower(type);
  return lower.empty() || lower == "module" || lower == "text/javascript" ||
         lower == "application/javascript" || lower == "text/ecmascript";
}

bool IsMountPoint(const GumboNode* node) {
  const GumboTag tag = node->v.element.tag;
  if (tag == GUMBO_TAG_UNKNOWN) {
    // Angular's <app-root>, and other custom elements a framework upgrades.
    const GumboStringPiece& original = node->v.element.original_tag;
    const std::string name(original.data == nullptr ? ""
                                                    : std::string(original.data, original.length));
    if (AsciiLower(name).starts_with("<app-root")) return true;
  }
  if (AttributeOf(node, "ng-app") != nullptr || AttributeOf(node, "data-reactroot") != nullptr) {
    return true;
  }
  const char* id = AttributeOf(node, "id");
  if (id == nullptr) return false;
  for (const char* known : kMountPointIds) {
    if (std::string_view(id) == known) return true;
  }
  return false;
}

std::size_t NonSpaceBytes(const char* text) {
  std::size_t count = 0;
  for (const char* c = text; *c != '\0'; ++c) {
    if (!std::isspace(static_cast<unsigned char>(*c))) ++count;
  }
  return count;
}

struct Walk {
  const GumboNode* node;
  bool in_noscript;
  const GumboNode* mount;  // the innermost mount point around `node`, if any
};

void Visit(const Walk& at, AppShellSignals* signals, std::vector<Walk>* stack,
           std::vector<const GumboNode*>* mounts_with_content) {
  const GumboNode* node = at.node;
  if (node->type == GUMBO_NODE_TEXT || node->type == GUMBO_NODE_CDATA) {
    const std::size_t bytes = NonSpaceBytes(node->v.text.text);
    if (at.in_noscript) {
      const std::string lower = AsciiLower(node->v.text.text);
      if (lower.find("javascript") != std::string::npos)
        signals->noscript_asks_for_javascript = true;
    } else {
      signals->visible_text_bytes += bytes;
      if (at.mount != nullptr && bytes > 0) mounts_with_content->push_back(at.mount);
    }
    return;
  }
  if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) return;
  Walk child_walk = at;
  if (node->type == GUMBO_NODE_ELEMENT) {
    const GumboTag tag = node->v.element.tag;
    if (tag == GUMBO_TAG_SCRIPT) {
      if (IsExecutableScript(node)) ++signals->scripts;
      return;
    }
    if (tag == GUMBO_TAG_STYLE || tag == GUMBO_TAG_TEMPLATE || tag == GUMBO_TAG_TITLE) return;
    if (tag == GUMBO_TAG_NOSCRIPT) child_walk.in_noscript = true;
    if (IsMountPoint(node)) {
      ++signals->mount_points;
      child_walk.mount = node;
    }
  }
  const GumboVector& children = Children(node);
  for (unsigned i = children.length; i > 0; --i) {
    child_walk.node = static_cast<const GumboNode*>(children.data[i - 1]);
    stack->push_back(child_walk);
  }
}

}  // namespace

AppShellSignals ReadAppShellSignals(std::string_view html, std::string_view content_type) {
  std::string utf8;
  DecodeToUtf8(html, content_type, &utf8);
  const GumboDocument document(std::move(utf8));
  AppShellSignals signals;
  std::vector<const GumboNode*> mounts_with_content;
  // An explicit stack: a deep tree costs memory, not call depth.
  std::vector<Walk> stack = {{document.document(), false, nullptr}};
  while (!stack.empty()) {
    const Walk at = stack.back();
    stack.pop_back();
    Visit(at, &signals, &stack, &mounts_with_content);
  }
  std::sort(mounts_with_content.begin(), mounts_with_content.end());
  const auto filled =
      static_cast<std::size_t>(std::unique(mounts_with_content.begin(), mounts_with_content.end()) -
                               mounts_with_content.begin());
  signals.empty_mount_points = signals.mount_points - std::min(signals.mount_points, filled);
  return signals;
}

bool AppShellSignals::LooksLikeAppShell() const {
  if (scripts == 0 || visible_text_bytes > kAppShellMaxTextBytes) return false;
  return empty_mount_points > 0 || noscript_asks_for_javascript || visible_text_bytes < 64;
}

}  // namespace policyd

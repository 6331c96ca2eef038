// ReadRedirectSignals: does a page as served send its reader elsewhere?
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

constexpr std::size_t kMaxScriptsRead = 32;
constexpr std::size_t kMaxScriptBytesRead = 64 * 1024;
constexpr std::size_t kMaxTargetBytes = 2048;

const char* AttributeOf(const GumboNode* node, const char* name) {
  const GumboAttribute* attribute = gumbo_get_attribute(&node->v.element.attributes, name);
  return attribute == nullptr ? nullptr : attribute->value;
}

bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

std::string_view TrimSpaces(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// The content attribute of a refresh <meta>, after HTML's "shared declarative refresh steps":
// the delay (digits, then anything of [0-9.]), a ';' or ',' or spaces, optionally "url" and
// '=', then the URL, optionally in quotes. False when the content is not a refresh at all.
bool ParseRefresh(std::string_view content, int* seconds, std::string* url) {
  content = TrimSpaces(content);
  std::size_t at = 0;
  long delay = 0;
  bool digits = false;
  while (at < content.size() && std::isdigit(static_cast<unsigned char>(content[at]))) {
    delay = std::min<long>(delay * 10 + (content[at] - '0'), 1'000'000);
    digits = true;
    ++at;
  }
  while (at < content.size() &&
         (std::isdigit(static_cast<unsigned char>(content[at])) || content[at] == '.')) {
    ++at;
  }
  if (!digits && (at == 0 || content[0] != '.')) return false;
  *seconds = static_cast<int>(delay);
  std::string_view rest = content.substr(at);
  while (!rest.empty() && (IsSpace(rest.front()) || rest.front() == ';' || rest.front() == ',')) {
    rest.remove_prefix(1);
  }
  if (rest.size() >= 3 && AsciiLower(rest.substr(0, 3)) == "url") {
    std::string_view after = TrimSpaces(rest.substr(3));
    if (!after.empty() && after.front() == '=') rest = TrimSpaces(after.substr(1));
  }
  if (!rest.empty() && (rest.front() == '\'' || rest.front() == '"')) {
    const char quote = rest.front();
    rest.remove_prefix(1);
    rest = rest.substr(0, rest.find(quote));
  }
  *url = std::string(TrimSpaces(rest).substr(0, kMaxTargetBytes));
  return true;
}

// The string literal that starts at `text[at]` (after spaces), if any.
std::string StringLiteralAt(std::string_view text, std::size_t at) {
  while (at < text.size() && IsSpace(text[at])) ++at;
  if (at >= text.size()) return {};
  const char quote = text[at];
  if (quote != '"' && quote != '\'' && quote != '`') return {};
  const std::size_t end = text.find(quote, at + 1);
  if (end == std::string_view::npos || end - at - 1 > kMaxTargetBytes) return {};
  std::string literal(text.substr(at + 1, end - at - 1));
  // A template literal with substitutions is computed: not a URL we can read.
  if (quote == '`' && literal.find("${") != std::string::npos) return {};
  return literal;
}

// location.replace("..."), location.assign("..."), location.href = "...", location = "...".
std::string ScriptTarget(std::string_view script) {
  static constexpr std::array<std::string_view, 2> kCalls = {"location.replace(",
                                                             "location.assign("};
  static constexpr std::array<std::string_view, 2> kAssignments = {"location.href", "location"};
  for (std::string_view call : kCalls) {
    for (std::size_t at = script.find(call); at != std::string_view::npos;
         at = script.find(call, at + 1)) {
      if (std::string target = StringLiteralAt(script, at + call.size()); !target.empty()) {
        return target;
      }
    }
  }
  for (std::string_view assignment : kAssignments) {
    for (std::size_t at = script.find(assignment); at != std::string_view::npos;
         at = script.find(assignment, at + 1)) {
      std::size_t next = at + assignment.size();
      while (next < script.size() && IsSpace(script[next])) ++next;
      // "=" but not "==" or "===" (a comparison).
      if (next >= script.size() || script[next] != '=' ||
          (next + 1 < script.size() && script[next + 1] == '=')) {
        continue;
      }
      if (std::string target = StringLiteralAt(script, next + 1); !target.empty()) return target;
    }
  }
  return {};
}

std::string ScriptText(const GumboNode* script) {
  std::string text;
  const GumboVector& children = Children(script);
  for (unsigned i = 0; i < children.length && text.size() < kMaxScriptBytesRead; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA) {
      text += child->v.text.text;
    }
  }
  if (text.size() > kMaxScriptBytesRead) text.resize(kMaxScriptBytesRead);
  return text;
}

struct Scan {
  std::vector<const GumboNode*> refresh_metas;
  std::vector<const GumboNode*> scripts;
};

void Collect(const GumboNode* root, Scan* scan) {
  // An explicit stack: a deep tree costs memory, not call depth.
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT) continue;
    if (node->type == GUMBO_NODE_ELEMENT) {
      const GumboTag tag = node->v.element.tag;
      if (tag == GUMBO_TAG_META) {
        const char* equiv = AttributeOf(node, "http-equiv");
        if (equiv != nullptr && AsciiLower(TrimSpaces(equiv)) == "refresh") {
          scan->refresh_metas.push_back(node);
        }
        continue;
      }
      if (tag == GUMBO_TAG_SCRIPT) {
        if (scan->scripts.size() < kMaxScriptsRead) scan->scripts.push_back(node);
        continue;
      }
    }
    const GumboVector& children = Children(node);
    for (unsigned i = children.length; i > 0; --i) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i - 1]));
    }
  }
}

}  // namespace

RedirectSignals ReadRefreshHeader(std::string_view value) {
  RedirectSignals signals;
  int seconds = 0;
  std::string url;
  if (value.size() <= kMaxTargetBytes && ParseRefresh(value, &seconds, &url) && !url.empty()) {
    signals.kind = RedirectKind::kRefreshHeader;
    signals.target = std::move(url);
    signals.refresh_seconds = seconds;
  }
  return signals;
}

RedirectSignals ReadRedirectSignals(std::string_view html, std::string_view content_type) {
  std::string utf8;
  DecodeToUtf8(html, content_type, &utf8);
  const GumboDocument document(std::move(utf8));
  Scan scan;
  Collect(document.document(), &scan);
  RedirectSignals signals;
  for (const GumboNode* meta : scan.refresh_metas) {
    const char* content = AttributeOf(meta, "content");
    int seconds = 0;
    std::string url;
    if (content != nullptr && ParseRefresh(content, &seconds, &url) && !url.empty()) {
      signals.kind = RedirectKind::kMetaRefresh;
      signals.target = std::move(url);
      signals.refresh_seconds = seconds;
      return signals;
    }
  }
  for (const GumboNode* script : scan.scripts) {
    if (std::string target = ScriptTarget(ScriptText(script)); !target.empty()) {
      signals.kind = RedirectKind::kScript;
      signals.target = std::move(target);
      return signals;
    }
  }
  return signals;
}

}  // namespace policyd

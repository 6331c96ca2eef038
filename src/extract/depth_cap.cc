// CapNestingDepth: a linear-time estimate of the tree builder's stack of open elements, used
// to keep adversarially deep documents away from Gumbo's quadratic scope checks and recursive
// destructor (see policyd/gumbo_document.h).
//
// The estimate follows the WHATWG tokenizer and tree-construction rules closely enough for
// that purpose, not exactly: elements whose end tags are usually implied (p, li, td, ...) are
// not tracked at all; an end tag closes the nearest matching open element within scope, as in
// the standard, but the search looks at most kMaxEndTagSearch entries deep. Where it errs it
// errs towards a larger depth, which only matters for documents that are already pathological.
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "html_tags.h"
#include "policyd/gumbo_document.h"

namespace policyd {
namespace {

using extract_internal::HasFlag;
using extract_internal::kFormatting;
using extract_internal::kImpliedEnd;
using extract_internal::kRawText;
using extract_internal::kScopeBoundary;
using extract_internal::kSpecial;
using extract_internal::kVoid;

constexpr size_t kMaxEndTagSearch = 256;

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsTagSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// One open element of the estimate.
struct OpenElement {
  uint32_t id;   // GumboTag, or a hash of the name (>= GUMBO_TAG_LAST) for unknown tags
  GumboTag tag;  // GUMBO_TAG_UNKNOWN for unknown names
  bool dropped;  // its start tag was removed from the output
};

// Position of the '>' ending the tag whose name ends at `pos` (quoted attribute values may
// contain '>'), or html.size().
size_t FindTagEnd(std::string_view html, size_t pos) {
  bool after_equals = false;
  while (pos < html.size()) {
    const char c = html[pos];
    if (c == '>') return pos;
    if ((c == '"' || c == '\'') && after_equals) {
      const size_t close = html.find(c, pos + 1);
      if (close == std::string_view::npos) return html.size();
      pos = close + 1;
      after_equals = false;
      continue;
    }
    if (c == '=') {
      after_equals = true;
    } else if (!IsTagSpace(c)) {
      after_equals = false;
    }
    ++pos;
  }
  return html.size();
}

// Position just past the end tag "</name" (case-insensitive) that closes a raw-text element
// whose start tag ended before `pos`, or html.size().
size_t SkipRawText(std::string_view html, size_t pos, std::string_view name) {
  while (true) {
    const size_t lt = html.find("</", pos);
    if (lt == std::string_view::npos) return html.size();
    size_t i = lt + 2;
    size_t k = 0;
    while (k < name.size() && i + k < html.size() && AsciiLower(html[i + k]) == name[k]) ++k;
    if (k == name.size() && i + k < html.size() &&
        (IsTagSpace(html[i + k]) || html[i + k] == '/' || html[i + k] == '>')) {
      return lt;  // the end tag itself is processed by the main loop
    }
    pos = lt + 2;
  }
}

uint32_t NameId(std::string_view name, GumboTag tag) {
  if (tag != GUMBO_TAG_UNKNOWN) return static_cast<uint32_t>(tag);
  uint32_t hash = 2166136261u;  // FNV-1a over the lower-cased name
  for (const char c : name) hash = (hash ^ static_cast<unsigned char>(AsciiLower(c))) * 16777619u;
  return GUMBO_TAG_LAST + 1 + (hash % 0x7fff0000u);
}

}  // namespace

bool CapNestingDepth(std::string_view html, size_t max_depth, std::string* capped) {
  std::vector<OpenElement> open;
  size_t foreign_start = SIZE_MAX;  // index of the open <svg>/<math>, if any
  size_t copied = 0;                // html[0, copied) has been handled in *capped
  bool changed = false;
  auto drop = [&](size_t begin, size_t end) {
    if (!changed) {
      capped->clear();
      capped->reserve(html.size());
      changed = true;
    }
    capped->append(html.data() + copied, begin - copied);
    copied = end;
  };
  auto pop_to = [&](size_t size) {
    open.resize(size);
    if (foreign_start != SIZE_MAX && open.size() <= foreign_start) foreign_start = SIZE_MAX;
  };

  size_t i = 0;
  const size_t n = html.size();
  while (i < n) {
    const void* found = std::memchr(html.data() + i, '<', n - i);
    if (found == nullptr) break;
    i = static_cast<size_t>(static_cast<const char*>(found) - html.data());
    if (i + 1 >= n) break;
    const char next = html[i + 1];
    if (html.compare(i, 4, "<!--") == 0) {
      const size_t end = html.find("-->", i + 2);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    if (next == '!' || next == '?') {
      const size_t end = html.find('>', i + 2);
      if (end == std::string_view::npos) break;
      i = end + 1;
      continue;
    }
    const bool end_tag = next == '/';
    const size_t name_start = i + (end_tag ? 2 : 1);
    if (name_start >= n || !IsAsciiAlpha(html[name_start])) {
      ++i;
      continue;
    }
    size_t name_end = name_start;
    while (name_end < n && !IsTagSpace(html[name_end]) && html[name_end] != '/' &&
           html[name_end] != '>') {
      ++name_end;
    }
    const std::string_view name = html.substr(name_start, name_end - name_start);
    const size_t tag_end = FindTagEnd(html, name_end);
    const size_t after = tag_end < n ? tag_end + 1 : n;
    const GumboTag tag = gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size()));
    const uint32_t id = NameId(name, tag);

    if (!end_tag) {
      if (tag == GUMBO_TAG_PLAINTEXT) break;  // the rest of the document is text
      if (HasFlag(tag, kRawText)) {
        std::string lower(name);
        for (char& c : lower) c = AsciiLower(c);
        i = SkipRawText(html, after, lower);
        continue;
      }
      const bool self_closing = tag_end > name_end && tag_end < n && html[tag_end - 1] == '/';
      if (HasFlag(tag, kVoid) || HasFlag(tag, kImpliedEnd) ||
          (self_closing && foreign_start != SIZE_MAX)) {
        i = after;
        continue;
      }
      const bool too_deep = open.size() >= max_depth;
      if ((tag == GUMBO_TAG_SVG || tag == GUMBO_TAG_MATH) && foreign_start == SIZE_MAX) {
        foreign_start = open.size();
      }
      open.push_back({id, tag, too_deep});
      if (too_deep) drop(i, after);
      i = after;
      continue;
    }

    // End tag: find the element it closes, as the tree builder would.
    if (HasFlag(tag, kVoid) || HasFlag(tag, kImpliedEnd) || HasFlag(tag, kRawText)) {
      i = after;
      continue;
    }
    const bool any_other = !HasFlag(tag, kSpecial) && !HasFlag(tag, kFormatting);
    size_t match = SIZE_MAX;
    const size_t limit = open.size() > kMaxEndTagSearch ? open.size() - kMaxEndTagSearch : 0;
    for (size_t k = open.size(); k > limit; --k) {
      const OpenElement& element = open[k - 1];
      if (element.id == id) {
        match = k - 1;
        break;
      }
      if (HasFlag(element.tag, kScopeBoundary)) break;
      if (any_other && HasFlag(element.tag, kSpecial)) break;  // stray end tag: ignored
    }
    if (match != SIZE_MAX) {
      if (open[match].dropped) drop(i, after);
      if (HasFlag(tag, kFormatting)) {
        // The adoption agency algorithm re-creates what the formatting element contained, so
        // only the element itself leaves the stack.
        open.erase(open.begin() + static_cast<std::ptrdiff_t>(match));
        if (foreign_start != SIZE_MAX && match < foreign_start) --foreign_start;
      } else {
        pop_to(match);
      }
    }
    i = after;
  }
  if (!changed) return false;
  capped->append(html.data() + copied, n - copied);
  return true;
}

}  // namespace policyd

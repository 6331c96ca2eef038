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
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
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

// Formatting elements (b, i, a, font...) stay in the tree builder's list of active formatting
// elements until their own end tag, and are re-opened in every later block ("reconstruct the
// active formatting elements"): 3000 distinct unclosed <b id=N> before 3000 paragraphs made 9
// million clones, 1.3 GB. The standard's Noah's Ark clause keeps only 3 identical ones, but
// distinct attributes escape it. Past this many active since the last marker (a table cell,
// a caption...), a formatting start tag is dropped (its text stays).
constexpr size_t kMaxActiveFormatting = 32;

// Elements that put a marker on the list of active formatting elements; their end clears the
// list back to it.
bool IsFormattingMarker(GumboTag tag) {
  return tag == GUMBO_TAG_TD || tag == GUMBO_TAG_TH || tag == GUMBO_TAG_CAPTION ||
         tag == GUMBO_TAG_APPLET || tag == GUMBO_TAG_OBJECT || tag == GUMBO_TAG_MARQUEE ||
         tag == GUMBO_TAG_TEMPLATE;
}

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool IsTagSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// One open element of the estimate.
struct OpenElement {
  uint32_t id;   // GumboTag, or a hash of the name (>= GUMBO_TAG_LAST) for unknown tags
  GumboTag tag;  // GUMBO_TAG_UNKNOWN for unknown names
  bool dropped;  // its start tag was removed from the output
};

// One entry of the estimated list of active formatting elements; identity 0 is a marker.
struct ActiveFormatting {
  size_t identity;  // the tag and its attributes, hashed (never 0)
  uint32_t id;      // as OpenElement::id
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

// A tag as the scan reads it: `<name ...>` or `</name ...>` from html[start] to html[after).
struct TagToken {
  std::string_view name;
  GumboTag tag;  // GUMBO_TAG_UNKNOWN for unknown names
  uint32_t id;   // NameId
  bool end_tag;
  size_t start;     // the '<'
  size_t name_end;  // just past the name
  size_t tag_end;   // the '>', or html.size()
  size_t after;     // just past the tag
};

// One run of CapNestingDepth: the scan from one '<' to the next, the estimated stack of open
// elements, and the output, started only once a start tag is dropped.
class DepthCapper {
 public:
  DepthCapper(std::string_view html, size_t max_depth, std::string* capped)
      : html_(html), max_depth_(max_depth), capped_(capped) {}

  bool Run() {
    const size_t n = html_.size();
    size_t i = 0;
    while (i < n) {
      const void* found = std::memchr(html_.data() + i, '<', n - i);
      if (found == nullptr) break;
      const auto lt = static_cast<size_t>(static_cast<const char*>(found) - html_.data());
      const std::optional<size_t> next = AfterMarkup(lt);
      if (!next.has_value()) break;  // the rest of the document is text
      i = *next;
    }
    if (!changed_) return false;
    capped_->append(html_.data() + copied_, n - copied_);
    return true;
  }

  size_t start_tags() const { return start_tags_; }

 private:
  // Reads the markup at html_[lt] ('<'): a comment, a declaration or processing instruction,
  // a start or an end tag, or a '<' that is text. Where the scan goes on; nullopt where it
  // stops.
  std::optional<size_t> AfterMarkup(size_t lt) {
    const size_t n = html_.size();
    if (lt + 1 >= n) return std::nullopt;
    const char next = html_[lt + 1];
    if (html_.compare(lt, 4, "<!--") == 0) {
      const size_t end = html_.find("-->", lt + 2);
      if (end == std::string_view::npos) return std::nullopt;
      return end + 3;
    }
    if (next == '!' || next == '?') {
      const size_t end = html_.find('>', lt + 2);
      if (end == std::string_view::npos) return std::nullopt;
      return end + 1;
    }
    const bool end_tag = next == '/';
    const size_t name_start = lt + (end_tag ? 2 : 1);
    if (name_start >= n || !IsAsciiAlpha(html_[name_start])) return lt + 1;
    size_t name_end = name_start;
    while (name_end < n && !IsTagSpace(html_[name_end]) && html_[name_end] != '/' &&
           html_[name_end] != '>') {
      ++name_end;
    }
    const std::string_view name = html_.substr(name_start, name_end - name_start);
    const size_t tag_end = FindTagEnd(html_, name_end);
    const GumboTag tag = gumbo_tagn_enum(name.data(), static_cast<unsigned>(name.size()));
    const TagToken token{name, tag,      NameId(name, tag), end_tag,
                         lt,   name_end, tag_end,           tag_end < n ? tag_end + 1 : n};
    if (!end_tag) return StartTag(token);
    EndTag(token);
    return token.after;
  }

  // A start tag opens an element unless it is void, ends implicitly or is self-closed inside
  // foreign content; past the maximum depth its start tag is dropped. Raw text (script,
  // style...) is skipped to its end tag. Where the scan goes on; nullopt at <plaintext>.
  std::optional<size_t> StartTag(const TagToken& token) {
    ++start_tags_;
    if (token.tag == GUMBO_TAG_PLAINTEXT) return std::nullopt;
    // A new cell or row ends the cell before it, and its formatting elements with it.
    if (token.tag == GUMBO_TAG_TD || token.tag == GUMBO_TAG_TH || token.tag == GUMBO_TAG_TR) {
      ClearActiveToMarker();
    }
    if (IsFormattingMarker(token.tag)) active_.push_back({0, 0});
    if (HasFlag(token.tag, kRawText)) {
      CutAttributes(token);
      std::string lower(token.name);
      for (char& c : lower) c = AsciiLower(c);
      return SkipRawText(html_, token.after, lower);
    }
    const bool self_closing = token.tag_end > token.name_end && token.tag_end < html_.size() &&
                              html_[token.tag_end - 1] == '/';
    if (HasFlag(token.tag, kVoid) || HasFlag(token.tag, kImpliedEnd) ||
        (self_closing && foreign_start_ != SIZE_MAX)) {
      CutAttributes(token);
      return token.after;
    }
    bool dropped = open_.size() >= max_depth_;
    if (!dropped && HasFlag(token.tag, kFormatting)) dropped = !AdmitFormatting(token);
    if ((token.tag == GUMBO_TAG_SVG || token.tag == GUMBO_TAG_MATH) && foreign_start_ == SIZE_MAX) {
      foreign_start_ = open_.size();
    }
    open_.push_back({token.id, token.tag, dropped});
    if (dropped) {
      Drop(token.start, token.after);
    } else {
      CutAttributes(token);
    }
    return token.after;
  }

  // Puts a formatting element on the active list (Noah's Ark: a fourth identical one since the
  // last marker takes the earliest's place); false when kMaxActiveFormatting are active since
  // the last marker: its start tag is then dropped.
  bool AdmitFormatting(const TagToken& token) {
    const std::string_view attributes =
        html_.substr(token.name_end, token.tag_end - token.name_end);
    const size_t identity = (std::hash<std::string_view>()(attributes) * 31 + token.id) | 1;
    size_t since_marker = 0;
    size_t identical = 0;
    size_t earliest_identical = active_.size();
    for (size_t k = active_.size(); k > 0 && active_[k - 1].identity != 0; --k) {
      ++since_marker;
      if (active_[k - 1].identity == identity) {
        ++identical;
        earliest_identical = k - 1;
      }
    }
    if (identical >= 3) {
      active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(earliest_identical));
      --since_marker;
    }
    if (since_marker >= kMaxActiveFormatting) return false;
    active_.push_back({identity, token.id});
    return true;
  }

  // The end tag of formatting element `id`: the latest active one of its kind leaves the list.
  void DeactivateFormatting(uint32_t id) {
    for (size_t k = active_.size(); k > 0 && active_[k - 1].identity != 0; --k) {
      if (active_[k - 1].id == id) {
        active_.erase(active_.begin() + static_cast<std::ptrdiff_t>(k - 1));
        return;
      }
    }
  }

  // The end of a cell, a caption or an object: the active list back to its marker.
  void ClearActiveToMarker() {
    while (!active_.empty()) {
      const bool marker = active_.back().identity == 0;
      active_.pop_back();
      if (marker) return;
    }
  }

  // Gumbo compares each attribute of a tag with every earlier one (duplicates are dropped):
  // 200,000 attributes on one tag kept a worker busy for minutes. Attributes past
  // kMaxAttributesPerTag are left out of the output (the tag and its '>' stay).
  void CutAttributes(const TagToken& token) {
    size_t attributes = 0;
    bool in_token = false;
    bool expect_value = false;  // after '=': the next token is a value, not an attribute
    for (size_t pos = token.name_end; pos < token.tag_end; ++pos) {
      const char c = html_[pos];
      if ((c == '"' || c == '\'') && expect_value) {  // a quoted value
        const size_t close = html_.find(c, pos + 1);
        if (close == std::string_view::npos || close >= token.tag_end) return;
        pos = close;
        expect_value = false;
        continue;
      }
      if (c == '=') {
        expect_value = true;
        in_token = false;
      } else if (IsTagSpace(c) || c == '/') {
        in_token = false;
      } else if (!in_token) {
        in_token = true;
        if (std::exchange(expect_value, false)) continue;  // an unquoted value
        if (++attributes > kMaxAttributesPerTag) {
          Drop(pos, token.tag_end);
          return;
        }
      }
    }
  }

  // An end tag closes the element it matches, as the tree builder would; the end tag of a
  // dropped start tag is dropped too.
  void EndTag(const TagToken& token) {
    if (IsFormattingMarker(token.tag) || token.tag == GUMBO_TAG_TR ||
        token.tag == GUMBO_TAG_TABLE) {
      ClearActiveToMarker();
    }
    // The adoption agency finds the element in the active list even when a block's end has
    // taken it off the stack of open elements.
    if (HasFlag(token.tag, kFormatting)) DeactivateFormatting(token.id);
    if (HasFlag(token.tag, kVoid) || HasFlag(token.tag, kImpliedEnd) ||
        HasFlag(token.tag, kRawText)) {
      return;
    }
    const std::optional<size_t> match = FindClosedElement(token);
    if (!match.has_value()) return;
    if (open_[*match].dropped) Drop(token.start, token.after);
    if (HasFlag(token.tag, kFormatting)) {
      // The adoption agency algorithm re-creates what the formatting element contained, so
      // only the element itself leaves the stack.
      open_.erase(open_.begin() + static_cast<std::ptrdiff_t>(*match));
      if (foreign_start_ != SIZE_MAX && *match < foreign_start_) --foreign_start_;
    } else {
      PopTo(*match);
    }
  }

  // The index in open_ of the element `token` closes: the nearest with its name within scope,
  // searched at most kMaxEndTagSearch deep; nullopt for a stray end tag.
  std::optional<size_t> FindClosedElement(const TagToken& token) const {
    const bool any_other = !HasFlag(token.tag, kSpecial) && !HasFlag(token.tag, kFormatting);
    const size_t limit = open_.size() > kMaxEndTagSearch ? open_.size() - kMaxEndTagSearch : 0;
    for (size_t k = open_.size(); k > limit; --k) {
      const OpenElement& element = open_[k - 1];
      if (element.id == token.id) return k - 1;
      if (HasFlag(element.tag, kScopeBoundary)) break;
      if (any_other && HasFlag(element.tag, kSpecial)) break;  // stray end tag: ignored
    }
    return std::nullopt;
  }

  // Leaves html_[begin, end) out of the output.
  void Drop(size_t begin, size_t end) {
    if (!changed_) {
      capped_->clear();
      capped_->reserve(html_.size());
      changed_ = true;
    }
    capped_->append(html_.data() + copied_, begin - copied_);
    copied_ = end;
  }

  void PopTo(size_t size) {
    open_.resize(size);
    if (foreign_start_ != SIZE_MAX && open_.size() <= foreign_start_) foreign_start_ = SIZE_MAX;
  }

  const std::string_view html_;
  const size_t max_depth_;
  std::string* const capped_;
  std::vector<OpenElement> open_;
  std::vector<ActiveFormatting> active_;  // the list of active formatting elements, estimated
  size_t start_tags_ = 0;            // every start tag read, void and implied-end ones included
  size_t foreign_start_ = SIZE_MAX;  // index of the open <svg>/<math>, if any
  size_t copied_ = 0;                // html_[0, copied_) has been handled in *capped_
  bool changed_ = false;
};

}  // namespace

bool CapNestingDepth(std::string_view html, size_t max_depth, std::string* capped,
                     size_t* start_tags) {
  DepthCapper capper(html, max_depth, capped);
  const bool changed = capper.Run();
  if (start_tags != nullptr) *start_tags = capper.start_tags();
  return changed;
}

}  // namespace policyd

#include "markdown.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "boilerplate.h"
#include "duplicates.h"
#include "hints.h"
#include "html_tags.h"
#include "normalize.h"
#include "policyd/extract.h"
#include "widgets.h"

namespace policyd::extract_internal {
namespace {

constexpr size_t kTableScanBudget = 50000;  // nodes; larger tables are layout anyway
// Repeats of subtrees with at least this much text (about 350 words) are dropped. Legal
// texts do repeat whole clauses (the same cancellation right for UK and for EU users, say),
// and readers of the text must see each of them; copies of whole page sections are larger.
constexpr size_t kMinDuplicateText = 2000;
// An <article> with a tenth of the largest one's non-link text and mostly links is a teaser
// card, not a second article. Short sections of legal pages are rarely link-heavy, and even
// then they stay in the body text, which is chosen when the articles are not credible.
constexpr size_t kMinorArticleRatio = 10;
constexpr double kTeaserLinkDensity = 0.4;

// Parses an HTML integer attribute (ol start, li value) leniently; `fallback` if absent/bad.
long IntegerAttribute(const GumboNode* element, const char* name, long fallback) {
  const char* value = GetAttr(element, name);
  if (value == nullptr) return fallback;
  errno = 0;
  char* end = nullptr;
  const long parsed = std::strtol(value, &end, 10);
  if (end == value || errno == ERANGE || parsed < -1000000000L || parsed > 1000000000L) {
    return fallback;
  }
  return parsed;
}

// The output form of a link's href: trimmed, white space inside removed (as browsers do for
// tabs and newlines), tracking parameters stripped; "" for javascript: and empty URLs.
std::string LinkUrl(const GumboNode* link) {
  const char* href = GetAttr(link, "href");
  std::string url;
  if (href == nullptr) return url;
  for (const char* c = href; *c != '\0'; ++c) {
    if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r' && *c != '\f') url.push_back(*c);
  }
  std::string scheme = url.substr(0, 11);
  for (char& c : scheme) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  if (scheme == "javascript:") return std::string();
  // ')' would end the Markdown link early.
  std::string escaped;
  for (const char c : StripTrackingParameters(url)) {
    if (c == ')') {
      escaped.append("%29");
    } else if (c == '(') {
      escaped.append("%28");
    } else {
      escaped.push_back(c);
    }
  }
  return escaped;
}

// True when the sibling before `br` (white space and comments aside) is a <br> too.
bool FollowsLineBreak(const GumboNode* br) {
  const GumboNode* parent = br->parent;
  if (parent == nullptr) return false;
  const GumboVector& siblings = Children(parent);
  for (size_t i = std::min<size_t>(br->index_within_parent, siblings.length); i-- > 0;) {
    const auto* sibling = static_cast<const GumboNode*>(siblings.data[i]);
    if (sibling->type == GUMBO_NODE_WHITESPACE || sibling->type == GUMBO_NODE_COMMENT) continue;
    return sibling->type == GUMBO_NODE_ELEMENT && sibling->v.element.tag == GUMBO_TAG_BR;
  }
  return false;
}

bool IsCell(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT &&
         (node->v.element.tag == GUMBO_TAG_TD || node->v.element.tag == GUMBO_TAG_TH);
}

// True when `line`, written where a block starts, would read as Markdown syntax the renderer
// never writes for text: a code fence ("```", "~~~") anywhere, or an ATX heading ("# ", "##")
// at the start of a line (`at_line_start`: no quote or list prefix before it).
bool LooksLikeMarkdownSyntax(std::string_view line, bool at_line_start) {
  if (line.starts_with("```") || line.starts_with("~~~")) return true;
  if (!at_line_start) return false;
  const size_t hashes = line.find_first_not_of('#');
  if (hashes == 0 || hashes > 6) return false;
  return hashes == std::string_view::npos || line[hashes] == ' ';
}

// Where a backslash keeps `line`, written where a block's text starts, from reading as a list
// item or a quote ("15. März" -> "15\\. März", "- none" -> "\\- none", as CommonMark and Open
// Terms Archive's text escape them); npos when it does not start like one.
size_t ListOrQuoteMarkerEscape(std::string_view line) {
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '+' || line[0] == '*') && line[1] == ' ') {
    return 0;
  }
  if (line.starts_with(">")) return line.size() == 1 || line[1] == ' ' ? 0 : std::string_view::npos;
  size_t digits = 0;
  while (digits < line.size() && digits < 10 && line[digits] >= '0' && line[digits] <= '9') {
    ++digits;
  }
  if (digits == 0 || digits + 1 >= line.size()) return std::string_view::npos;
  if ((line[digits] == '.' || line[digits] == ')') && line[digits + 1] == ' ') return digits;
  return std::string_view::npos;
}

}  // namespace

// ---- TextSink ---------------------------------------------------------------------------------

void TextSink::AppendNormalized(std::string_view normalized, bool leading, bool trailing,
                                bool in_link) {
  if (leading) space_pending_ = true;
  if (!normalized.empty()) {
    if (space_pending_ && !line_.empty() && line_.back() != ' ') line_.push_back(' ');
    space_pending_ = false;
    if (in_cell_ && normalized.find('|') != std::string_view::npos) {
      for (const char c : normalized) {  // the cell's own '|', not a column (GFM's escape)
        if (c == '|') line_.push_back('\\');
        line_.push_back(c);
      }
    } else {
      line_.append(normalized);
    }
    text_bytes_ += normalized.size();
    if (in_link) link_bytes_ += normalized.size();
    pre_newlines_ = 0;
  }
  if (trailing) space_pending_ = true;
}

void TextSink::Text(std::string_view text, bool in_link) {
  std::string normalized;
  bool leading = false;
  bool trailing = false;
  CollapseWhiteSpace(text, &normalized, &leading, &trailing);
  AppendNormalized(normalized, leading, trailing, in_link);
}

void TextSink::PreText(std::string_view text, bool in_link, const Layout& layout) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    Text(text.substr(start, end - start), in_link);
    if (end == text.size()) break;
    if (text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ++end;
    ++pre_newlines_;
    space_pending_ = false;
    if (!line_.empty()) {
      Emit(layout);
      pre_newlines_ = 1;
    } else if (pre_newlines_ >= 2 && !layout.tight) {
      blank_pending_ = true;
    }
    start = end + 1;
  }
}

void TextSink::BreakBlock(const Layout& layout) {
  Emit(layout);
  if (!layout.tight) blank_pending_ = true;
}

void TextSink::SetMarker(std::string_view marker) {
  marker_.assign(marker);
  marker_pending_ = true;
}

void TextSink::OpenLink() {
  if (space_pending_ && !line_.empty() && line_.back() != ' ') line_.push_back(' ');
  space_pending_ = false;
  link_open_ = line_.size();
  line_.push_back('[');
}

void TextSink::CloseLink(std::string_view url) {
  if (link_open_ == std::string::npos) return;  // the line broke inside the link
  if (line_.size() == link_open_ + 1 || url.empty()) {
    line_.erase(link_open_, 1);
  } else {
    line_.append("](");
    line_.append(url);
    line_.push_back(')');
  }
  link_open_ = std::string::npos;
}

void TextSink::BeginCell() {
  space_pending_ = false;
  in_cell_ = true;
  if (line_.empty()) line_.push_back('|');
  line_.push_back(' ');
}

void TextSink::EndCell() {
  space_pending_ = false;
  in_cell_ = false;
  if (line_.empty()) return;  // a cell without a row start; nothing to close
  if (line_.back() == ' ') line_.pop_back();
  line_.append(" |");
}

void TextSink::EndRow(const Layout& layout) {
  if (line_.find_first_not_of("| ") == std::string::npos) {
    line_.clear();  // a row of empty cells (spacer rows of layout-ish tables)
    space_pending_ = false;
    return;
  }
  Emit(layout);
}

void TextSink::Emit(const Layout& layout) {
  space_pending_ = false;
  if (link_open_ != std::string::npos) {  // a link broken over lines keeps its text only
    line_.erase(link_open_, 1);
    link_open_ = std::string::npos;
  }
  if (line_.empty()) return;
  if (blank_pending_ && !out_.empty()) out_.push_back('\n');
  blank_pending_ = false;
  for (int q = 0; q < layout.quote_depth; ++q) out_.append("> ");
  if (layout.list_depth > 0) {
    out_.append(static_cast<size_t>(2 * (layout.list_depth - 1)), ' ');
    if (marker_pending_) {
      out_.append(marker_);
    } else {
      out_.append("  ");
    }
  } else if (marker_pending_) {
    out_.append(marker_);
  }
  marker_pending_ = false;
  if (layout.heading_level > 0) {
    out_.append(static_cast<size_t>(layout.heading_level), '#');
    out_.push_back(' ');
  } else if (LooksLikeMarkdownSyntax(line_, out_.empty() || out_.back() == '\n')) {
    out_.push_back('\\');  // the page's own words, not a heading or a code block
  } else if (const size_t escape = ListOrQuoteMarkerEscape(line_);
             escape != std::string_view::npos) {
    line_.insert(escape, 1, '\\');  // the page's own words, not a list item or a quote
  }
  out_.append(line_);
  out_.push_back('\n');
  line_.clear();
}

std::string TextSink::Finish() {
  Emit(Layout{});
  std::string text = std::move(out_);
  *this = TextSink();
  return text;
}

// ---- Tables -----------------------------------------------------------------------------------

bool IsDataTable(const GumboNode* table) {
  if (const char* role = GetAttr(table, "role")) {
    const std::string_view r(role);
    if (r == "presentation" || r == "none") return false;
  }
  size_t max_cells = 0;
  size_t visited = 0;
  std::vector<const GumboNode*> stack = {table};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (++visited > kTableScanBudget) return false;
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboTag tag = node->v.element.tag;
    if (node != table && tag == GUMBO_TAG_TABLE) return false;
    if (HeadingLevel(tag) > 0) return false;
    if (HasFlag(tag, kNotText)) continue;
    const GumboVector& children = node->v.element.children;
    if (tag == GUMBO_TAG_TR) {
      size_t cells = 0;
      for (unsigned i = 0; i < children.length; ++i) {
        if (IsCell(static_cast<const GumboNode*>(children.data[i]))) ++cells;
      }
      if (cells > max_cells) max_cells = cells;
    }
    for (unsigned i = 0; i < children.length; ++i) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  return max_cells >= 2;
}

// ---- Footnote references --------------------------------------------------------------------

bool IsInPageLink(const GumboNode* node) {
  if (node == nullptr || node->type != GUMBO_NODE_ELEMENT || node->v.element.tag != GUMBO_TAG_A) {
    return false;
  }
  const char* href = GetAttr(node, "href");
  return href != nullptr && href[0] == '#' && href[1] != '\0';
}

// The label of a footnote reference: a <sup> whose text is a short bare marker ("1", "a",
// "*") and which is a link into the page or sits in one; nullopt for anything else. A marker
// in brackets already ("[1]") reads apart from the text before it and is not one.
// The element before `node` among its parent's children, skipping text and comments; null
// when there is none.
const GumboNode* PreviousElementSibling(const GumboNode* node) {
  if (node->parent == nullptr || node->parent->type != GUMBO_NODE_ELEMENT) return nullptr;
  const GumboVector& siblings = node->parent->v.element.children;
  for (unsigned i = node->index_within_parent; i-- > 0;) {
    const auto* sibling = static_cast<const GumboNode*>(siblings.data[i]);
    if (sibling->type == GUMBO_NODE_ELEMENT) return sibling;
  }
  return nullptr;
}

bool IsElement(const GumboNode* node, GumboTag tag) {
  return node != nullptr && node->type == GUMBO_NODE_ELEMENT && node->v.element.tag == tag;
}

// Whether the <dt> `term` begins an entry after another of its list: a <dd> just before it, a
// <div> group before it (a list that groups its entries in <div>s, or some of them), or, for
// the first term of a group, a group before its own. A list inside another's entry (in a <dd>)
// is part of that entry: never.
bool FollowsADefinition(const GumboNode* term) {
  const GumboNode* entry = IsElement(term->parent, GUMBO_TAG_DIV) ? term->parent : term;
  const GumboNode* list = entry->parent;
  if (!IsElement(list, GUMBO_TAG_DL)) return false;
  for (const GumboNode* up = list->parent; up != nullptr && up->type == GUMBO_NODE_ELEMENT;
       up = up->parent) {
    if (IsElement(up, GUMBO_TAG_DD) || IsElement(up, GUMBO_TAG_DT)) return false;
  }
  const GumboNode* before = PreviousElementSibling(term);
  if (before != nullptr) return IsElement(before, GUMBO_TAG_DD) || IsElement(before, GUMBO_TAG_DIV);
  return entry != term && PreviousElementSibling(entry) != nullptr;
}

std::optional<std::string> FootnoteLabel(const GumboNode* sup) {
  constexpr size_t kMaxLabel = 4;
  constexpr size_t kScanBudget = 16;
  bool linked = IsInPageLink(sup->parent);
  std::string label;
  std::vector<const GumboNode*> stack = {sup};
  for (size_t visited = 0; !stack.empty(); ++visited) {
    if (visited >= kScanBudget) return std::nullopt;
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type == GUMBO_NODE_TEXT) {
      for (const char c : std::string_view(node->v.text.text)) {
        const bool marker =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*';
        if (!marker && c != ' ') return std::nullopt;
        if (marker) label.push_back(c);
      }
      continue;
    }
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    linked = linked || IsInPageLink(node);
    const GumboVector& children = node->v.element.children;
    for (unsigned i = children.length; i-- > 0;) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  if (!linked || label.empty() || label.size() > kMaxLabel) return std::nullopt;
  return label;
}

// ---- Articles -----------------------------------------------------------------------------

std::unordered_set<const GumboNode*> FindMinorArticles(const GumboNode* root) {
  std::vector<const GumboNode*> articles;
  std::vector<const GumboNode*> stack = {root};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_ELEMENT) continue;
    const GumboTag tag = node->v.element.tag;
    if (HasFlag(tag, kNotText)) continue;
    if (tag == GUMBO_TAG_ARTICLE) {
      articles.push_back(node);  // outermost only: nested ones are part of it
      continue;
    }
    const GumboVector& children = node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      stack.push_back(static_cast<const GumboNode*>(children.data[i]));
    }
  }
  std::unordered_set<const GumboNode*> minor;
  if (articles.size() < 2) return minor;
  std::vector<SubtreeStats> stats;
  stats.reserve(articles.size());
  size_t largest = 0;
  for (const GumboNode* article : articles) {
    stats.push_back(MeasureSubtree(article));
    if (stats.back().truncated) return minor;  // huge articles: leave the choice alone
    largest = std::max(largest, stats.back().text - stats.back().link_text);
  }
  for (size_t i = 0; i < articles.size(); ++i) {
    const size_t own = stats[i].text - stats[i].link_text;
    if (own * kMinorArticleRatio < largest && stats[i].LinkDensity() >= kTeaserLinkDensity) {
      minor.insert(articles[i]);
    }
  }
  return minor;
}

// ---- MarkdownRenderer ----------------------------------------------------------------------

void MarkdownRenderer::Break(bool block, bool force) {
  if (context_.inline_only && !force) {
    ForActiveSinks([](TextSink& sink) { sink.Space(); });
    return;
  }
  const Layout& layout = context_.layout;
  ForActiveSinks([&](TextSink& sink) {
    if (block) {
      sink.BreakBlock(layout);
    } else {
      sink.BreakLine(layout);
    }
  });
}

bool MarkdownRenderer::IsDropped(const GumboNode* element) const {
  if (removal_.Removes(element)) return true;
  if (scored_ != nullptr && scored_->hidden_metadata.contains(element)) return true;
  if (noscript_ && element->type == GUMBO_NODE_ELEMENT &&
      element->v.element.tag == GUMBO_TAG_NOSCRIPT) {
    return false;
  }
  return IsBoilerplate(element, {context_.in_sectioning, context_.in_content});
}

void MarkdownRenderer::HandleText(const GumboNode* node) {
  const std::string_view text(node->v.text.text);
  const bool in_link = context_.in_link;
  if (context_.in_pre && !context_.inline_only) {  // a <pre> in a cell stays on the row
    const Layout& layout = context_.layout;
    ForActiveSinks([&](TextSink& sink) { sink.PreText(text, in_link, layout); });
  } else if (node->type == GUMBO_NODE_WHITESPACE) {
    ForActiveSinks([](TextSink& sink) { sink.Space(); });
  } else {
    bool leading = false;
    bool trailing = false;
    CollapseWhiteSpace(text, &scratch_, &leading, &trailing);
    ForActiveSinks(
        [&](TextSink& sink) { sink.AppendNormalized(scratch_, leading, trailing, in_link); });
  }
}

bool MarkdownRenderer::Enter(const GumboNode* element, bool is_root, Frame* frame) {
  frame->saved = context_;
  frame->kind = Kind::kInline;
  if (!is_root && (IsDropped(element) || IsRepeat(element))) return false;
  const GumboTag tag = element->v.element.tag;
  switch (tag) {
    case GUMBO_TAG_BR:
      RenderLineBreak(element);
      return false;
    case GUMBO_TAG_HR:
      Break(true);
      return false;
    case GUMBO_TAG_SUP:
      // "30<sup><a href=#fn1>1</a></sup> days" must not read "301 days".
      if (const std::optional<std::string> label = FootnoteLabel(element)) {
        const bool in_link = context_.in_link;
        ForActiveSinks([&](TextSink& sink) { sink.Text("[^" + *label + "]", in_link); });
        return false;
      }
      break;
    case GUMBO_TAG_BUTTON:
      // Buttons are controls ("Accept", "Menu", tab strips), except the accordion pattern
      // where the button inside a heading or <summary>, or one that expands a section and
      // holds more than a control's words, is the section title.
      if (!is_root && context_.layout.heading_level == 0 && !context_.in_summary &&
          !IsAccordionTrigger(element)) {
        return false;
      }
      break;
    default:
      break;
  }
  EnterLandmark(element, tag);
  const Kind kind = EnterStructure(element, tag);
  if (kind == Kind::kBlock) Break(true);
  frame->kind = kind;
  return true;
}

bool MarkdownRenderer::IsRepeat(const GumboNode* element) {
  const auto it = fingerprints_.find(element);
  if (it == fingerprints_.end()) return false;
  // Keyed by the sinks the copy is rendered to: a copy outside <main> must not suppress the
  // one in it. A scored block root (or an excluded part) changes them on entry.
  uint8_t sinks = context_.sinks;
  if (scored_ != nullptr && scored_->roots.contains(element)) sinks |= 1u << kScoredSink;
  if (scored_ != nullptr && scored_->excluded.contains(element)) {
    sinks &= static_cast<uint8_t>(~(1u << kScoredSink));
  }
  sinks &= static_cast<uint8_t>(~(1u << kDiscountSink));  // counts bytes, not output
  const uint64_t key = it->second ^ (uint64_t{sinks} << 56);
  return !rendered_.insert(key).second;
}

void MarkdownRenderer::RenderLineBreak(const GumboNode* br) {
  // A line break reads like the source line break it so often stands for (nl2br, a CMS
  // re-wrapping a paragraph): a space in flowing text, a new line in preformatted text. A
  // run of two or more separates paragraphs, as <p> elements would.
  if (context_.in_pre) {
    Break(false);
  } else if (FollowsLineBreak(br)) {
    Break(true);
  } else {
    ForActiveSinks([](TextSink& sink) { sink.Space(); });
  }
}

void MarkdownRenderer::EnterLandmark(const GumboNode* element, GumboTag tag) {
  const bool main_like = tag == GUMBO_TAG_MAIN || ElementRole(element) == Role::kMain;
  const bool article = tag == GUMBO_TAG_ARTICLE;
  if (main_like || article) context_.in_content = true;
  if (main_like || HasFlag(tag, kSectioning)) context_.in_sectioning = true;
  if (!track_candidates_) return;
  uint8_t added = 0;
  if (main_like && !(context_.sinks & (1u << kMainSink))) added |= 1u << kMainSink;
  if (article && !(context_.sinks & (1u << kArticleSink)) && !minor_articles_.contains(element)) {
    added |= 1u << kArticleSink;
  }
  bool left = false;
  if (scored_ != nullptr) {
    // The discount sink only counts bytes: joining it breaks no line.
    if (scored_->related.contains(element) || scored_->teasers.contains(element)) {
      context_.sinks |= 1u << kDiscountSink;
    }
    if (!(context_.sinks & (1u << kScoredSink)) && scored_->roots.contains(element)) {
      added |= 1u << kScoredSink;
      saw_scored_ = true;
    } else if ((context_.sinks & (1u << kScoredSink)) && scored_->excluded.contains(element)) {
      left = true;
    }
  }
  if (added == 0 && !left) return;
  Break(true);
  context_.sinks |= added;
  if (left) context_.sinks &= static_cast<uint8_t>(~(1u << kScoredSink));
  saw_main_ |= main_like;
  saw_article_ |= article;
}

MarkdownRenderer::Kind MarkdownRenderer::EnterStructure(const GumboNode* element, GumboTag tag) {
  // What an element without a structure of its own is: a block or inline content.
  const Kind flow = HasFlag(tag, kBlock) ? Kind::kBlock : Kind::kInline;
  switch (tag) {
    case GUMBO_TAG_H1:
    case GUMBO_TAG_H2:
    case GUMBO_TAG_H3:
    case GUMBO_TAG_H4:
    case GUMBO_TAG_H5:
    case GUMBO_TAG_H6:
      if (context_.inline_only) return flow;
      Break(true);
      context_.layout.heading_level = HeadingLevel(tag);
      context_.inline_only = true;
      return Kind::kHeading;
    case GUMBO_TAG_UL:
    case GUMBO_TAG_OL:
    case GUMBO_TAG_MENU:
    case GUMBO_TAG_DIR:
      return EnterList(element, tag);
    case GUMBO_TAG_LI:
      return context_.inline_only ? flow : EnterListItem(element);
    case GUMBO_TAG_DL:
      if (context_.inline_only) return flow;
      Break(true);
      context_.layout.tight = true;
      return Kind::kDefinitionList;
    case GUMBO_TAG_DT:
    case GUMBO_TAG_DD:
      if (context_.inline_only) return flow;
      if (tag == GUMBO_TAG_DT && context_.layout.list_depth == 0 && FollowsADefinition(element)) {
        // A term after a definition begins the next entry: a paragraph of its own (a clause
        // analyzers can annotate), its term and definition on consecutive lines.
        Layout entry = context_.layout;
        entry.tight = false;
        ForActiveSinks([&](TextSink& sink) { sink.BreakBlock(entry); });
      } else {
        Break(false);
      }
      return Kind::kDefinitionPart;
    case GUMBO_TAG_TABLE:
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
    case GUMBO_TAG_TR:
    case GUMBO_TAG_TD:
    case GUMBO_TAG_TH:
      return EnterTablePart(element, tag, flow);
    case GUMBO_TAG_PRE:
    case GUMBO_TAG_LISTING:
    case GUMBO_TAG_XMP:
    case GUMBO_TAG_PLAINTEXT:
      context_.in_pre = true;
      return flow;
    case GUMBO_TAG_BLOCKQUOTE:
      if (context_.inline_only) return flow;
      Break(true);
      ++context_.layout.quote_depth;
      return Kind::kQuote;
    case GUMBO_TAG_A:
      return EnterLink(element, flow);
    case GUMBO_TAG_SUMMARY:
      context_.in_summary = true;
      return flow;
    default:
      return flow;
  }
}

MarkdownRenderer::Kind MarkdownRenderer::EnterList(const GumboNode* list, GumboTag tag) {
  if (context_.inline_only) return Kind::kBlock;
  Break(context_.layout.list_depth == 0);
  lists_.push_back({tag == GUMBO_TAG_OL, IntegerAttribute(list, "start", 1)});
  ++context_.layout.list_depth;
  context_.layout.tight = true;
  return Kind::kList;
}

MarkdownRenderer::Kind MarkdownRenderer::EnterListItem(const GumboNode* item) {
  Break(false);
  std::string marker = "- ";
  if (context_.layout.list_depth > 0 && !lists_.empty() && lists_.back().ordered) {
    ListState& list = lists_.back();
    list.next_number = IntegerAttribute(item, "value", list.next_number);
    marker = std::to_string(list.next_number) + ". ";
    if (list.next_number < 1000000000L) ++list.next_number;
  }
  ForActiveSinks([&](TextSink& sink) { sink.SetMarker(marker); });
  return Kind::kItem;
}

MarkdownRenderer::Kind MarkdownRenderer::EnterTablePart(const GumboNode* element, GumboTag tag,
                                                        Kind flow) {
  const bool in_data_table = !tables_.empty() && tables_.back();
  const bool cells_render = in_data_table && !context_.inline_only;
  switch (tag) {
    case GUMBO_TAG_TABLE:
      Break(true);
      tables_.push_back(!context_.inline_only && IsDataTable(element));
      return Kind::kTable;
    case GUMBO_TAG_THEAD:
    case GUMBO_TAG_TBODY:
    case GUMBO_TAG_TFOOT:
      return in_data_table ? Kind::kInline : flow;  // rows of one table form one block
    case GUMBO_TAG_TR:
      if (!cells_render) return flow;
      Break(false);
      return Kind::kDataRow;
    default:  // td, th
      if (!cells_render) return flow;
      ForActiveSinks([](TextSink& sink) { sink.BeginCell(); });
      context_.inline_only = true;
      return Kind::kDataCell;
  }
}

MarkdownRenderer::Kind MarkdownRenderer::EnterLink(const GumboNode* link, Kind flow) {
  if (GetAttr(link, "href") == nullptr) return flow;
  Kind kind = flow;
  if (link_urls_ && !context_.in_link) {
    ForActiveSinks([](TextSink& sink) { sink.OpenLink(); });
    kind = Kind::kLink;
  }
  context_.in_link = true;
  return kind;
}

void MarkdownRenderer::Exit(const Frame& frame) {
  switch (frame.kind) {
    case Kind::kInline:
      break;
    case Kind::kLink: {
      const std::string url = LinkUrl(frame.node);
      ForActiveSinks([&](TextSink& sink) { sink.CloseLink(url); });
      break;
    }
    case Kind::kHeading:
      Break(true, /*force=*/true);  // ends the heading line, which is inline-only inside
      break;
    case Kind::kBlock:
    case Kind::kTable:
    case Kind::kQuote:
      Break(true);
      break;
    case Kind::kList:
    case Kind::kItem:
    case Kind::kDefinitionList:
    case Kind::kDefinitionPart:
      Break(false);
      ForActiveSinks([](TextSink& sink) { sink.ClearMarker(); });
      break;
    case Kind::kDataRow: {
      const Layout& layout = context_.layout;
      ForActiveSinks([&](TextSink& sink) { sink.EndRow(layout); });
      break;
    }
    case Kind::kDataCell:
      ForActiveSinks([](TextSink& sink) { sink.EndCell(); });
      break;
  }
  if (frame.saved.sinks != context_.sinks) Break(true);  // flush the candidate sinks we leave
  if (frame.kind == Kind::kList) lists_.pop_back();
  if (frame.kind == Kind::kTable) tables_.pop_back();
  context_ = frame.saved;
  if ((frame.kind == Kind::kList || frame.kind == Kind::kDefinitionList) &&
      !context_.layout.tight) {
    Break(true);  // a blank line after the outermost list
  }
}

void MarkdownRenderer::Render(const GumboNode* root, bool root_is_content, bool track_candidates) {
  track_candidates_ = track_candidates;
  context_ = Context();
  context_.in_content = root_is_content;
  context_.in_sectioning = root_is_content;
  lists_.clear();
  tables_.clear();
  Break(true);
  if (root == nullptr) return;
  if (root->type == GUMBO_NODE_TEXT || root->type == GUMBO_NODE_CDATA) {
    HandleText(root);
    Break(true);
    return;
  }
  if (root->type != GUMBO_NODE_ELEMENT) return;
  fingerprints_ = FingerprintLargeSubtrees(root, kMinDuplicateText);
  minor_articles_.clear();
  // A legal document's short, link-heavy <article> is a section ("Opting out"), not a teaser:
  // legal pages lose no section.
  if (track_candidates && (scored_ == nullptr || !scored_->legal)) {
    minor_articles_ = FindMinorArticles(root);
  }
  std::vector<Frame> stack;
  stack.reserve(64);
  Frame first{root, 0, Kind::kInline, {}};
  if (Enter(root, true, &first)) stack.push_back(first);
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector& children = Children(top.node);
    if (top.next_child < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
      switch (child->type) {
        case GUMBO_NODE_TEXT:
        case GUMBO_NODE_WHITESPACE:
        case GUMBO_NODE_CDATA:
          if (!removal_.Removes(child)) HandleText(child);
          break;
        case GUMBO_NODE_ELEMENT:
        case GUMBO_NODE_TEMPLATE: {
          Frame frame{child, 0, Kind::kInline, {}};
          if (Enter(child, false, &frame)) stack.push_back(frame);  // may invalidate `top`
          break;
        }
        default:
          break;
      }
      continue;
    }
    const Frame done = top;
    stack.pop_back();
    Exit(done);
  }
  context_ = Context();
  Break(true);
}

}  // namespace policyd::extract_internal

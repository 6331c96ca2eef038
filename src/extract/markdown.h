// MarkdownRenderer: turns DOM subtrees into the Markdown-like lines of the output contract in
// policyd/extract.h, dropping boilerplate on the way. Internal to the extract component.
//
// Block structure: headings "# ".."###### "; paragraphs and other blocks one line each
// (a <br> is a space, as the source newline it often replaces; two or more in a row separate
// blocks; inside <pre> a <br> is a new line); list items "- " or "N. " for ordered lists
// (numbered from `start`, honouring <li value>), indented by two spaces per nesting level,
// continuation lines indented like the item's text; consecutive items, <dl> terms and
// definitions and table rows form one block (no blank lines between them); data tables as
// "| a | b |" rows without a separator row (a table with a nested table, a heading, at most one
// cell per row or role=presentation is a layout table and renders as plain blocks); <pre>
// keeps its line breaks; <blockquote> lines start with "> ". Inline elements flow into the
// current line; link text is kept, URLs, images and alt texts are not. Blocks are separated by
// exactly one blank line. A large subtree whose tags and text repeat an earlier rendered one
// is skipped (see duplicates.h).
#ifndef POLICYD_SRC_EXTRACT_MARKDOWN_H_
#define POLICYD_SRC_EXTRACT_MARKDOWN_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <gumbo.h>

#include "block_score.h"
#include "removal.h"

namespace policyd::extract_internal {

// Where a line goes and how it is prefixed.
struct Layout {
  int list_depth = 0;     // nesting of ul/ol/menu
  int quote_depth = 0;    // nesting of blockquote
  int heading_level = 0;  // 1..6 inside h1..h6
  bool tight = false;     // inside a list or <dl>: block breaks are plain line breaks
};

// Accumulates lines for one output text. All text passes through the white-space and
// invisible-character rules of NormalizeText as it is appended.
class TextSink {
 public:
  TextSink() = default;

  // Appends the output of CollapseWhiteSpace (normalize.h); the renderer normalises each text
  // node once for all its sinks.
  void AppendNormalized(std::string_view normalized, bool leading, bool trailing, bool in_link);
  // Appends inline text: runs of white space become one space, deleted characters vanish.
  void Text(std::string_view text, bool in_link);
  // Appends preformatted text: like Text, but a newline ends the line and an empty line
  // separates blocks.
  void PreText(std::string_view text, bool in_link, const Layout& layout);
  // A white-space boundary between inline content.
  void Space() { space_pending_ = true; }
  // Ends the current line, if any.
  void BreakLine(const Layout& layout) { Emit(layout); }
  // Ends the current line and asks for a blank line before the next one (unless tight).
  void BreakBlock(const Layout& layout);
  // The next line emitted starts with `marker` (a list item's "- " or "3. ").
  void SetMarker(std::string_view marker);
  void ClearMarker() { marker_pending_ = false; }
  // Link URLs (ExtractOptions::include_link_urls): OpenLink starts "[" and CloseLink ends
  // "](url)". A link whose text is empty or spans a line break keeps its text only.
  void OpenLink();
  void CloseLink(std::string_view url);
  // Table rows: "| " before a cell, " |" after it; EndRow emits the row if it has text.
  void BeginCell();
  void EndCell();
  void EndRow(const Layout& layout);

  // Visible bytes appended so far, and those inside links.
  size_t text_bytes() const { return text_bytes_; }
  size_t link_bytes() const { return link_bytes_; }
  // The lines emitted so far (not the one being built), to look at before Finish.
  std::string_view emitted() const { return out_; }
  // Returns the text (ending in '\n' unless empty) and resets the sink.
  std::string Finish();

 private:
  void Emit(const Layout& layout);

  std::string out_;
  std::string line_;
  std::string marker_;
  bool marker_pending_ = false;
  bool space_pending_ = false;
  bool in_cell_ = false;  // between BeginCell and EndCell: a '|' of the text is escaped
  bool blank_pending_ = false;
  size_t link_open_ = std::string::npos;  // position of an open link's '[' in line_
  int pre_newlines_ = 0;
  size_t text_bytes_ = 0;
  size_t link_bytes_ = 0;
};

class MarkdownRenderer {
 public:
  enum SinkId : uint8_t {
    kBodySink = 0,
    kMainSink = 1,
    kArticleSink = 2,
    kScoredSink = 3,
    kDiscountSink = 4,  // ScoredBlocks::related boxes and teasers: left out of shares
  };

  // `removal` says which nodes are dropped with their subtrees (removal.h); it must outlive
  // the renderer.
  // `link_urls`: render links as "[text](url)" (ExtractOptions::include_link_urls).
  // `noscript`: render <noscript> content like a browser without scripts does (the page
  // without it is empty, see RenderMainContent).
  explicit MarkdownRenderer(const Removal& removal, bool link_urls = false, bool noscript = false)
      : removal_(removal), link_urls_(link_urls), noscript_(noscript) {}

  // Renders the subtree of `root` (never dropped itself) into the body sink, separated from
  // earlier renders by a blank line. `root_is_content`: the root was chosen as the document's
  // content (select mode), so header/footer/aside inside it are content. `track_candidates`:
  // also copy the text of the outermost <main>/role=main elements to the main sink and of the
  // outermost <article> elements to the article sink (automatic mode).
  void Render(const GumboNode* root, bool root_is_content, bool track_candidates);

  // Automatic mode: also copy the text of `scored->roots` to the scored sink, leaving out
  // `scored->excluded` (block_score.h), and the text of `scored->related` and
  // `scored->teasers` to the discount sink.
  // `scored` must outlive the renderer's Render calls.
  void SetScoredBlocks(const ScoredBlocks* scored) { scored_ = scored; }

  TextSink& sink(SinkId id) { return sinks_[id]; }
  bool saw_main() const { return saw_main_; }
  bool saw_article() const { return saw_article_; }
  bool saw_scored() const { return saw_scored_; }

 private:
  struct Context {
    Layout layout;
    bool in_link = false;
    bool inline_only = false;  // in a heading or a data-table cell: breaks are spaces
    bool in_pre = false;
    bool in_summary = false;
    bool in_content = false;
    bool in_sectioning = false;
    uint8_t sinks = 1u << kBodySink;
  };
  enum class Kind : uint8_t {
    kInline,
    kBlock,
    kHeading,
    kList,
    kItem,
    kDefinitionList,
    kDefinitionPart,
    kTable,
    kDataRow,
    kDataCell,
    kQuote,
    kLink,  // an <a href> whose URL is output
  };
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
    Kind kind;
    Context saved;
  };
  struct ListState {
    bool ordered;
    long next_number;
  };

  // Decides how to render `element`; false when it is dropped (or rendered already, as a
  // line break or a rule is).
  bool Enter(const GumboNode* element, bool is_root, Frame* frame);
  // The phases of Enter. A large subtree whose copy was rendered to the same sinks already.
  bool IsRepeat(const GumboNode* element);
  void RenderLineBreak(const GumboNode* br);
  // Content landmarks (<main>, <article>) and, in automatic mode, the candidate sinks the
  // element joins or leaves.
  void EnterLandmark(const GumboNode* element, GumboTag tag);
  // The element's structure (heading, list, table part, quote, link...) and its layout.
  Kind EnterStructure(const GumboNode* element, GumboTag tag);
  Kind EnterList(const GumboNode* list, GumboTag tag);
  Kind EnterListItem(const GumboNode* item);
  Kind EnterTablePart(const GumboNode* element, GumboTag tag, Kind flow);
  Kind EnterLink(const GumboNode* link, Kind flow);
  void Exit(const Frame& frame);
  void HandleText(const GumboNode* node);
  bool IsDropped(const GumboNode* element) const;

  template <typename Fn>
  void ForActiveSinks(Fn&& fn) {
    for (uint8_t id = 0; id < sinks_.size(); ++id) {
      if (context_.sinks & (1u << id)) fn(sinks_[id]);
    }
  }
  // A line (block=false) or block break; in inline-only contexts a space unless `force`.
  void Break(bool block, bool force = false);

  const Removal& removal_;
  const bool link_urls_;
  const bool noscript_;
  std::array<TextSink, 5> sinks_;
  const ScoredBlocks* scored_ = nullptr;
  // Large subtrees' fingerprints (duplicates.h) and those already rendered.
  std::unordered_map<const GumboNode*, uint64_t> fingerprints_;
  std::unordered_set<uint64_t> rendered_;
  // Automatic mode: outermost <article>s that are teasers next to a much larger article (see
  // FindMinorArticles); they stay in the body text but are not article candidates.
  std::unordered_set<const GumboNode*> minor_articles_;
  std::string scratch_;  // reused for normalising text nodes
  Context context_;
  std::vector<ListState> lists_;
  std::vector<bool> tables_;  // per open table: true for a data table
  bool track_candidates_ = false;
  bool saw_main_ = false;
  bool saw_article_ = false;
  bool saw_scored_ = false;
};

// The outermost <article> elements under `root` that are link-heavy teasers ("related
// stories" cards, comment entries) beside a main article with at least ten times their
// non-link text. Iterative.
std::unordered_set<const GumboNode*> FindMinorArticles(const GumboNode* root);

// True when `table` holds data (rendered as rows) rather than page layout.
bool IsDataTable(const GumboNode* table);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_MARKDOWN_H_

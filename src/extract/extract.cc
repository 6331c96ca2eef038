// ExtractText: the extraction pipeline of policyd/extract.h.
//
// Where each step lives and the decisions that shape the output:
//  - charset.cc: the WHATWG encoding decision (BOM, Content-Type, <meta> prescan), then
//    uchardet; already-valid UTF-8 is taken as UTF-8 whatever the label says.
//  - gumbo_document.cc / depth_cap.cc: Gumbo (WHATWG tree construction) with nesting capped
//    at 512 levels like browsers, so hostile nesting costs neither minutes nor the stack.
//  - main_content.cc: no `select` -> on a page that does not name itself a legal document,
//    the best-scoring blocks (block_score.cc) if they hold 40% of the non-link text (related
//    boxes and teaser excerpts left out of the count); else the outermost <main>/role=main
//    elements if they hold at least a third of it, else the outermost <article>s under the
//    same test, else the whole <body>. A legal document is never cut to one "best block":
//    that loses whole sections.
//  - boilerplate.cc / hints.cc: what is site chrome, navigation, consent banner or popup.
//    Hidden content (hidden, aria-hidden, display:none) is kept unless it also looks like
//    boilerplate: collapsed accordions and inactive tabs hide real policy sections. The one
//    exception, on pages that are not legal documents only: hidden microdata (display:none
//    with itemscope), a machine copy of the headline and dates (block_score.h).
//  - markdown.cc / duplicates.cc: the Markdown-like lines; whole repeated copies of large
//    sections (responsive duplicates, per-route tab widgets) are rendered once.
//  - normalize.cc: white space and invisible characters.
//  - ranges.cc: preorder positions of the boundary elements; a range holds the nodes wholly
//    between them. Select ranges (main_content.cc) render their outermost such nodes like
//    selected elements; remove ranges drop them (removal.cc) for every later step, which
//    asks one Removal instead of matching `remove` itself.
//  - line_patterns.cc: ignore_lines (ICU regular expressions, bounded in time) applied to the
//    finished text, so patterns see exactly the stored lines.
//  - url.cc: the query parameters that differ between visits, for include_link_urls.
// Every walk over the DOM uses an explicit stack.
#include "policyd/extract.h"
#include "policyd/ascii.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "charset.h"
#include "line_patterns.h"
#include "main_content.h"
#include "policyd/gumbo_document.h"
#include "policyd/media_type.h"
#include "policyd/selector.h"
#include "ranges.h"
#include "removal.h"

namespace policyd {
namespace {

// Parses `texts` into *out; on error sets *failed to the entry (of `list`) that failed.
Status ParseSelectors(const std::vector<std::string>& texts, ExtractEntry::List list,
                      std::vector<Selector>* out, ExtractEntry* failed) {
  out->reserve(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    Result<Selector> parsed = Selector::Parse(texts[i]);
    if (!parsed.ok()) {
      *failed = {list, i};
      return Status::InvalidArgument(
          (list == ExtractEntry::List::kSelect ? "select: " : "remove: ") +
          parsed.status().message());
    }
    out->push_back(std::move(parsed).value());
  }
  return Status::Ok();
}

// Parses `ranges` (of `list`: kRanges or kRemoveRanges) into *out; on error sets *failed.
Status ParseRanges(const std::vector<RangeSelector>& ranges, ExtractEntry::List list,
                   std::vector<extract_internal::ParsedRange>* out, ExtractEntry* failed) {
  const std::string what =
      list == ExtractEntry::List::kRemoveRanges ? "remove range: " : "select range: ";
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const RangeSelector& range = ranges[i];
    *failed = {list, i};
    const bool start_before = !range.start_before.empty();
    const bool end_before = !range.end_before.empty();
    if (start_before == !range.start_after.empty() || end_before == !range.end_after.empty()) {
      return Status::InvalidArgument(what +
                                     "a range needs exactly one of startBefore/startAfter and "
                                     "one of endBefore/endAfter");
    }
    Result<Selector> start = Selector::Parse(start_before ? range.start_before : range.start_after);
    if (!start.ok()) return Status::InvalidArgument(what + start.status().message());
    Result<Selector> end = Selector::Parse(end_before ? range.end_before : range.end_after);
    if (!end.ok()) return Status::InvalidArgument(what + end.status().message());
    out->push_back({std::move(start).value(), !start_before, std::move(end).value(), !end_before});
  }
  return Status::Ok();
}

size_t CountLines(std::string_view text) {
  size_t lines = 0;
  bool content = false;
  for (const char c : text) {
    if (c == '\n') {
      if (content) ++lines;
      content = false;
    } else {
      content = true;
    }
  }
  return lines + (content ? 1 : 0);
}

// `kind` ("select" or "remove") range N, as written, and which of its boundaries matched nothing:
// what an operator needs to find the entry and the page element that went away.
std::string DescribeUnmatched(std::string_view kind,
                              const std::vector<extract_internal::ParsedRange>& ranges,
                              const extract_internal::UnmatchedBoundary& boundary) {
  const extract_internal::ParsedRange& range = ranges[boundary.range];
  return std::string(kind) + " range " + std::to_string(boundary.range + 1) + " (" +
         (range.start_after ? "startAfter" : "startBefore") + " \"" + range.start.text() + "\", " +
         (range.end_after ? "endAfter" : "endBefore") + " \"" + range.end.text() +
         "\"): no element of the page matches its " + (boundary.start ? "start" : "end");
}

// True when `utf8` starts, after a BOM and white space, with "<!DOCTYPE html" or "<html"
// (ASCII case-insensitive): an HTML document whatever its label says.
bool OpensHtmlDocument(std::string_view utf8) {
  if (utf8.starts_with("\xEF\xBB\xBF")) utf8.remove_prefix(3);
  const std::size_t start = utf8.find_first_not_of(" \t\r\n\f");
  if (start == std::string_view::npos) return false;
  const std::string head = AsciiLower(utf8.substr(start, 14));
  return head.starts_with("<!doctype html") || head.starts_with("<html");
}

}  // namespace

struct CompiledExtraction::Parts {
  std::vector<Selector> select;
  std::vector<Selector> remove;
  std::vector<extract_internal::ParsedRange> ranges;
  std::vector<extract_internal::ParsedRange> remove_ranges;
  extract_internal::LinePatterns ignore_lines;
  bool include_link_urls = false;
};

CompiledExtraction::CompiledExtraction(std::unique_ptr<const Parts> parts)
    : parts_(std::move(parts)) {}

CompiledExtraction::~CompiledExtraction() = default;

Result<std::shared_ptr<const CompiledExtraction>> CompiledExtraction::Compile(
    const ExtractOptions& options, ExtractEntry* failed) {
  const bool automatic = options.select.empty() && options.remove.empty() &&
                         options.ranges.empty() && options.remove_ranges.empty() &&
                         options.ignore_lines.empty();
  if (automatic) {
    // Most documents: one instance for all of them (no allocation per document at load).
    static const auto kPlain =
        std::make_shared<const CompiledExtraction>(std::make_unique<const Parts>());
    static const auto kWithLinks = [] {
      auto parts = std::make_unique<Parts>();
      parts->include_link_urls = true;
      return std::make_shared<const CompiledExtraction>(std::move(parts));
    }();
    return options.include_link_urls ? kWithLinks : kPlain;
  }
  ExtractEntry entry;
  auto parts = std::make_unique<Parts>();
  parts->include_link_urls = options.include_link_urls;
  Status status =
      ParseSelectors(options.select, ExtractEntry::List::kSelect, &parts->select, &entry);
  if (status.ok()) {
    status = ParseSelectors(options.remove, ExtractEntry::List::kRemove, &parts->remove, &entry);
  }
  if (status.ok()) {
    status = ParseRanges(options.ranges, ExtractEntry::List::kRanges, &parts->ranges, &entry);
  }
  if (status.ok()) {
    status = ParseRanges(options.remove_ranges, ExtractEntry::List::kRemoveRanges,
                         &parts->remove_ranges, &entry);
  }
  if (status.ok()) {
    Result<extract_internal::LinePatterns> patterns =
        extract_internal::LinePatterns::Compile(options.ignore_lines, &entry.index);
    if (patterns.ok()) {
      parts->ignore_lines = std::move(patterns).value();
    } else {
      entry.list = ExtractEntry::List::kIgnoreLines;
      status = patterns.status();
    }
  }
  if (!status.ok()) {
    if (failed != nullptr) *failed = entry;
    return status;
  }
  return std::make_shared<const CompiledExtraction>(std::move(parts));
}

Status ExtractText(std::string_view html, const ExtractOptions& options, ExtractResult* result) {
  *result = ExtractResult();
  // Selectors first: a configuration error should not cost a parse.
  auto compiled = CompiledExtraction::Compile(options);
  if (!compiled.ok()) return compiled.status();
  *result = ExtractText(html, **compiled, options.content_type);
  return Status::Ok();
}

ExtractResult ExtractText(std::string_view html, const CompiledExtraction& compiled,
                          std::string_view content_type) {
  const CompiledExtraction::Parts& parts = compiled.parts();
  ExtractResult result;
  using Clock = std::chrono::steady_clock;
  const auto micros_since = [](Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  };
  auto start = Clock::now();
  std::string utf8;
  result.charset = DecodeToUtf8(html, content_type, &utf8);
  result.decode_us = micros_since(start);
  if (MediaType(content_type) == "text/plain" && !OpensHtmlDocument(utf8)) {
    start = Clock::now();
    result.text = NormalizeText(utf8);
    result.render_us = micros_since(start);
  } else {
    start = Clock::now();
    const GumboDocument document(std::move(utf8));
    result.parse_us = micros_since(start);
    if (document.too_many_elements()) {
      result.too_large =
          "more than " + std::to_string(GumboDocument::kMaxElements) + " elements, not read";
      return result;
    }
    start = Clock::now();
    // Positions are numbered only for documents with ranges: most have none.
    std::optional<extract_internal::TreePositions> positions;
    if (!parts.ranges.empty() || !parts.remove_ranges.empty()) positions.emplace(document.root());
    const extract_internal::TreePositions* positions_or_null = positions ? &*positions : nullptr;
    const extract_internal::Removal removal(parts.remove, parts.remove_ranges, positions_or_null);
    if (!removal.unmatched().empty()) {
      result.unmatched_range =
          DescribeUnmatched("remove", parts.remove_ranges, removal.unmatched().front());
    }
    if (parts.select.empty() && parts.ranges.empty()) {
      const GumboNode* body = document.body() != nullptr ? document.body() : document.root();
      // The walk starts inside the body: a `remove` of the body or the document is asked here.
      const bool all_removed =
          removal.Removes(document.root()) || (body != document.root() && removal.Removes(body));
      if (!all_removed) {
        result.text = extract_internal::RenderMainContent(body, removal, parts.include_link_urls);
      }
    } else {
      std::vector<extract_internal::UnmatchedBoundary> unmatched;
      const std::vector<const GumboNode*> roots = extract_internal::SelectRoots(
          document.root(), parts.select, parts.ranges, removal, positions_or_null, &unmatched);
      result.selected_nothing = roots.empty();
      if (result.unmatched_range.empty() && !unmatched.empty()) {
        result.unmatched_range = DescribeUnmatched("select", parts.ranges, unmatched.front());
      }
      result.text = extract_internal::RenderSelected(roots, removal, parts.include_link_urls);
    }
    result.render_us = micros_since(start);
  }
  result.text = ApplyIgnoreLines(compiled, std::move(result.text));
  result.lines = CountLines(result.text);
  return result;
}

std::string ApplyIgnoreLines(const CompiledExtraction& compiled, std::string text) {
  const CompiledExtraction::Parts& parts = compiled.parts();
  if (parts.ignore_lines.empty()) return text;
  return parts.ignore_lines.RemoveMatchingLines(text);
}

}  // namespace policyd

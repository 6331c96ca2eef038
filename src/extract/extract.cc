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
//  - ranges (main_content.cc): preorder positions of the boundary elements; the outermost
//    nodes wholly between them are rendered like selected elements.
//  - ignore_lines: applied to the finished text, so patterns see exactly the stored lines.
//  - url.cc: the query parameters that differ between visits, for include_link_urls.
// Every walk over the DOM uses an explicit stack.
#include "policyd/extract.h"

#include <chrono>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "main_content.h"
#include "policyd/gumbo_document.h"
#include "policyd/selector.h"

namespace policyd {
namespace {

// The media type of a Content-Type value, lower case, without parameters.
std::string MediaType(std::string_view content_type) {
  const size_t semicolon = content_type.find(';');
  std::string_view type = content_type.substr(0, semicolon);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  std::string lower(type);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return lower;
}

Status ParseSelectors(const std::vector<std::string>& texts, std::vector<Selector>* out) {
  out->reserve(texts.size());
  for (const std::string& text : texts) {
    Result<Selector> parsed = Selector::Parse(text);
    if (!parsed.ok()) return parsed.status();
    out->push_back(std::move(parsed).value());
  }
  return Status::Ok();
}

Status ParseRanges(const std::vector<RangeSelector>& ranges,
                   std::vector<extract_internal::ParsedRange>* out) {
  for (const RangeSelector& range : ranges) {
    const bool start_before = !range.start_before.empty();
    const bool end_before = !range.end_before.empty();
    if (start_before == !range.start_after.empty() || end_before == !range.end_after.empty()) {
      return Status::InvalidArgument(
          "a range needs exactly one of startBefore/startAfter and one of endBefore/endAfter");
    }
    Result<Selector> start = Selector::Parse(start_before ? range.start_before : range.start_after);
    if (!start.ok()) return start.status();
    Result<Selector> end = Selector::Parse(end_before ? range.end_before : range.end_after);
    if (!end.ok()) return end.status();
    out->push_back({std::move(start).value(), !start_before, std::move(end).value(), !end_before});
  }
  return Status::Ok();
}

Status CompileIgnoreLines(const std::vector<std::string>& patterns, std::vector<std::regex>* out) {
  for (const std::string& pattern : patterns) {
    try {
      out->emplace_back(pattern, std::regex::ECMAScript | std::regex::optimize);
    } catch (const std::regex_error& e) {
      return Status::InvalidArgument("ignore_lines: invalid regular expression '" + pattern +
                                     "': " + e.what());
    }
  }
  return Status::Ok();
}

// Removes the lines of `text` in which one of `patterns` matches, then restores the output
// contract: one blank line between blocks, none at either end, a final '\n'.
std::string RemoveIgnoredLines(const std::string& text, const std::vector<std::regex>& patterns) {
  std::string out;
  out.reserve(text.size());
  bool blank_pending = false;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) {
      blank_pending = true;
      continue;
    }
    bool ignored = false;
    if (line.size() <= kMaxIgnoredLineBytes) {
      for (const std::regex& pattern : patterns) {
        try {
          if (std::regex_search(line.begin(), line.end(), pattern)) {
            ignored = true;
            break;
          }
        } catch (const std::regex_error&) {
          // Too complex for this line (error_complexity/error_stack): keep the line.
        }
      }
    }
    if (ignored) continue;
    if (blank_pending && !out.empty()) out.push_back('\n');
    blank_pending = false;
    out.append(line);
    out.push_back('\n');
  }
  return out;
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

}  // namespace

Status ExtractText(std::string_view html, const ExtractOptions& options, ExtractResult* result) {
  *result = ExtractResult();
  // Selectors first: a configuration error should not cost a parse.
  std::vector<Selector> select;
  std::vector<Selector> remove;
  if (Status s = ParseSelectors(options.select, &select); !s.ok()) return s;
  if (Status s = ParseSelectors(options.remove, &remove); !s.ok()) return s;
  std::vector<extract_internal::ParsedRange> ranges;
  if (Status s = ParseRanges(options.ranges, &ranges); !s.ok()) return s;
  std::vector<std::regex> ignore_lines;
  if (Status s = CompileIgnoreLines(options.ignore_lines, &ignore_lines); !s.ok()) return s;

  using Clock = std::chrono::steady_clock;
  const auto micros_since = [](Clock::time_point start) {
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count();
  };
  auto start = Clock::now();
  std::string utf8;
  result->charset = DecodeToUtf8(html, options.content_type, &utf8);
  result->decode_us = micros_since(start);
  if (MediaType(options.content_type) == "text/plain") {
    start = Clock::now();
    result->text = NormalizeText(utf8);
    result->render_us = micros_since(start);
  } else {
    start = Clock::now();
    const GumboDocument document(std::move(utf8));
    result->parse_us = micros_since(start);
    start = Clock::now();
    if (select.empty() && ranges.empty()) {
      const GumboNode* body = document.body() != nullptr ? document.body() : document.root();
      result->text = extract_internal::RenderMainContent(body, remove, options.include_link_urls);
    } else {
      result->text = extract_internal::RenderSelected(
          extract_internal::SelectRoots(document.root(), select, ranges, remove), remove,
          options.include_link_urls);
    }
    result->render_us = micros_since(start);
  }
  if (!ignore_lines.empty()) result->text = RemoveIgnoredLines(result->text, ignore_lines);
  result->lines = CountLines(result->text);
  return Status::Ok();
}

}  // namespace policyd

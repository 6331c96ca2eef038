// ExtractText: the extraction pipeline of policyd/extract.h.
//
// Where each step lives and the decisions that shape the output:
//  - charset.cc: the WHATWG encoding decision (BOM, Content-Type, <meta> prescan), then
//    uchardet; already-valid UTF-8 is taken as UTF-8 whatever the label says.
//  - gumbo_document.cc / depth_cap.cc: Gumbo (WHATWG tree construction) with nesting capped
//    at 512 levels like browsers, so hostile nesting costs neither minutes nor the stack.
//  - main_content.cc: no `select` -> the outermost <main>/role=main elements if they hold at
//    least a third of the page's non-link text, else the outermost <article>s under the same
//    test, else the whole <body>; never one "best block" (legal pages lose whole sections).
//  - boilerplate.cc / hints.cc: what is site chrome, navigation, consent banner or popup.
//    Hidden content (hidden, aria-hidden, display:none) is kept unless it also looks like
//    boilerplate: collapsed accordions and inactive tabs hide real policy sections.
//  - markdown.cc / duplicates.cc: the Markdown-like lines; whole repeated copies of large
//    sections (responsive duplicates, per-route tab widgets) are rendered once.
//  - normalize.cc: white space and invisible characters.
// Every walk over the DOM uses an explicit stack.
#include "policyd/extract.h"

#include <chrono>
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
    if (select.empty()) {
      const GumboNode* body = document.body() != nullptr ? document.body() : document.root();
      result->text = extract_internal::RenderMainContent(body, remove);
    } else {
      result->text = extract_internal::RenderSelected(
          extract_internal::SelectRoots(document.root(), select, remove), remove);
    }
    result->render_us = micros_since(start);
  }
  result->lines = CountLines(result->text);
  return Status::Ok();
}

}  // namespace policyd

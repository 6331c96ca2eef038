// Extraction: raw HTML bytes of a policy page -> the policy's main text as normalised,
// Markdown-like lines. Pure computation: no I/O, no event loop, safe to call from any
// thread concurrently (no shared mutable state).
//
// Pipeline: charset decision (BOM, Content-Type, <meta charset>/http-equiv, then detection)
// -> UTF-8 (invalid bytes replaced with U+FFFD) -> Gumbo tree -> `remove` selectors drop
// subtrees -> `select` selectors choose subtrees (document order; all of them when none) ->
// boilerplate removal (script, style, nav, header, footer, cookie/consent banners, ...) ->
// Markdown-like lines -> whitespace normalisation.
//
// Output contract (what is hashed and stored):
//  - headings "# ", "## ", ... by level; paragraphs as one line each; list items "- "
//    (nested lists indented by two spaces per level); table rows "| a | b |";
//  - blocks separated by exactly one blank line; no leading/trailing blank lines; the text
//    ends with a single '\n' unless it is empty;
//  - runs of Unicode white space inside a line become one ' '; lines are trimmed;
//    zero-width characters and soft hyphens removed; CRLF never appears.
// Hence a re-render of the same text (other markup, attribute order, whitespace, scripts)
// yields the same bytes and the same hash.
#ifndef POLICYD_EXTRACT_H_
#define POLICYD_EXTRACT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/status.h"

namespace policyd {

struct ExtractOptions {
  std::vector<std::string> select;  // CSS selectors; empty = automatic main-content choice
  std::vector<std::string> remove;  // CSS selectors dropped before anything else
  std::string content_type;         // the HTTP Content-Type header, for its charset (may be "")
};

struct ExtractResult {
  std::string text;       // the normalised Markdown-like text (see contract above)
  std::string charset;    // the charset the bytes were decoded from, e.g. "utf-8", "windows-1252"
  std::size_t lines = 0;  // number of non-blank lines in `text`
  // Where the time went, in microseconds (for the daemon's per-stage statistics).
  int64_t decode_us = 0;  // charset decision and transcoding
  int64_t parse_us = 0;   // Gumbo tree construction
  int64_t render_us = 0;  // selectors, boilerplate removal, Markdown, normalisation
};

// Extracts the main text of `html`. Fails with InvalidArgument for a selector that does not
// parse (the message names it). Never crashes on any input; input of any size is handled
// without recursion over the DOM.
Status ExtractText(std::string_view html, const ExtractOptions& options, ExtractResult* result);

// Decodes `bytes` to UTF-8 following the charset decision above. Returns the charset used.
std::string DecodeToUtf8(std::string_view bytes, std::string_view content_type, std::string* utf8);

// Applies the whitespace/Unicode normalisation of the output contract to arbitrary text
// (used on extracted lines; exposed for tests and for plain-text documents).
std::string NormalizeText(std::string_view text);

}  // namespace policyd

#endif  // POLICYD_EXTRACT_H_

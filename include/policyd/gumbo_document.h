// GumboDocument: an owned, parsed HTML document (RAII over Gumbo's GumboOutput*), hardened for
// hostile input.
//
// Gumbo (libgumbo 0.10.1, an HTML5 parser after the WHATWG tree-construction algorithm) has
// two weaknesses on adversarial nesting: its scope checks walk the stack of open elements for
// every tag, so 100,000 nested <div>s take about a minute to parse, and gumbo_destroy_output()
// frees the tree recursively, so such a tree overflows a thread's stack. Deviating from the
// standard like browsers do (Blink caps its DOM depth at 512, newer gumbo forks at 400), we
// (1) remove the start and end tags of elements nested deeper than kMaxNestingDepth before
// parsing (their text stays), and (2) never call gumbo_destroy_output(): the tree lives in an
// arena (src/extract/gumbo_arena.h) that is freed in one go, which also makes parsing faster.
// The error list is capped at zero entries: we never read it and it can grow huge.
#ifndef POLICYD_GUMBO_DOCUMENT_H_
#define POLICYD_GUMBO_DOCUMENT_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include <gumbo.h>

namespace policyd {

class GumboDocument {
 public:
  // Element nesting deeper than this (by the estimate of CapNestingDepth) is flattened.
  static constexpr size_t kMaxNestingDepth = 512;

  // Parses `utf8`, which must be valid UTF-8 (DecodeToUtf8's output is). Never fails: HTML
  // parsing always yields a tree. The document keeps the text alive because Gumbo's nodes
  // point into it.
  explicit GumboDocument(std::string utf8);
  ~GumboDocument();
  GumboDocument(GumboDocument&&) noexcept;
  GumboDocument& operator=(GumboDocument&&) noexcept;
  GumboDocument(const GumboDocument&) = delete;
  GumboDocument& operator=(const GumboDocument&) = delete;

  // The GUMBO_NODE_DOCUMENT node.
  const GumboNode* document() const;
  // The <html> element (always present).
  const GumboNode* root() const;
  // The <body> element, or nullptr for a <frameset> document.
  const GumboNode* body() const;
  // True when the input nested too deeply and tags were removed before parsing.
  bool depth_capped() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Scans `html` with a light tokenizer that approximates the open-element stack of the HTML
// tree builder (void elements, raw-text elements, comments, implied end tags, end-tag scope
// rules) and, when the estimated depth exceeds `max_depth`, writes to *capped a copy without
// the start tags beyond that depth and their matching end tags, and returns true. Returns
// false (leaving *capped untouched) when the input stays within the limit. Linear time.
bool CapNestingDepth(std::string_view html, size_t max_depth, std::string* capped);

}  // namespace policyd

#endif  // POLICYD_GUMBO_DOCUMENT_H_

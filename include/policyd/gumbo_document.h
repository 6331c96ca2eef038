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
  // A page with more start tags than this is not parsed (too_many_elements): Gumbo keeps about
  // 300 bytes per element, and the largest of 2,697 real pages measured has 15,793.
  static constexpr size_t kMaxElements = 200'000;

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
  // True when the input held more than kMaxElements start tags: the document is then the empty
  // one (html, head and body without content), and readers must refuse the page.
  bool too_many_elements() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// Attributes of one tag past this many are removed before parsing (CapNestingDepth).
inline constexpr size_t kMaxAttributesPerTag = 128;

// Scans `html` with a light tokenizer that approximates the open-element stack of the HTML
// tree builder (void elements, raw-text elements, comments, implied end tags, end-tag scope
// rules) and, when the input exceeds a bound, writes to *capped a copy without what exceeds
// it and returns true: the start tags nested deeper than `max_depth`, and formatting start
// tags (b, a, font...) while 32 are open, with their matching end tags (their text stays);
// the attributes of a tag past kMaxAttributesPerTag. Returns false (leaving *capped
// untouched) when the input stays within every bound. Sets *start_tags (if given) to the
// number of start tags read. Linear time.
bool CapNestingDepth(std::string_view html, size_t max_depth, std::string* capped,
                     size_t* start_tags = nullptr);

}  // namespace policyd

#endif  // POLICYD_GUMBO_DOCUMENT_H_

// Per-tag facts from the HTML standard that the extract component needs, as a constant table
// indexed by GumboTag, plus small DOM accessors. Internal to the extract component.
#ifndef POLICYD_SRC_EXTRACT_HTML_TAGS_H_
#define POLICYD_SRC_EXTRACT_HTML_TAGS_H_

#include <cstdint>
#include <string_view>

#include <gumbo.h>

namespace policyd::extract_internal {

enum TagFlag : uint32_t {
  // Tokenizer / tree-builder facts (used by the nesting-depth estimate).
  kVoid = 1u << 0,           // no content, no end tag (br, img, input, ...)
  kRawText = 1u << 1,        // content is text up to the matching end tag (script, style, ...)
  kImpliedEnd = 1u << 2,     // end tag usually omitted; closed implicitly (p, li, td, ...)
  kSpecial = 1u << 3,        // the tree builder's "special" category
  kScopeBoundary = 1u << 4,  // ends an "element in scope" search (table, object, ...)
  kFormatting = 1u << 5,     // handled by the adoption agency algorithm (a, b, i, ...)
  // Rendering facts.
  kBlock = 1u << 6,       // starts and ends a block of text (div, p, section, ...)
  kNotText = 1u << 7,     // never text: scripts, styles, media, form controls, <marquee>
  kPageChrome = 1u << 8,  // header, footer, aside: site chrome unless inside sectioning
  kSectioning = 1u << 9,  // article, aside, main, nav, section (scopes header/footer)
  kHeading = 1u << 10,    // h1..h6
};

// The TagFlag bits of `tag` (0 for GUMBO_TAG_UNKNOWN).
uint32_t TagFlags(GumboTag tag);

inline bool HasFlag(GumboTag tag, TagFlag flag) { return (TagFlags(tag) & flag) != 0; }

// 1..6 for h1..h6, else 0.
int HeadingLevel(GumboTag tag);

// The value of attribute `name` (lower case) of `element`, or nullptr when absent.
const char* GetAttr(const GumboNode* element, const char* name);

// The tag name as written (original case) for any element, e.g. "my-widget" for an unknown
// element; empty for elements the parser inserted implicitly.
std::string_view OriginalTagName(const GumboNode* element);

// Children of an element, document or template node (empty vector for other nodes).
const GumboVector& Children(const GumboNode* node);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_HTML_TAGS_H_

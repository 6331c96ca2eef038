// Repeated blocks: fingerprints of large subtrees, so that a page that carries the same
// content several times (responsive desktop/mobile copies, one tab widget per route, ...)
// yields it once. Internal to the extract component.
//
// Dropping a repeat never hides a change: as soon as one copy differs from the others it has a
// different fingerprint and is rendered. And the number of copies a page happens to carry no
// longer changes the text.
#ifndef POLICYD_SRC_EXTRACT_DUPLICATES_H_
#define POLICYD_SRC_EXTRACT_DUPLICATES_H_

#include <cstddef>
#include <cstdint>
#include <unordered_map>

#include <gumbo.h>

namespace policyd::extract_internal {

// Subtrees under `root` (root excluded) holding at least `min_text` bytes of non-white-space
// text, mapped to a fingerprint of their tags and text (attributes and white space ignored,
// so copies that differ only in "is-active" classes or indentation are equal). What shows
// nothing is ignored too: comments (a text split by one is one text), elements without text
// (<wbr>, an empty span) and soft hyphens. Iterative.
std::unordered_map<const GumboNode*, uint64_t> FingerprintLargeSubtrees(const GumboNode* root,
                                                                        size_t min_text);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_DUPLICATES_H_

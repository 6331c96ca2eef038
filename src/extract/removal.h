// What `remove` drops from one parsed document (internal to the extract component): the
// subtrees of elements matching one of its CSS selectors (ExtractOptions::remove) and the
// nodes wholly inside one of its ranges (ExtractOptions::remove_ranges, resolved as ranges.h
// says). Every walk that decides what the output holds (block scoring, select roots, the
// Markdown renderer) asks the same Removal, so they all see the same document: the one OTA's
// engine leaves after its `remove` step.
//
// A range's boundaries lie between nodes, never inside a text (ranges.h), so a text node is
// removed whole or kept whole: there is no removed span to cut out of a text.
#ifndef POLICYD_SRC_EXTRACT_REMOVAL_H_
#define POLICYD_SRC_EXTRACT_REMOVAL_H_

#include <span>
#include <vector>

#include <gumbo.h>

#include "policyd/selector.h"
#include "ranges.h"

namespace policyd::extract_internal {

class Removal {
 public:
  // Resolves `ranges` over `positions` (required when `ranges` is not empty; the ranges'
  // boundaries are looked for in the whole document, `selectors` matches included, as OTA
  // resolves its remove ranges before it removes anything). `selectors` and `positions` must
  // outlive the Removal.
  Removal(std::span<const Selector> selectors, const std::vector<ParsedRange>& ranges,
          const TreePositions* positions);

  // True when `node` is dropped with everything under it: an element (or template) matching
  // one of the selectors, or any node (element, text, white space) wholly inside one of the
  // ranges. Walks skip a removed subtree without asking about what is under it, so a node
  // under a removed element may answer false.
  bool Removes(const GumboNode* node) const;

  // The boundaries of the ranges that matched no element: those ranges removed nothing.
  const std::vector<UnmatchedBoundary>& unmatched() const { return unmatched_; }

 private:
  std::span<const Selector> selectors_;
  const TreePositions* positions_ = nullptr;
  std::vector<TreePositions::Interval> intervals_;
  std::vector<UnmatchedBoundary> unmatched_;
};

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_REMOVAL_H_

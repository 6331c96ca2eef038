#include "removal.h"

namespace policyd::extract_internal {

Removal::Removal(std::span<const Selector> selectors, const std::vector<ParsedRange>& ranges,
                 const TreePositions* positions)
    : selectors_(selectors), positions_(positions) {
  if (positions_ != nullptr) intervals_ = positions_->Resolve(ranges, nullptr, &unmatched_);
}

bool Removal::Removes(const GumboNode* node) const {
  if (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE) {
    for (const Selector& selector : selectors_) {
      if (selector.Matches(node)) return true;
    }
  }
  return !intervals_.empty() && positions_->Inside(node, intervals_);
}

}  // namespace policyd::extract_internal

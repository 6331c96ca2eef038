#include "ranges.h"

#include <utility>

#include "html_tags.h"

namespace policyd::extract_internal {
namespace {

bool IsElementLike(const GumboNode* node) {
  return node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE;
}

}  // namespace

TreePositions::TreePositions(const GumboNode* root) : root_(root) {
  if (root == nullptr) return;
  struct Item {
    const GumboNode* node;
    bool exit;
  };
  std::vector<Item> walk = {{root, false}};
  std::size_t position = 0;
  while (!walk.empty()) {
    const Item item = walk.back();
    walk.pop_back();
    if (item.exit) {
      spans_[item.node].last = position - 1;
      continue;
    }
    spans_[item.node] = {position, position};
    ++position;
    walk.push_back({item.node, true});
    const GumboVector& children = Children(item.node);
    for (unsigned i = children.length; i-- > 0;) {
      walk.push_back({static_cast<const GumboNode*>(children.data[i]), false});
    }
  }
}

std::vector<TreePositions::Interval> TreePositions::Resolve(
    const std::vector<ParsedRange>& ranges, const std::function<bool(const GumboNode*)>& excluded,
    std::vector<UnmatchedBoundary>* unmatched) const {
  std::vector<Interval> intervals;
  if (ranges.empty() || root_ == nullptr) return intervals;
  // The first match of each boundary, found in one preorder walk.
  std::vector<std::pair<const GumboNode*, const GumboNode*>> found(ranges.size(),
                                                                   {nullptr, nullptr});
  std::size_t missing = 2 * ranges.size();
  std::vector<const GumboNode*> stack = {root_};
  while (!stack.empty() && missing > 0) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    if (IsElementLike(node)) {
      if (excluded && excluded(node)) continue;
      for (std::size_t i = 0; i < ranges.size(); ++i) {
        auto& [start, end] = found[i];
        if (start == nullptr && ranges[i].start.Matches(node)) {
          start = node;
          --missing;
        }
        if (end == nullptr && ranges[i].end.Matches(node)) {
          end = node;
          --missing;
        }
      }
      if (node->type == GUMBO_NODE_TEMPLATE) continue;  // inert content
    }
    const GumboVector& children = Children(node);
    for (unsigned i = children.length; i-- > 0;) {
      const auto* child = static_cast<const GumboNode*>(children.data[i]);
      if (IsElementLike(child)) stack.push_back(child);
    }
  }
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    const auto& [start, end] = found[i];
    if (unmatched != nullptr) {
      if (start == nullptr) unmatched->push_back({i, true});
      if (end == nullptr) unmatched->push_back({i, false});
    }
    if (start == nullptr || end == nullptr) continue;
    const Span& start_span = spans_.at(start);
    const Span& end_span = spans_.at(end);
    const std::size_t begin = ranges[i].start_after ? start_span.last + 1 : start_span.first;
    const std::size_t stop = ranges[i].end_after ? end_span.last + 1 : end_span.first;
    if (begin < stop) intervals.push_back({begin, stop});
  }
  return intervals;
}

bool TreePositions::Inside(const GumboNode* node, const std::vector<Interval>& intervals) const {
  if (intervals.empty()) return false;
  const auto it = spans_.find(node);
  if (it == spans_.end()) return false;
  const Span& span = it->second;
  for (const Interval& interval : intervals) {
    if (interval.begin <= span.first && span.last < interval.end) return true;
  }
  return false;
}

}  // namespace policyd::extract_internal

// Ranges between boundary elements (RangeSelector, policyd/extract.h) over one parsed
// document. Internal to the extract component; select ranges (main_content.h) and remove
// ranges (removal.h) both resolve here, so they cannot disagree on what a range holds.
//
// A DOM Range set before or after elements (Open Terms Archive's engine: setStartBefore,
// setStartAfter, setEndBefore, setEndAfter) has its boundary points between nodes, so what it
// holds is a set of whole nodes; no text node is ever cut. On preorder positions (every node,
// text included, numbered in document order) a node occupies [first, last]: its own position
// and that of its last descendant. A range is the half-open interval [begin, end):
//   begin = first(start)    for startBefore,  last(start) + 1 for startAfter;
//   end   = first(end)      for endBefore,    last(end) + 1   for endAfter.
// A node is in the range when begin <= first and last < end. An ancestor of a boundary
// element straddles the boundary and is not in it, but its children between the boundaries
// are (the DOM's "partially contained" nodes). begin >= end is a collapsed DOM range (the end
// set before the start, or startAfter X with endBefore X): it holds nothing.
#ifndef POLICYD_SRC_EXTRACT_RANGES_H_
#define POLICYD_SRC_EXTRACT_RANGES_H_

#include <cstddef>
#include <functional>
#include <unordered_map>
#include <vector>

#include <gumbo.h>

#include "policyd/selector.h"

namespace policyd::extract_internal {

// A parsed RangeSelector (policyd/extract.h).
struct ParsedRange {
  Selector start;
  bool start_after = false;  // else start before
  Selector end;
  bool end_after = false;  // else end before
};

// A range's boundary that no element of the document matches.
struct UnmatchedBoundary {
  std::size_t range = 0;  // index in the ranges resolved
  bool start = false;     // the start boundary, else the end
};

// The preorder positions of the nodes of one tree, and the ranges resolved over them.
class TreePositions {
 public:
  struct Interval {
    std::size_t begin = 0;
    std::size_t end = 0;  // exclusive; begin < end
  };

  // Numbers every node under `root` (root included), which must outlive this. Iterative,
  // O(nodes).
  explicit TreePositions(const GumboNode* root);

  // The intervals of `ranges`, in their order, without those that hold nothing (a boundary
  // with no match, or the end at or before the start). A boundary is the first element in
  // document order matching its selector, outside template contents (as Selector::SelectAll)
  // and outside the subtrees of elements for which `excluded` (if given) is true. One walk for
  // all the ranges, which stops once every boundary is found. The boundaries without a match
  // are appended to `unmatched` (if given), in the ranges' order, start before end.
  std::vector<Interval> Resolve(const std::vector<ParsedRange>& ranges,
                                const std::function<bool(const GumboNode*)>& excluded = nullptr,
                                std::vector<UnmatchedBoundary>* unmatched = nullptr) const;

  // True when `node` (of the tree) lies wholly inside one of `intervals`.
  bool Inside(const GumboNode* node, const std::vector<Interval>& intervals) const;

 private:
  struct Span {
    std::size_t first = 0;
    std::size_t last = 0;
  };

  const GumboNode* root_;
  std::unordered_map<const GumboNode*, Span> spans_;
};

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_RANGES_H_

// Which of the segments between two unchanged ones are edits of one another: modified (one
// old, one new), split (one old, consecutive new parts) or merged (consecutive old parts, one
// new), judged by the words they share (thresholds in policyd/segments.h).
#ifndef POLICYD_SRC_DIFF_SEGMENT_MATCH_H_
#define POLICYD_SRC_DIFF_SEGMENT_MATCH_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policyd/segments.h"
#include "src/diff/work_estimate.h"

namespace policyd::diff_internal {

// A segment's words (as ClassifyChange reads them), as sorted word numbers.
using WordBag = std::vector<uint32_t>;

// Numbers words so that the bags of two texts compare by number.
class WordNumbers {
 public:
  WordBag BagOf(std::string_view content);

 private:
  std::unordered_map<std::string, uint32_t> numbers_;
};

// Words two bags share, as multisets (the size of their intersection).
std::size_t SharedWords(const WordBag& a, const WordBag& b);

struct SegmentGroup {
  SegmentChangeKind kind = SegmentChangeKind::kModified;  // kModified, kSplit or kMerged
  std::vector<std::size_t> olds;  // positions in MatchGap's `olds`, ascending
  std::vector<std::size_t> news;  // positions in MatchGap's `news`, ascending (a split's or
                                  // merge's parts need not be neighbours)
  // The part whose id the other side keeps: a position in `news` (kSplit) or in `olds`
  // (kMerged); unused for kModified.
  std::size_t keeper = 0;
};

// The groups among the unaligned old and new segments of one gap (bags in text order). The
// candidates are scored by the Dice coefficient of their words and taken best first; a
// segment is in at most one group. A split's or merge's part that brings too few words of the
// whole that its other parts lack (a new clause between two parts) is left out of the group,
// which may then hold parts that are not neighbours; so is a part that is the best
// modification of another segment on the whole's side not yet grouped (when it would keep
// the whole's id, there is no split or merge). Last, a modification (i, j) becomes two,
// (i, j') and (i', j), when an ungrouped j' and i' continue i and j (crossing edits: a
// sentence moved into the neighbouring paragraph). Comparing a pair costs the words of both plus
// 16, spent from `budget` (as does merging the parts of a possible split or merge): when the whole
// gap costs more than is left, each new segment is only compared with the old ones near its
// proportional place (or none), and *approximate is set. With `one_to_one`, only modifications are
// candidates: segments listed together that are not neighbours in the text (the leftovers of
// several gaps) are no split's or merge's parts, and such a candidate must not take a segment
// from the modification it belongs to.
std::vector<SegmentGroup> MatchGap(const std::vector<const WordBag*>& olds,
                                   const std::vector<const WordBag*>& news, StepBudget* budget,
                                   bool* approximate, bool one_to_one = false);

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_SEGMENT_MATCH_H_

// The offset map of aligned segments: which characters of an old segment are the same
// characters in the new text, found by a word diff (dtl) of the two spans.
#ifndef POLICYD_SRC_DIFF_OFFSET_MAP_H_
#define POLICYD_SRC_DIFF_OFFSET_MAP_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "policyd/segments.h"
#include "src/diff/work_estimate.h"

namespace policyd::diff_internal {

// A segment's span: its bytes and the code point offset of its first one in its text.
struct SpanText {
  std::string_view bytes;
  std::size_t start = 0;
};

// Appends to `runs` the characters of `old_spans` (read in order as one text) that are kept
// in `new_spans`: equal spans whole; else the words (runs of non-space) common to both in a
// shortest word edit script, and the white space between two consecutive kept words when it
// is the same. The word diff spends from `budget`; when it would take more, only the common
// leading and trailing words are kept and *approximate is set.
void AppendKeptRuns(const std::vector<SpanText>& old_spans, const std::vector<SpanText>& new_spans,
                    StepBudget* budget, bool* approximate, std::vector<OffsetRun>* runs);

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_OFFSET_MAP_H_

// The shortest edit script between two token sequences (lines or words), computed by dtl
// (Wu/Manber/Myers O(NP)) within a work budget. Everything else in the diff component is
// rendering on top of it.
#ifndef POLICYD_SRC_DIFF_EDIT_SCRIPT_H_
#define POLICYD_SRC_DIFF_EDIT_SCRIPT_H_

#include <cstddef>
#include <string_view>
#include <vector>

#include "src/diff/work_estimate.h"

namespace policyd::diff_internal {

enum class EditOp { kCommon, kDelete, kAdd };

struct Edit {
  EditOp op = EditOp::kCommon;
  // 0-based positions. For kCommon/kDelete, old_index is the old token; for kAdd it is the
  // number of old tokens before the insertion point. Symmetrically for new_index.
  std::size_t old_index = 0;
  std::size_t new_index = 0;
};

struct EditScript {
  // Edits turning `a` into `b`, in order; always a valid script. Within each run of changes,
  // deletions come before additions (the order diff(1) prints them in).
  std::vector<Edit> edits;
  // True: the shortest script. False: dtl's search was predicted to cost more than the
  // budget left, so the tokens between the longest common prefix and suffix are all deleted
  // and then all added (one change run; the counts are upper bounds of the shortest ones).
  bool minimal = true;
};

// The edit script from `a` to `b`. Spends the predicted steps of dtl's search from
// `budget` (nothing when the search is skipped); the common prefix and suffix, and tokens
// that occur in only one of the sequences, cost no steps.
EditScript ComputeEditScript(const std::vector<std::string_view>& a,
                             const std::vector<std::string_view>& b, StepBudget* budget);

// Among the shortest scripts, one whose kept tokens run together: a run of only added (or
// only deleted) tokens that can slide among equal tokens ("We | may update. We | share" ->
// "| We may update. | We share") is moved to where it touches the start or end of the text
// or another change, when it can reach one; otherwise it stays. dtl keeps the first equal
// token it meets, which splits a kept sentence when a sentence that starts with its first
// word is added or removed in front of it. The edits' count and kinds are unchanged; O(tokens).
void SlideChangesToBoundaries(const std::vector<std::string_view>& a,
                              const std::vector<std::string_view>& b, EditScript* script);

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_EDIT_SCRIPT_H_

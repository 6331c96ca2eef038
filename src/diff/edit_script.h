// The shortest edit script between two token sequences (lines or words), computed by dtl
// (Wu/Manber/Myers O(NP)). Everything else in the diff component is rendering on top of it.
#ifndef POLICYD_SRC_DIFF_EDIT_SCRIPT_H_
#define POLICYD_SRC_DIFF_EDIT_SCRIPT_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace policyd::diff_internal {

enum class EditOp { kCommon, kDelete, kAdd };

struct Edit {
  EditOp op = EditOp::kCommon;
  // 0-based positions. For kCommon/kDelete, old_index is the old token; for kAdd it is the
  // number of old tokens before the insertion point. Symmetrically for new_index.
  std::size_t old_index = 0;
  std::size_t new_index = 0;
};

// Edits turning `a` into `b`, in order. Within each run of changes, deletions come before
// additions (the order diff(1) prints them in).
std::vector<Edit> ComputeEditScript(const std::vector<std::string_view>& a,
                                    const std::vector<std::string_view>& b);

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_EDIT_SCRIPT_H_

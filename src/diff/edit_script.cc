#include "src/diff/edit_script.h"

#include <unordered_set>

#include <dtl/dtl.hpp>

namespace policyd::diff_internal {
namespace {

// dtl's huge mode only pre-reserves its path buffer (about 48 MB), which pays off for long
// documents but would be waste for the common short diff.
constexpr std::size_t kHugeThreshold = 5000;

// Indices of the tokens of `tokens` that also occur somewhere in `other`.
std::vector<std::size_t> SharedTokens(const std::vector<std::string_view>& tokens,
                                      const std::vector<std::string_view>& other) {
  const std::unordered_set<std::string_view> present(other.begin(), other.end());
  std::vector<std::size_t> shared;
  shared.reserve(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (present.contains(tokens[i])) shared.push_back(i);
  }
  return shared;
}

std::vector<std::string_view> Select(const std::vector<std::string_view>& tokens,
                                     const std::vector<std::size_t>& indices) {
  std::vector<std::string_view> selected;
  selected.reserve(indices.size());
  for (const std::size_t i : indices) selected.push_back(tokens[i]);
  return selected;
}

// Operations of the edit script without positions, and the positions recomputed from them.
std::vector<Edit> WithPositions(const std::vector<EditOp>& ops) {
  std::vector<Edit> edits;
  edits.reserve(ops.size());
  std::size_t old_index = 0;
  std::size_t new_index = 0;
  for (std::size_t i = 0; i < ops.size();) {
    if (ops[i] == EditOp::kCommon) {
      edits.push_back({EditOp::kCommon, old_index++, new_index++});
      ++i;
      continue;
    }
    // A run of changes: all its deletions first, then its additions.
    std::size_t run_end = i;
    while (run_end < ops.size() && ops[run_end] != EditOp::kCommon) ++run_end;
    for (std::size_t k = i; k < run_end; ++k) {
      if (ops[k] == EditOp::kDelete) edits.push_back({EditOp::kDelete, old_index++, new_index});
    }
    for (std::size_t k = i; k < run_end; ++k) {
      if (ops[k] == EditOp::kAdd) edits.push_back({EditOp::kAdd, old_index, new_index++});
    }
    i = run_end;
  }
  return edits;
}

}  // namespace

std::vector<Edit> ComputeEditScript(const std::vector<std::string_view>& a,
                                    const std::vector<std::string_view>& b) {
  if (a.empty() && b.empty()) return {};

  // A token that does not occur in the other sequence can never be common, so it is left out
  // of the search: the LCS, hence the edit distance, is unchanged, and a rewrite where most
  // lines are new (dtl's O(NP) worst case) becomes cheap. The discarded tokens are put back
  // as deletions/additions at their places below.
  const std::vector<std::size_t> a_shared = SharedTokens(a, b);
  const std::vector<std::size_t> b_shared = SharedTokens(b, a);
  const std::vector<std::string_view> a_reduced = Select(a, a_shared);
  const std::vector<std::string_view> b_reduced = Select(b, b_shared);

  std::vector<EditOp> ops;
  ops.reserve(a.size() + b.size());
  std::size_t a_next = 0;  // next token of `a` not yet in `ops`
  std::size_t b_next = 0;
  const auto delete_until = [&](std::size_t end) {
    for (; a_next < end; ++a_next) ops.push_back(EditOp::kDelete);
  };
  const auto add_until = [&](std::size_t end) {
    for (; b_next < end; ++b_next) ops.push_back(EditOp::kAdd);
  };

  if (!a_reduced.empty() || !b_reduced.empty()) {
    // deletesFirst = true: dtl orders each run of changes as deletions, then additions.
    dtl::Diff<std::string_view> diff(a_reduced, b_reduced, /*deletesFirst=*/true);
    if (a_reduced.size() + b_reduced.size() > kHugeThreshold) diff.onHuge();
    diff.compose();

    // Positions are counted here rather than taken from dtl's element info, whose indices
    // are not uniform across its swapped and partial-path cases.
    std::size_t a_pos = 0;  // position in a_reduced
    std::size_t b_pos = 0;
    for (const auto& element : diff.getSes().getSequence()) {
      switch (element.second.type) {
        case dtl::SES_COMMON:
          delete_until(a_shared[a_pos]);
          add_until(b_shared[b_pos]);
          ops.push_back(EditOp::kCommon);
          ++a_next;
          ++b_next;
          ++a_pos;
          ++b_pos;
          break;
        case dtl::SES_DELETE:
          delete_until(a_shared[a_pos++] + 1);
          break;
        case dtl::SES_ADD:
          add_until(b_shared[b_pos++] + 1);
          break;
        default:
          break;
      }
    }
  }
  delete_until(a.size());
  add_until(b.size());
  return WithPositions(ops);
}

}  // namespace policyd::diff_internal

#include "src/diff/edit_script.h"

#include <optional>

#include <dtl/dtl.hpp>

namespace policyd::diff_internal {
namespace {

// dtl's huge mode only pre-reserves its path buffer (2,000,000 records, 48 MB), which pays
// off for a long search but would be waste for the common short one.
constexpr uint64_t kHugeSteps = 500'000;

using Tokens = std::vector<std::string_view>;

// Indices of the tokens whose counts are `of_tokens` that also occur in the other sequence.
std::vector<std::size_t> SharedTokens(const std::vector<const TokenCount*>& of_tokens,
                                      bool side_a) {
  std::vector<std::size_t> shared;
  shared.reserve(of_tokens.size());
  for (std::size_t i = 0; i < of_tokens.size(); ++i) {
    if ((side_a ? of_tokens[i]->in_b : of_tokens[i]->in_a) > 0) shared.push_back(i);
  }
  return shared;
}

Tokens Select(const Tokens& tokens, const std::vector<std::size_t>& indices) {
  Tokens selected;
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

// dtl's shortest script between `a` and `b`, one operation per element of its sequence.
std::vector<EditOp> DtlOps(const Tokens& a, const Tokens& b, uint64_t predicted_steps) {
  // deletesFirst = true: dtl orders each run of changes as deletions, then additions.
  dtl::Diff<std::string_view> diff(a, b, /*deletesFirst=*/true);
  if (predicted_steps > kHugeSteps) diff.onHuge();
  diff.compose();
  std::vector<EditOp> ops;
  ops.reserve(a.size() + b.size());
  for (const auto& element : diff.getSes().getSequence()) {
    switch (element.second.type) {
      case dtl::SES_COMMON:
        ops.push_back(EditOp::kCommon);
        break;
      case dtl::SES_DELETE:
        ops.push_back(EditOp::kDelete);
        break;
      case dtl::SES_ADD:
        ops.push_back(EditOp::kAdd);
        break;
      default:
        break;
    }
  }
  return ops;
}

// Appends the shortest script from `a` to `b` to `ops`, unless dtl's search is predicted
// to cost more than `budget` holds: then appends nothing and returns false.
bool AppendShortestOps(const Tokens& a, const Tokens& b, StepBudget* budget,
                       std::vector<EditOp>* ops) {
  // A token that does not occur in the other sequence can never be common, so it is left out
  // of the search: the LCS, hence the edit distance, is unchanged, and a rewrite where most
  // lines are new (dtl's O(NP) worst case) becomes cheap. The discarded tokens are put back
  // as deletions/additions at their places below.
  const TokenCounts counts = CountTokens(a, b);
  const std::vector<std::size_t> a_shared = SharedTokens(counts.of_a, /*side_a=*/true);
  const std::vector<std::size_t> b_shared = SharedTokens(counts.of_b, /*side_a=*/false);
  std::vector<EditOp> reduced_ops;
  if (!a_shared.empty()) {  // then b has shared tokens too
    // The reduction keeps every common token, so a common subsequence of `a` and `b` is
    // one of the reduced sequences too.
    const uint64_t steps =
        DtlSteps(a_shared.size(), b_shared.size(), CommonLengthLowerBound(a, b, counts));
    if (!budget->TrySpend(steps)) return false;
    const Tokens a_reduced = Select(a, a_shared);
    const Tokens b_reduced = Select(b, b_shared);
    reduced_ops = DtlOps(a_reduced, b_reduced, steps);
  }

  std::size_t a_next = 0;  // next token of `a` not yet in `ops`
  std::size_t b_next = 0;
  const auto delete_until = [&](std::size_t end) {
    for (; a_next < end; ++a_next) ops->push_back(EditOp::kDelete);
  };
  const auto add_until = [&](std::size_t end) {
    for (; b_next < end; ++b_next) ops->push_back(EditOp::kAdd);
  };
  // Positions are counted here rather than taken from dtl's element info, whose indices
  // are not uniform across its swapped and partial-path cases.
  std::size_t a_pos = 0;  // position in a_reduced
  std::size_t b_pos = 0;
  for (const EditOp op : reduced_ops) {
    if (op == EditOp::kCommon) {
      delete_until(a_shared[a_pos++]);
      add_until(b_shared[b_pos++]);
      ops->push_back(EditOp::kCommon);
      ++a_next;
      ++b_next;
    } else if (op == EditOp::kDelete) {
      delete_until(a_shared[a_pos++] + 1);
    } else {
      add_until(b_shared[b_pos++] + 1);
    }
  }
  delete_until(a.size());
  add_until(b.size());
  return true;
}

// A kept token: its position in `a` and in `b`.
struct Kept {
  std::size_t old_index = 0;
  std::size_t new_index = 0;
};

// The script's kept tokens and the changes between them: gap g lies between kept[g - 1] and
// kept[g] (the text's start and end stand in at both ends), and holds the tokens of either
// side between them.
class KeptTokens {
 public:
  KeptTokens(const Tokens& a, const Tokens& b, const std::vector<Edit>& edits) : a_(a), b_(b) {
    for (const Edit& edit : edits) {
      if (edit.op == EditOp::kCommon) kept_.push_back({edit.old_index, edit.new_index});
    }
  }

  std::size_t gaps() const { return kept_.size() + 1; }

  // Slides the changes of gap `g`, when they are on one side only, to a start, an end or
  // another change, when they can reach one. Up first; a run that can reach neither stays.
  void Slide(std::size_t g) {
    const bool added = OldBegin(g) == OldEnd(g);
    const bool deleted = NewBegin(g) == NewEnd(g);
    if (added == deleted) return;             // nothing, or changes on both sides: they stay
    if (g == 0 || g == kept_.size()) return;  // at the start or the end already
    const std::size_t begin = added ? NewBegin(g) : OldBegin(g);
    const std::size_t end = added ? NewEnd(g) : OldEnd(g);
    if (const auto steps = StepsUp(g, added, begin, end)) {
      // Each kept token passed takes the token `steps` places later instead: the run's last.
      for (std::size_t j = 1; j <= *steps; ++j) Index(g - j, added) = end - j;
    } else if (const auto steps_down = StepsDown(g, added, begin, end)) {
      for (std::size_t j = 0; j < *steps_down; ++j) Index(g + j, added) = begin + j;
    }
  }

  std::vector<Edit> Edits() const {
    std::vector<EditOp> ops;
    for (std::size_t g = 0; g < gaps(); ++g) {
      ops.insert(ops.end(), OldEnd(g) - OldBegin(g), EditOp::kDelete);
      ops.insert(ops.end(), NewEnd(g) - NewBegin(g), EditOp::kAdd);
      if (g < kept_.size()) ops.push_back(EditOp::kCommon);
    }
    return WithPositions(ops);
  }

 private:
  std::size_t OldBegin(std::size_t g) const { return g == 0 ? 0 : kept_[g - 1].old_index + 1; }
  std::size_t OldEnd(std::size_t g) const {
    return g == kept_.size() ? a_.size() : kept_[g].old_index;
  }
  std::size_t NewBegin(std::size_t g) const { return g == 0 ? 0 : kept_[g - 1].new_index + 1; }
  std::size_t NewEnd(std::size_t g) const {
    return g == kept_.size() ? b_.size() : kept_[g].new_index;
  }
  bool Empty(std::size_t g) const { return OldBegin(g) == OldEnd(g) && NewBegin(g) == NewEnd(g); }
  // The token at `index` of the changed side.
  std::string_view Token(bool added, std::size_t index) const {
    return added ? b_[index] : a_[index];
  }

  std::size_t& Index(std::size_t kept, bool added) {
    return added ? kept_[kept].new_index : kept_[kept].old_index;
  }

  // How many kept tokens the run [begin, end) of gap g passes upwards, each equal to the
  // run's token it trades places with, until it joins another change (a gap that is not
  // empty) or reaches the start; nullopt when an unequal token stops it first. The kept tokens
  // it passes are consecutive, since the gaps between them are empty.
  std::optional<std::size_t> StepsUp(std::size_t g, bool added, std::size_t begin,
                                     std::size_t end) const {
    std::size_t steps = 0;
    while (steps < g) {
      if (Token(added, begin - 1 - steps) != Token(added, end - 1 - steps)) return std::nullopt;
      ++steps;
      if (!Empty(g - steps)) return steps;
    }
    return steps;
  }

  // The same downwards, to another change or the end.
  std::optional<std::size_t> StepsDown(std::size_t g, bool added, std::size_t begin,
                                       std::size_t end) const {
    std::size_t steps = 0;
    while (g + steps < kept_.size()) {
      if (Token(added, end + steps) != Token(added, begin + steps)) return std::nullopt;
      ++steps;
      if (!Empty(g + steps)) return steps;
    }
    return steps;
  }

  const Tokens& a_;
  const Tokens& b_;
  std::vector<Kept> kept_;
};

}  // namespace

void SlideChangesToBoundaries(const Tokens& a, const Tokens& b, EditScript* script) {
  KeptTokens kept(a, b, script->edits);
  for (std::size_t g = 0; g < kept.gaps(); ++g) kept.Slide(g);
  script->edits = kept.Edits();
}

EditScript ComputeEditScript(const Tokens& a, const Tokens& b, StepBudget* budget) {
  EditScript script;
  if (a.empty() && b.empty()) return script;

  // The longest common prefix and suffix belong to a longest common subsequence, so leaving
  // them out of the search keeps the script shortest and makes the search smaller.
  std::size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) ++prefix;
  std::size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  const Tokens a_middle(a.begin() + static_cast<std::ptrdiff_t>(prefix),
                        a.end() - static_cast<std::ptrdiff_t>(suffix));
  const Tokens b_middle(b.begin() + static_cast<std::ptrdiff_t>(prefix),
                        b.end() - static_cast<std::ptrdiff_t>(suffix));

  std::vector<EditOp> ops(prefix, EditOp::kCommon);
  ops.reserve(a.size() + b.size());
  if (!AppendShortestOps(a_middle, b_middle, budget, &ops)) {
    script.minimal = false;
    ops.insert(ops.end(), a_middle.size(), EditOp::kDelete);
    ops.insert(ops.end(), b_middle.size(), EditOp::kAdd);
  }
  ops.insert(ops.end(), suffix, EditOp::kCommon);
  script.edits = WithPositions(ops);
  return script;
}

}  // namespace policyd::diff_internal

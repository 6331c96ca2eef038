// The cost of dtl's O(NP) search, predicted before it starts: dtl cannot be stopped once it
// runs, and on a text whose lines were reordered it takes minutes (issue 14: 40 s and 244 MB
// for 100,000 reversed headings). A diff whose predicted cost exceeds its budget is not
// searched; the caller falls back to something coarser.
#ifndef POLICYD_SRC_DIFF_WORK_ESTIMATE_H_
#define POLICYD_SRC_DIFF_WORK_ESTIMATE_H_

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace policyd::diff_internal {

// How often a token occurs in each of two sequences, and where it last occurs in the second.
struct TokenCount {
  std::size_t in_a = 0;
  std::size_t in_b = 0;
  std::size_t last_in_b = 0;
};

// The tokens of two sequences counted once (hashing every token of a 5 MB text is the
// larger part of a cheap diff), with each position's count at hand.
struct TokenCounts {
  std::unordered_map<std::string_view, TokenCount> table;
  std::vector<const TokenCount*> of_a;  // of_a[i]: the count of a[i] (stable node in table)
  std::vector<const TokenCount*> of_b;
};

// A pair of positions, (position in a, position in b).
using Match = std::pair<std::size_t, std::size_t>;

// The longest chain of `matches` (sorted by their a positions, each a position once) whose b
// positions increase too, in O(n log n) (patience sorting with back links). Also the
// segment alignment's fallback when dtl's search is over budget.
std::vector<Match> LongestIncreasingChain(const std::vector<Match>& matches);

TokenCounts CountTokens(const std::vector<std::string_view>& a,
                        const std::vector<std::string_view>& b);

// A lower bound of the length of the longest common subsequence of `a` and `b` (`counts`
// is CountTokens(a, b)): the length of one common subsequence, found in O((n + m) log n).
// Tokens that occur exactly once in each sequence are matched where their order agrees (a
// longest increasing subsequence of their positions), and each match is extended over the
// equal tokens that follow and precede it. Exact for a text edited in place; far below the
// LCS only when many lines were moved, which is also when dtl is slow.
std::size_t CommonLengthLowerBound(const std::vector<std::string_view>& a,
                                   const std::vector<std::string_view>& b,
                                   const TokenCounts& counts);

// An upper bound of the steps (furthest-reaching "snakes", one path record each) of dtl's
// search on sequences of `a_size` and `b_size` tokens whose LCS is at least `common`. With
// M <= N the two sizes, the search runs rounds p = 0..P for P = M - LCS, round p taking
// Δ + 2p + 1 steps (Δ = N - M): (P + 1)(Δ + P + 1) in all. Saturates at UINT64_MAX.
uint64_t DtlSteps(std::size_t a_size, std::size_t b_size, std::size_t common);

// The work one diff may do, shared by the line diff and the word diffs of its lines.
class StepBudget {
 public:
  explicit StepBudget(uint64_t steps) : remaining_(steps) {}
  // Takes `steps` when that many remain and returns true; else takes nothing.
  bool TrySpend(uint64_t steps) {
    if (steps > remaining_) return false;
    remaining_ -= steps;
    return true;
  }
  uint64_t remaining() const { return remaining_; }

 private:
  uint64_t remaining_;
};

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_WORK_ESTIMATE_H_

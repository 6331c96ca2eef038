#include "src/diff/work_estimate.h"

#include <algorithm>
#include <limits>
#include <utility>

namespace policyd::diff_internal {
namespace {

// Tokens that occur exactly once in `a` and once in `b`, in the order of `a`.
std::vector<Match> UniqueMatches(const TokenCounts& counts) {
  std::vector<Match> matches;
  for (std::size_t i = 0; i < counts.of_a.size(); ++i) {
    const TokenCount& count = *counts.of_a[i];
    if (count.in_a == 1 && count.in_b == 1) matches.emplace_back(i, count.last_in_b);
  }
  return matches;
}

}  // namespace

std::vector<Match> LongestIncreasingChain(const std::vector<Match>& matches) {
  constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
  std::vector<std::size_t> tails;  // tails[k]: match ending the best chain of length k + 1
  std::vector<std::size_t> previous(matches.size(), kNone);
  for (std::size_t k = 0; k < matches.size(); ++k) {
    const auto slot = std::lower_bound(
        tails.begin(), tails.end(), matches[k].second,
        [&](std::size_t t, std::size_t b_pos) { return matches[t].second < b_pos; });
    if (slot != tails.begin()) previous[k] = *(slot - 1);
    if (slot == tails.end()) {
      tails.push_back(k);
    } else {
      *slot = k;
    }
  }
  std::vector<Match> chain;
  for (std::size_t k = tails.empty() ? kNone : tails.back(); k != kNone; k = previous[k]) {
    chain.push_back(matches[k]);
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

TokenCounts CountTokens(const std::vector<std::string_view>& a,
                        const std::vector<std::string_view>& b) {
  TokenCounts counts;
  counts.table.reserve(a.size() + b.size());
  counts.of_a.reserve(a.size());
  counts.of_b.reserve(b.size());
  for (const std::string_view token : a) {
    TokenCount& count = counts.table[token];
    ++count.in_a;
    counts.of_a.push_back(&count);
  }
  for (std::size_t j = 0; j < b.size(); ++j) {
    TokenCount& count = counts.table[b[j]];
    ++count.in_b;
    count.last_in_b = j;
    counts.of_b.push_back(&count);
  }
  return counts;
}

std::size_t CommonLengthLowerBound(const std::vector<std::string_view>& a,
                                   const std::vector<std::string_view>& b,
                                   const TokenCounts& counts) {
  std::vector<Match> chain = LongestIncreasingChain(UniqueMatches(counts));
  std::size_t common = chain.size();
  chain.emplace_back(a.size(), b.size());  // the end, as one more boundary
  // Between two chained matches, equal tokens right after the first and right before the
  // second are common too (the blank lines and repeated lines next to unique ones).
  std::size_t a_from = 0;
  std::size_t b_from = 0;
  for (const auto& [a_to, b_to] : chain) {
    std::size_t x = a_from;
    std::size_t y = b_from;
    for (; x < a_to && y < b_to && a[x] == b[y]; ++x, ++y) ++common;
    for (std::size_t x_end = a_to, y_end = b_to;
         x_end > x && y_end > y && a[x_end - 1] == b[y_end - 1]; --x_end, --y_end) {
      ++common;
    }
    a_from = a_to + 1;
    b_from = b_to + 1;
  }
  return common;
}

uint64_t DtlSteps(std::size_t a_size, std::size_t b_size, std::size_t common) {
  const uint64_t shorter = std::min(a_size, b_size);
  const uint64_t delta = std::max(a_size, b_size) - shorter;
  const uint64_t p = shorter - std::min<uint64_t>(common, shorter);
  // Sum over rounds i = 0..p of (Δ + 2i + 1) = (p + 1)(Δ + p + 1).
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (delta >= kMax - p) return kMax;  // no room for delta + p + 1
  const uint64_t rounds = p + 1;
  const uint64_t factor = delta + p + 1;
  return factor > kMax / rounds ? kMax : rounds * factor;
}

}  // namespace policyd::diff_internal

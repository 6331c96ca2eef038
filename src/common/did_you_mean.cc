#include "policyd/did_you_mean.h"

#include <algorithm>

namespace policyd {

std::size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> previous(b.size() + 1);
  std::vector<std::size_t> current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::vector<std::string> ClosestNames(std::string_view word,
                                      const std::vector<std::string>& candidates,
                                      std::size_t max_distance, std::size_t limit) {
  if (word.size() > kMaxSuggestedNameBytes) return {};
  struct Scored {
    std::size_t distance;
    std::size_t order;
  };
  std::vector<Scored> close;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    const std::string& candidate = candidates[i];
    if (candidate == word) return {};
    if (candidate.size() > kMaxSuggestedNameBytes) continue;
    // The distance is at least the difference in length: skip the work when that is too far.
    const std::size_t length_gap = candidate.size() > word.size() ? candidate.size() - word.size()
                                                                  : word.size() - candidate.size();
    if (length_gap > max_distance) continue;
    const std::size_t distance = EditDistance(word, candidate);
    if (distance <= max_distance) close.push_back({distance, i});
  }
  std::stable_sort(close.begin(), close.end(),
                   [](const Scored& x, const Scored& y) { return x.distance < y.distance; });
  std::vector<std::string> names;
  for (const Scored& scored : close) {
    if (names.size() >= limit) break;
    if (std::find(names.begin(), names.end(), candidates[scored.order]) == names.end()) {
      names.push_back(candidates[scored.order]);
    }
  }
  return names;
}

std::string QuotedAlternatives(const std::vector<std::string>& names) {
  std::string list;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) list += i + 1 == names.size() ? " or " : ", ";
    list += "'" + names[i] + "'";
  }
  return list;
}

std::string DidYouMean(const std::vector<std::string>& names) {
  return names.empty() ? "" : " (did you mean " + QuotedAlternatives(names) + "?)";
}

}  // namespace policyd

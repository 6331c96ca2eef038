// Percentile: the nearest-rank percentile of a sample, shared by the pass benchmark's
// distributions and its scale part's medians.
#ifndef POLICYD_TESTS_BENCH_PASS_PERCENTILE_H_
#define POLICYD_TESTS_BENCH_PASS_PERCENTILE_H_

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <vector>

namespace policyd::bench {

// The smallest value with at least `share` (0 to 1) of the sample at or below it; NaN for an
// empty sample.
inline double Percentile(std::vector<double> values, double share) {
  if (values.empty()) return std::nan("");
  std::sort(values.begin(), values.end());
  const auto rank = static_cast<std::size_t>(std::ceil(share * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

}  // namespace policyd::bench

#endif  // POLICYD_TESTS_BENCH_PASS_PERCENTILE_H_

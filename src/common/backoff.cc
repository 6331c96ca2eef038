#include "policyd/backoff.h"

#include <algorithm>
#include <cstdint>

namespace policyd {

std::chrono::milliseconds BackoffDelay(std::chrono::milliseconds min_delay,
                                       std::chrono::milliseconds max_delay, int failures,
                                       std::optional<std::chrono::milliseconds> retry_after,
                                       std::mt19937_64& rng) {
  using std::chrono::milliseconds;
  const milliseconds cap = std::max(max_delay, min_delay);
  // Doubling, without overflow: past ~40 doublings any configured minimum exceeds the cap.
  milliseconds delay = min_delay;
  for (int i = 1; i < failures && delay < cap; ++i) delay *= 2;
  delay = std::min(delay, cap);
  // Jitter: up to half as much again, so that peers that came back are not hit in step.
  std::uniform_real_distribution<double> stretch(0.0, 0.5);
  delay += milliseconds(static_cast<int64_t>(static_cast<double>(delay.count()) * stretch(rng)));
  if (retry_after && *retry_after > delay) delay = *retry_after;
  return std::clamp(delay, std::min(min_delay, cap), cap);
}

}  // namespace policyd

// Exponential backoff with jitter: the one schedule for every "try again later" towards
// something outside the daemon (a webhook receiver, a NATS server).
#ifndef POLICYD_BACKOFF_H_
#define POLICYD_BACKOFF_H_

#include <chrono>
#include <optional>
#include <random>

namespace policyd {

// The delay before attempt `failures` + 1, after `failures` (>= 1) failed ones in a row:
// d = min(max_delay, min_delay × 2^(failures-1)), stretched by a random 0-50% (jitter, so that
// clients that failed together do not retry in step), never past max_delay. `retry_after`
// (what the other side asked for) replaces it when longer, up to max_delay. A min_delay above
// max_delay counts as max_delay.
std::chrono::milliseconds BackoffDelay(std::chrono::milliseconds min_delay,
                                       std::chrono::milliseconds max_delay, int failures,
                                       std::optional<std::chrono::milliseconds> retry_after,
                                       std::mt19937_64& rng);

}  // namespace policyd

#endif  // POLICYD_BACKOFF_H_

#include "policyd/backoff.h"
#include "policyd/webhook.h"

namespace policyd {

std::chrono::milliseconds RetryDelay(const WebhookSpec& spec, int failures,
                                     std::optional<std::chrono::milliseconds> retry_after,
                                     std::mt19937_64& rng) {
  return BackoffDelay(spec.retry_min, spec.retry_max, failures, retry_after, rng);
}

}  // namespace policyd

#include <algorithm>
#include <utility>

#include "policyd/webhook.h"

namespace policyd {

WebhookCursor::WebhookCursor(WebhookSpec spec, uint64_t cursor)
    : spec_(std::move(spec)), scanned_(cursor) {}

WebhookBatch FilterWebhookBatch(const WebhookSpec& spec, std::vector<StoredEvent> events) {
  WebhookBatch batch;
  for (StoredEvent& event : events) {
    batch.scanned_to = std::max(batch.scanned_to, event.seq);
    if (WebhookWants(spec, event.json)) batch.wanted.push_back(std::move(event));
  }
  return batch;
}

std::size_t WebhookCursor::Accept(WebhookBatch batch) {
  std::size_t kept = 0;
  for (StoredEvent& event : batch.wanted) {
    if (event.seq <= scanned_) continue;  // already seen (cannot happen: read after scanned_)
    pending_.push_back(std::move(event));
    ++kept;
  }
  scanned_ = std::max(scanned_, batch.scanned_to);
  return kept;
}

bool WebhookCursor::Due(int64_t now_ms) const {
  return !pending_.empty() && !in_flight_ && now_ms >= next_attempt_ms_;
}

void WebhookCursor::BeginAttempt(int64_t now_ms) {
  in_flight_ = true;
  last_attempt_ms_ = now_ms;
}

WebhookCursor::Transition WebhookCursor::Finish(const DeliveryReport& report, int64_t now_ms,
                                                std::mt19937_64& rng) {
  in_flight_ = false;
  Transition transition;
  if (report.outcome == DeliveryOutcome::kAborted || pending_.empty()) {
    transition.next_attempt_ms = next_attempt_ms_;
    return transition;  // not an attempt: the event is tried again as it was
  }
  last_http_status_ = report.http_status;
  if (report.outcome == DeliveryOutcome::kDelivered) {
    if (consecutive_failures_ > 0) transition.change = Change::kRecovered;
    pending_.pop_front();
    ++delivered_;
    last_delivered_ms_ = now_ms;
    attempts_at_next_ = 0;
    consecutive_failures_ = 0;
    failing_since_ms_ = 0;
    next_attempt_ms_ = now_ms;
    last_error_.clear();
    transition.advanced = true;
    transition.next_attempt_ms = now_ms;
    return transition;
  }
  if (consecutive_failures_ == 0) {
    transition.change = Change::kStartedFailing;
    failing_since_ms_ = now_ms;
  }
  ++consecutive_failures_;
  ++attempts_at_next_;
  ++failed_attempts_;
  last_error_ = "event " + std::to_string(pending_.front().seq) + ": " + report.error;
  if (spec_.max_attempts > 0 && attempts_at_next_ >= spec_.max_attempts) {
    // The operator chose liveness over completeness for this webhook: skip it, go on.
    pending_.pop_front();
    ++skipped_;
    attempts_at_next_ = 0;
    transition.change = Change::kGaveUp;
    transition.advanced = true;
    if (pending_.empty()) {
      // Nothing left to retry: the streak ends here (last_error_ and skipped_ tell of it), and
      // the next event is tried when it comes, not after this one's backoff.
      consecutive_failures_ = 0;
      failing_since_ms_ = 0;
      next_attempt_ms_ = now_ms;
      transition.next_attempt_ms = now_ms;
      return transition;
    }
  }
  next_attempt_ms_ =
      now_ms + RetryDelay(spec_, consecutive_failures_, report.retry_after, rng).count();
  transition.next_attempt_ms = next_attempt_ms_;
  return transition;
}

}  // namespace policyd

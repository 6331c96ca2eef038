// Webhooks: every stored event that a webhook's filters want is POSTed to its URL, in
// sequence order, at least once, from the stored event log (docs/INTEGRATIONS.md).
//
// Contract:
//  - Order. A webhook has a cursor: every event at or below it was delivered (2xx), did not
//    match its filters, or was given up (max_attempts). The next wanted event is sent only
//    once the one before it was answered 2xx: a failing event holds the webhook's later ones
//    back, never another webhook's, and never a check.
//  - At least once. The cursor is persisted in the store (Store::PutWebhookCursor) after
//    each delivery and read back at start, so a restart, a kill -9 or a receiver that is down
//    for a week loses nothing: the cursor only lags. An event is sent again only when its 2xx
//    was not recorded: the answer was lost (timeout after the receiver acted), or the process
//    died before the cursor write reached the store (then the events after the stored cursor
//    are sent again, in order). Receivers de-duplicate by Policyd-Event-Seq within one
//    Policyd-Node: the database's node id (node_id.h), which a backup gets anew, since a
//    backup opened in the original's place numbers its new events after the backup's last.
//  - Retries. A non-2xx answer (3xx included: redirects are never followed) or a transport
//    error is retried with exponential backoff and jitter (RetryDelay), bounded by the
//    webhook's retry_min and retry_max, a Retry-After within those bounds honoured.
//  - Safety and bounds. The URL goes through the fetcher's address policy at every connection
//    (after DNS: loopback, private, link-local ... refused unless allow_private_addresses or
//    allowed_addresses), only http and https; one request in flight per webhook (plus at most
//    one test), its body an event (at most 64 KiB) or a short chat text, the response read up
//    to 4 KiB and dropped, a total timeout. No thread: libcurl's multi socket interface on
//    the daemon's io_context (a second multi handle beside the fetcher's).
//  - Signature. Each request carries Policyd-Timestamp (Unix seconds of the attempt) and,
//    when the webhook has a secret, Policyd-Signature: v1=<hex HMAC-SHA256(secret,
//    timestamp + "." + body)>. The secret is never logged or shown.
//
// The pure parts (filters, bodies, signatures, the backoff schedule, the cursor's state
// machine) know neither the event loop nor the store; time is passed in. WebhookDispatcher
// does the I/O.
#ifndef POLICYD_WEBHOOK_H_
#define POLICYD_WEBHOOK_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "policyd/config.h"
#include "policyd/status.h"
#include "policyd/store.h"

namespace policyd {

// ---------------------------------------------------------------------------------------
// Pure logic

// True when `event_line` (one stored event's JSON) passes every non-empty filter of `spec`:
// its platform and doc_type (compared Slugify'd: "Coursera" = "coursera"), its type, and for
// document.changed its change_class (EventWanted in feed.h: other types pass `classes`).
// A line that is not a JSON object passes only when no filter is set.
bool WebhookWants(const WebhookSpec& spec, std::string_view event_line);

// Lower-case hex HMAC-SHA256 of `data` under `key` (OpenSSL EVP_MAC); "" only if OpenSSL fails.
std::string HmacSha256Hex(std::string_view key, std::string_view data);

// "v1=" + HmacSha256Hex(secret, std::to_string(timestamp_s) + "." + body).
std::string WebhookSignature(std::string_view secret, int64_t timestamp_s, std::string_view body);

// The synthetic event `webhooks_test` sends: {"seq":0,"type":"webhook.test","time":...,
// "webhook":name,"message":...}. Never stored; seq 0 is no stored event's.
nlohmann::json WebhookTestEvent(const std::string& webhook_name, int64_t now_ms);

// The request body for `event_line` in `format`: the line itself for kJson; for the chat
// formats a short text naming the document, what happened (for document.changed the change
// class, words added and removed, the sections changed) and the document's URL, in the chat
// tool's markup with every piece of page or config text escaped (Discord mentions disabled).
// InvalidArgument when a chat format gets a line that is not a JSON object.
Result<std::string> WebhookBody(WebhookFormat format, std::string_view event_line);

// The request's header lines (Content-Type, User-Agent, Policyd-Webhook, Policyd-Node when
// `node_id` is not empty, Policyd-Event-Seq, Policyd-Event-Type, Policyd-Timestamp,
// Policyd-Signature when `secret` is not empty, and an empty Expect so that curl never waits
// for 100-continue).
std::vector<std::string> WebhookHeaders(const WebhookSpec& spec, const std::string& user_agent,
                                        std::string_view node_id, uint64_t seq,
                                        std::string_view type, int64_t timestamp_s,
                                        std::string_view body);

// The delay before attempt `failures` + 1 at one event, after `failures` (>= 1) failed ones:
// BackoffDelay (policyd/backoff.h) between the webhook's retry_min and retry_max: doubling,
// with a random 0-50% of jitter, a Retry-After from the receiver honoured up to retry_max.
std::chrono::milliseconds RetryDelay(const WebhookSpec& spec, int failures,
                                     std::optional<std::chrono::milliseconds> retry_after,
                                     std::mt19937_64& rng);

// The URL as `webhooks` and the log show it: without query string (tokens live there), and
// for the chat formats without path either (their path is the credential).
std::string RedactedWebhookUrl(const WebhookSpec& spec);

// What one attempt came to.
enum class DeliveryOutcome {
  kDelivered,       // the receiver answered 2xx
  kRejected,        // it answered anything else (3xx too: redirects are not followed)
  kTransportError,  // DNS, connect, TLS, timeout, reset, a malformed response
  kBlockedAddress,  // the host resolved to an address the address policy refuses
  kAborted,         // the daemon is stopping: not an attempt, nothing changes
};
// "delivered", "rejected", "transport_error", "blocked_address", "aborted".
const char* DeliveryOutcomeName(DeliveryOutcome outcome);

struct DeliveryReport {
  DeliveryOutcome outcome = DeliveryOutcome::kAborted;
  long http_status = 0;                                  // 0 when no response
  std::string error;                                     // for people; "" when delivered
  std::optional<std::chrono::milliseconds> retry_after;  // the receiver's Retry-After (seconds)
  std::chrono::milliseconds elapsed{0};
};

// One batch of the event log as a webhook sees it: the last seq read, and the events its
// filters want, in order.
struct WebhookBatch {
  uint64_t scanned_to = 0;
  std::vector<StoredEvent> wanted;
};

// Filters `events` (read from the log in order) with WebhookWants. Pure, and the costly part
// of reading the log (each event's JSON is parsed): the dispatcher runs it on the worker pool
// with the read itself, never on the io thread.
WebhookBatch FilterWebhookBatch(const WebhookSpec& spec, std::vector<StoredEvent> events);

// A webhook's position in the log and its retry state (WebhookDispatcher keeps one per
// webhook): which event goes next and when, and what a finished attempt changes. It holds at
// most one batch of wanted events read from the log.
class WebhookCursor {
 public:
  // Events read from the log per batch, and their bytes (one larger event goes alone).
  static constexpr std::size_t kBatchEvents = 64;
  static constexpr std::size_t kBatchBytes = 256 << 10;

  // `cursor`: the stored position (every event at or below it is handled).
  WebhookCursor(WebhookSpec spec, uint64_t cursor);

  // True when nothing is waiting to be sent and the log has events after scanned().
  bool WantsEvents(uint64_t last_seq) const { return pending_.empty() && scanned_ < last_seq; }
  uint64_t scanned() const { return scanned_; }  // the last seq read from the log
  // Takes a batch read after scanned() and filtered by FilterWebhookBatch: scanned() moves to
  // its end, its wanted events (those after scanned()) wait to be sent. Returns how many.
  std::size_t Accept(WebhookBatch batch);

  // The event to send next, or null.
  const StoredEvent* Next() const { return pending_.empty() ? nullptr : &pending_.front(); }
  // True when Next() may be sent at `now_ms`: none in flight and its retry time has come.
  bool Due(int64_t now_ms) const;
  void BeginAttempt(int64_t now_ms);

  enum class Change {
    kNone,
    kStartedFailing,  // the first failure after a success (or since start)
    kRecovered,       // the first success after failures
    kGaveUp,          // max_attempts reached: the event is skipped, the cursor moves on
  };
  struct Transition {
    bool advanced = false;  // the event is done with (delivered or given up)
    Change change = Change::kNone;
    int64_t next_attempt_ms = 0;  // when the next attempt is due (now when advanced)
  };
  // The attempt at Next() ended with `report`.
  Transition Finish(const DeliveryReport& report, int64_t now_ms, std::mt19937_64& rng);

  // Every event at or below it is handled: what is persisted.
  uint64_t cursor() const { return pending_.empty() ? scanned_ : pending_.front().seq - 1; }
  const WebhookSpec& spec() const { return spec_; }
  bool in_flight() const { return in_flight_; }
  bool failing() const { return consecutive_failures_ > 0; }
  int consecutive_failures() const { return consecutive_failures_; }
  int attempts_at_next() const { return attempts_at_next_; }
  int64_t next_attempt_ms() const { return next_attempt_ms_; }
  int64_t last_attempt_ms() const { return last_attempt_ms_; }
  int64_t last_delivered_ms() const { return last_delivered_ms_; }
  int64_t failing_since_ms() const { return failing_since_ms_; }
  long last_http_status() const { return last_http_status_; }
  const std::string& last_error() const { return last_error_; }
  uint64_t delivered() const { return delivered_; }
  uint64_t failed_attempts() const { return failed_attempts_; }
  uint64_t skipped() const { return skipped_; }

 private:
  WebhookSpec spec_;
  uint64_t scanned_;
  std::deque<StoredEvent> pending_;
  bool in_flight_ = false;
  int attempts_at_next_ = 0;  // failed attempts at pending_.front()
  int consecutive_failures_ = 0;
  int64_t next_attempt_ms_ = 0;
  int64_t last_attempt_ms_ = 0;
  int64_t last_delivered_ms_ = 0;
  int64_t failing_since_ms_ = 0;
  long last_http_status_ = 0;
  std::string last_error_;
  uint64_t delivered_ = 0;
  uint64_t failed_attempts_ = 0;
  uint64_t skipped_ = 0;
};

// What `policyctl webhooks` shows of one webhook (never its secret).
struct WebhookStatus {
  std::string name;
  std::string url;  // RedactedWebhookUrl
  WebhookFormat format = WebhookFormat::kJson;
  uint64_t cursor = 0;
  uint64_t last_seq = 0;
  bool in_flight = false;
  bool failing = false;
  int consecutive_failures = 0;
  int64_t last_attempt_ms = 0;  // 0: none yet
  long last_http_status = 0;
  std::string last_error;
  int64_t next_retry_ms = 0;  // 0 unless failing
  int64_t failing_since_ms = 0;
  int64_t last_delivered_ms = 0;
  uint64_t delivered = 0;
  uint64_t failed_attempts = 0;
  uint64_t skipped = 0;
};
// {"name", "url", "format", "filters": {...}, "cursor", "last_seq", "lag", "state" ("ok",
// "failing"), "in_flight", "consecutive_failures", "last_attempt", "last_http_status",
// "last_error", "next_retry", "failing_since", "last_delivered", "delivered",
// "failed_attempts", "skipped"}; times as RFC 3339 strings or null.
nlohmann::json ToJson(const WebhookStatus& status, const WebhookSpec& spec);

// ---------------------------------------------------------------------------------------
// Delivery (I/O)

struct WebhookOptions {
  std::string user_agent = "policyd/0.1";
  bool allow_private_addresses = false;
  std::vector<std::string> allowed_addresses;  // ParseIpRange syntax
  std::chrono::milliseconds connect_timeout{10'000};
  std::string node_id;  // the database's (node_id.h), sent as Policyd-Node; "" sends none
};

// Delivers each webhook's events from the store. Threading: every method on the io_context's
// thread; handlers run there. Reads of the event log are batches of at most kBatchEvents
// events and kBatchBytes (as the feed's replay); cursor writes go to `store_executor` (the
// worker pool), coalesced, so the io thread never waits for a RocksDB write.
class WebhookDispatcher {
 public:
  WebhookDispatcher(boost::asio::io_context& io, Store& store, std::vector<WebhookSpec> specs,
                    WebhookOptions options, boost::asio::any_io_executor store_executor);
  ~WebhookDispatcher();
  WebhookDispatcher(const WebhookDispatcher&) = delete;
  WebhookDispatcher& operator=(const WebhookDispatcher&) = delete;

  // Reads the stored cursors; a webhook without one starts at the log's end (or at event 1
  // with start = "beginning") and that position is stored at once. A stored cursor ahead of
  // the log (a replaced database) is brought back to its end, with a warning. Then delivery
  // begins.
  Status Start();
  // Events were committed: each idle webhook looks for its next one.
  void Notify();
  // Aborts requests in flight (not counted as attempts) and saves every cursor.
  void Shutdown();

  std::vector<WebhookStatus> Statuses() const;
  // {"count", "max_lag", "failing"} for `status`.
  nlohmann::json SummaryJson() const;
  // {"webhooks": [ToJson(status), ...]} for `webhooks`.
  nlohmann::json StatusJson() const;

  // Sends WebhookTestEvent to webhook `name` now, outside its queue (its cursor and counts
  // are untouched); `done` gets the outcome. NotFound for an unknown name, Busy while an
  // earlier test of it runs.
  using TestHandler = std::function<void(Result<DeliveryReport>)>;
  void SendTest(const std::string& name, TestHandler done);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace policyd

#endif  // POLICYD_WEBHOOK_H_

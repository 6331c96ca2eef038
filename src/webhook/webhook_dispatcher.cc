// WebhookDispatcher::Impl: one WebhookCursor per webhook, driven on the io thread. Pump()
// decides the next step of one webhook: read a batch of the log when nothing is pending,
// send the next event when it is due, or arm the webhook's timer for its retry. Reading a
// batch (RocksDB) and filtering it (each event's JSON parsed) run on the worker pool, one read
// per webhook at a time; the io thread only takes the filtered batch. Each step is bounded
// (one batch, one request), so a webhook far behind never holds the loop.
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <optional>
#include <utility>

#include "cursor_saver.h"
#include "policyd/clock.h"
#include "policyd/json_text.h"
#include "policyd/webhook.h"
#include "webhook_client.h"

namespace policyd {
namespace {

// After a failed read of the event log (the store is being recovered, say), try again then.
constexpr int64_t kReadRetryMs = 5'000;

WebhookClient::Options ClientOptions(const WebhookOptions& options) {
  WebhookClient::Options client;
  client.user_agent = options.user_agent;
  client.allow_private_addresses = options.allow_private_addresses;
  client.allowed_addresses = options.allowed_addresses;
  client.connect_timeout = options.connect_timeout;
  return client;
}

// The event's type for the Policyd-Event-Type header: only characters a header may carry.
std::string EventType(std::string_view event_line) {
  const auto event = nlohmann::json::parse(event_line, nullptr, /*allow_exceptions=*/false);
  std::string type;
  if (event.is_object() && event.contains("type") && event["type"].is_string()) {
    type = event["type"].get<std::string>();
  }
  const bool safe =
      !type.empty() && type.size() <= 64 && std::all_of(type.begin(), type.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      });
  return safe ? type : "unknown";
}

}  // namespace

struct WebhookDispatcher::Impl {
  struct Hook {
    Hook(boost::asio::io_context& io, WebhookSpec spec, uint64_t start)
        : cursor(std::move(spec), start), timer(io), saved(start) {}
    WebhookCursor cursor;
    boost::asio::steady_timer timer;
    uint64_t saved;        // the cursor last handed to the saver
    bool reading = false;  // a batch read is on the worker pool
    bool test_running = false;
    int64_t read_retry_ms = 0;  // after a failed log read: not before then
    bool read_error_logged = false;
  };

  Impl(boost::asio::io_context& io_context, Store& store_ref,
       std::vector<WebhookSpec> webhook_specs, WebhookOptions webhook_options,
       boost::asio::any_io_executor store_executor)
      : io(io_context),
        store(store_ref),
        specs(std::move(webhook_specs)),
        options(std::move(webhook_options)),
        client(io_context, ClientOptions(options)),
        pool(store_executor),
        saver(store_ref, std::move(store_executor)),
        rng(std::random_device{}()),
        self(std::make_shared<Impl*>(this)) {}

  Status Start() {
    Result<std::map<std::string, uint64_t>> stored = store.ListWebhookCursors();
    if (!stored.ok()) return stored.status();
    const uint64_t last = store.LastSequence();
    for (WebhookSpec& spec : specs) {
      uint64_t position = 0;
      bool moved = false;  // a stored cursor that had to be brought back to the log's end
      const auto found = stored->find(spec.name);
      if (found == stored->end()) {
        position = spec.start == WebhookStart::kBeginning ? 0 : last;
        // Stored now, so that a restart before the first delivery keeps this starting point.
        if (Status status = store.PutWebhookCursor(spec.name, position); !status.ok()) {
          return status;
        }
        spdlog::info("webhook '{}' ({}): new, delivering events after {}", spec.name,
                     RedactedWebhookUrl(spec), position);
      } else {
        position = found->second;
        if (position > last) {
          spdlog::warn(
              "webhook '{}': its cursor {} is ahead of the event log (last event {}); was the "
              "database replaced? Delivering from event {} on",
              spec.name, position, last, last + 1);
          position = last;
          moved = true;
        }
        spdlog::info("webhook '{}' ({}): delivering events after {} ({} behind)", spec.name,
                     RedactedWebhookUrl(spec), position, last - position);
      }
      hooks.push_back(std::make_unique<Hook>(io, spec, position));
      if (moved) saver.Save(spec.name, position);
    }
    for (const auto& [name, position] : *stored) {
      if (FindHook(name) == nullptr) {
        spdlog::info("webhook '{}' is not in the config; its cursor ({}) is kept", name, position);
      }
    }
    boost::asio::post(io, [weak = std::weak_ptr<Impl*>(self)] {
      if (const auto impl = weak.lock()) (*impl)->PumpAll();
    });
    return Status::Ok();
  }

  Hook* FindHook(const std::string& name) const {
    for (const auto& hook : hooks) {
      if (hook->cursor.spec().name == name) return hook.get();
    }
    return nullptr;
  }

  void PumpAll() {
    for (const auto& hook : hooks) Pump(*hook);
  }

  // One step for `hook` (see the top of the file).
  void Pump(Hook& hook) {
    if (shut_down || hook.reading || hook.cursor.in_flight()) return;
    const int64_t now = NowUnixMillis();
    if (hook.cursor.Next() == nullptr) {
      if (!hook.cursor.WantsEvents(store.LastSequence())) {
        SaveCursor(hook);
        return;
      }
      if (now < hook.read_retry_ms) return;  // its timer is armed
      ReadBatch(hook);
      return;
    }
    if (!hook.cursor.Due(now)) {
      ArmTimer(hook, hook.cursor.next_attempt_ms() - now);
      return;
    }
    Send(hook, now);
  }

  // Reads and filters the next batch of the log on the worker pool; OnBatch takes it back on
  // the io thread. The pool job holds the Store (which outlives the pool's jobs, as the
  // cursor saver's do) and a copy of the spec, never the Impl.
  void ReadBatch(Hook& hook) {
    hook.reading = true;
    boost::asio::post(
        pool, [&io = io, &store = store, spec = hook.cursor.spec(), after = hook.cursor.scanned(),
               weak = std::weak_ptr<Impl*>(self), hook_ptr = &hook] {
          Result<std::vector<StoredEvent>> events =
              store.ReadEvents(after, WebhookCursor::kBatchEvents, WebhookCursor::kBatchBytes);
          std::optional<WebhookBatch> batch;
          Status error = events.status();
          if (events.ok()) batch = FilterWebhookBatch(spec, std::move(*events));
          boost::asio::post(
              io, [weak, hook_ptr, batch = std::move(batch), error = std::move(error)]() mutable {
                if (const auto impl = weak.lock())
                  (*impl)->OnBatch(*hook_ptr, std::move(batch), error);
              });
        });
  }

  void OnBatch(Hook& hook, std::optional<WebhookBatch> batch, const Status& error) {
    hook.reading = false;
    if (shut_down) return;
    const int64_t now = NowUnixMillis();
    if (!batch) {
      if (!hook.read_error_logged) {
        spdlog::warn("webhook '{}': cannot read the event log ({}); trying again",
                     hook.cursor.spec().name, error.message());
        hook.read_error_logged = true;
      }
      hook.read_retry_ms = now + kReadRetryMs;
      ArmTimer(hook, kReadRetryMs);
      return;
    }
    hook.read_error_logged = false;
    const uint64_t scanned_before = hook.cursor.scanned();
    hook.cursor.Accept(std::move(*batch));
    // Nothing read although LastSequence said there was: wait for the next Notify rather than
    // read again at once (cannot happen: a sequence is published only once it is readable).
    if (hook.cursor.scanned() == scanned_before) {
      SaveCursor(hook);
      return;
    }
    Pump(hook);  // the next step: send, or read the next batch when the filters left none
  }

  void ArmTimer(Hook& hook, int64_t delay_ms) {
    hook.timer.expires_after(std::chrono::milliseconds(std::max<int64_t>(delay_ms, 0)));
    hook.timer.async_wait([weak = std::weak_ptr<Impl*>(self),
                           hook_ptr = &hook](const boost::system::error_code& error) {
      const auto impl = weak.lock();
      if (!error && impl) (*impl)->Pump(*hook_ptr);
    });
  }

  WebhookRequest MakeRequest(const WebhookSpec& spec, uint64_t seq, std::string_view event_line,
                             int64_t now) const {
    Result<std::string> body = WebhookBody(spec.format, event_line);
    WebhookRequest request;
    request.url = spec.url;
    // A stored event is always a JSON object; should one ever not render, it goes as stored
    // rather than hold the webhook's later events back forever.
    request.body = body.ok() ? std::move(*body) : std::string(event_line);
    request.headers = WebhookHeaders(spec, options.user_agent, options.node_id, seq,
                                     EventType(event_line), now / 1000, request.body);
    request.timeout = spec.timeout;
    return request;
  }

  void Send(Hook& hook, int64_t now) {
    const StoredEvent& event = *hook.cursor.Next();
    WebhookRequest request = MakeRequest(hook.cursor.spec(), event.seq, event.json, now);
    hook.cursor.BeginAttempt(now);
    client.Post(std::move(request),
                [weak = std::weak_ptr<Impl*>(self), hook_ptr = &hook](DeliveryReport report) {
                  if (const auto impl = weak.lock()) (*impl)->OnAttempt(*hook_ptr, report);
                });
  }

  void OnAttempt(Hook& hook, const DeliveryReport& report) {
    const uint64_t seq = hook.cursor.Next() != nullptr ? hook.cursor.Next()->seq : 0;
    const int failures_before = hook.cursor.consecutive_failures();
    const int64_t failing_since = hook.cursor.failing_since_ms();
    const int64_t now = NowUnixMillis();
    const WebhookCursor::Transition transition = hook.cursor.Finish(report, now, rng);
    const WebhookSpec& spec = hook.cursor.spec();
    switch (transition.change) {
      case WebhookCursor::Change::kStartedFailing:
        spdlog::warn(
            "webhook '{}' ({}): delivery of event {} failed ({}): {}; retrying with backoff "
            "(next attempt in {}), its later events wait",
            spec.name, RedactedWebhookUrl(spec), seq, DeliveryOutcomeName(report.outcome),
            report.error,
            FormatDuration(std::chrono::milliseconds(transition.next_attempt_ms - now)));
        break;
      case WebhookCursor::Change::kRecovered:
        spdlog::info(
            "webhook '{}': delivering again (event {}) after {} failed attempt(s) since {}",
            spec.name, seq, failures_before, FormatTimestamp(failing_since));
        break;
      case WebhookCursor::Change::kGaveUp:
        spdlog::warn("webhook '{}': gave up on event {} after {} attempt(s) (max_attempts): {}",
                     spec.name, seq, spec.max_attempts, report.error);
        break;
      case WebhookCursor::Change::kNone:
        break;
    }
    if (transition.advanced) SaveCursor(hook);
    Pump(hook);
  }

  void SaveCursor(Hook& hook) {
    const uint64_t position = hook.cursor.cursor();
    if (position == hook.saved) return;
    hook.saved = position;
    saver.Save(hook.cursor.spec().name, position);
  }

  void SendTest(const std::string& name, TestHandler done) {
    Hook* hook = FindHook(name);
    if (hook == nullptr) {
      done(Status::NotFound("no webhook '" + name + "' (see `policyctl webhooks`)"));
      return;
    }
    if (hook->test_running) {
      done(Status::Busy("a test of webhook '" + name + "' is already running"));
      return;
    }
    const int64_t now = NowUnixMillis();
    const std::string line = JsonText(WebhookTestEvent(name, now));
    hook->test_running = true;
    client.Post(
        MakeRequest(hook->cursor.spec(), 0, line, now),
        [weak = std::weak_ptr<Impl*>(self), hook, done = std::move(done)](DeliveryReport report) {
          if (const auto impl = weak.lock()) hook->test_running = false;
          done(std::move(report));
        });
  }

  void Shutdown() {
    if (shut_down) return;
    shut_down = true;
    for (const auto& hook : hooks) {
      hook->timer.cancel();
      SaveCursor(*hook);
    }
    client.Shutdown();  // handlers run later with kAborted: nothing is counted
  }

  WebhookStatus StatusOf(const Hook& hook, uint64_t last) const {
    const WebhookCursor& cursor = hook.cursor;
    WebhookStatus status;
    status.name = cursor.spec().name;
    status.url = RedactedWebhookUrl(cursor.spec());
    status.format = cursor.spec().format;
    status.cursor = cursor.cursor();
    status.last_seq = last;
    status.in_flight = cursor.in_flight();
    status.failing = cursor.failing();
    status.consecutive_failures = cursor.consecutive_failures();
    status.last_attempt_ms = cursor.last_attempt_ms();
    status.last_http_status = cursor.last_http_status();
    status.last_error = cursor.last_error();
    status.next_retry_ms = cursor.next_attempt_ms();
    status.failing_since_ms = cursor.failing_since_ms();
    status.last_delivered_ms = cursor.last_delivered_ms();
    status.delivered = cursor.delivered();
    status.failed_attempts = cursor.failed_attempts();
    status.skipped = cursor.skipped();
    return status;
  }

  boost::asio::io_context& io;
  Store& store;
  std::vector<WebhookSpec> specs;
  const WebhookOptions options;
  WebhookClient client;
  boost::asio::any_io_executor pool;  // the worker pool: log reads and filtering
  CursorSaver saver;
  std::mt19937_64 rng;
  // Hooks are owned here and never move (handlers keep pointers to them, with `self`).
  std::vector<std::unique_ptr<Hook>> hooks;
  bool shut_down = false;
  std::shared_ptr<Impl*> self;  // handlers hold a weak_ptr: they do nothing once Impl is gone
};

WebhookDispatcher::WebhookDispatcher(boost::asio::io_context& io, Store& store,
                                     std::vector<WebhookSpec> specs, WebhookOptions options,
                                     boost::asio::any_io_executor store_executor)
    : impl_(std::make_unique<Impl>(io, store, std::move(specs), std::move(options),
                                   std::move(store_executor))) {}

WebhookDispatcher::~WebhookDispatcher() { impl_->Shutdown(); }

Status WebhookDispatcher::Start() { return impl_->Start(); }

void WebhookDispatcher::Notify() { impl_->PumpAll(); }

void WebhookDispatcher::Shutdown() { impl_->Shutdown(); }

std::vector<WebhookStatus> WebhookDispatcher::Statuses() const {
  std::vector<WebhookStatus> statuses;
  const uint64_t last = impl_->store.LastSequence();
  for (const auto& hook : impl_->hooks) statuses.push_back(impl_->StatusOf(*hook, last));
  return statuses;
}

nlohmann::json WebhookDispatcher::SummaryJson() const {
  uint64_t max_lag = 0;
  std::size_t failing = 0;
  for (const WebhookStatus& status : Statuses()) {
    max_lag = std::max(max_lag, status.last_seq - std::min(status.cursor, status.last_seq));
    failing += status.failing;
  }
  return {{"count", impl_->hooks.size()}, {"max_lag", max_lag}, {"failing", failing}};
}

nlohmann::json WebhookDispatcher::StatusJson() const {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& hook : impl_->hooks) {
    list.push_back(
        ToJson(impl_->StatusOf(*hook, impl_->store.LastSequence()), hook->cursor.spec()));
  }
  return {{"webhooks", std::move(list)}};
}

void WebhookDispatcher::SendTest(const std::string& name, TestHandler done) {
  impl_->SendTest(name, std::move(done));
}

}  // namespace policyd

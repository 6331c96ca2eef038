// NatsOutbox::Impl: the outbox thread. Each turn of Run() takes one step: connect (when due),
// notice a closed connection, publish one window of the log after the cursor, or wait for
// Notify. The state that `status` shows is copied under status_mutex after every step.
#include <pthread.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <random>
#include <thread>
#include <utility>

#include "nats_session.h"
#include "policyd/backoff.h"
#include "policyd/clock.h"
#include "policyd/nats.h"
#include "policyd/node_id.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;

// While connected and idle, the thread looks at the connection this often (a closed one is
// noticed without an event to publish).
constexpr milliseconds kIdleCheck(1'000);
// After a failed read of the event log (the store is being recovered), try again then.
constexpr milliseconds kReadRetry(5'000);

std::string CursorKey(const std::string& stream) { return "nats_cursor/" + stream; }
// The event the stream refused while later ones may have been stored ("0": none). Kept in the
// store so that no connection, before or after a restart, resumes past it.
std::string RefusedKey(const std::string& stream) { return "nats_refused/" + stream; }

std::string JoinUrls(const std::vector<std::string>& urls) {
  std::string joined;
  for (const std::string& url : urls) joined += (joined.empty() ? "" : ",") + url;
  return joined;
}

}  // namespace

struct NatsOutbox::Impl {
  Impl(Store& store_ref, NatsConfig nats_config)
      : store(store_ref), config(std::move(nats_config)), rng(std::random_device{}()) {
    shown.url = JoinUrls(config.urls);
    shown.stream = config.stream;
  }

  // ---- Start (io thread, before the outbox thread exists) ----

  Status Start() {
    Result<std::string> id = LoadOrCreateNodeId(store);
    if (!id.ok()) return id.status();
    node_id = *id;
    const uint64_t last = store.LastSequence();
    Result<std::string> stored = store.GetMeta(CursorKey(config.stream));
    if (stored.ok()) {
      const auto parsed = ParseCursor(*stored);
      if (!parsed) return Status::Corruption("meta " + CursorKey(config.stream) + " is not a seq");
      cursor = *parsed;
      if (cursor > last) {
        spdlog::warn(
            "nats: the cursor of stream {} ({}) is ahead of the event log (last event {}); was "
            "the database replaced? Publishing from event {} on",
            config.stream, cursor, last, last + 1);
        cursor = last;
        if (Status s = SaveCursor(); !s.ok()) return s;
      }
    } else if (stored.status().IsNotFound()) {
      cursor = config.start == WebhookStart::kEnd ? last : 0;
      if (Status s = SaveCursor(); !s.ok()) return s;
      spdlog::info("nats: new outbox for stream {}: publishing events after {}", config.stream,
                   cursor);
    } else {
      return stored.status();
    }
    saved_cursor = cursor;
    if (Result<std::string> refused = store.GetMeta(RefusedKey(config.stream)); refused.ok()) {
      refused_seq = ParseCursor(*refused).value_or(0);
    }
    {
      const std::lock_guard<std::mutex> lock(status_mutex);
      shown.node_id = node_id;
      shown.published_seq = cursor;
    }
    thread = std::thread([this] { Run(); });
    return Status::Ok();
  }

  static std::optional<uint64_t> ParseCursor(const std::string& text) {
    if (text.empty() || text.size() > 20) return std::nullopt;
    uint64_t value = 0;
    for (const char c : text) {
      if (c < '0' || c > '9') return std::nullopt;
      value = value * 10 + static_cast<uint64_t>(c - '0');
    }
    return value;
  }

  // ---- The outbox thread ----

  void Run() {
    pthread_setname_np(pthread_self(), "policyd-nats");
    while (!stop.load()) {
      if (!session) {
        if (WaitUntilDue(next_attempt)) Connect();
        continue;
      }
      if (session->closed()) {
        Lose("the connection closed");
        continue;
      }
      if (cursor >= store.LastSequence()) {
        NoteProgress();  // connected and caught up
        WaitForEvents();
        continue;
      }
      PublishWindow();
    }
    session.reset();
    if (cursor != saved_cursor) (void)SaveCursor();
    const std::lock_guard<std::mutex> lock(status_mutex);
    shown.state = NatsState::kStopped;
    shown.connected_since_ms = 0;
  }

  // Sleeps until `due` (steady clock), a stop request, or nothing. True when due.
  bool WaitUntilDue(std::chrono::steady_clock::time_point due) {
    std::unique_lock<std::mutex> lock(wake_mutex);
    wake.wait_until(lock, due, [this] { return stop.load(); });
    return !stop.load();
  }

  void WaitForEvents() {
    std::unique_lock<std::mutex> lock(wake_mutex);
    wake.wait_for(lock, kIdleCheck,
                  [this] { return stop.load() || notified || cursor < store.LastSequence(); });
    notified = false;
  }

  void Connect() {
    Result<std::unique_ptr<nats::Session>> opened = nats::Session::Open(config, node_id, *book);
    Status failure = opened.status();
    std::optional<uint64_t> last_in_stream;
    if (opened.ok()) {
      Result<std::optional<uint64_t>> last = (*opened)->LastPublishedSeq();
      if (last.ok()) {
        last_in_stream = *last;
      } else {
        failure = last.status();
      }
    }
    if (!failure.ok()) {
      Fail(failure.message(), "connection");
      return;
    }
    session = std::move(*opened);
    LogStreamDifferences(session->stream_differences());
    const uint64_t last = store.LastSequence();
    const uint64_t resume = NatsResumePosition(cursor, last_in_stream, last, refused_seq);
    if (resume > cursor) {
      spdlog::info(
          "nats: stream {} already holds this node's events up to {} (the cursor said {}): "
          "resuming after {}",
          config.stream, *last_in_stream, cursor, resume);
      cursor = resume;
      (void)SaveCursor();
    } else if (last_in_stream && *last_in_stream > last) {
      spdlog::warn(
          "nats: stream {} holds this node's events up to {}, past the event log's end ({}): "
          "was the database restored from an older backup? Later events with those numbers "
          "are dropped as duplicates within the stream's duplicate window",
          config.stream, *last_in_stream, last);
    }
    // Within a streak of refusals (an event the stream keeps refusing), quietly: the streak
    // ends, and the failure count with its backoff, only when an event is stored or nothing
    // is left to publish (NoteProgress). A connection back after an outage is said, as its
    // loss was.
    const bool refusal_pending = refused_seq > cursor;
    spdlog::log(failures_said && refusal_pending ? spdlog::level::debug : spdlog::level::info,
                "nats: connected to {}, stream {}, node {}: publishing events after {} ({} behind)",
                session->url(), config.stream, node_id, cursor, last - std::min(cursor, last));
    const std::lock_guard<std::mutex> lock(status_mutex);
    shown.state = NatsState::kConnected;
    shown.url = session->url();
    shown.published_seq = cursor;
    if (refused_seq <= cursor) shown.last_error.clear();  // a refusal is said until it passes
    shown.connected_since_ms = NowUnixMillis();
    shown.next_attempt_ms = 0;
  }

  // Publishing moved on: the next failure is a new streak, said again, from retry_min.
  void NoteProgress() {
    if (failures == 0 && !failures_said) return;
    failures = 0;
    failures_said = false;
    const std::lock_guard<std::mutex> lock(status_mutex);
    shown.consecutive_failures = 0;
    shown.last_error.clear();
  }

  void LogStreamDifferences(const std::vector<std::string>& differences) {
    std::string joined;
    for (const std::string& difference : differences) {
      joined += (joined.empty() ? "" : "; ") + difference;
    }
    if (joined == logged_differences) return;  // said already
    logged_differences = joined;
    if (!joined.empty()) {
      spdlog::warn(
          "nats: stream {} exists with other settings than [nats] asks for; using it "
          "as it is: {}",
          config.stream, joined);
    }
  }

  void PublishWindow() {
    Result<std::vector<StoredEvent>> events =
        store.ReadEvents(cursor, kNatsWindowEvents, kNatsWindowBytes);
    if (!events.ok() || events->empty()) {
      if (!events.ok() && !read_error_logged) {
        spdlog::warn("nats: cannot read the event log ({}); trying again",
                     events.status().message());
        read_error_logged = true;
      }
      WaitUntilDue(std::chrono::steady_clock::now() + kReadRetry);
      return;
    }
    read_error_logged = false;
    // After a refusal the refused event goes alone until it is stored: sent in a window, the
    // events behind it would be stored before it.
    if (refused_seq == cursor + 1) events->resize(1);
    const nats::Session::WindowResult result = session->PublishWindow(*events, stop);
    if (result.stored > 0) {
      cursor = (*events)[result.stored - 1].seq;
      (void)SaveCursor();
      if (refused_seq != 0 && refused_seq <= cursor) SaveRefused(0);
      NoteProgress();
    }
    if (result.first_unstored_refused || result.stored_out_of_order != 0) {
      SaveRefused(cursor + 1);
    }
    if (result.stored_out_of_order != 0) {
      spdlog::error(
          "nats: stream {} refused event {} but stored event {} after it: event {} is out of "
          "order or missing in the stream (the stream's own limits refuse single messages: "
          "discard new, max_msg_size)",
          config.stream, cursor + 1, result.stored_out_of_order, cursor + 1);
    }
    {
      const std::lock_guard<std::mutex> lock(status_mutex);
      shown.published_seq = cursor;
      shown.published += result.stored;
      shown.duplicates += result.duplicates;
    }
    if (!result.error.ok() && !stop.load()) Lose(result.error.message());
  }

  // The connection is given up: said once per streak of failures, tried again with backoff.
  void Lose(const std::string& reason) {
    session.reset();
    spdlog::log(failures_said ? spdlog::level::debug : spdlog::level::warn,
                "nats: publishing stopped at event {} ({}); reconnecting with backoff, later "
                "events wait in the log",
                cursor, reason);
    failures_said = true;  // the attempts that follow are quiet until one connects
    Fail(reason, "reconnect");
  }

  // A failed attempt (or a lost connection): the next one after BackoffDelay. Only the first
  // failure since the last connection is a warning; the others are debug lines.
  void Fail(const std::string& reason, const char* what) {
    ++failures;
    const milliseconds delay =
        BackoffDelay(config.retry_min, config.retry_max, failures, std::nullopt, rng);
    next_attempt = std::chrono::steady_clock::now() + delay;
    if (!failures_said) {
      spdlog::warn(
          "nats: cannot publish to {} ({}); trying again with backoff (next in {}), "
          "events wait in the log",
          JoinUrls(config.urls), reason, FormatDuration(delay));
      failures_said = true;
    } else {
      spdlog::debug("nats: {} attempt {} failed ({}); next in {}", what, failures, reason,
                    FormatDuration(delay));
    }
    const std::lock_guard<std::mutex> lock(status_mutex);
    shown.state = NatsState::kDisconnected;
    shown.consecutive_failures = failures;
    shown.last_error = reason;
    shown.last_error_ms = NowUnixMillis();
    shown.connected_since_ms = 0;
    shown.next_attempt_ms = NowUnixMillis() + delay.count();
  }

  Status SaveCursor() {
    const Status status = store.SetMeta(CursorKey(config.stream), std::to_string(cursor));
    if (status.ok()) {
      saved_cursor = cursor;
      cursor_error_logged = false;
    } else if (!cursor_error_logged) {
      // The stream still holds what was published: the next connection resumes after it.
      spdlog::warn(
          "nats: cannot store the cursor ({}); the stream's own record is used at the "
          "next connection",
          status.message());
      cursor_error_logged = true;
    }
    return status;
  }

  // Remembers the event the stream refused (0: none): no resume skips it (Connect), and it
  // is published alone until stored (PublishWindow).
  void SaveRefused(uint64_t seq) {
    if (seq == refused_seq) return;
    refused_seq = seq;
    if (const Status status = store.SetMeta(RefusedKey(config.stream), std::to_string(seq));
        !status.ok()) {
      spdlog::warn(
          "nats: cannot store the refused event's number ({}): a restart may resume "
          "after it if the stream holds later events",
          status.message());
    }
  }

  // ---- Any thread ----

  void Notify() {
    {
      const std::lock_guard<std::mutex> lock(wake_mutex);
      notified = true;
    }
    wake.notify_one();
  }

  void RequestStop() {
    {
      const std::lock_guard<std::mutex> lock(wake_mutex);
      stop.store(true);
    }
    wake.notify_one();
  }

  NatsStatus CurrentStatus() const {
    NatsStatus status;
    {
      const std::lock_guard<std::mutex> lock(status_mutex);
      status = shown;
    }
    status.last_seq = store.LastSequence();
    return status;
  }

  Store& store;
  const NatsConfig config;
  std::string node_id;
  std::mt19937_64 rng;

  // The outbox thread's own (never touched elsewhere once it runs).
  std::unique_ptr<nats::Session> session;
  uint64_t cursor = 0;
  uint64_t saved_cursor = 0;
  uint64_t refused_seq = 0;  // the event the stream refused, not yet stored (0: none)
  int failures = 0;
  std::chrono::steady_clock::time_point next_attempt{};
  bool failures_said = false;  // a failure was logged since the last connection
  bool read_error_logged = false;
  bool cursor_error_logged = false;
  std::string logged_differences;
  // Outlives every connection: cnats may still run an ack handler of a closed one.
  std::unique_ptr<nats::AckBook> book = std::make_unique<nats::AckBook>();

  // Waking the thread.
  std::mutex wake_mutex;
  std::condition_variable wake;
  bool notified = false;  // guarded by wake_mutex
  std::atomic<bool> stop{false};

  mutable std::mutex status_mutex;
  NatsStatus shown;  // guarded by status_mutex

  std::thread thread;
};

NatsOutbox::NatsOutbox(Store& store, NatsConfig config)
    : impl_(std::make_unique<Impl>(store, std::move(config))) {}

NatsOutbox::~NatsOutbox() {
  impl_->RequestStop();
  if (impl_->thread.joinable()) impl_->thread.join();
  // Every connection is closed; let cnats finish its threads (a last ack handler may still
  // run on one) before the AckBook goes.
  if (const natsStatus closed = nats_CloseAndWait(2'000); closed != NATS_OK) {
    spdlog::warn(
        "nats: the NATS library did not close within 2 s ({}): a connection was still "
        "open",
        natsStatus_GetText(closed));
  }
}

Status NatsOutbox::Start() { return impl_->Start(); }

void NatsOutbox::Notify() { impl_->Notify(); }

void NatsOutbox::RequestStop() { impl_->RequestStop(); }

NatsStatus NatsOutbox::CurrentStatus() const { return impl_->CurrentStatus(); }

}  // namespace policyd

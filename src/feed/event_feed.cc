#include "policyd/feed.h"

#include <poll.h>

#include <algorithm>

#include <spdlog/spdlog.h>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <nlohmann/json.hpp>

#include "policyd/ascii.h"
#include "policyd/clock.h"
#include "policyd/json_text.h"
#include "policyd/unix_socket.h"

namespace policyd {

namespace asio = boost::asio;
using local_stream = asio::local::stream_protocol;

namespace {

constexpr std::size_t kMaxRequestBytes = 4096;

// A feed.error quotes the client's request, whatever its bytes: JsonText never throws.
std::string Line(const nlohmann::json& message) { return JsonText(message) + "\n"; }

}  // namespace

// One subscriber connection. Owned by the feed's set; every async handler holds a
// shared_ptr, and `feed_` is cleared when the feed goes away first.
class EventFeed::Subscriber : public std::enable_shared_from_this<EventFeed::Subscriber> {
 public:
  Subscriber(EventFeed* feed, local_stream::socket socket)
      : feed_(feed),
        socket_(std::move(socket)),
        timer_(socket_.get_executor()),
        request_(kMaxRequestBytes) {}

  void Start() {
    timer_.expires_after(feed_->options_.subscribe_timeout);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec && !self->subscribed_) self->Fail("no subscribe request within the timeout");
    });
    asio::async_read_until(
        socket_, request_, '\n',
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t bytes) {
          self->OnRequest(ec, bytes);
        });
  }

  // New events may be available.
  void Notify() { Pump(); }

  // A connection that has not subscribed yet (nor is on its way out) and when it came: when
  // the feed is full, the oldest such one gives its place to a newcomer, so that connections
  // that never subscribe cannot keep real subscribers out.
  bool AwaitsItsRequest() const { return !subscribed_ && !closed_ && !close_after_write_; }
  std::chrono::steady_clock::time_point accepted_at() const { return accepted_at_; }
  void GiveWay() { Fail("closed without a subscribe request: the feed is full"); }

  // Whether what was read holds more than white space.
  bool HasPendingText() const {
    return !IsAsciiBlank({static_cast<const char*>(request_.data().data()), request_.size()});
  }

  // The daemon is stopping: at most one more batch, then feed.shutdown, then close (a client
  // behind resumes with `since`). Bounded in time: a subscriber that does not read is closed
  // without them, and the daemon's exit never waits for it.
  void SendShutdown() {
    shutdown_pending_ = true;
    if (feed_ != nullptr) {
      timer_.expires_after(feed_->options_.shutdown_write_timeout);  // ends heartbeats too
      timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (!ec) self->Close();
      });
    }
    Pump();
  }

  // Bytes of the write buffer this subscriber holds (released after each write).
  std::size_t pending_bytes() const { return out_.capacity(); }

  // Closes the connection without touching the feed (the feed is being destroyed).
  void Detach() {
    feed_ = nullptr;
    Close();
  }

 private:
  void OnRequest(const boost::system::error_code& ec, std::size_t bytes) {
    if (closed_) return;
    if (ec == asio::error::eof && HasPendingText()) {
      // The request without its newline, then the writing side shut (`printf ... | nc -N`):
      // the end of the stream ends the line. The subscriber still reads: it is followed live,
      // and a write failing says when it has gone (its end of stream was seen already).
      bytes = request_.size();
      input_ended_ = true;
    } else if (ec) {
      Fail(ec == asio::error::not_found ? "request line too long" : "");
      return;
    }
    std::string line(asio::buffers_begin(request_.data()),
                     asio::buffers_begin(request_.data()) + static_cast<std::ptrdiff_t>(bytes));
    request_.consume(bytes);
    const auto request = ParseSubscription(line);
    if (!request.ok()) {
      Fail(request.status().message());
      return;
    }
    classes_ = request->classes;
    const uint64_t last = feed_->last_seq_;
    const uint64_t since = request->since.value_or(last);
    if (since > last) {
      Fail(SinceAheadOfLogMessage(since, last));
      return;
    }
    cursor_ = since;
    replay_end_ = last;
    subscribed_ = true;
    out_ = Line({{"type", "feed.hello"}, {"last_seq", last}, {"since", since}});
    AppendCaughtUp();
    WriteOut();
    if (input_ended_) {
      WatchForHangUp();
    } else {
      WatchForClose();
    }
    ArmHeartbeat();
  }

  void Pump() {
    if (closed_ || !subscribed_ || writing_ || feed_ == nullptr) return;
    if (cursor_ < feed_->last_seq_ && !final_batch_taken_) {
      final_batch_taken_ = shutdown_pending_;
      auto events = feed_->EventsAfter(cursor_);
      if (!events.ok()) {
        spdlog::error("feed: cannot read the event log: {}", events.status().ToString());
        // Said to the subscriber too: a clean end of stream would read as "nothing more".
        Fail("cannot read the event log after seq " + std::to_string(cursor_) + ": " +
             events.status().message());
        return;
      }
      std::size_t bytes = 0;
      for (const auto& line : *events) bytes += line->size();
      out_.clear();
      out_.reserve(bytes);  // one batch, no slack: what a stuck subscriber holds
      for (const auto& line : *events) {
        if (EventWanted(*line, classes_)) out_ += *line;
      }
      cursor_ += events->size();
      AppendCaughtUp();
      if (!out_.empty()) {
        WriteOut();
        return;
      }
      if (!events->empty() && cursor_ < feed_->last_seq_) {
        // The subscriber's classes left out the whole batch: the next one in a later turn of
        // the loop, so that skipping a long replay never holds the io thread.
        asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Pump(); });
        return;
      }
    }
    if (shutdown_pending_) {
      out_ = Line({{"type", "feed.shutdown"}, {"last_seq", feed_->last_seq_}});
      close_after_write_ = true;
      WriteOut();
    }
  }

  // With classes, the replay's last event may be left out, and a client that catches up (stops
  // at seq == hello's last_seq) would wait for ever: it is told, once, after the replay.
  void AppendCaughtUp() {
    if (classes_.empty() || caught_up_said_ || cursor_ < replay_end_) return;
    out_ += Line({{"type", "feed.caught_up"}, {"last_seq", replay_end_}});
    caught_up_said_ = true;
  }

  void WriteOut() {
    writing_ = true;
    asio::async_write(
        socket_, asio::buffer(out_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          self->writing_ = false;
          std::string().swap(self->out_);  // an idle subscriber holds no buffer
          if (ec || self->close_after_write_) {
            self->Close();
            return;
          }
          self->Pump();
        });
  }

  // Subscribers send nothing after their request; what they send is discarded. The end of
  // their stream is either the peer gone (closed: POLLHUP) or only its writing side shut after
  // the request (`printf '{"since": 0}\n' | socat ...`), which ends the requests, not the
  // subscription: it is followed on, and a write failing says when it has gone.
  void WatchForClose() {
    socket_.async_read_some(
        asio::buffer(discard_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t) {
          if (ec == asio::error::eof) {
            self->input_ended_ = true;
            self->WatchForHangUp();
            return;
          }
          if (ec) {
            self->Close();
            return;
          }
          self->WatchForClose();
        });
  }

  // After the end of the subscriber's stream: closes when the peer is gone altogether, without
  // waiting for a write to fail (a heartbeat may be 15 s away, and it holds a subscriber slot).
  // The wait is armed before the look, so that a close between the two is not missed.
  void WatchForHangUp() {
    socket_.async_wait(local_stream::socket::wait_error,
                       [self = shared_from_this()](const boost::system::error_code& ec) {
                         if (self->closed_ || ec == asio::error::operation_aborted) return;
                         if (ec || self->PeerClosed()) {
                           self->Close();
                           return;
                         }
                         self->WatchForHangUp();
                       });
    if (PeerClosed()) Close();
  }

  // Whether the peer closed its socket, not just shut its writing side: both directions of
  // ours are then shut, which poll reports as POLLHUP (Linux, AF_UNIX).
  bool PeerClosed() {
    pollfd polled{.fd = socket_.native_handle(), .events = 0, .revents = 0};
    const int ready = ::poll(&polled, 1, 0);
    return ready < 0 || (ready == 1 && (polled.revents & (POLLHUP | POLLERR)) != 0);
  }

  void ArmHeartbeat() {
    if (closed_ || feed_ == nullptr || shutdown_pending_) return;  // the timer bounds the stop
    timer_.expires_after(feed_->options_.heartbeat_interval);
    timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (ec || self->closed_ || self->feed_ == nullptr) return;
      if (!self->writing_) {
        self->out_ = Line({{"type", "feed.heartbeat"},
                           {"last_seq", self->feed_->last_seq_},
                           {"time", FormatTimestamp(NowUnixMillis())}});
        self->WriteOut();
      }
      self->ArmHeartbeat();
    });
  }

  void Fail(const std::string& message) {
    if (closed_) return;
    if (message.empty()) {
      Close();
      return;
    }
    out_ = Line({{"type", "feed.error"}, {"message", message}});
    close_after_write_ = true;
    WriteOut();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    timer_.cancel();
    socket_.shutdown(local_stream::socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (feed_ != nullptr) feed_->Forget(this);
  }

  EventFeed* feed_;
  local_stream::socket socket_;
  const std::chrono::steady_clock::time_point accepted_at_ = std::chrono::steady_clock::now();
  asio::steady_timer timer_;
  asio::streambuf request_;
  std::string out_;
  char discard_[256];
  uint64_t cursor_ = 0;            // the last seq handed to this subscriber
  std::set<std::string> classes_;  // change classes asked for; empty: every event
  uint64_t replay_end_ = 0;        // the hello's last_seq: the replay is the events up to it
  bool caught_up_said_ = false;    // feed.caught_up sent (only with classes)
  bool subscribed_ = false;
  bool writing_ = false;
  bool closed_ = false;
  bool shutdown_pending_ = false;
  bool final_batch_taken_ = false;  // after SendShutdown: the one batch it still gets
  bool close_after_write_ = false;
  bool input_ended_ = false;  // the request came with the end of the subscriber's stream
};

EventFeed::EventFeed(asio::io_context& io, FeedOptions options, StoredEventReader reader,
                     uint64_t last_seq)
    : options_(std::move(options)),
      reader_(std::move(reader)),
      last_seq_(last_seq),
      acceptor_(io),
      accept_loop_(acceptor_, "feed",
                   [this](local_stream::socket socket) { Admit(std::move(socket)); }) {}

EventFeed::~EventFeed() {
  accept_loop_.Stop();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  auto subscribers = std::move(subscribers_);
  for (const auto& subscriber : subscribers) subscriber->Detach();
}

Status EventFeed::Start() {
  if (Status s = PrepareUnixSocketPath(options_.socket_path); !s.ok()) return s;
  boost::system::error_code ec;
  acceptor_.open(local_stream(), ec);
  if (!ec) acceptor_.bind(local_stream::endpoint(options_.socket_path.string()), ec);
  if (ec) {
    return Status::IoError("cannot bind events socket " + options_.socket_path.string() + ": " +
                           ec.message());
  }
  if (Status s = RestrictSocketMode(options_.socket_path, 0660); !s.ok()) return s;
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("cannot listen on events socket: " + ec.message());
  accept_loop_.Start();
  return Status::Ok();
}

void EventFeed::Admit(local_stream::socket socket) {
  bool room = subscribers_.size() < options_.max_subscribers;
  if (!room) {
    // The oldest connection still without its request gives way: it is told so, and closed
    // once that is written (the set holds one more meanwhile). Subscribers never do.
    Subscriber* oldest_waiting = nullptr;
    for (const auto& subscriber : subscribers_) {
      if (subscriber->AwaitsItsRequest() &&
          (oldest_waiting == nullptr ||
           subscriber->accepted_at() < oldest_waiting->accepted_at())) {
        oldest_waiting = subscriber.get();
      }
    }
    if (oldest_waiting != nullptr) {
      oldest_waiting->GiveWay();
      room = true;
    }
  }
  if (!room) {
    // Tell the client why, without blocking the loop (the line fits the socket buffer).
    const std::string refusal = Line({{"type", "feed.error"}, {"message", "too many subscribers"}});
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(refusal), ignored);
    socket.close(ignored);
    return;
  }
  auto subscriber = std::make_shared<Subscriber>(this, std::move(socket));
  subscribers_.insert(subscriber);
  subscriber->Start();
}

void EventFeed::Publish(const StoredEvent& event) {
  auto line = std::make_shared<const std::string>(event.json + "\n");
  window_bytes_ += line->size();
  auto [it, inserted] = window_.try_emplace(event.seq, line);
  if (!inserted) {
    window_bytes_ -= it->second->size();
    it->second = std::move(line);
  }
  TrimWindow();
  if (event.seq > last_seq_) last_seq_ = event.seq;
  // Copy: a notified subscriber may close and leave the set.
  const auto subscribers = subscribers_;
  for (const auto& subscriber : subscribers) subscriber->Notify();
}

void EventFeed::Shutdown(std::function<void()> all_closed) {
  accept_loop_.Stop();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  std::error_code remove_error;
  std::filesystem::remove(options_.socket_path, remove_error);
  all_closed_ = std::move(all_closed);
  const auto subscribers = subscribers_;
  for (const auto& subscriber : subscribers) subscriber->SendShutdown();
  if (subscribers_.empty() && all_closed_) {
    asio::post(acceptor_.get_executor(), std::exchange(all_closed_, nullptr));
  }
}

// The oldest events leave first; one event larger than the whole window does not stay.
void EventFeed::TrimWindow() {
  while (!window_.empty() &&
         (window_.size() > options_.window_events || window_bytes_ > options_.window_bytes)) {
    window_bytes_ -= window_.begin()->second->size();
    window_.erase(window_.begin());
  }
}

std::size_t EventFeed::subscriber_count() const { return subscribers_.size(); }

FeedStats EventFeed::stats() const {
  FeedStats stats;
  stats.subscribers = subscribers_.size();
  stats.window_events = window_.size();
  stats.window_bytes = window_bytes_;
  for (const auto& subscriber : subscribers_) {
    const std::size_t pending = subscriber->pending_bytes();
    stats.pending_bytes_max = std::max(stats.pending_bytes_max, pending);
    stats.pending_bytes_total += pending;
  }
  return stats;
}

Result<std::vector<std::shared_ptr<const std::string>>> EventFeed::EventsAfter(
    uint64_t after) const {
  const std::size_t max_events = options_.batch_events;
  std::vector<std::shared_ptr<const std::string>> lines;
  std::size_t bytes = 0;
  const auto room = [&] { return bytes < options_.batch_bytes ? options_.batch_bytes - bytes : 0; };
  // A batch takes its first event whatever its size, further ones while they fit.
  const auto take = [&](std::shared_ptr<const std::string> line) {
    if (!lines.empty() && line->size() > room()) return false;
    bytes += line->size();
    lines.push_back(std::move(line));
    return true;
  };
  uint64_t seq = after + 1;
  while (lines.size() < max_events && seq <= last_seq_) {
    if (const auto it = window_.find(seq); it != window_.end()) {
      if (!take(it->second)) break;
      ++seq;
      continue;
    }
    // Not in memory (the subscriber fell behind the window, or a gap not yet announced):
    // replay from the stored log, which holds every committed event.
    auto stored = reader_(
        seq - 1, std::min<std::size_t>(max_events - lines.size(), last_seq_ - seq + 1), room());
    if (!stored.ok()) return stored.status();
    if (stored->empty() || stored->front().seq != seq) {
      return Status::Corruption("event " + std::to_string(seq) + " is missing from the log");
    }
    for (const auto& event : *stored) {
      if (event.seq != seq) break;  // stop at a hole rather than skip past it
      if (!take(std::make_shared<const std::string>(event.json + "\n"))) return lines;
      ++seq;
    }
  }
  return lines;
}

void EventFeed::Forget(Subscriber* subscriber) {
  for (auto it = subscribers_.begin(); it != subscribers_.end(); ++it) {
    if (it->get() == subscriber) {
      subscribers_.erase(it);
      break;
    }
  }
  // Run from the loop, not from inside the subscriber's close.
  if (subscribers_.empty() && all_closed_)
    asio::post(acceptor_.get_executor(), std::exchange(all_closed_, nullptr));
}

}  // namespace policyd

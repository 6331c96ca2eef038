// EventFeed: the change-event socket. A Unix stream socket (mode 0660) speaking
// newline-delimited JSON.
//
// Protocol (docs/EVENTS.md has the full text):
//   client -> {"since": N}\n      replay every stored event with seq > N, then follow live;
//             {"since": null}\n   (or {}) follow live only, from the current last sequence;
//             either may add "classes": ["substantive", ...] (Subscription).
//   server -> {"type":"feed.hello","last_seq":L,"since":N}\n, then event lines in sequence
//             order, {"type":"feed.heartbeat","last_seq":L,"time":...} when idle, and
//             {"type":"feed.shutdown"} before the daemon closes the connection.
// Delivery is at least once per connection; each event carries its "seq" for de-duplication.
//
// Back-pressure: the daemon never waits for a subscriber. Recent events sit in an in-memory
// window bounded in events and in bytes; each subscriber has a cursor and at most one write
// batch in flight, bounded in events and in bytes (a batch holds at least one event). A
// subscriber whose cursor falls out of the window is served from the stored log (replay, in
// batches bounded the same way) until it catches up, so a slow reader neither loses events
// nor holds up crawling, and one that stops reading holds at most one batch: the feed's
// memory is at most window_bytes + subscribers × max(batch_bytes, largest event).
//
// Threading: all methods on the io_context's thread.
#ifndef POLICYD_FEED_H_
#define POLICYD_FEED_H_

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>

#include "policyd/accept_loop.h"
#include "policyd/event_names.h"  // kChangeClassNames
#include "policyd/status.h"
#include "policyd/store.h"

namespace policyd {

struct FeedOptions {
  std::filesystem::path socket_path;
  std::size_t max_subscribers = 64;
  std::size_t window_events = 4096;      // recent events kept in memory for live delivery
  std::size_t window_bytes = 8u << 20;   // ... and the bytes they may take together
  std::size_t batch_events = 256;        // events per write / per stored-log read
  std::size_t batch_bytes = 256u << 10;  // ... and their bytes (one larger event goes alone)
  std::chrono::milliseconds heartbeat_interval{15'000};
  std::chrono::milliseconds subscribe_timeout{10'000};  // for the first request line
  // At shutdown, how long a subscriber has to take its last write and feed.shutdown before
  // its connection is closed: one that does not read must not hold the daemon's exit.
  std::chrono::milliseconds shutdown_write_timeout{2'000};
};

// The subscribe request, a JSON object nested at most this deep ({"since": N} is 1).
inline constexpr std::size_t kMaxSubscribeRequestDepth = 4;

// Reads one subscribe line: {"since": N} -> N; {"since": null} or {} -> nullopt (live only).
// InvalidArgument, with the message sent back as feed.error, for anything else: not JSON,
// nested deeper than kMaxSubscribeRequestDepth, not an object, "since" not a non-negative
// integer or null.
Result<std::optional<uint64_t>> ParseSubscribeRequest(std::string_view line);

// The whole subscribe request: `since` as above, and optionally "classes": a non-empty array
// of change classes ("substantive", "cosmetic", "formatting", "reorder": ChangeClass in
// diff.h). With classes, document.changed events of other classes are not sent (the
// subscriber sees a gap in `seq`); every other event type is. Unknown names are an error.
struct Subscription {
  std::optional<uint64_t> since;
  std::set<std::string> classes;  // empty: every event
};
Result<Subscription> ParseSubscription(std::string_view line);

// Why a position `since` past the log's `last_seq` is refused, by the feed and by the `events`
// control command alike: such a position was never handed out, so the database was replaced.
std::string SinceAheadOfLogMessage(uint64_t since, uint64_t last_seq);

// True when `event_line` (one stored event's JSON) is sent to a subscriber asking for
// `classes` (see Subscription).
bool EventWanted(std::string_view event_line, const std::set<std::string>& classes);

// Reads stored events with seq > after, at most max_count, stopping before max_bytes once
// it has one (Store::ReadEvents).
using StoredEventReader = std::function<Result<std::vector<StoredEvent>>(
    uint64_t after, std::size_t max_count, std::size_t max_bytes)>;

// What the feed holds in memory now.
struct FeedStats {
  std::size_t subscribers = 0;
  std::size_t window_events = 0;
  std::size_t window_bytes = 0;       // event lines in the window
  std::size_t pending_bytes_max = 0;  // the largest write buffer held for one subscriber
  std::size_t pending_bytes_total = 0;
};

class EventFeed {
 public:
  EventFeed(boost::asio::io_context& io, FeedOptions options, StoredEventReader reader,
            uint64_t last_seq);
  ~EventFeed();
  EventFeed(const EventFeed&) = delete;
  EventFeed& operator=(const EventFeed&) = delete;

  // Binds and listens. Fails if the path is in use by a live process or cannot be bound.
  Status Start();
  // Announces a committed event. Events may be announced out of order (they are committed
  // in order, so every seq below the highest announced one is already in the store).
  void Publish(const StoredEvent& event);
  // Sends the shutdown notice to every subscriber, closes them and stops accepting.
  // `all_closed` runs (on the io thread) once no subscriber is left, at once if none is: the
  // daemon's exit waits for the last one's final write, and not a moment longer.
  void Shutdown(std::function<void()> all_closed = {});

  std::size_t subscriber_count() const;
  uint64_t last_seq() const { return last_seq_; }
  FeedStats stats() const;

  class Subscriber;  // one connection

 private:
  friend class Subscriber;
  // A client just accepted: subscribed, or told "too many subscribers" and closed.
  void Admit(boost::asio::local::stream_protocol::socket socket);
  // The next batch for a subscriber: the events with seq in (after, last_seq_], at most
  // batch_events and batch_bytes (at least one), from memory or the store.
  Result<std::vector<std::shared_ptr<const std::string>>> EventsAfter(uint64_t after) const;
  void TrimWindow();
  void Forget(Subscriber* subscriber);

  FeedOptions options_;
  StoredEventReader reader_;
  uint64_t last_seq_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  // Declared after acceptor_, which it uses.
  AcceptLoop<boost::asio::local::stream_protocol::acceptor> accept_loop_;
  std::map<uint64_t, std::shared_ptr<const std::string>> window_;  // seq -> line with '\n'
  std::size_t window_bytes_ = 0;                                   // sum of the lines' sizes
  std::set<std::shared_ptr<Subscriber>> subscribers_;
  std::function<void()> all_closed_;  // Shutdown's, run once the last subscriber is forgotten
};

}  // namespace policyd

#endif  // POLICYD_FEED_H_

#include "policyd/feed.h"

#include <sys/stat.h>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "policyd/unix_socket.h"
#include "support/descriptor_limit.h"
#include "support/log_capture.h"
#include "support/unix_connector.h"

namespace policyd {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// An in-memory event log standing in for the store.
class MemoryLog {
 public:
  // An event whose JSON carries `pad` bytes of padding.
  StoredEvent Append(const std::string& type, std::size_t pad = 0) {
    std::lock_guard lock(mutex_);
    StoredEvent event;
    event.seq = events_.size() + 1;
    nlohmann::json json{{"seq", event.seq}, {"type", type}};
    if (pad > 0) json["pad"] = std::string(pad, 'p');
    event.json = json.dump();
    events_.push_back(event);
    return event;
  }
  // Like Store::ReadEvents: stops before max_bytes once it has one event.
  Result<std::vector<StoredEvent>> Read(uint64_t after, std::size_t max, std::size_t max_bytes) {
    std::lock_guard lock(mutex_);
    ++reads_;
    if (fail_reads_) return Status::IoError("event 1: checksum mismatch");
    std::vector<StoredEvent> out;
    std::size_t bytes = 0;
    for (uint64_t seq = after + 1; seq <= events_.size() && out.size() < max; ++seq) {
      const std::string& json = events_[seq - 1].json;
      if (!out.empty() && bytes + json.size() > max_bytes) break;
      bytes += json.size();
      out.push_back(events_[seq - 1]);
    }
    return out;
  }
  uint64_t last() {
    std::lock_guard lock(mutex_);
    return events_.size();
  }
  // Replaces stored events by sequence number (to give them fields Append does not write).
  void Replace(const std::vector<StoredEvent>& events) {
    std::lock_guard lock(mutex_);
    for (const StoredEvent& event : events) events_[event.seq - 1] = event;
  }
  int reads() {
    std::lock_guard lock(mutex_);
    return reads_;
  }
  void FailReads() {
    std::lock_guard lock(mutex_);
    fail_reads_ = true;
  }

 private:
  std::mutex mutex_;
  std::vector<StoredEvent> events_;
  int reads_ = 0;
  bool fail_reads_ = false;
};

class EventFeedTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("policyd-feed-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    socket_path_ = dir_ / "events.sock";
  }
  void TearDown() override {
    if (feed_) RunOnIo([&] { feed_.reset(); });
    work_.reset();
    io_.stop();
    if (thread_.joinable()) thread_.join();
    std::filesystem::remove_all(dir_);
  }

  void StartFeed(FeedOptions options = {}) {
    MakeFeed(std::move(options));
    thread_ = std::thread([this] { io_.run(); });
  }

  // Like StartFeed, without the io thread: the test runs the io_context itself.
  void MakeFeed(FeedOptions options = {}) {
    options.socket_path = socket_path_;
    feed_ = std::make_unique<EventFeed>(
        io_, options,
        [this](uint64_t after, std::size_t max, std::size_t max_bytes) {
          return log_.Read(after, max, max_bytes);
        },
        log_.last());
    ASSERT_TRUE(feed_->Start().ok());
  }

  template <typename F>
  void RunOnIo(F f) {
    std::promise<void> done;
    asio::post(io_, [&] {
      f();
      done.set_value();
    });
    done.get_future().wait();
  }

  void PublishNew(const std::string& type, std::size_t pad = 0) {
    const StoredEvent event = log_.Append(type, pad);
    RunOnIo([&] { feed_->Publish(event); });
  }

  // A document.changed of `change_class` appended to the log (MemoryLog writes {"seq","type"};
  // the event gets its class as the daemon gives it), returned as stored, not published.
  StoredEvent Changed(const std::string& change_class) {
    log_.Append("document.changed");
    StoredEvent event;
    event.seq = log_.last();
    event.json =
        nlohmann::json{
            {"seq", event.seq}, {"type", "document.changed"}, {"change_class", change_class}}
            .dump();
    return event;
  }

  FeedStats Stats() {
    FeedStats stats;
    RunOnIo([&] { stats = feed_->stats(); });
    return stats;
  }

  UnixClientSocket Subscribe(const std::string& request) {
    auto client = UnixClientSocket::Connect(socket_path_, milliseconds(5000));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    EXPECT_TRUE(client->WriteAll(request + "\n").ok());
    return std::move(*client);
  }

  static nlohmann::json ReadJson(UnixClientSocket& client) {
    auto line = client.ReadLine(1 << 20);
    EXPECT_TRUE(line.ok()) << line.status().ToString();
    if (!line.ok()) return nullptr;
    return nlohmann::json::parse(*line);
  }

  std::filesystem::path dir_;
  std::filesystem::path socket_path_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      asio::make_work_guard(io_)};
  std::thread thread_;
  MemoryLog log_;
  std::unique_ptr<EventFeed> feed_;
  std::optional<testing::LogCapture> captured_log_;  // outlives the io thread (joined in TearDown)
};

TEST_F(EventFeedTest, SocketHasMode0660) {
  StartFeed();
  struct stat info {};
  ASSERT_EQ(stat(socket_path_.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
}

TEST_F(EventFeedTest, ReplaysSinceThenFollowsLive) {
  for (int i = 0; i < 5; ++i) log_.Append("document.first_seen");
  StartFeed();
  auto client = Subscribe(R"({"since": 2})");
  const auto hello = ReadJson(client);
  EXPECT_EQ(hello["type"], "feed.hello");
  EXPECT_EQ(hello["last_seq"], 5);
  for (uint64_t seq = 3; seq <= 5; ++seq) EXPECT_EQ(ReadJson(client)["seq"], seq);
  PublishNew("document.changed");
  const auto live = ReadJson(client);
  EXPECT_EQ(live["seq"], 6);
  EXPECT_EQ(live["type"], "document.changed");
}

// `printf '{"since": 0}' | nc -N -U events.sock`: the request without its newline, then the
// writing side shut. The end of the stream ends the line: the replay follows.
TEST_F(EventFeedTest, ARequestWithoutItsNewlineIsReadAtTheEndOfTheStream) {
  for (int i = 0; i < 3; ++i) log_.Append("document.first_seen");
  StartFeed();
  auto client = UnixClientSocket::Connect(socket_path_, milliseconds(5000));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE(client->WriteAll(R"({"since": 1})").ok());
  ASSERT_EQ(::shutdown(client->fd(), SHUT_WR), 0);
  EXPECT_EQ(ReadJson(*client)["type"], "feed.hello");
  for (uint64_t seq = 2; seq <= 3; ++seq) EXPECT_EQ(ReadJson(*client)["seq"], seq);
  PublishNew("document.changed");
  EXPECT_EQ(ReadJson(*client)["seq"], 4);  // live events still come
}

// `printf '{"since": 0}\n' | socat - UNIX-CONNECT:events.sock` (EVENTS.md's example): the
// request with its newline, then the writing side shut. That end of stream ends the
// requests, not the subscription: the replay is whole and live events still come. A peer
// gone altogether is closed at once (below).
TEST_F(EventFeedTest, AWritingSideShutAfterTheRequestEndsOnlyTheRequests) {
  for (int i = 0; i < 40; ++i) log_.Append("document.changed", 20'000);  // several batches
  FeedOptions options;
  options.batch_bytes = 64 * 1024;
  StartFeed(options);
  auto client = UnixClientSocket::Connect(socket_path_, milliseconds(5000));
  ASSERT_TRUE(client.ok()) << client.status().ToString();
  ASSERT_TRUE(client->WriteAll("{\"since\": 0}\n").ok());
  ASSERT_EQ(::shutdown(client->fd(), SHUT_WR), 0);
  std::this_thread::sleep_for(milliseconds(200));  // the daemon reads the end of stream first
  EXPECT_EQ(ReadJson(*client)["type"], "feed.hello");
  for (uint64_t seq = 1; seq <= 40; ++seq) ASSERT_EQ(ReadJson(*client)["seq"], seq);
  PublishNew("document.changed");
  EXPECT_EQ(ReadJson(*client)["seq"], 41);
}

TEST_F(EventFeedTest, ASubscriberThatClosesIsForgottenAtOnce) {
  StartFeed();  // heartbeats every 15 s: no write would find the peer gone before that
  for (const bool shut_writing_first : {false, true}) {
    {
      auto client = Subscribe(R"({"since": null})");
      EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
      if (shut_writing_first) {
        ASSERT_EQ(::shutdown(client.fd(), SHUT_WR), 0);
      }
    }  // closed
    std::size_t subscribers = 1;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (subscribers > 0 && std::chrono::steady_clock::now() < deadline) {
      RunOnIo([&] { subscribers = feed_->subscriber_count(); });
      if (subscribers > 0) std::this_thread::sleep_for(milliseconds(10));
    }
    EXPECT_EQ(subscribers, 0u) << "shut writing first: " << shut_writing_first;
  }
}

// A log that cannot be read ends the subscription with a feed.error saying so: a clean end of
// stream would read as "nothing more" to a client replaying the history.
TEST_F(EventFeedTest, AnUnreadableLogEndsTheFeedWithAnError) {
  for (int i = 0; i < 3; ++i) log_.Append("document.first_seen");
  FeedOptions options;
  options.window_events = 1;  // the replay must come from the log
  StartFeed(options);
  log_.FailReads();
  auto client = Subscribe(R"({"since": 0})");
  EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
  const auto error = ReadJson(client);
  EXPECT_EQ(error["type"], "feed.error") << error.dump();
  EXPECT_NE(error.value("message", std::string()).find("cannot read the event log"),
            std::string::npos)
      << error.dump();
  EXPECT_TRUE(client.ReadLine(1024).status().IsNotFound());
}

TEST_F(EventFeedTest, NullSinceFollowsOnlyNewEvents) {
  for (int i = 0; i < 3; ++i) log_.Append("old");
  StartFeed();
  auto client = Subscribe(R"({"since": null})");
  EXPECT_EQ(ReadJson(client)["since"], 3);
  PublishNew("new");
  EXPECT_EQ(ReadJson(client)["seq"], 4);
}

TEST_F(EventFeedTest, SlowSubscriberIsServedFromTheStoredLogWithoutLoss) {
  FeedOptions options;
  options.window_events = 4;  // far smaller than what the subscriber misses
  options.batch_events = 7;
  StartFeed(options);
  auto client = Subscribe(R"({"since": 0})");
  EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
  // The daemon publishes 300 events without waiting for the subscriber.
  for (int i = 0; i < 300; ++i) PublishNew("document.changed");
  for (uint64_t seq = 1; seq <= 300; ++seq) {
    const auto event = ReadJson(client);
    ASSERT_EQ(event["seq"], seq);
  }
  EXPECT_GT(log_.reads(), 0);  // it really went to the log
}

// Issue 14: 8 subscribers that stopped reading held 714 MB of 3.2 MB events within 5 s: the
// window kept every event (it was bounded in events only) and a subscriber that was behind
// took a batch of up to 256 events. Now the window holds at most window_bytes, a stuck
// subscriber at most one batch of batch_bytes; once it reads it gets everything, in order,
// what left the window from the log.
TEST_F(EventFeedTest, StuckSubscriberHoldsAtMostItsByteBudget) {
  FeedOptions options;
  options.window_bytes = 64 * 1024;
  options.batch_bytes = 16 * 1024;
  constexpr int kBefore = 300;  // 1.5 MB of 5 KB events before the subscriber comes
  constexpr int kLive = 300;    // and as much while it does not read
  for (int i = 0; i < kBefore; ++i) log_.Append("document.changed", 5000);
  StartFeed(options);
  auto client = Subscribe(R"({"since": 0})");
  EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
  for (int i = 0; i < kLive; ++i) {
    PublishNew("document.changed", 5000);
    const FeedStats stats = Stats();
    ASSERT_LE(stats.window_bytes, options.window_bytes);
    ASSERT_LE(stats.pending_bytes_max, options.batch_bytes);
  }
  const FeedStats stuck = Stats();
  EXPECT_EQ(stuck.subscribers, 1u);
  EXPECT_GT(stuck.pending_bytes_max, 10'000u);  // stuck with a batch (3 events) in flight
  EXPECT_LE(stuck.pending_bytes_total, options.batch_bytes);
  EXPECT_GT(stuck.window_events, 0u);
  EXPECT_LT(stuck.window_events, 14u);  // 64 KiB of 5 KB events

  for (uint64_t seq = 1; seq <= kBefore + kLive; ++seq) {
    const auto event = ReadJson(client);
    ASSERT_EQ(event["seq"], seq);
    ASSERT_EQ(event["pad"].get<std::string>().size(), 5000u);
  }
  EXPECT_GT(log_.reads(), 0);
  PublishNew("document.changed");
  EXPECT_EQ(ReadJson(client)["seq"], kBefore + kLive + 1);
  EXPECT_LT(Stats().pending_bytes_max, 100u);  // a subscriber that keeps up holds nothing
}

// An event larger than a whole batch (or the window) is still delivered, alone.
TEST_F(EventFeedTest, EventLargerThanTheBudgetsGoesAlone) {
  FeedOptions options;
  options.window_bytes = 4096;
  options.batch_bytes = 1024;
  StartFeed(options);
  auto client = Subscribe(R"({"since": 0})");
  EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
  PublishNew("small");
  PublishNew("large", 10'000);
  PublishNew("small");
  EXPECT_LE(Stats().window_bytes, options.window_bytes);
  EXPECT_EQ(ReadJson(client)["seq"], 1);
  const auto large = ReadJson(client);
  EXPECT_EQ(large["seq"], 2);
  EXPECT_EQ(large["pad"].get<std::string>().size(), 10'000u);
  EXPECT_EQ(ReadJson(client)["seq"], 3);
  // A late subscriber replays all three from the log, in batches of at most 1 KiB (or one).
  auto late = Subscribe(R"({"since": 0})");
  EXPECT_EQ(ReadJson(late)["type"], "feed.hello");
  for (uint64_t seq = 1; seq <= 3; ++seq) EXPECT_EQ(ReadJson(late)["seq"], seq);
}

TEST_F(EventFeedTest, ManySubscribersEachGetEverything) {
  StartFeed();
  std::vector<UnixClientSocket> clients;
  for (int i = 0; i < 5; ++i) {
    clients.push_back(Subscribe(R"({"since": 0})"));
    EXPECT_EQ(ReadJson(clients.back())["type"], "feed.hello");
  }
  for (int i = 0; i < 20; ++i) PublishNew("x");
  for (auto& client : clients) {
    for (uint64_t seq = 1; seq <= 20; ++seq) ASSERT_EQ(ReadJson(client)["seq"], seq);
  }
}

TEST_F(EventFeedTest, ClassesLeaveOutOtherChangesOnly) {
  // The log replayed: 1 first_seen, 2 cosmetic, 3 substantive; live: 4 reorder, 5 substantive.
  log_.Append("document.first_seen");
  std::vector<StoredEvent> stored = {Changed("cosmetic"), Changed("substantive")};
  log_.Replace(stored);
  StartFeed();
  auto client = Subscribe(R"({"since": 0, "classes": ["substantive"]})");
  EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
  EXPECT_EQ(ReadJson(client)["seq"], 1);  // not a change: always sent
  EXPECT_EQ(ReadJson(client)["seq"], 3);
  EXPECT_EQ(ReadJson(client)["type"], "feed.caught_up");
  const StoredEvent reorder = Changed("reorder");
  log_.Replace({reorder});
  RunOnIo([&] { feed_->Publish(reorder); });
  const StoredEvent substantive = Changed("substantive");
  log_.Replace({substantive});
  RunOnIo([&] { feed_->Publish(substantive); });
  const auto live = ReadJson(client);
  EXPECT_EQ(live["seq"], 5);
  EXPECT_EQ(live["change_class"], "substantive");
}

// A client that only catches up stops after the event with seq == hello's last_seq; with
// classes that event may be left out, and the client waited for ever. A filtered subscription
// is told when its replay is over: feed.caught_up, once, with the hello's last_seq.
TEST_F(EventFeedTest, AFilteredReplaySaysWhenItIsOver) {
  log_.Append("document.first_seen");
  std::vector<StoredEvent> stored = {Changed("cosmetic"), Changed("substantive")};
  log_.Replace(stored);
  StartFeed();
  auto client = Subscribe(R"({"since": 0, "classes": ["cosmetic"]})");
  EXPECT_EQ(ReadJson(client)["last_seq"], 3);
  EXPECT_EQ(ReadJson(client)["seq"], 1);
  EXPECT_EQ(ReadJson(client)["seq"], 2);
  const auto over = ReadJson(client);  // event 3 is substantive: left out
  EXPECT_EQ(over["type"], "feed.caught_up");
  EXPECT_EQ(over["last_seq"], 3);
  // Nothing to replay: said right after the hello.
  auto live = Subscribe(R"({"since": 3, "classes": ["cosmetic"]})");
  EXPECT_EQ(ReadJson(live)["type"], "feed.hello");
  EXPECT_EQ(ReadJson(live)["type"], "feed.caught_up");
  // Without classes the client knows from the seq: nothing more is sent.
  auto plain = Subscribe(R"({"since": 2})");
  EXPECT_EQ(ReadJson(plain)["type"], "feed.hello");
  EXPECT_EQ(ReadJson(plain)["seq"], 3);
  const StoredEvent next = Changed("cosmetic");
  log_.Replace({next});
  RunOnIo([&] { feed_->Publish(next); });
  EXPECT_EQ(ReadJson(plain)["seq"], 4);
  EXPECT_EQ(ReadJson(client)["seq"], 4);
}

TEST_F(EventFeedTest, UnknownClassesAreRefused) {
  StartFeed();
  auto client = Subscribe(R"({"since": null, "classes": ["big"]})");
  const auto error = ReadJson(client);
  EXPECT_EQ(error["type"], "feed.error");
  EXPECT_NE(error["message"].get<std::string>().find("unknown change class 'big'"),
            std::string::npos)
      << error.dump();
}

TEST_F(EventFeedTest, MalformedRequestGetsAnErrorAndIsClosed) {
  StartFeed();
  auto client = Subscribe("this is not json");
  const auto error = ReadJson(client);
  EXPECT_EQ(error["type"], "feed.error");
  EXPECT_TRUE(client.ReadLine(1024).status().IsNotFound());
}

// A request whose bytes are not UTF-8, or whose unknown class is cut inside a character in the
// error message, is refused like any other: the message quoting it must not stop the daemon
// (nlohmann::json's dump throws on invalid UTF-8 by default; that exception aborted the process).
TEST_F(EventFeedTest, ARequestThatIsNotUtf8IsRefusedAndTheFeedServesTheNext) {
  log_.Append("document.first_seen");
  StartFeed();
  std::string accented_class;
  for (int i = 0; i < 40; ++i) accented_class += "\xc3\xa9";  // é, two bytes each
  for (const std::string& request :
       {std::string("{\"since\": 0, \"x\": \"\xff\"}"),
        R"({"since": 0, "classes": ["a)" + accented_class + R"("]})"}) {
    auto client = Subscribe(request);
    const auto error = ReadJson(client);
    EXPECT_EQ(error["type"], "feed.error") << error.dump();
    EXPECT_TRUE(client.ReadLine(1024).status().IsNotFound());
  }
  auto next = Subscribe(R"({"since": 0})");
  EXPECT_EQ(ReadJson(next)["type"], "feed.hello");
  EXPECT_EQ(ReadJson(next)["seq"], 1);
}

TEST_F(EventFeedTest, SinceAheadOfTheLogIsRefused) {
  log_.Append("a");
  StartFeed();
  auto client = Subscribe(R"({"since": 99})");
  const auto error = ReadJson(client);
  EXPECT_EQ(error["type"], "feed.error");
  EXPECT_NE(error["message"].get<std::string>().find("ahead"), std::string::npos);
}

TEST_F(EventFeedTest, TooManySubscribersAreRefused) {
  FeedOptions options;
  options.max_subscribers = 1;
  StartFeed(options);
  auto first = Subscribe(R"({"since": null})");
  EXPECT_EQ(ReadJson(first)["type"], "feed.hello");
  auto second = UnixClientSocket::Connect(socket_path_, milliseconds(5000));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(ReadJson(*second)["type"], "feed.error");
}

// Connections that never send their request do not keep subscribers out (found by an analyzer:
// a leaking local client's 64 silent connections locked the feed): when the feed is full, the
// oldest of them gives way to a newcomer and is told why. Subscribers never give way.
TEST_F(EventFeedTest, ASilentConnectionGivesWayToASubscriberWhenTheFeedIsFull) {
  FeedOptions options;
  options.max_subscribers = 2;
  StartFeed(options);
  auto subscribed = Subscribe(R"({"since": null})");
  EXPECT_EQ(ReadJson(subscribed)["type"], "feed.hello");
  auto silent = UnixClientSocket::Connect(socket_path_, milliseconds(5000));
  ASSERT_TRUE(silent.ok());
  std::this_thread::sleep_for(milliseconds(50));  // accepted before the next one
  auto newcomer = Subscribe(R"({"since": null})");
  EXPECT_EQ(ReadJson(newcomer)["type"], "feed.hello");
  const nlohmann::json told = ReadJson(*silent);
  EXPECT_EQ(told["type"], "feed.error");
  EXPECT_EQ(told["message"], "closed without a subscribe request: the feed is full");
  EXPECT_TRUE(silent->ReadLine(1024).status().IsNotFound());
  // Two subscribers now: a third is refused, and neither of them is closed for it.
  auto third = UnixClientSocket::Connect(socket_path_, milliseconds(5000));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(ReadJson(*third)["message"], "too many subscribers");
  PublishNew("x");
  EXPECT_EQ(ReadJson(subscribed)["seq"], 1);
  EXPECT_EQ(ReadJson(newcomer)["seq"], 1);
}

TEST_F(EventFeedTest, HeartbeatsWhenIdle) {
  FeedOptions options;
  options.heartbeat_interval = milliseconds(50);
  StartFeed(options);
  auto client = Subscribe(R"({"since": null})");
  EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
  EXPECT_EQ(ReadJson(client)["type"], "feed.heartbeat");
}

TEST_F(EventFeedTest, ShutdownNoticeAfterPendingEvents) {
  StartFeed();
  auto client = Subscribe(R"({"since": 0})");
  EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
  PublishNew("x");
  RunOnIo([&] { feed_->Shutdown(); });
  EXPECT_EQ(ReadJson(client)["seq"], 1);
  EXPECT_EQ(ReadJson(client)["type"], "feed.shutdown");
  EXPECT_TRUE(client.ReadLine(1024).status().IsNotFound());
}

// At shutdown a subscriber gets at most one more batch, then feed.shutdown: one replaying a
// long history resumes later with `since` instead of holding the daemon's exit until it has
// read everything.
TEST_F(EventFeedTest, AtShutdownAReplayStopsAfterOneMoreBatch) {
  FeedOptions options;
  options.batch_bytes = 16 * 1024;
  for (int i = 0; i < 300; ++i) log_.Append("document.changed", 5000);
  StartFeed(options);
  auto client = Subscribe(R"({"since": 0})");
  EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
  EXPECT_EQ(ReadJson(client)["seq"], 1);
  RunOnIo([&] { feed_->Shutdown(); });
  uint64_t last = 1;
  for (;;) {
    const auto line = ReadJson(client);
    ASSERT_TRUE(line.is_object());
    if (line["type"] == "feed.shutdown") {
      EXPECT_EQ(line["last_seq"], 300);
      break;
    }
    ASSERT_EQ(line["seq"], last + 1);  // no gap before the notice
    last = line["seq"];
  }
  EXPECT_LT(last, 300u);
  EXPECT_TRUE(client.ReadLine(1024).status().IsNotFound());
}

// A subscriber that does not read cannot take its last batch nor the notice: it is closed
// after shutdown_write_timeout, so that it never holds the daemon's exit.
TEST_F(EventFeedTest, AtShutdownASubscriberThatDoesNotReadIsClosedAfterTheTimeout) {
  FeedOptions options;
  options.shutdown_write_timeout = milliseconds(200);
  for (int i = 0; i < 300; ++i) log_.Append("document.changed", 5000);
  StartFeed(options);
  auto client = Subscribe(R"({"since": 0})");
  EXPECT_EQ(ReadJson(client)["type"], "feed.hello");
  // It reads nothing more: its socket buffer fills and a write stays in flight.
  std::this_thread::sleep_for(milliseconds(100));
  const auto stopped_at = std::chrono::steady_clock::now();
  // The daemon's exit waits for this (found by an operator: a stop with one subscriber
  // behind always took the daemon's whole 10 s deadline, and logged "work pending").
  std::atomic<int> all_closed{0};
  RunOnIo([&] { feed_->Shutdown([&] { ++all_closed; }); });
  while (all_closed == 0 &&
         std::chrono::steady_clock::now() - stopped_at < std::chrono::seconds(5)) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(Stats().subscribers, 0u);
  EXPECT_EQ(all_closed, 1);
}

TEST_F(EventFeedTest, AtShutdownWithoutSubscribersAllAreClosedAtOnce) {
  StartFeed();
  std::atomic<int> all_closed{0};
  RunOnIo([&] { feed_->Shutdown([&] { ++all_closed; }); });
  RunOnIo([] {});  // what Shutdown posted has run
  EXPECT_EQ(all_closed, 1);
}

// Out of descriptors, accepting a waiting subscriber fails at once for as long as it waits; an
// accept retried at once would spin the io thread (and log a warning per attempt).
TEST_F(EventFeedTest, OutOfDescriptorsAcceptWaitsBetweenAttemptsAndRecovers) {
  log_.Append("old");
  MakeFeed();
  captured_log_.emplace();
  auto waiting = UnixClientSocket::Connect(socket_path_, milliseconds(5000));
  ASSERT_TRUE(waiting.ok()) << waiting.status().ToString();  // in the backlog: not accepted yet
  const std::size_t handlers_run = testing::HandlersRunOutOfDescriptors(io_, milliseconds(300));
  // Every handler here is a failed accept or a retry wait: 100 ms apart, a handful.
  EXPECT_LE(handlers_run, 20u);
  EXPECT_EQ(captured_log_->Count(spdlog::level::warn, "accept failed"), 1u);

  // Descriptors are back: the waiting subscriber and a newcomer are served.
  thread_ = std::thread([this] { io_.run(); });
  ASSERT_TRUE(waiting
                  ->WriteAll(R"({"since": 0})"
                             "\n")
                  .ok());
  EXPECT_EQ(ReadJson(*waiting)["type"], "feed.hello");
  EXPECT_EQ(ReadJson(*waiting)["seq"], 1);
  auto newcomer = Subscribe(R"({"since": null})");
  EXPECT_EQ(ReadJson(newcomer)["type"], "feed.hello");
  EXPECT_EQ(captured_log_->Count(spdlog::level::info, "accepting again"), 1u);
}

// Accepts that completed but whose handler has not run yet when the feed goes away must not
// touch it (a sanitizer build reports a use after free if they do).
TEST_F(EventFeedTest, DestructionWhileClientsKeepConnecting) {
  StartFeed();
  testing::UnixConnector clients(socket_path_);
  std::this_thread::sleep_for(milliseconds(100));
  RunOnIo([this] { feed_.reset(); });
  std::this_thread::sleep_for(milliseconds(50));
  clients.Stop();
  EXPECT_GT(clients.connections(), 0);
  EXPECT_EQ(feed_, nullptr);
}

TEST_F(EventFeedTest, SecondFeedOnALiveSocketIsBusy) {
  StartFeed();
  asio::io_context other_io;
  FeedOptions options;
  options.socket_path = socket_path_;
  EventFeed other(
      other_io, options,
      [](uint64_t, std::size_t, std::size_t) {
        return Result<std::vector<StoredEvent>>(std::vector<StoredEvent>{});
      },
      0);
  EXPECT_EQ(other.Start().code(), Status::Code::kBusy);
}

}  // namespace
}  // namespace policyd

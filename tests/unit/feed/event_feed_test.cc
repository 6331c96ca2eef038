#include "policyd/feed.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <future>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "policyd/unix_socket.h"

namespace policyd {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

// An in-memory event log standing in for the store.
class MemoryLog {
 public:
  StoredEvent Append(const std::string& type) {
    std::lock_guard lock(mutex_);
    StoredEvent event;
    event.seq = events_.size() + 1;
    event.json = nlohmann::json{{"seq", event.seq}, {"type", type}}.dump();
    events_.push_back(event);
    return event;
  }
  Result<std::vector<StoredEvent>> Read(uint64_t after, std::size_t max) {
    std::lock_guard lock(mutex_);
    ++reads_;
    std::vector<StoredEvent> out;
    for (uint64_t seq = after + 1; seq <= events_.size() && out.size() < max; ++seq) {
      out.push_back(events_[seq - 1]);
    }
    return out;
  }
  uint64_t last() {
    std::lock_guard lock(mutex_);
    return events_.size();
  }
  int reads() {
    std::lock_guard lock(mutex_);
    return reads_;
  }

 private:
  std::mutex mutex_;
  std::vector<StoredEvent> events_;
  int reads_ = 0;
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
    options.socket_path = socket_path_;
    feed_ = std::make_unique<EventFeed>(
        io_, options, [this](uint64_t after, std::size_t max) { return log_.Read(after, max); },
        log_.last());
    ASSERT_TRUE(feed_->Start().ok());
    thread_ = std::thread([this] { io_.run(); });
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

  void PublishNew(const std::string& type) {
    const StoredEvent event = log_.Append(type);
    RunOnIo([&] { feed_->Publish(event); });
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

TEST_F(EventFeedTest, MalformedRequestGetsAnErrorAndIsClosed) {
  StartFeed();
  auto client = Subscribe("this is not json");
  const auto error = ReadJson(client);
  EXPECT_EQ(error["type"], "feed.error");
  EXPECT_TRUE(client.ReadLine(1024).status().IsNotFound());
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

TEST_F(EventFeedTest, SecondFeedOnALiveSocketIsBusy) {
  StartFeed();
  asio::io_context other_io;
  FeedOptions options;
  options.socket_path = socket_path_;
  EventFeed other(
      other_io, options,
      [](uint64_t, std::size_t) {
        return Result<std::vector<StoredEvent>>(std::vector<StoredEvent>{});
      },
      0);
  EXPECT_EQ(other.Start().code(), Status::Code::kBusy);
}

}  // namespace
}  // namespace policyd

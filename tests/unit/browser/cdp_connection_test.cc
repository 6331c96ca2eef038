#include "cdp_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

namespace policyd {
namespace {

using nlohmann::json;

TEST(CdpFramerTest, SplitsNulDelimitedMessagesAcrossChunks) {
  CdpFramer framer(100);
  std::vector<std::string> messages;
  auto collect = [&](std::string&& message) { messages.push_back(std::move(message)); };
  EXPECT_TRUE(framer.Append(std::string_view("{\"a\":1}\0{\"b\"", 12), collect));
  EXPECT_EQ(messages, std::vector<std::string>({"{\"a\":1}"}));
  EXPECT_TRUE(framer.Append(std::string_view(":2}\0\0", 5), collect));
  EXPECT_EQ(messages, std::vector<std::string>({"{\"a\":1}", "{\"b\":2}", ""}));
  EXPECT_EQ(framer.buffered(), 0u);
}

TEST(CdpFramerTest, RefusesAMessageOverTheLimitAndEverythingAfter) {
  CdpFramer framer(8);
  std::vector<std::string> messages;
  auto collect = [&](std::string&& message) { messages.push_back(std::move(message)); };
  EXPECT_TRUE(framer.Append(std::string_view("12345678\0", 9), collect));
  EXPECT_TRUE(framer.Append("12345", collect));
  EXPECT_FALSE(framer.Append("6789", collect));  // 9 bytes without a terminator
  EXPECT_EQ(framer.buffered(), 0u);
  EXPECT_FALSE(framer.Append(std::string_view("1\0", 2), collect));
  EXPECT_EQ(messages, std::vector<std::string>({"12345678"}));
}

// A CdpConnection on one end of a socketpair; the test plays the browser on the other.
class CdpConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int fds[2];
    ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
    peer_ = fds[1];
    connection_ = std::make_shared<CdpConnection>(
        io_, fds[0], fds[0], 1024,
        [this](const std::string& method, const std::string& session, const json& params) {
          events_.push_back(method + "|" + session + "|" + params.dump());
        },
        [this](const std::string& reason) { closed_reasons_.push_back(reason); });
    connection_->Start();
  }
  void TearDown() override {
    connection_->Close();
    ::close(peer_);
  }

  // Reads what the connection wrote, up to `count` messages.
  std::vector<json> ReadFromPeer(std::size_t count) {
    std::vector<json> out;
    CdpFramer framer(1 << 20);
    char buffer[4096];
    while (out.size() < count) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
      const ssize_t n = ::recv(peer_, buffer, sizeof(buffer), MSG_DONTWAIT);
      if (n <= 0) continue;
      framer.Append(std::string_view(buffer, n),
                    [&](std::string&& message) { out.push_back(json::parse(message)); });
    }
    return out;
  }
  void WriteFromPeer(std::string_view bytes) {
    ASSERT_EQ(::send(peer_, bytes.data(), bytes.size(), 0), static_cast<ssize_t>(bytes.size()));
  }
  void RunUntil(const std::function<bool()>& done) {
    for (int i = 0; i < 500 && !done(); ++i) {
      io_.restart();
      io_.run_for(std::chrono::milliseconds(10));
    }
  }

  boost::asio::io_context io_;
  int peer_ = -1;
  std::shared_ptr<CdpConnection> connection_;
  std::vector<std::string> events_;
  std::vector<std::string> closed_reasons_;
};

TEST_F(CdpConnectionTest, NumbersCommandsAndRoutesRepliesAndEvents) {
  std::vector<CdpReply> replies(2);
  EXPECT_EQ(connection_->Send("Browser.getVersion", json::object(), "",
                              [&](CdpReply reply) { replies[0] = std::move(reply); }),
            1u);
  EXPECT_EQ(connection_->Send("Page.enable", json::object(), "S1",
                              [&](CdpReply reply) { replies[1] = std::move(reply); }),
            2u);
  const std::vector<json> sent = ReadFromPeer(2);
  EXPECT_EQ(sent[0],
            json({{"id", 1}, {"method", "Browser.getVersion"}, {"params", json::object()}}));
  EXPECT_EQ(sent[1]["sessionId"], "S1");
  EXPECT_TRUE(connection_->OldestPending().has_value());
  // Out of order, with an event in between, split across writes.
  const std::string input =
      std::string("{\"id\":2,\"error\":{\"code\":-32000,\"message\":\"nope\"}}") + '\0' +
      "{\"method\":\"Page.loadEventFired\",\"sessionId\":\"S1\",\"params\":{\"t\":1}}" + '\0' +
      "{\"id\":1,\"result\":{\"product\":\"Chrome/1\"}}" + '\0';
  WriteFromPeer(input.substr(0, 30));
  WriteFromPeer(input.substr(30));
  RunUntil([&] { return replies[0].ok; });
  EXPECT_TRUE(replies[0].ok);
  EXPECT_EQ(replies[0].result["product"], "Chrome/1");
  EXPECT_FALSE(replies[1].ok);
  EXPECT_EQ(replies[1].error, "nope");
  EXPECT_EQ(events_, std::vector<std::string>({"Page.loadEventFired|S1|{\"t\":1}"}));
  EXPECT_FALSE(connection_->OldestPending().has_value());
  EXPECT_TRUE(closed_reasons_.empty());
}

TEST_F(CdpConnectionTest, OversizedMessageEndsTheConnectionOnce) {
  bool replied = false;
  connection_->Send("X.y", json::object(), "", [&](CdpReply) { replied = true; });
  WriteFromPeer(std::string(2000, 'x'));
  RunUntil([&] { return !closed_reasons_.empty(); });
  ASSERT_EQ(closed_reasons_.size(), 1u);
  EXPECT_NE(closed_reasons_[0].find("size limit"), std::string::npos);
  EXPECT_TRUE(connection_->closed());
  EXPECT_FALSE(replied);  // pending callbacks are dropped
  EXPECT_EQ(connection_->Send("X.y", json::object(), "", nullptr), 0u);
}

TEST_F(CdpConnectionTest, MalformedJsonAndEofEndTheConnection) {
  WriteFromPeer(std::string_view("{not json\0", 10));
  RunUntil([&] { return !closed_reasons_.empty(); });
  ASSERT_EQ(closed_reasons_.size(), 1u);
  EXPECT_NE(closed_reasons_[0].find("malformed"), std::string::npos);
}

TEST_F(CdpConnectionTest, PeerClosingIsReported) {
  ::shutdown(peer_, SHUT_RDWR);
  RunUntil([&] { return !closed_reasons_.empty(); });
  ASSERT_EQ(closed_reasons_.size(), 1u);
  EXPECT_NE(closed_reasons_[0].find("closed"), std::string::npos);
}

}  // namespace
}  // namespace policyd

#include "policyd/control.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <thread>

namespace policyd {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;

class ControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("policyd-control-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    options_.socket_path = dir_ / "control.sock";
  }
  void TearDown() override {
    if (server_) asio::post(io_, [this] { server_.reset(); });
    work_.reset();
    if (thread_.joinable()) thread_.join();
    std::filesystem::remove_all(dir_);
  }

  // A handler with a few commands: echo (immediate), later (answers from another thread via
  // post, like the daemon's store-backed commands), boom (throws).
  void StartServer() {
    server_ = std::make_unique<ControlServer>(
        io_, options_, [this](const nlohmann::json& request, auto respond) {
          const std::string cmd = request["cmd"];
          if (cmd == "echo") {
            respond(ControlOk({{"args", request.value("args", nlohmann::json())}}));
          } else if (cmd == "later") {
            std::thread([this, respond] {
              asio::post(io_, [respond] { respond(ControlOk({{"late", true}})); });
            }).detach();
          } else if (cmd == "boom") {
            throw std::runtime_error("handler bug");
          } else {
            respond(ControlError("unknown_command", "unknown command '" + cmd + "'"));
          }
        });
    ASSERT_TRUE(server_->Start().ok());
    thread_ = std::thread([this] { io_.run(); });
  }

  ControlClient Connect() {
    auto client = ControlClient::Connect(options_.socket_path, milliseconds(5000));
    EXPECT_TRUE(client.ok()) << client.status().ToString();
    return std::move(*client);
  }

  std::filesystem::path dir_;
  ControlOptions options_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      asio::make_work_guard(io_)};
  std::thread thread_;
  std::unique_ptr<ControlServer> server_;
};

TEST_F(ControlTest, RequestsAreAnsweredInOrderWithTheirId) {
  StartServer();
  ControlClient client = Connect();
  auto first = client.Call({{"cmd", "echo"}, {"args", {1, 2}}});
  ASSERT_TRUE(first.ok());
  EXPECT_EQ((*first)["ok"], true);
  EXPECT_EQ((*first)["result"]["args"], nlohmann::json({1, 2}));
  EXPECT_EQ((*first)["id"], 1);
  auto second = client.Call({{"cmd", "later"}});
  ASSERT_TRUE(second.ok());
  EXPECT_EQ((*second)["result"]["late"], true);
  EXPECT_EQ((*second)["id"], 2);
}

TEST_F(ControlTest, SocketHasMode0660) {
  StartServer();
  struct stat info {};
  ASSERT_EQ(stat(options_.socket_path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
}

TEST_F(ControlTest, UnknownCommandAndHandlerFailureAreClearErrors) {
  StartServer();
  ControlClient client = Connect();
  auto unknown = client.Call({{"cmd", "fly"}});
  ASSERT_TRUE(unknown.ok());
  EXPECT_EQ((*unknown)["ok"], false);
  EXPECT_EQ((*unknown)["error"]["code"], "unknown_command");
  auto boom = client.Call({{"cmd", "boom"}});
  ASSERT_TRUE(boom.ok());
  EXPECT_EQ((*boom)["error"]["code"], "internal");
  // The connection and the server survive both.
  auto echo = client.Call({{"cmd", "echo"}});
  ASSERT_TRUE(echo.ok());
  EXPECT_EQ((*echo)["ok"], true);
}

TEST_F(ControlTest, MalformedRequestsGetBadRequest) {
  StartServer();
  auto raw = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->WriteAll("{not json\n").ok());
  auto line = raw->ReadLine(4096);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(nlohmann::json::parse(*line)["error"]["code"], "bad_request");
  ASSERT_TRUE(raw->WriteAll("{\"id\":7,\"cmd\":42}\n").ok());
  line = raw->ReadLine(4096);
  ASSERT_TRUE(line.ok());
  const auto response = nlohmann::json::parse(*line);
  EXPECT_EQ(response["error"]["code"], "bad_request");
  EXPECT_EQ(response["id"], 7);
}

TEST_F(ControlTest, OverlongRequestIsRefusedAndClosed) {
  options_.max_request_bytes = 1024;
  StartServer();
  auto raw = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->WriteAll(std::string(4096, 'x')).ok());
  auto line = raw->ReadLine(4096);
  ASSERT_TRUE(line.ok());
  EXPECT_EQ(nlohmann::json::parse(*line)["error"]["code"], "request_too_long");
  EXPECT_FALSE(raw->ReadLine(4096).ok());
}

TEST_F(ControlTest, StaleSocketFileIsReplacedButLiveOneIsNot) {
  // A stale socket: bound by a process that is gone.
  {
    asio::io_context dead_io;
    ControlServer dead(dead_io, options_,
                       [](const nlohmann::json&, auto respond) { respond(ControlOk()); });
    ASSERT_TRUE(dead.Start().ok());
  }
  ASSERT_TRUE(std::filesystem::exists(options_.socket_path));  // left behind, nobody listens
  StartServer();                                               // replaces the stale file
  asio::io_context other_io;
  ControlServer second(other_io, options_,
                       [](const nlohmann::json&, auto respond) { respond(ControlOk()); });
  EXPECT_EQ(second.Start().code(), Status::Code::kBusy);
}

TEST_F(ControlTest, ConnectWithoutDaemonFailsClearly) {
  auto client = ControlClient::Connect(dir_ / "nobody.sock", milliseconds(500));
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.status().message().find("cannot connect"), std::string::npos);
}

}  // namespace
}  // namespace policyd

#include "policyd/control.h"

#include <sys/socket.h>
#include <sys/stat.h>

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <functional>
#include <future>
#include <thread>
#include <vector>

#include "support/descriptor_limit.h"
#include "support/log_capture.h"
#include "support/unix_connector.h"

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
  // post, like the daemon's store-backed commands), boom (throws). The io thread runs it.
  void StartServer() {
    MakeServer();
    thread_ = std::thread([this] { io_.run(); });
  }

  // Like StartServer, without the io thread: the test runs the io_context itself.
  void MakeServer() {
    server_ = std::make_unique<ControlServer>(
        io_, options_, [this](const nlohmann::json& request, auto respond) {
          const std::string cmd = request["cmd"];
          if (cmd == "echo") {
            respond(ControlOk({{"args", request.value("args", nlohmann::json())}}));
          } else if (cmd == "later") {
            std::thread([this, respond] {
              asio::post(io_, [respond] { respond(ControlOk({{"late", true}})); });
            }).detach();
          } else if (cmd == "hang") {  // a command still in progress when the test looks
            hanging_.push_back(respond);
            ++hanging_count_;
          } else if (cmd == "boom") {
            throw std::runtime_error("handler bug");
          } else {
            respond(ControlError("unknown_command", "unknown command '" + cmd + "'"));
          }
        });
    ASSERT_TRUE(server_->Start().ok());
  }

  // Runs `work` on the io thread and waits for it.
  void OnIo(const std::function<void()>& work) {
    std::promise<void> done;
    asio::post(io_, [&] {
      work();
      done.set_value();
    });
    done.get_future().wait();
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
  std::vector<std::function<void(nlohmann::json)>> hanging_;  // io thread only
  std::atomic<int> hanging_count_{0};
  std::optional<testing::LogCapture> log_;  // outlives the io thread (joined in TearDown)
};

// A raw connection that sends `line` and returns the one response line, parsed.
nlohmann::json RawCall(const std::filesystem::path& socket, const std::string& line) {
  auto raw = UnixClientSocket::Connect(socket, milliseconds(5000));
  EXPECT_TRUE(raw.ok()) << raw.status().ToString();
  if (!raw.ok()) return {};
  // A server that refuses at once (busy) may answer and close before the request is written
  // (EPIPE): the response is what counts, and reading it fails if there is none.
  (void)raw->WriteAll(line);
  auto response = raw->ReadLine(1 << 20);
  EXPECT_TRUE(response.ok()) << response.status().ToString();
  return response.ok() ? nlohmann::json::parse(*response) : nlohmann::json();
}

// True once the server has closed `socket` (a read sees the end of the stream).
bool ClosedByServer(UnixClientSocket& socket) {
  socket.SetReadTimeout(milliseconds(10'000));
  const auto line = socket.ReadLine(4096);
  return !line.ok() && line.status().IsNotFound();
}

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

TEST_F(ControlTest, DeeplyNestedIdIsRefusedAndTheServerLives) {
  // 100,000 levels in 200 KB, under the 1 MiB line cap: copying such an id used to recurse
  // once per level on the io thread and overflow its stack.
  StartServer();
  const std::string deep_id = std::string(100'000, '[') + std::string(100'000, ']');
  const auto deep = RawCall(options_.socket_path, "{\"id\":" + deep_id + ",\"cmd\":\"echo\"}\n");
  EXPECT_EQ(deep["ok"], false);
  EXPECT_EQ(deep["error"]["code"], "bad_request");
  EXPECT_EQ(deep["error"]["message"], "JSON nested deeper than 16 levels");
  EXPECT_TRUE(deep["id"].is_null());

  // Anything nested too deep is refused before it is built, wherever the nesting is.
  const std::string deep_args = std::string(17, '[') + std::string(17, ']');
  const auto args =
      RawCall(options_.socket_path, "{\"id\":3,\"cmd\":\"echo\",\"args\":" + deep_args + "}\n");
  EXPECT_EQ(args["error"]["code"], "bad_request");
  const auto deep_line = RawCall(options_.socket_path, std::string(300'000, '{') + "\n");
  EXPECT_EQ(deep_line["error"]["code"], "bad_request");

  // Only a scalar id is echoed; a structured one, even shallow, is refused.
  const auto object_id = RawCall(options_.socket_path, "{\"id\":{\"a\":[1]},\"cmd\":\"echo\"}\n");
  EXPECT_EQ(object_id["error"]["code"], "bad_request");
  EXPECT_TRUE(object_id["id"].is_null());
  const auto string_id = RawCall(options_.socket_path, "{\"id\":\"x-1\",\"cmd\":\"echo\"}\n");
  EXPECT_EQ(string_id["ok"], true);
  EXPECT_EQ(string_id["id"], "x-1");

  // Nesting up to the limit is fine.
  const std::string ok_args = std::string(15, '[') + std::string(15, ']');
  const auto shallow =
      RawCall(options_.socket_path, "{\"id\":4,\"cmd\":\"echo\",\"args\":" + ok_args + "}\n");
  EXPECT_EQ(shallow["ok"], true) << shallow.dump();
}

TEST_F(ControlTest, SilentClientsAreClosedAfterTheFirstRequestTimeout) {
  options_.first_request_timeout = milliseconds(200);
  StartServer();
  auto silent = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
  ASSERT_TRUE(silent.ok());
  EXPECT_TRUE(ClosedByServer(*silent));
  // A client past its first request gets the longer idle timeout: still open after as long.
  ControlClient talking = Connect();
  ASSERT_TRUE(talking.Call({{"cmd", "echo"}}).ok());
  std::this_thread::sleep_for(milliseconds(400));
  EXPECT_TRUE(talking.Call({{"cmd", "echo"}}).ok());
}

TEST_F(ControlTest, AnOperatorGetsThroughWhileSilentClientsFillEveryPlace) {
  options_.max_clients = 16;
  options_.first_request_timeout = std::chrono::minutes(1);  // eviction, not the timeout
  StartServer();
  std::vector<UnixClientSocket> silent;
  for (int i = 0; i < 16; ++i) {
    auto connection = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
    ASSERT_TRUE(connection.ok());
    silent.push_back(std::move(*connection));
  }
  // Each new client takes the place of the one silent longest: the first silent ones go.
  // (The operators stay connected, so that every one of them finds the socket full.)
  std::vector<ControlClient> operators;
  for (std::size_t i = 0; i < 3; ++i) {
    operators.push_back(Connect());
    const auto answer = operators.back().Call({{"cmd", "echo"}});
    ASSERT_TRUE(answer.ok()) << answer.status().ToString();
    EXPECT_EQ((*answer)["ok"], true) << answer->dump();
    EXPECT_TRUE(ClosedByServer(silent[i])) << i;
  }
  // The others were left alone: each still has its place (nothing to read, not closed).
  silent[3].SetReadTimeout(milliseconds(100));
  EXPECT_EQ(silent[3].ReadLine(4096).status().code(), Status::Code::kBusy);
}

TEST_F(ControlTest, BusyOnlyWhenEveryClientHasACommandInProgress) {
  options_.max_clients = 2;
  StartServer();
  std::vector<UnixClientSocket> working;
  for (int i = 0; i < 2; ++i) {
    auto connection = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
    ASSERT_TRUE(connection.ok());
    ASSERT_TRUE(connection->WriteAll("{\"id\":1,\"cmd\":\"hang\"}\n").ok());
    working.push_back(std::move(*connection));
  }
  for (int waited = 0; hanging_count_ < 2 && waited < 1000; ++waited) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(hanging_count_, 2);
  const auto refused = RawCall(options_.socket_path, "{\"id\":2,\"cmd\":\"echo\"}\n");
  EXPECT_EQ(refused["error"]["code"], "busy");
  // policyctl's client says so too: it printed "I/O error: write: Broken pipe" when the
  // refusal and the close came before its request was written, as if the daemon were gone.
  for (int attempt = 0; attempt < 20; ++attempt) {
    auto client = ControlClient::Connect(options_.socket_path, milliseconds(5000));
    ASSERT_TRUE(client.ok());
    std::this_thread::sleep_for(milliseconds(20));  // the refusal and the close come first
    const auto answer = client->Call({{"cmd", "echo"}});
    ASSERT_TRUE(answer.ok()) << attempt << ": " << answer.status().ToString();
    EXPECT_EQ((*answer)["error"]["code"], "busy");
  }
}

// A client that sent a request and stopped reading its answer (a suspended policyctl, a hung
// script) held its place for as long as it stayed connected: 16 of them kept every operator
// out. An answer not read within write_timeout closes it.
TEST_F(ControlTest, AClientThatDoesNotReadItsAnswerIsClosedAfterTheWriteTimeout) {
  options_.max_clients = 1;
  options_.write_timeout = milliseconds(200);
  StartServer();
  auto stuck = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
  ASSERT_TRUE(stuck.ok());
  // An answer larger than the socket's buffers: its write stays in flight.
  const std::string big(900 * 1024, 'x');
  ASSERT_TRUE(stuck->WriteAll("{\"id\":1,\"cmd\":\"echo\",\"args\":\"" + big + "\"}\n").ok());
  nlohmann::json answer;
  for (int attempt = 0; attempt < 50; ++attempt) {
    std::this_thread::sleep_for(milliseconds(100));
    answer = RawCall(options_.socket_path, "{\"id\":2,\"cmd\":\"echo\"}\n");
    if (answer.value("ok", false)) break;
  }
  EXPECT_EQ(answer["ok"], true) << answer.dump();
}

// A client that gives up while its command runs (a `check --wait`) frees its place at once,
// and the answer that comes later goes nowhere, harmlessly.
TEST_F(ControlTest, AClientThatLeavesMidCommandGivesItsPlaceBack) {
  options_.max_clients = 1;
  StartServer();
  {
    auto leaving = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
    ASSERT_TRUE(leaving.ok());
    ASSERT_TRUE(leaving->WriteAll("{\"id\":1,\"cmd\":\"hang\"}\n").ok());
    for (int waited = 0; hanging_count_ < 1 && waited < 1000; ++waited) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    ASSERT_EQ(hanging_count_, 1);
  }  // closed with its command in progress
  // Without the hang-up seen, the only place would stay taken by a command in progress: busy.
  nlohmann::json answer;
  for (int attempt = 0; attempt < 100; ++attempt) {
    answer = RawCall(options_.socket_path, "{\"id\":2,\"cmd\":\"echo\"}\n");
    if (answer["ok"] == true) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(answer["ok"], true) << answer.dump();
  // The late answer to the client that left.
  std::promise<void> answered;
  asio::post(io_, [this, &answered] {
    hanging_.front()(ControlOk({{"late", true}}));
    answered.set_value();
  });
  answered.get_future().wait();
  ControlClient after = Connect();
  const auto still = after.Call({{"cmd", "echo"}});
  ASSERT_TRUE(still.ok()) << still.status().ToString();
  EXPECT_EQ((*still)["ok"], true);
}

// A client that sent its next request early and then left, or that shut down its writing side
// and then closed, still gives its place back while its command runs. (The server stopped
// watching once the socket held more input, so such clients kept every place until their
// commands ended, a `check --wait` up to an hour: `status` and `reload` were answered busy.)
TEST_F(ControlTest, AClientThatSentMoreOrShutItsSideAndLeftGivesItsPlaceBack) {
  options_.max_clients = 2;
  StartServer();
  for (const bool sent_more : {true, false}) {
    auto leaving = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
    ASSERT_TRUE(leaving.ok());
    const int before = hanging_count_;
    ASSERT_TRUE(leaving->WriteAll("{\"id\":1,\"cmd\":\"hang\"}\n").ok());
    for (int waited = 0; hanging_count_ == before && waited < 1000; ++waited) {
      std::this_thread::sleep_for(milliseconds(10));
    }
    ASSERT_EQ(hanging_count_, before + 1);
    if (sent_more) {
      ASSERT_TRUE(leaving->WriteAll("{\"id\":2,\"cmd\":\"echo\"}\n").ok());
    } else {
      ASSERT_EQ(::shutdown(leaving->fd(), SHUT_WR), 0);
    }
    std::this_thread::sleep_for(milliseconds(100));  // the server sees the input first
  }                                                  // both closed with their commands in progress
  nlohmann::json answer;
  for (int attempt = 0; attempt < 250; ++attempt) {
    answer = RawCall(options_.socket_path, "{\"id\":3,\"cmd\":\"echo\"}\n");
    if (answer["ok"] == true) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(answer["ok"], true) << answer.dump();
  OnIo([this] {
    for (auto& respond : hanging_) respond(ControlOk({{"late", true}}));
  });
}

// A client that shuts down its writing side after its request (socat, nc -N) has not left:
// it still gets the answer.
TEST_F(ControlTest, AClientDoneWritingStillGetsItsAnswer) {
  StartServer();
  auto raw = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->WriteAll("{\"id\":1,\"cmd\":\"hang\"}\n").ok());
  ASSERT_EQ(::shutdown(raw->fd(), SHUT_WR), 0);
  for (int waited = 0; hanging_count_ < 1 && waited < 1000; ++waited) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(hanging_count_, 1);
  std::this_thread::sleep_for(milliseconds(100));  // the end of stream is seen by the server
  asio::post(io_, [this] { hanging_.front()(ControlOk({{"late", true}})); });
  const auto answer = raw->ReadLine(1 << 20);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(*answer)["result"]["late"], true);
}

// `printf '{"cmd":"status"}' | nc -N -U control.sock`: the last request without its newline,
// then the writing side shut. The end of the stream ends the line: it is answered.
TEST_F(ControlTest, ALastRequestWithoutItsNewlineIsAnsweredAtTheEndOfTheStream) {
  StartServer();
  auto raw = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->WriteAll("{\"id\":1,\"cmd\":\"echo\"}\n{\"id\":2,\"cmd\":\"echo\"}").ok());
  ASSERT_EQ(::shutdown(raw->fd(), SHUT_WR), 0);
  for (const int id : {1, 2}) {
    const auto answer = raw->ReadLine(1 << 20);
    ASSERT_TRUE(answer.ok()) << id << ": " << answer.status().ToString();
    EXPECT_EQ(nlohmann::json::parse(*answer)["id"], id);
    EXPECT_EQ(nlohmann::json::parse(*answer)["ok"], true);
  }
  const auto end = raw->ReadLine(1 << 20);
  EXPECT_TRUE(end.status().IsNotFound()) << end.status().ToString();  // then the server closes
}

// A client that sends its next request before the answer to the one in progress is not taken
// for gone: both are answered, in order.
TEST_F(ControlTest, AnEarlyNextRequestIsAnsweredAfterTheOneInProgress) {
  StartServer();
  auto raw = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
  ASSERT_TRUE(raw.ok());
  ASSERT_TRUE(raw->WriteAll("{\"id\":1,\"cmd\":\"hang\"}\n").ok());
  for (int waited = 0; hanging_count_ < 1 && waited < 1000; ++waited) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  ASSERT_EQ(hanging_count_, 1);
  ASSERT_TRUE(raw->WriteAll("{\"id\":2,\"cmd\":\"echo\"}\n").ok());
  std::this_thread::sleep_for(milliseconds(100));  // the early request is seen by the server
  asio::post(io_, [this] { hanging_.front()(ControlOk({{"late", true}})); });
  const auto first = raw->ReadLine(1 << 20);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(*first)["id"], 1);
  const auto second = raw->ReadLine(1 << 20);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(*second)["id"], 2);
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

// Out of descriptors, accepting a waiting client fails at once for as long as it waits; an
// accept retried at once would spin the io thread (and log a warning per attempt).
TEST_F(ControlTest, OutOfDescriptorsAcceptWaitsBetweenAttemptsAndRecovers) {
  MakeServer();
  log_.emplace();
  auto waiting = UnixClientSocket::Connect(options_.socket_path, milliseconds(5000));
  ASSERT_TRUE(waiting.ok()) << waiting.status().ToString();  // in the backlog: not accepted yet
  const std::size_t handlers_run = testing::HandlersRunOutOfDescriptors(io_, milliseconds(300));
  // Every handler here is a failed accept or a retry wait: 100 ms apart, a handful.
  EXPECT_LE(handlers_run, 20u);
  EXPECT_EQ(log_->Count(spdlog::level::warn, "accept failed"), 1u);

  // Descriptors are back: the waiting client and a newcomer are served.
  thread_ = std::thread([this] { io_.run(); });
  ASSERT_TRUE(waiting
                  ->WriteAll(R"({"cmd": "echo", "id": 7})"
                             "\n")
                  .ok());
  auto answer = waiting->ReadLine(4096);
  ASSERT_TRUE(answer.ok()) << answer.status().ToString();
  EXPECT_EQ(nlohmann::json::parse(*answer)["id"], 7);
  ControlClient newcomer = Connect();
  auto echo = newcomer.Call({{"cmd", "echo"}});
  ASSERT_TRUE(echo.ok());
  EXPECT_EQ((*echo)["ok"], true);
  EXPECT_EQ(log_->Count(spdlog::level::info, "accepting again"), 1u);
}

// Accepts that completed but whose handler has not run yet when the server goes away must not
// touch it (a sanitizer build reports a use after free if they do).
TEST_F(ControlTest, DestructionWhileClientsKeepConnecting) {
  StartServer();
  testing::UnixConnector clients(options_.socket_path);
  std::this_thread::sleep_for(milliseconds(100));
  OnIo([this] { server_.reset(); });
  std::this_thread::sleep_for(milliseconds(50));
  clients.Stop();
  EXPECT_GT(clients.connections(), 0);
  EXPECT_EQ(server_, nullptr);
}

TEST_F(ControlTest, ConnectWithoutDaemonFailsClearly) {
  auto client = ControlClient::Connect(dir_ / "nobody.sock", milliseconds(500));
  ASSERT_FALSE(client.ok());
  EXPECT_NE(client.status().message().find("cannot connect"), std::string::npos);
}

}  // namespace
}  // namespace policyd

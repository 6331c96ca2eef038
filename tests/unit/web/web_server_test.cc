#include "policyd/web_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstring>
#include <future>
#include <optional>
#include <thread>

#include "policyd/unique_fd.h"
#include "support/descriptor_limit.h"
#include "support/log_capture.h"

namespace policyd {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using std::chrono::milliseconds;
using HttpResponse = http::response<http::string_body>;

constexpr milliseconds kPatience{10'000};  // generous bound for "eventually"
const std::string kServer = "policyd/" POLICYD_VERSION;

WebResponse Page(unsigned status, std::string body) {
  WebResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// A blocking test client over a raw socket: sends bytes as given, reads responses with Beast's
// parser, and tells when the server closed the connection.
class RawClient {
 public:
  static RawClient Tcp(uint16_t port, int receive_buffer = 0) {
    RawClient client(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (receive_buffer > 0) {
      setsockopt(client.fd(), SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(connect(client.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0)
        << std::strerror(errno);
    return client;
  }
  static RawClient Unix(const std::filesystem::path& path) {
    RawClient client(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    EXPECT_EQ(connect(client.fd(), reinterpret_cast<const sockaddr*>(&address), sizeof address), 0)
        << std::strerror(errno);
    return client;
  }

  int fd() const { return fd_.get(); }

  void Send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = send(fd(), data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return;  // the server may have closed already; the response tells
      data.remove_prefix(static_cast<std::size_t>(n));
    }
  }

  // One response, or nothing when the connection ends (or nothing comes) first. `head`: the
  // response answers a HEAD request (its Content-Length announces no body).
  std::optional<HttpResponse> Read(bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.eager(true);
    parser.body_limit(1 << 30);
    if (head) parser.skip(true);
    for (;;) {
      if (!pending_.empty()) {
        boost::system::error_code ec;
        const std::size_t used = parser.put(asio::buffer(pending_), ec);
        pending_.erase(0, used);
        if (ec && ec != http::error::need_more) {
          ADD_FAILURE() << "unparsable response: " << ec.message();
          return std::nullopt;
        }
        if (parser.is_done()) return parser.release();
        if (used > 0) continue;
      }
      if (!Receive()) return std::nullopt;
    }
  }

  // True once the server has closed the connection (end of stream or reset), with no bytes
  // before it.
  bool ClosedByServer() {
    if (!pending_.empty()) return false;
    return !Receive() && pending_.empty();
  }

 private:
  explicit RawClient(int fd) : fd_(fd) {}

  // Appends what arrives within kPatience; false at the end of the stream, an error or timeout.
  bool Receive() {
    pollfd poll_fd{fd(), POLLIN, 0};
    if (poll(&poll_fd, 1, static_cast<int>(kPatience.count())) <= 0) {
      ADD_FAILURE() << "nothing came from the server";
      return false;
    }
    char chunk[65536];
    const ssize_t n = recv(fd(), chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    pending_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  UniqueFd fd_;
  std::string pending_;
};

class WebServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.tcp_address = "127.0.0.1";
    dir_ = std::filesystem::temp_directory_path() /
           ("policyd-web-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    OnIo([this] {
      pending_.clear();
      server_.reset();
    });
    work_.reset();
    if (thread_.joinable()) thread_.join();
    std::filesystem::remove_all(dir_);
  }

  // Pages: "/hello" answers at once, "/later" from another thread, "/hang" keeps its respond in
  // pending_ for the test to call, "/boom" throws, "/big" is a body of big_bytes_ bytes,
  // "/bad-header" gives a header with a line break; anything else echoes the request. The io
  // thread runs it.
  void StartServer() {
    MakeServer();
    thread_ = std::thread([this] { io_.run(); });
  }

  // Like StartServer, without the io thread: the test runs the io_context itself.
  void MakeServer() {
    server_ =
        std::make_unique<WebServer>(io_, options_, [this](const WebRequest& request, auto respond) {
          ++handled_;
          if (request.path == "/hello") {
            respond({.status = 200,
                     .content_type = "text/html; charset=utf-8",
                     .body = "<p>hello</p>",
                     .headers = {{"X-Page", "hello"}, {"Cache-Control", "no-store"}}});
          } else if (request.path == "/later") {
            std::thread([this, respond] {
              asio::post(io_, [respond] { respond(Page(202, "later")); });
            }).detach();
          } else if (request.path == "/hang") {
            pending_.push_back(respond);
            ++pending_count_;
          } else if (request.path == "/boom") {
            throw std::runtime_error("page bug");
          } else if (request.path == "/big") {
            respond(Page(200, std::string(big_bytes_, 'x')));
          } else if (request.path == "/bad-header") {
            respond({.status = 200,
                     .content_type = "",
                     .body = "x",
                     .headers = {{"X-Evil", "a\r\nSet-Cookie: b"}}});
          } else {
            respond({.status = 200,
                     .content_type = "text/plain",
                     .body = std::string(http::to_string(request.method)) + " " + request.target +
                             " path=" + request.path + " query=" + request.query,
                     .headers = {}});
          }
        });
    const Status started = server_->Start();
    ASSERT_TRUE(started.ok()) << started.ToString();
  }

  RawClient Connect() {
    return options_.socket_path.empty() ? RawClient::Tcp(server_->Port())
                                        : RawClient::Unix(options_.socket_path);
  }

  // Runs `work` on the io thread and waits for it.
  template <typename Work>
  std::invoke_result_t<Work> OnIo(Work work) {
    std::packaged_task<decltype(work())()> task(std::move(work));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    if (!thread_.joinable()) io_.run_one();
    return result.get();
  }

  std::size_t Connections() {
    return OnIo([this] { return server_ ? server_->Connections() : 0; });
  }

  // Waits (boundedly) until `done` holds, looked at on the io thread.
  bool Eventually(const std::function<bool()>& done) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
      if (OnIo(done)) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  }

  std::filesystem::path dir_;
  WebOptions options_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      asio::make_work_guard(io_)};
  std::thread thread_;
  std::unique_ptr<WebServer> server_;
  std::vector<std::function<void(WebResponse)>> pending_;  // io thread only
  std::atomic<int> pending_count_{0};
  std::atomic<int> handled_{0};
  std::size_t big_bytes_ = 0;
  std::optional<testing::LogCapture> log_;  // outlives the io thread (joined in TearDown)
};

TEST_F(WebServerTest, GetIsAnsweredWithTheHandlersResponseAndFramingHeaders) {
  StartServer();
  EXPECT_NE(server_->Port(), 0);
  RawClient client = Connect();
  client.Send("GET /hello HTTP/1.1\r\nHost: localhost\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(response->version(), 11u);
  EXPECT_EQ((*response)[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ((*response)[http::field::content_length], "12");
  EXPECT_EQ((*response)[http::field::server], kServer);
  EXPECT_EQ((*response)["X-Page"], "hello");
  EXPECT_EQ((*response)[http::field::cache_control], "no-store");
  EXPECT_EQ(response->body(), "<p>hello</p>");
  EXPECT_TRUE(response->keep_alive());
}

TEST_F(WebServerTest, HandlerSeesTargetPathAndQueryUndecoded) {
  StartServer();
  RawClient client = Connect();
  client.Send("GET /diff?doc=a%2Fb&a=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body(), "GET /diff?doc=a%2Fb&a=1 path=/diff query=doc=a%2Fb&a=1");
  client.Send("GET /plain%20path HTTP/1.1\r\nHost: x\r\n\r\n");
  response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body(), "GET /plain%20path path=/plain%20path query=");
}

TEST_F(WebServerTest, KeepAliveAnswersPipelinedRequestsInOrder) {
  StartServer();
  RawClient client = Connect();
  // Sent at once: the slow one first, so that answering in arrival order is what is tested.
  client.Send(
      "GET /later HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /two HTTP/1.1\r\nHost: x\r\n\r\n");
  auto first = client.Read();
  auto second = client.Read();
  auto third = client.Read();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->result_int(), 202u);
  EXPECT_EQ(first->body(), "later");
  EXPECT_EQ(second->body(), "GET /one path=/one query=");
  EXPECT_EQ(third->body(), "GET /two path=/two query=");
  EXPECT_EQ(Connections(), 1u);
}

TEST_F(WebServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  RawClient client = Connect();
  client.Send("GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ((*response)[http::field::connection], "close");
  EXPECT_EQ(response->body(), "<p>hello</p>");
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_TRUE(Eventually([this] { return server_->Connections() == 0; }));
}

TEST_F(WebServerTest, Http10ClosesUnlessKeepAliveIsAsked) {
  StartServer();
  RawClient plain = Connect();
  plain.Send("GET /hello HTTP/1.0\r\n\r\n");
  auto response = plain.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->version(), 10u);
  EXPECT_EQ(response->body(), "<p>hello</p>");
  EXPECT_TRUE(plain.ClosedByServer());

  RawClient keep = Connect();
  keep.Send("GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  response = keep.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ((*response)[http::field::connection], "keep-alive");
  keep.Send("GET /again HTTP/1.0\r\n\r\n");
  response = keep.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body(), "GET /again path=/again query=");
  EXPECT_TRUE(keep.ClosedByServer());
}

TEST_F(WebServerTest, HeadGetsTheHeadersAndContentLengthWithoutBody) {
  StartServer();
  RawClient client = Connect();
  client.Send("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\nGET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  auto head = client.Read(/*head=*/true);
  ASSERT_TRUE(head.has_value());
  EXPECT_EQ(head->result_int(), 200u);
  EXPECT_EQ((*head)[http::field::content_length], "12");
  EXPECT_EQ((*head)[http::field::content_type], "text/html; charset=utf-8");
  EXPECT_EQ((*head)["X-Page"], "hello");
  EXPECT_EQ(head->body(), "");
  // Had a body been sent, it would be read here as the start of the next response.
  auto after = client.Read();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->body(), "GET /after path=/after query=");
  // The same for the server's own answers.
  client.Send("HEAD /bad-header HTTP/1.1\r\nHost: x\r\n\r\nGET /again HTTP/1.1\r\nHost: x\r\n\r\n");
  auto failed = client.Read(/*head=*/true);
  ASSERT_TRUE(failed.has_value());
  EXPECT_EQ(failed->result_int(), 500u);
  const std::string why =
      "internal error: the page's response has CR, LF or NUL in header X-Evil\n";
  EXPECT_EQ((*failed)[http::field::content_length], std::to_string(why.size()));
  after = client.Read();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(after->body(), "GET /again path=/again query=");
}

TEST_F(WebServerTest, OtherMethodsGet405WithoutReachingTheHandler) {
  StartServer();
  RawClient client = Connect();
  for (const std::string method : {"POST", "DELETE", "OPTIONS", "BREW"}) {
    client.Send(method + " /hello HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = client.Read();
    ASSERT_TRUE(response.has_value()) << method;
    EXPECT_EQ(response->result_int(), 405u) << method;
    EXPECT_EQ((*response)[http::field::allow], "GET, HEAD");
    EXPECT_EQ((*response)[http::field::content_type], "text/plain; charset=utf-8");
    EXPECT_EQ((*response)[http::field::server], kServer);
    EXPECT_EQ(response->body(), "method not allowed: this server answers only GET and HEAD\n");
    // The server's own answers carry the same protective headers as the view's pages.
    EXPECT_EQ((*response)["X-Content-Type-Options"], "nosniff") << method;
    EXPECT_EQ((*response)["Content-Security-Policy"], "default-src 'none'") << method;
    EXPECT_EQ((*response)["Referrer-Policy"], "no-referrer") << method;
    EXPECT_EQ((*response)["X-Frame-Options"], "DENY") << method;
  }
  EXPECT_EQ(handled_, 0);
  // Without a body the connection goes on.
  client.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200u);
}

TEST_F(WebServerTest, RequestsWithABodyAreRefusedWith413AndClosed) {
  StartServer();
  for (const std::string framing : {"Content-Length: 5\r\n\r\nhello",
                                    "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"}) {
    RawClient client = Connect();
    client.Send("GET /hello HTTP/1.1\r\nHost: x\r\n" + framing);
    auto response = client.Read();
    ASSERT_TRUE(response.has_value()) << framing;
    EXPECT_EQ(response->result_int(), 413u);
    EXPECT_EQ((*response)[http::field::connection], "close");
    EXPECT_EQ(response->body(),
              "request bodies are not accepted: this server answers only GET and HEAD\n");
    EXPECT_TRUE(client.ClosedByServer()) << framing;
  }
  // A POST with a body is refused for its method, and closed since the body is not read.
  RawClient post = Connect();
  post.Send("POST /form HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na=1");
  auto response = post.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 405u);
  EXPECT_TRUE(post.ClosedByServer());
  // An explicit empty body is no body.
  RawClient empty = Connect();
  empty.Send("GET /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  response = empty.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200u);
  EXPECT_EQ(handled_, 1);
}

TEST_F(WebServerTest, HeadersOverTheLimitGet431AndClose) {
  options_.max_header_bytes = 1024;
  StartServer();
  RawClient client = Connect();
  client.Send("GET /hello HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(2000, 'a') + "\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 431u);
  EXPECT_EQ(response->body(),
            "request header fields too large: the request line and headers exceed 1024 bytes\n");
  EXPECT_TRUE(client.ClosedByServer());
  // A request line alone over the limit too.
  RawClient long_target = Connect();
  long_target.Send("GET /" + std::string(3000, 'p') + " HTTP/1.1\r\n");
  response = long_target.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 431u);
  EXPECT_TRUE(long_target.ClosedByServer());
  EXPECT_EQ(handled_, 0);
}

TEST_F(WebServerTest, MalformedRequestsGet400AndClose) {
  StartServer();
  for (const std::string& request :
       {std::string("GARBAGE\r\n\r\n"), std::string("GET /hello HTTP/x.y\r\n\r\n"),
        std::string("GET /hello HTTP/2.0\r\nHost: x\r\n\r\n"),
        std::string("GET /hello HTTP/1.1\r\nBad Header\r\n\r\n"),
        std::string("GET\0/ HTTP/1.1\r\n\r\n", 18)}) {
    RawClient client = Connect();
    client.Send(request);
    auto response = client.Read();
    ASSERT_TRUE(response.has_value()) << request;
    EXPECT_EQ(response->result_int(), 400u) << request;
    EXPECT_EQ((*response)[http::field::content_type], "text/plain; charset=utf-8");
    EXPECT_TRUE(response->body().starts_with("bad request: ")) << response->body();
    EXPECT_TRUE(client.ClosedByServer()) << request;
  }
  EXPECT_EQ(handled_, 0);
}

TEST_F(WebServerTest, TargetsThatAreNotOriginFormGet400) {
  StartServer();
  for (const std::string target : {"http://example.com/hello", "*", "hello"}) {
    RawClient client = Connect();
    client.Send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto response = client.Read();
    ASSERT_TRUE(response.has_value()) << target;
    EXPECT_EQ(response->result_int(), 400u) << target;
    EXPECT_EQ(response->body(), "bad request: the target must be a path starting with '/'\n");
    EXPECT_TRUE(client.ClosedByServer()) << target;
  }
  EXPECT_EQ(handled_, 0);
}

TEST_F(WebServerTest, HandlerFailuresAndUnframableResponsesGet500) {
  StartServer();
  RawClient client = Connect();
  client.Send("GET /boom HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 500u);
  EXPECT_EQ(response->body(), "internal error\n");
  client.Send("GET /bad-header HTTP/1.1\r\nHost: x\r\n\r\n");
  response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 500u);
  EXPECT_EQ(response->count(http::field::set_cookie), 0u);
  EXPECT_EQ(response->body(),
            "internal error: the page's response has CR, LF or NUL in header X-Evil\n");
  // The connection survives both.
  client.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200u);
}

TEST_F(WebServerTest, LateAnswerAfterTheClientLeftIsDropped) {
  StartServer();
  {
    RawClient client = Connect();
    client.Send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(Eventually([this] { return pending_count_ == 1; }));
  }  // the client hangs up while its request is in progress: its place is freed
  EXPECT_TRUE(Eventually([this] { return server_->Connections() == 0; }));
  OnIo([this] {
    pending_[0](Page(200, "too late"));
    pending_[0](Page(200, "twice"));
  });
  RawClient next = Connect();
  next.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = next.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body(), "<p>hello</p>");
}

// Requests whose clients left still run in the handler (the daemon renders them on its worker
// pool): at most max_requests_in_progress handler calls are pending at once, abandoned ones
// included, and a request beyond is answered 503 without reaching the handler. (Clients that
// sent a request and hung up at once used to pile up renders without bound and delay checks.)
TEST_F(WebServerTest, AbandonedRequestsStillCountUntilTheHandlerAnswers) {
  options_.max_requests_in_progress = 2;
  StartServer();
  for (int i = 1; i <= 2; ++i) {
    RawClient client = Connect();
    client.Send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(Eventually([this, i] { return pending_count_ == i; }));
  }  // both clients left; their requests are still with the handler
  EXPECT_TRUE(Eventually([this] { return server_->Connections() == 0; }));
  RawClient refused = Connect();
  refused.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto busy = refused.Read();
  ASSERT_TRUE(busy.has_value());
  EXPECT_EQ(busy->result_int(), 503);
  EXPECT_EQ((*busy)[boost::beast::http::field::retry_after], "1");
  EXPECT_EQ(pending_count_, 2);  // the handler never saw it
  OnIo([this] { pending_[0](Page(200, "late")); });
  refused.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");  // the same connection goes on
  auto served = refused.Read();
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ(served->body(), "<p>hello</p>");
}

TEST_F(WebServerTest, AnAnswerIsSentOnceEvenIfRespondIsCalledTwice) {
  StartServer();
  RawClient client = Connect();
  client.Send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Eventually([this] { return pending_count_ == 1; }));
  OnIo([this] {
    pending_[0](Page(200, "first"));
    pending_[0](Page(200, "second"));
  });
  client.Send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
  auto first = client.Read();
  auto next = client.Read();
  ASSERT_TRUE(first && next);
  EXPECT_EQ(first->body(), "first");
  EXPECT_EQ(next->body(), "GET /next path=/next query=");
}

TEST_F(WebServerTest, SilentAndHalfRequestClientsAreClosedAfterRequestTimeout) {
  options_.request_timeout = milliseconds(200);
  StartServer();
  RawClient silent = Connect();
  RawClient half = Connect();
  half.Send("GET /hello HTTP/1.1\r\nHost:");
  EXPECT_TRUE(silent.ClosedByServer());
  EXPECT_TRUE(half.ClosedByServer());
  EXPECT_TRUE(Eventually([this] { return server_->Connections() == 0; }));
  EXPECT_EQ(handled_, 0);
}

TEST_F(WebServerTest, KeepAliveConnectionsAreClosedAfterIdleTimeout) {
  options_.idle_timeout = milliseconds(200);
  StartServer();
  RawClient client = Connect();
  client.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(client.Read().has_value());
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_TRUE(Eventually([this] { return server_->Connections() == 0; }));
}

TEST_F(WebServerTest, AClientThatDoesNotReadItsAnswerIsClosedAfterWriteTimeout) {
  options_.write_timeout = milliseconds(200);
  big_bytes_ = 64 << 20;  // far more than the socket buffers hold
  StartServer();
  RawClient client = RawClient::Tcp(server_->Port(), /*receive_buffer=*/4096);
  client.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(Eventually([this] { return handled_ == 1 && server_->Connections() == 0; }));
}

TEST_F(WebServerTest, AFullServerClosesTheConnectionIdleLongest) {
  options_.max_clients = 3;
  StartServer();
  RawClient oldest = Connect();
  ASSERT_TRUE(Eventually([this] { return server_->Connections() == 1; }));
  RawClient busy = Connect();
  busy.Send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Eventually([this] { return pending_count_ == 1; }));
  RawClient newer = Connect();
  ASSERT_TRUE(Eventually([this] { return server_->Connections() == 3; }));
  RawClient arriving = Connect();
  EXPECT_TRUE(oldest.ClosedByServer());
  arriving.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = arriving.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 200u);
  newer.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_TRUE(newer.Read().has_value());
  EXPECT_EQ(Connections(), 3u);
}

TEST_F(WebServerTest, AServerFullOfRequestsInProgressAnswers503) {
  options_.max_clients = 2;
  StartServer();
  RawClient first = Connect();
  RawClient second = Connect();
  first.Send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
  second.Send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Eventually([this] { return pending_count_ == 2; }));
  RawClient refused = Connect();
  auto response = refused.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->result_int(), 503u);
  EXPECT_EQ((*response)[http::field::retry_after], "1");
  EXPECT_EQ((*response)[http::field::server], kServer);
  EXPECT_EQ(response->body(), "busy: every connection has a request in progress; retry later\n");
  EXPECT_TRUE(refused.ClosedByServer());
  // The requests in progress are untouched.
  OnIo([this] {
    pending_[0](Page(200, "one"));
    pending_[1](Page(200, "two"));
  });
  auto one = first.Read();
  auto two = second.Read();
  ASSERT_TRUE(one && two);
  EXPECT_EQ(one->body(), "one");
  EXPECT_EQ(two->body(), "two");
}

TEST_F(WebServerTest, ShutdownThenDestructionWithRequestsInFlight) {
  StartServer();
  RawClient waiting = Connect();
  waiting.Send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
  RawClient idle = Connect();
  RawClient writing = Connect();
  big_bytes_ = 8 << 20;
  writing.Send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Eventually([this] { return pending_count_ == 1 && handled_ == 2; }));
  OnIo([this] { server_->Shutdown(); });
  EXPECT_EQ(Connections(), 0u);
  EXPECT_TRUE(waiting.ClosedByServer());
  EXPECT_TRUE(idle.ClosedByServer());
  OnIo([this] {
    server_.reset();
    pending_[0](Page(200, "after the server is gone"));
  });
}

TEST_F(WebServerTest, DestructionWithoutShutdownClosesConnections) {
  StartServer();
  RawClient waiting = Connect();
  waiting.Send("GET /hang HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_TRUE(Eventually([this] { return pending_count_ == 1; }));
  OnIo([this] { server_.reset(); });
  EXPECT_TRUE(waiting.ClosedByServer());
  OnIo([this] { pending_[0](Page(200, "nobody listens")); });
}

// Accepts that completed but whose handler has not run yet when the server goes away must not
// touch it (a sanitizer build reports a use after free if they do).
TEST_F(WebServerTest, DestructionWhileClientsKeepConnecting) {
  StartServer();
  const uint16_t port = server_->Port();
  std::atomic<bool> stop{false};
  std::thread clients([port, &stop] {
    while (!stop) {
      const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(port);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0)
        stop = true;
      close(fd);
    }
  });
  std::this_thread::sleep_for(milliseconds(100));
  OnIo([this] { server_.reset(); });
  std::this_thread::sleep_for(milliseconds(50));
  stop = true;
  clients.join();
  EXPECT_EQ(server_, nullptr);
}

// Out of descriptors, accepting a waiting client fails at once for as long as it waits; an
// accept retried at once would spin the io thread (and log a warning per attempt).
TEST_F(WebServerTest, OutOfDescriptorsAcceptWaitsBetweenAttemptsAndRecovers) {
  MakeServer();
  log_.emplace();
  RawClient waiting = Connect();  // in the backlog: not accepted yet
  const std::size_t handlers_run = testing::HandlersRunOutOfDescriptors(io_, milliseconds(300));
  // Every handler here is a failed accept or a retry wait: 100 ms apart, a handful.
  EXPECT_LE(handlers_run, 20u);
  EXPECT_EQ(log_->Count(spdlog::level::warn, "accept failed"), 1u);

  // Descriptors are back: the waiting client and a newcomer are served.
  thread_ = std::thread([this] { io_.run(); });
  waiting.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto answer = waiting.Read();
  ASSERT_TRUE(answer.has_value());
  EXPECT_EQ(answer->result_int(), 200u);
  RawClient newcomer = Connect();
  newcomer.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  const auto second = newcomer.Read();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->result_int(), 200u);
  EXPECT_EQ(log_->Count(spdlog::level::info, "accepting again"), 1u);
}

TEST_F(WebServerTest, ServesOnAUnixSocketWithMode0660ReplacingAStaleOne) {
  options_.tcp_address.clear();
  options_.socket_path = dir_ / "web.sock";
  {  // a socket file left by a process that died
    asio::local::stream_protocol::acceptor stale(io_);
    stale.open(asio::local::stream_protocol());
    stale.bind(asio::local::stream_protocol::endpoint(options_.socket_path.string()));
  }
  ASSERT_TRUE(std::filesystem::exists(options_.socket_path));
  StartServer();
  EXPECT_EQ(server_->Port(), 0);
  struct stat info {};
  ASSERT_EQ(stat(options_.socket_path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  RawClient client = Connect();
  client.Send("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n");
  auto response = client.Read();
  ASSERT_TRUE(response.has_value());
  EXPECT_EQ(response->body(), "<p>hello</p>");
  OnIo([this] { server_->Shutdown(); });
  EXPECT_FALSE(std::filesystem::exists(options_.socket_path));
}

TEST_F(WebServerTest, StartExplainsBadOptionsAndBusyAddresses) {
  asio::io_context io;
  auto start = [&io](WebOptions options) {
    WebServer server(io, std::move(options), [](const WebRequest&, auto) {});
    return server.Start();
  };
  WebOptions none;
  EXPECT_EQ(start(none).code(), Status::Code::kInvalidArgument);
  WebOptions both;
  both.tcp_address = "127.0.0.1";
  both.socket_path = dir_ / "web.sock";
  EXPECT_EQ(start(both).code(), Status::Code::kInvalidArgument);
  WebOptions bad_address;
  bad_address.tcp_address = "localhost";
  const Status bad = start(bad_address);
  EXPECT_EQ(bad.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad.message().find("'localhost' is not an IP address"), std::string::npos);

  WebServer first(io, options_, [](const WebRequest&, auto) {});
  ASSERT_TRUE(first.Start().ok());
  WebOptions same_port = options_;
  same_port.tcp_port = first.Port();
  const Status in_use = start(same_port);
  EXPECT_EQ(in_use.code(), Status::Code::kIoError);
  EXPECT_NE(in_use.message().find("127.0.0.1:" + std::to_string(first.Port())), std::string::npos)
      << in_use.message();
  EXPECT_NE(in_use.message().find("in use"), std::string::npos) << in_use.message();
}

TEST_F(WebServerTest, ListensOnIpv6Loopback) {
  options_.tcp_address = "::1";
  server_ = std::make_unique<WebServer>(
      io_, options_, [](const WebRequest&, auto respond) { respond(Page(204, "")); });
  const Status started = server_->Start();
  if (!started.ok()) GTEST_SKIP() << "no IPv6 loopback here: " << started.ToString();
  EXPECT_NE(server_->Port(), 0);
}

}  // namespace
}  // namespace policyd

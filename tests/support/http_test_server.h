// HttpTestServer: a small HTTP/1.1 server on a loopback address for tests (never the
// network). It serves a mutable map path → response, records every request (target, headers,
// arrival time), counts requests per path and the peak number answered at once, and can
// misbehave on purpose: answer late, never answer, drip the body, reset the connection
// mid-body, or send arbitrary bytes.
//
// Built on Boost.Beast with blocking I/O: one thread accepts, one thread per connection
// (keep-alive honoured). Every method is thread-safe. The destructor (or Stop()) unblocks and
// joins all threads.
//
// Example:
//   policyd::testing::HttpTestServer server;              // 127.0.0.1, ephemeral port
//   server.Set("/terms", {.status = 200, .headers = {{"ETag", "\"v1\""}}, .body = "hello"});
//   fetch(server.Url("/terms"));
//   EXPECT_EQ(server.RequestCount("/terms"), 1u);
//   EXPECT_EQ(server.Requests()[0].headers.at("user-agent"), "policyd/0.1");
#ifndef POLICYD_TESTS_SUPPORT_HTTP_TEST_SERVER_H_
#define POLICYD_TESTS_SUPPORT_HTTP_TEST_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace policyd::testing {

struct TestResponse {
  int status = 200;
  // Sent as given (any case, repeats allowed). Content-Length is added unless present or
  // `chunked`.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent as-is (e.g. pre-compressed bytes with Content-Encoding: gzip)

  std::chrono::milliseconds delay{0};  // wait this long before answering
  bool hang = false;                   // read the request, then never answer (until Stop)
  bool chunked = false;                // Transfer-Encoding: chunked instead of Content-Length
  bool close = false;                  // close the connection after this response
  // Drip: send the body `drip_bytes` at a time, `drip_interval` apart (headers announce the
  // full Content-Length).
  std::size_t drip_bytes = 0;
  std::chrono::milliseconds drip_interval{0};
  // Send the headers (announcing the full body) and this many body bytes, then reset the
  // connection (RST).
  std::optional<std::size_t> reset_after_bytes;
  // `body` is the complete response, status line included, written verbatim; then close.
  bool raw = false;
};

struct RecordedRequest {
  std::string method;
  std::string target;                             // as sent, with the query string
  std::string path;                               // target without the query string: the route key
  std::map<std::string, std::string> headers;     // lower-case names; repeats joined with ", "
  std::string body;                               // the request body (Beast's 1 MiB limit)
  std::chrono::steady_clock::time_point arrival;  // when the request was fully read
  uint64_t connection = 0;                        // 1, 2, ... in accept order
};

class HttpTestServer {
 public:
  using Handler = std::function<TestResponse(const RecordedRequest&)>;

  // Listens on `bind_address` (e.g. "127.0.0.1", "127.0.0.2", "::1") and an ephemeral port.
  // Throws on failure.
  explicit HttpTestServer(const std::string& bind_address = "127.0.0.1");
  ~HttpTestServer();
  HttpTestServer(const HttpTestServer&) = delete;
  HttpTestServer& operator=(const HttpTestServer&) = delete;

  // Routes, by path (without query). Unknown paths get 404. May change while serving.
  void Set(const std::string& path, TestResponse response);
  void SetHandler(const std::string& path, Handler handler);
  void Remove(const std::string& path);

  uint16_t port() const { return port_; }
  const std::string& address() const { return address_; }
  std::string BaseUrl() const;  // "http://127.0.0.1:12345" ("http://[::1]:12345")
  std::string Url(std::string_view path) const { return BaseUrl() + std::string(path); }

  std::size_t RequestCount(std::string_view path) const;
  std::size_t TotalRequests() const;
  std::vector<RecordedRequest> Requests() const;  // in arrival order
  std::vector<RecordedRequest> RequestsFor(std::string_view path) const;
  std::size_t MaxConcurrent() const;  // peak of requests being answered at the same time
  std::size_t Connections() const;    // connections accepted so far
  void ResetStats();                  // forgets recorded requests and the peak

  // Stops accepting, wakes hanging/dripping responses, closes connections, joins threads.
  // Idempotent.
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string address_;
  uint16_t port_ = 0;
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_HTTP_TEST_SERVER_H_

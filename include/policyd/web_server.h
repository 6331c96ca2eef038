// The HTTP/1.1 server of the read-only web view (issue 18 item 4): framing only. It reads
// requests, hands GET and HEAD to the handler and writes its answers; what a page shows is the
// handler's business. Off by default; it listens on loopback TCP or on a Unix socket (mode
// 0660) and sits behind a reverse proxy for anything else.
//
// Framing:
// - HTTP/1.0 and HTTP/1.1; keep-alive as the request asks (HTTP/1.1 keeps the connection
//   unless `Connection: close`, HTTP/1.0 closes unless `Connection: keep-alive`). One request
//   at a time per connection, answered in order; pipelined requests wait for their turn.
// - Only GET and HEAD reach the handler. Any other method: 405 with `Allow: GET, HEAD`. HEAD:
//   the handler's status and headers with the Content-Length of its body, and no body.
// - The server answers some requests by itself, with a short text/plain body saying why.
//   Closing the connection after: 400 for a malformed request (an HTTP version other than 1.0
//   and 1.1 included) or a target that is not origin-form (not starting with '/'); 413 for a
//   request with a body (Content-Length > 0 or Transfer-Encoding; a body is never read, so a
//   405 for a request with one closes too); 431 when the request line and headers exceed
//   `max_header_bytes`; 503 with `Retry-After: 1` when every place is taken by a request in
//   progress. Keeping it: 500 when the handler throws, or answers a status outside 200..599 or
//   a header that would break the framing (CR, LF or NUL in it; Content-Length,
//   Transfer-Encoding or Connection, which the server sets).
// - Every response has `Content-Length` and `Server: policyd/<version>`.
//
// Bounds: at most `max_clients` connections. When a new client arrives and every place is
// taken, the connection that has waited longest without a request in progress is closed (as
// the control server does); only when every connection has a request in progress is the new
// one refused with 503. A client has `request_timeout` to send a whole request (from its
// connection, or from the first byte of a later request), `idle_timeout` between requests and
// `write_timeout` to take each whole answer. A client that hangs up while its request is in
// progress gives its place back at once; the handler's late answer is then dropped. Its
// request still counts among `max_requests_in_progress` until the handler answers it: when
// that many are pending, a new request gets 503 with `Retry-After: 1` (the connection stays),
// so clients that ask and leave cannot pile up work behind the handler.
//
// Everything runs on the io thread of the io_context given; the server never does CPU work
// beyond framing.
#ifndef POLICYD_WEB_SERVER_H_
#define POLICYD_WEB_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/http/verb.hpp>

#include "policyd/accept_loop.h"
#include "policyd/status.h"

namespace policyd {

struct WebRequest {
  boost::beast::http::verb method;  // only GET and HEAD reach the handler
  std::string target;               // as sent, e.g. "/diff?doc=a%2Fb&a=1"
  std::string path;                 // target before '?', not decoded ("/diff")
  std::string query;                // after '?', not decoded ("" when none)
};

struct WebResponse {
  unsigned status = 200;
  std::string content_type;  // e.g. "text/html; charset=utf-8"; no header when empty
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers, sent as given
};

// Called on the io thread; must call `respond` exactly once, on the io thread, now or later.
// Calls after the first, or after the client left or the server shut down, do nothing.
using WebHandler = std::function<void(const WebRequest&, std::function<void(WebResponse)> respond)>;

struct WebOptions {
  // Exactly one listener: TCP (tcp_address non-empty, e.g. "127.0.0.1" or "::1"; tcp_port 0 =
  // any free port, see Port()) or a Unix socket (socket_path non-empty, created mode 0660, a
  // stale socket file replaced as the control socket's is).
  std::string tcp_address;
  uint16_t tcp_port = 0;
  std::filesystem::path socket_path;
  std::size_t max_clients = 64;
  // Handler calls not answered yet, those of clients that left included: a request beyond is
  // answered 503 (Retry-After: 1) without reaching the handler.
  std::size_t max_requests_in_progress = 8;
  std::size_t max_header_bytes = 16 * 1024;           // request line + headers
  std::chrono::milliseconds request_timeout{10'000};  // to receive one whole request
  std::chrono::milliseconds idle_timeout{30'000};     // keep-alive wait for the next request
  std::chrono::milliseconds write_timeout{30'000};    // a client that does not read its answer
};

class WebServer {
 public:
  WebServer(boost::asio::io_context& io, WebOptions options, WebHandler handler);
  ~WebServer();
  WebServer(const WebServer&) = delete;
  WebServer& operator=(const WebServer&) = delete;

  // Binds and listens. InvalidArgument for options naming no listener or both, or an address
  // that is not an IP address; IoError (address in use...) or Busy (another process listens
  // on the socket) with the address in the message.
  Status Start();
  uint16_t Port() const;  // the TCP port actually bound (0 for a Unix socket)
  // Stops accepting and closes every connection; responds still pending become no-ops.
  void Shutdown();
  std::size_t Connections() const { return connections_.size(); }

  class Connection;

 private:
  friend class Connection;
  Status StartTcp();
  Status StartUnix();
  void Admit(boost::asio::generic::stream_protocol::socket socket);
  // Closes the connection that has waited longest without a request in progress; false if
  // every connection has a request in progress.
  bool EvictLongestWaiting();
  void Forget(Connection* connection);

  WebOptions options_;
  WebHandler handler_;
  boost::asio::ip::tcp::acceptor tcp_acceptor_;
  boost::asio::local::stream_protocol::acceptor unix_acceptor_;
  AcceptLoop<boost::asio::ip::tcp::acceptor> tcp_accept_loop_;
  AcceptLoop<boost::asio::local::stream_protocol::acceptor> unix_accept_loop_;
  uint16_t port_ = 0;
  std::set<std::shared_ptr<Connection>> connections_;
  // Handler calls not answered yet (max_requests_in_progress); shared with their responders,
  // which may outlive the server.
  std::shared_ptr<std::size_t> requests_in_progress_ = std::make_shared<std::size_t>(0);
};

}  // namespace policyd

#endif  // POLICYD_WEB_SERVER_H_

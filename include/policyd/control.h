// Control protocol: JSON lines over a Unix stream socket (mode 0660).
//
//   request  {"id": <any>, "cmd": "status", ...arguments}\n
//   response {"id": <same>, "ok": true, "result": {...}}\n
//         or {"id": <same>, "ok": false, "error": {"code": "...", "message": "..."}}\n
// One request at a time per connection, answered in order. A client that closes its connection
// while its command is in progress gives its place back at once (the command still completes;
// its answer is dropped). Error codes: "bad_request"
// (not JSON, nested too deep, not an object, no string "cmd", an "id" that is not a scalar),
// "request_too_long", "busy", "unknown_command", "invalid_argument", "not_found", "internal".
// docs/CONTROL.md describes the protocol and the commands.
//
// Capacity: at most `max_clients` connections. When a new client arrives and every place is
// taken, the connection that has waited longest without a request in progress gives up its
// place (it can reconnect), so that an operator's `policyctl` gets through even while silent
// clients flood the socket; "busy" is answered only when every connection is mid-command.
//
// The server knows only the framing; what a command does is the daemon's handler. The client
// (policyd/control_client.h) is apart, without Asio, for policyctl.
#ifndef POLICYD_CONTROL_H_
#define POLICYD_CONTROL_H_

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <set>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <nlohmann/json.hpp>

#include "policyd/accept_loop.h"
#include "policyd/control_client.h"
#include "policyd/status.h"
#include "policyd/unix_socket.h"

namespace policyd {

// {"ok":true,"result":result}
nlohmann::json ControlOk(nlohmann::json result = nlohmann::json::object());
// {"ok":false,"error":{"code":code,"message":message}}
nlohmann::json ControlError(std::string_view code, std::string_view message);
// ControlError for a failed Status: NotFound -> "not_found", InvalidArgument ->
// "invalid_argument", anything else -> "internal" (with the status's full text).
nlohmann::json ControlErrorFromStatus(const Status& status);

// Requests nest no deeper than this: the deepest real one, `add` with selector lists, is 2.
inline constexpr std::size_t kMaxControlRequestDepth = 16;

// One request line, read as the server reads it. A request is a JSON object, nested at most
// `max_depth` deep, with a string "cmd" and, if present, a scalar "id" (null, boolean, number
// or string: it is echoed in the response, so it must stay small and flat).
struct ControlRequest {
  nlohmann::json id;       // the request's id, when it could be read; else null
  nlohmann::json request;  // the request object; null when `error` is set
  nlohmann::json error;    // null, or the ControlError(...) to answer instead ("bad_request")
};
ControlRequest ParseControlRequest(std::string_view line,
                                   std::size_t max_depth = kMaxControlRequestDepth);

struct ControlOptions {
  std::filesystem::path socket_path;
  std::size_t max_clients = 16;
  std::size_t max_request_bytes = 1 << 20;
  // A client that has not sent its first request by then is disconnected: a connection that
  // never speaks must not hold one of the `max_clients` places for long.
  std::chrono::milliseconds first_request_timeout{5'000};
  std::chrono::milliseconds idle_timeout{300'000};  // between requests of one client
  // An answer its client has not read by then closes the client: one that stopped reading (a
  // suspended policyctl, a hung script) must not hold one of the `max_clients` places.
  std::chrono::milliseconds write_timeout{30'000};
};

// Called on the io thread with a well-formed request object (it has a string "cmd"). Must call
// `respond` exactly once, on the io thread, with ControlOk(...) or ControlError(...), now or
// later (after work on another thread).
using ControlHandler =
    std::function<void(const nlohmann::json& request, std::function<void(nlohmann::json)> respond)>;

class ControlServer {
 public:
  ControlServer(boost::asio::io_context& io, ControlOptions options, ControlHandler handler);
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  Status Start();   // binds, chmod 0660, listens
  void Shutdown();  // stops accepting and closes every connection

  class Connection;

 private:
  friend class Connection;
  // A client just accepted: served, or answered "busy" and closed.
  void Admit(boost::asio::local::stream_protocol::socket socket);
  // Closes the connection that has waited longest for a request; false if every connection
  // has a request in progress.
  bool EvictLongestWaiting();
  void Forget(Connection* connection);

  ControlOptions options_;
  ControlHandler handler_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  // Declared after acceptor_, which it uses.
  AcceptLoop<boost::asio::local::stream_protocol::acceptor> accept_loop_;
  std::set<std::shared_ptr<Connection>> connections_;
};

}  // namespace policyd

#endif  // POLICYD_CONTROL_H_

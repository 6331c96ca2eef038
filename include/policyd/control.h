// Control protocol: JSON lines over a Unix stream socket (mode 0660).
//
//   request  {"id": <any>, "cmd": "status", ...arguments}\n
//   response {"id": <same>, "ok": true, "result": {...}}\n
//         or {"id": <same>, "ok": false, "error": {"code": "...", "message": "..."}}\n
// One request at a time per connection, answered in order. Error codes: "bad_request"
// (not JSON, not an object, no "cmd"), "request_too_long", "unknown_command",
// "invalid_argument", "not_found", "internal". docs and README list the commands.
//
// The server knows only the framing; what a command does is the daemon's handler.
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

struct ControlOptions {
  std::filesystem::path socket_path;
  std::size_t max_clients = 16;
  std::size_t max_request_bytes = 1 << 20;
  std::chrono::milliseconds idle_timeout{300'000};  // a silent client is disconnected
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
  void Accept();
  void Forget(Connection* connection);

  boost::asio::io_context& io_;
  ControlOptions options_;
  ControlHandler handler_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::set<std::shared_ptr<Connection>> connections_;
  bool shutting_down_ = false;
};

// Blocking client used by policyctl and tests.
class ControlClient {
 public:
  static Result<ControlClient> Connect(const std::filesystem::path& socket_path,
                                       std::chrono::milliseconds timeout);
  // Sends `request` (an "id" is added) and returns the whole response object.
  Result<nlohmann::json> Call(nlohmann::json request);

 private:
  explicit ControlClient(UnixClientSocket socket) : socket_(std::move(socket)) {}
  UnixClientSocket socket_;
  uint64_t next_id_ = 1;
};

}  // namespace policyd

#endif  // POLICYD_CONTROL_H_

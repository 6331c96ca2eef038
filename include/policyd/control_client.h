// The blocking client of the control protocol (policyd/control.h: JSON lines over a Unix
// stream socket), used by policyctl and tests. Plain sockets (policyd/unix_socket.h), no Asio:
// policyctl links this and not the server.
#ifndef POLICYD_CONTROL_CLIENT_H_
#define POLICYD_CONTROL_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "policyd/status.h"
#include "policyd/unix_socket.h"

namespace policyd {

class ControlClient {
 public:
  static Result<ControlClient> Connect(const std::filesystem::path& socket_path,
                                       std::chrono::milliseconds timeout);
  // Sends `request` (an "id" is added) and returns the whole response object.
  Result<nlohmann::json> Call(nlohmann::json request);
  // How long Call waits for the answer (0 = for ever); the connect timeout until changed.
  // A command that waits on purpose (`check` with "wait") needs more than its own timeout.
  void SetReadTimeout(std::chrono::milliseconds timeout) { socket_.SetReadTimeout(timeout); }

 private:
  explicit ControlClient(UnixClientSocket socket) : socket_(std::move(socket)) {}
  UnixClientSocket socket_;
  uint64_t next_id_ = 1;
};

}  // namespace policyd

#endif  // POLICYD_CONTROL_CLIENT_H_

#include "policyd/control_client.h"

#include "policyd/json_text.h"

namespace policyd {

namespace {
constexpr std::size_t kMaxResponseBytes = 256u << 20;  // diffs of large policies fit
}  // namespace

Result<ControlClient> ControlClient::Connect(const std::filesystem::path& socket_path,
                                             std::chrono::milliseconds timeout) {
  auto socket = UnixClientSocket::Connect(socket_path, timeout);
  if (!socket.ok()) return socket.status();
  return ControlClient(std::move(*socket));
}

Result<nlohmann::json> ControlClient::Call(nlohmann::json request) {
  const uint64_t id = next_id_++;
  request["id"] = id;
  if (Status written = socket_.WriteAll(JsonText(request) + "\n"); !written.ok()) {
    // A daemon with every place taken writes why ("busy") and closes before reading a
    // request: the write fails (broken pipe), and the reason is still there to read.
    auto refusal = socket_.ReadLine(kMaxResponseBytes);
    if (!refusal.ok()) return written;
    auto response = nlohmann::json::parse(*refusal, nullptr, /*allow_exceptions=*/false);
    if (response.is_object() && response.contains("ok")) return response;
    return written;
  }
  auto line = socket_.ReadLine(kMaxResponseBytes);
  if (!line.ok()) {
    if (line.status().IsNotFound()) return Status::IoError("the daemon closed the connection");
    return line.status();
  }
  auto response = nlohmann::json::parse(*line, nullptr, /*allow_exceptions=*/false);
  // The events socket answers a command with feed.hello, or (it refuses unknown keys) with
  // a feed.error: either way, it is the wrong socket.
  if (const std::string type = response.is_object() ? response.value("type", "") : "";
      type.starts_with("feed.")) {
    return Status::Corruption("it answered with the events feed's " + type);
  }
  if (response.is_discarded() || !response.is_object() || !response.contains("ok")) {
    return Status::Corruption("malformed response from the daemon");
  }
  return response;
}

}  // namespace policyd

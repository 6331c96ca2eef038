// NotifySocket: a datagram socket standing in for systemd's notification socket. Point
// NOTIFY_SOCKET at its path; it collects what sd_notify(3) sends (READY=1, STATUS=..., ...).
#ifndef POLICYD_TESTS_SUPPORT_NOTIFY_SOCKET_H_
#define POLICYD_TESTS_SUPPORT_NOTIFY_SOCKET_H_

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

namespace policyd::testing {

class NotifySocket {
 public:
  explicit NotifySocket(const std::filesystem::path& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof address);
    timeval timeout{.tv_sec = 0, .tv_usec = 100'000};
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  }
  ~NotifySocket() { close(fd_); }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // Collects messages until one contains `needle` or `timeout` passes; true if seen.
  bool WaitFor(const std::string& needle, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      char buffer[4096];
      const ssize_t n = recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) continue;
      const std::string message(buffer, static_cast<std::size_t>(n));
      messages_.push_back(message);
      if (message.find(needle) != std::string::npos) return true;
    }
    return false;
  }
  const std::vector<std::string>& messages() const { return messages_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::vector<std::string> messages_;
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_NOTIFY_SOCKET_H_

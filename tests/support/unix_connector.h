// A thread that keeps connecting to a Unix socket path and hanging up at once, to have accepts
// complete all the time (while a server is destroyed, say). It stops on Stop(), on
// destruction, or once a connect fails (nothing listens any more).
#ifndef POLICYD_TESTS_SUPPORT_UNIX_CONNECTOR_H_
#define POLICYD_TESTS_SUPPORT_UNIX_CONNECTOR_H_

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <thread>

namespace policyd::testing {

class UnixConnector {
 public:
  explicit UnixConnector(const std::filesystem::path& path)
      : thread_([this, path] {
          while (!stop_) {
            if (!ConnectOnce(path)) return;
            ++connections_;
          }
        }) {}
  ~UnixConnector() { Stop(); }
  UnixConnector(const UnixConnector&) = delete;
  UnixConnector& operator=(const UnixConnector&) = delete;

  void Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  int connections() const { return connections_; }

 private:
  static bool ConnectOnce(const std::filesystem::path& path) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return false;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof address.sun_path - 1);
    const bool connected =
        ::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0;
    ::close(fd);
    return connected;
  }

  std::atomic<bool> stop_{false};
  std::atomic<int> connections_{0};
  std::thread thread_;  // last: starts once the flags exist
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_UNIX_CONNECTOR_H_

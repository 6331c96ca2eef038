// Helpers for the daemon's Unix stream sockets (control and events), in plain POSIX so that
// both the Asio servers and the blocking policyctl client can share them.
#ifndef POLICYD_UNIX_SOCKET_H_
#define POLICYD_UNIX_SOCKET_H_

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <string>

#include "policyd/status.h"

namespace policyd {

// Makes `path` ready for bind(): checks it fits in sun_path, creates the parent directory
// (mode 0750) if missing, and removes a stale socket left by a daemon that died. Fails with
// Busy when a live process still accepts on it (another policyd is running), and with
// InvalidArgument when something other than a socket is in the way.
Status PrepareUnixSocketPath(const std::filesystem::path& path);

// chmod(2) with a Status, used right after bind() and before listen(), so nobody can connect
// while the socket still has the process umask's mode.
Status RestrictSocketMode(const std::filesystem::path& path, mode_t mode);

// A connected, blocking client socket (RAII). Reads and writes time out after `timeout`.
// Connect fails with PermissionDenied("permission denied on PATH: join group 'G'") when the
// OS refuses access, G being the group of the socket (or of the directory that refused the
// search); with IoError when nothing listens there.
class UnixClientSocket {
 public:
  static Result<UnixClientSocket> Connect(const std::filesystem::path& path,
                                          std::chrono::milliseconds timeout);
  UnixClientSocket(UnixClientSocket&& other) noexcept;
  UnixClientSocket& operator=(UnixClientSocket&& other) noexcept;
  UnixClientSocket(const UnixClientSocket&) = delete;
  UnixClientSocket& operator=(const UnixClientSocket&) = delete;
  ~UnixClientSocket();

  Status WriteAll(std::string_view data);
  // Reads one '\n'-terminated line (without the '\n') of at most `max_bytes`. NotFound on a
  // clean end of stream before any byte; Busy on timeout.
  Result<std::string> ReadLine(std::size_t max_bytes);
  // Changes the read timeout (0 = wait forever).
  void SetReadTimeout(std::chrono::milliseconds timeout);
  int fd() const { return fd_; }

 private:
  explicit UnixClientSocket(int fd) : fd_(fd) {}
  int fd_ = -1;
  std::string buffer_;  // bytes read past the last returned line
};

}  // namespace policyd

#endif  // POLICYD_UNIX_SOCKET_H_

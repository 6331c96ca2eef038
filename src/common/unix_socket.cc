#include "policyd/unix_socket.h"

#include <grp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

#include "policyd/private_files.h"

namespace policyd {
namespace {

std::string ErrnoText(int error) { return std::strerror(error); }

Status FillAddress(const std::filesystem::path& path, sockaddr_un* address) {
  const std::string& native = path.native();
  if (native.empty() || native.size() >= sizeof(address->sun_path)) {
    return Status::InvalidArgument("socket path '" + native + "' is empty or longer than " +
                                   std::to_string(sizeof(address->sun_path) - 1) + " bytes");
  }
  std::memset(address, 0, sizeof *address);
  address->sun_family = AF_UNIX;
  std::memcpy(address->sun_path, native.c_str(), native.size() + 1);
  return Status::Ok();
}

void SetTimeout(int fd, int option, std::chrono::milliseconds timeout) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, option, &tv, sizeof tv);
}

// The name of group `gid`, or its number when it has no name.
std::string GroupName(gid_t gid) {
  std::vector<char> buffer(16384);
  group entry{};
  group* found = nullptr;
  if (getgrgid_r(gid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr) {
    return found->gr_name;
  }
  return std::to_string(gid);
}

// Access to a socket is granted by its group (mode 0660); when the socket itself cannot even
// be looked at, the directory that refused the search names the group instead.
Status PermissionDeniedOn(const std::filesystem::path& path) {
  struct stat info {};
  std::filesystem::path owner = path;
  while (stat(owner.c_str(), &info) != 0 && owner.has_parent_path() &&
         owner != owner.parent_path()) {
    owner = owner.parent_path();
  }
  std::string message = "permission denied on " + path.string();
  if (stat(owner.c_str(), &info) == 0) {
    const std::string whose = owner != path ? " (the group of " + owner.string() + ")" : "";
    if (info.st_gid == 0) {
      // Root's group is no group to join: the daemon ran as root.
      message += ": its group is root" + whose +
                 ": run policyctl as root (sudo), or run policyd under a group of its own (the "
                 "systemd unit's Group=policyd) and join that";
    } else {
      message += ": join group '" + GroupName(info.st_gid) + "'" + whose;
    }
  }
  return Status::PermissionDenied(message);
}

}  // namespace

Status PrepareUnixSocketPath(const std::filesystem::path& path) {
  sockaddr_un address{};
  if (Status s = FillAddress(path, &address); !s.ok()) return s;
  const auto parent = path.parent_path();
  if (!parent.empty()) {
    if (Status s = CreatePrivateDirectory(parent, ExistingDirectory::kKeepMode); !s.ok()) return s;
  }
  struct stat info {};
  if (lstat(path.c_str(), &info) != 0) {
    if (errno == ENOENT) return Status::Ok();
    return Status::IoError("cannot stat " + path.string() + ": " + ErrnoText(errno));
  }
  if (!S_ISSOCK(info.st_mode)) {
    // Not the config's fault (policyd exits 70, not 78): something else took the path.
    return Status::IoError(path.string() +
                           " exists and is not a socket: remove it, or give the socket another "
                           "path");
  }
  // A socket file exists: is someone still listening on it?
  auto probe = UnixClientSocket::Connect(path, std::chrono::milliseconds(500));
  if (probe.ok()) {
    return Status::Busy("another process is listening on " + path.string());
  }
  if (unlink(path.c_str()) != 0 && errno != ENOENT) {
    return Status::IoError("cannot remove stale socket " + path.string() + ": " + ErrnoText(errno));
  }
  return Status::Ok();
}

Status RestrictSocketMode(const std::filesystem::path& path, mode_t mode) {
  if (chmod(path.c_str(), mode) != 0) {
    return Status::IoError("cannot chmod " + path.string() + ": " + ErrnoText(errno));
  }
  return Status::Ok();
}

Result<UnixClientSocket> UnixClientSocket::Connect(const std::filesystem::path& path,
                                                   std::chrono::milliseconds timeout) {
  sockaddr_un address{};
  if (Status s = FillAddress(path, &address); !s.ok()) return s;
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Status::IoError("socket: " + ErrnoText(errno));
  UnixClientSocket client(fd);
  SetTimeout(fd, SO_RCVTIMEO, timeout);
  SetTimeout(fd, SO_SNDTIMEO, timeout);
  if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    if (error == EACCES || error == EPERM) return PermissionDeniedOn(path);
    struct stat info {};
    if (error == ECONNREFUSED && stat(path.c_str(), &info) == 0 && !S_ISSOCK(info.st_mode)) {
      return Status::IoError("cannot connect to " + path.string() + ": it is " +
                             (S_ISDIR(info.st_mode) ? "a directory" : "a file") + ", not a socket");
    }
    return Status::IoError("cannot connect to " + path.string() + ": " + ErrnoText(error));
  }
  return client;
}

UnixClientSocket::UnixClientSocket(UnixClientSocket&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffer_(std::move(other.buffer_)) {}

UnixClientSocket& UnixClientSocket::operator=(UnixClientSocket&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

UnixClientSocket::~UnixClientSocket() {
  if (fd_ >= 0) close(fd_);
}

Status UnixClientSocket::WriteAll(std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("write: " + ErrnoText(errno));
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return Status::Ok();
}

Result<std::string> UnixClientSocket::ReadLine(std::size_t max_bytes) {
  for (;;) {
    const auto newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    if (buffer_.size() > max_bytes) {
      return Status::InvalidArgument("line longer than " + std::to_string(max_bytes) + " bytes");
    }
    char chunk[65536];
    const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
    if (n == 0) {
      if (buffer_.empty()) return Status::NotFound("connection closed");
      return Status::IoError("connection closed in the middle of a line");
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::Busy("timed out");
      return Status::IoError("read: " + ErrnoText(errno));
    }
    buffer_.append(chunk, static_cast<std::size_t>(n));
  }
}

void UnixClientSocket::SetReadTimeout(std::chrono::milliseconds timeout) {
  SetTimeout(fd_, SO_RCVTIMEO, timeout);
}

}  // namespace policyd

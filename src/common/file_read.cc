#include "policyd/file_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace policyd {
namespace {

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

std::string_view KindOf(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is not a regular file (a FIFO)";
  if (S_ISCHR(mode)) return "is not a regular file (a character device)";
  if (S_ISBLK(mode)) return "is not a regular file (a block device)";
  if (S_ISSOCK(mode)) return "is not a regular file (a socket)";
  return "is not a regular file";
}

std::string ErrnoText(int error) { return std::strerror(error); }

}  // namespace

Result<std::string> ReadRegularFile(const std::filesystem::path& path, std::size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  const FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
  if (fd.get() < 0) {
    const int error = errno;
    std::string message = path.string() + ": cannot read: " + ErrnoText(error);
    return error == ENOENT ? Status::NotFound(std::move(message))
                           : Status::IoError(std::move(message));
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) {
    return Status::IoError(path.string() + ": cannot read: " + ErrnoText(errno));
  }
  if (!S_ISREG(info.st_mode)) {
    return Status::IoError(path.string() + ": cannot read: " + std::string(KindOf(info.st_mode)));
  }
  const auto too_large = [&] {
    return Status::InvalidArgument(path.string() + ": cannot read: larger than " +
                                   std::to_string(max_bytes) + " bytes");
  };
  if (static_cast<uint64_t>(info.st_size) > max_bytes) return too_large();
  std::string text;
  text.resize(static_cast<std::size_t>(info.st_size) + 1);  // one more: did it grow?
  std::size_t filled = 0;
  while (filled < text.size()) {
    const ssize_t got = ::read(fd.get(), text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Status::IoError(path.string() + ": cannot read: " + ErrnoText(errno));
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
    if (filled == text.size() && filled <= max_bytes)
      text.resize(std::min(max_bytes + 1, filled * 2));
  }
  if (filled > max_bytes) return too_large();
  text.resize(filled);
  return text;
}

}  // namespace policyd

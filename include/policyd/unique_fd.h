// UniqueFd: sole owner of a file descriptor, closed when it goes out of scope. The one RAII
// wrapper for raw descriptors (pipes to the browser and to PDF converters, temp files).
#ifndef POLICYD_UNIQUE_FD_H_
#define POLICYD_UNIQUE_FD_H_

#include <unistd.h>

#include <utility>

namespace policyd {

class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = other.Release();
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  // Gives the descriptor up without closing it.
  int Release() { return std::exchange(fd_, -1); }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Closes now; false (errno set) when close() failed: on some file systems that is where a
  // deferred write error shows up, so a file being made durable must check it.
  bool Close() {
    if (fd_ < 0) return true;
    const int result = ::close(Release());
    return result == 0;
  }

 private:
  int fd_ = -1;
};

}  // namespace policyd

#endif  // POLICYD_UNIQUE_FD_H_

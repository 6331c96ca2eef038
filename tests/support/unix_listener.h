// A listening Unix stream socket that accepts nothing: what a daemon leaves at a socket path,
// for tests of clients (permissions, wrong peers). Closed on destruction; the path is left.
#ifndef POLICYD_TESTS_SUPPORT_UNIX_LISTENER_H_
#define POLICYD_TESTS_SUPPORT_UNIX_LISTENER_H_

#include <filesystem>

namespace policyd::testing {

class UnixListener {
 public:
  explicit UnixListener(const std::filesystem::path& path);
  ~UnixListener();
  UnixListener(const UnixListener&) = delete;
  UnixListener& operator=(const UnixListener&) = delete;

  bool ok() const { return fd_ >= 0; }  // bound and listening

 private:
  int fd_ = -1;
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_UNIX_LISTENER_H_

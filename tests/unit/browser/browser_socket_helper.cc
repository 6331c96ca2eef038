// browser_socket_helper LISTEN_FD ARGV...: accepts one connection on the listening socket
// LISTEN_FD, puts it on fds 3 and 4 and execs ARGV, as a systemd socket unit with Accept=yes
// and `4>&3` would run chromium --remote-debugging-pipe. Test-only.
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s LISTEN_FD ARGV...\n", argv[0]);
    return 2;
  }
  const int listener = std::atoi(argv[1]);
  const int connection = ::accept(listener, nullptr, nullptr);
  if (connection < 0) {
    std::perror("accept");
    return 1;
  }
  if (::dup2(connection, 3) < 0 || ::dup2(connection, 4) < 0) {
    std::perror("dup2");
    return 1;
  }
  if (connection != 3 && connection != 4) ::close(connection);
  if (listener != 3 && listener != 4) ::close(listener);
  ::execv(argv[2], argv + 2);
  std::perror("execv");
  return 127;
}

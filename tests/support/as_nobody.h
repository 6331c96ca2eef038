// RunAsNobody: runs a piece of a test as an unprivileged user, for the messages a daemon or a
// client gives when the OS refuses them access. Needs root (tests skip without it).
#ifndef POLICYD_TESTS_SUPPORT_AS_NOBODY_H_
#define POLICYD_TESTS_SUPPORT_AS_NOBODY_H_

#include <grp.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

namespace policyd::testing {

inline constexpr uid_t kNobody = 65534;
inline constexpr gid_t kNoGroup = 65534;

// Runs `work` in a child process as nobody (uid and gid 65534, no supplementary groups) and
// returns the text it returned, or "cannot drop privileges".
inline std::string RunAsNobody(const std::function<std::string()>& work) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  const pid_t child = fork();
  if (child == 0) {
    close(fds[0]);
    std::string message = "cannot drop privileges";
    if (setgroups(0, nullptr) == 0 && setgid(kNoGroup) == 0 && setuid(kNobody) == 0) {
      message = work();
    }
    (void)!write(fds[1], message.data(), message.size());
    _exit(0);
  }
  close(fds[1]);
  std::string message;
  char buffer[512];
  for (ssize_t n; (n = read(fds[0], buffer, sizeof buffer)) > 0;) message.append(buffer, n);
  close(fds[0]);
  waitpid(child, nullptr, 0);
  return message;
}

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_AS_NOBODY_H_

#include "pager.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <vector>

extern char** environ;

namespace policyd {
namespace {

// The pager's environment: ours, plus LESS=FRX when LESS is unset.
std::vector<std::string> PagerEnvironment() {
  std::vector<std::string> environment;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    environment.emplace_back(*entry);
  }
  if (std::getenv("LESS") == nullptr) environment.emplace_back("LESS=FRX");
  return environment;
}

void Ignore(int signal_number, struct sigaction* saved) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  sigaction(signal_number, &ignore, saved);
}

}  // namespace

std::optional<std::size_t> TerminalWidth(int fd) {
  winsize size{};
  if (isatty(fd) == 0 || ioctl(fd, TIOCGWINSZ, &size) != 0 || size.ws_col == 0) {
    return std::nullopt;
  }
  return size.ws_col;
}

std::optional<std::string> PagerCommand(const char* pager_env) {
  if (pager_env == nullptr) return "less";
  const std::string command = pager_env;
  if (command.find_first_not_of(" \t") == std::string::npos || command == "cat") {
    return std::nullopt;
  }
  return command;
}

Pager::Pager(PagerOptions options) {
  if (!options.enabled) return;
  if (!options.terminal.value_or(isatty(STDOUT_FILENO) != 0)) return;
  const auto command = PagerCommand(std::getenv("PAGER"));
  if (command) Start(*command);
}

bool Pager::Start(const std::string& command) {
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return false;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // dup2 onto 0 clears close-on-exec there; both pipe ends themselves close at exec.
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], STDIN_FILENO);
  std::vector<std::string> environment = PagerEnvironment();
  std::vector<char*> envp;
  for (std::string& entry : environment) envp.push_back(entry.data());
  envp.push_back(nullptr);
  std::string shell = "/bin/sh";
  std::string flag = "-c";
  std::string script = command;
  char* argv[] = {shell.data(), flag.data(), script.data(), nullptr};
  pid_t pid = -1;
  const int spawned = posix_spawn(&pid, shell.c_str(), &actions, nullptr, argv, envp.data());
  posix_spawn_file_actions_destroy(&actions);
  close(pipe_fds[0]);
  if (spawned != 0) {
    close(pipe_fds[1]);
    return false;
  }
  std::cout.flush();
  std::fflush(stdout);
  saved_stdout_ = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 0);
  if (saved_stdout_ < 0 || dup2(pipe_fds[1], STDOUT_FILENO) < 0) {
    // Cannot redirect: the pager gets end of input at once and exits; stdout stays.
    close(pipe_fds[1]);
    if (saved_stdout_ >= 0) close(saved_stdout_);
    saved_stdout_ = -1;
    while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
    return false;
  }
  close(pipe_fds[1]);
  pid_ = pid;
  Ignore(SIGPIPE, &saved_sigpipe_);
  Ignore(SIGINT, &saved_sigint_);
  Ignore(SIGQUIT, &saved_sigquit_);
  return true;
}

void Pager::Close() {
  if (pid_ <= 0) return;
  std::cout.flush();
  std::fflush(stdout);
  // Our stdout was the pipe's last write end: giving it back is the pager's end of input.
  dup2(saved_stdout_, STDOUT_FILENO);
  close(saved_stdout_);
  saved_stdout_ = -1;
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
  sigaction(SIGPIPE, &saved_sigpipe_, nullptr);
  sigaction(SIGINT, &saved_sigint_, nullptr);
  sigaction(SIGQUIT, &saved_sigquit_, nullptr);
  // Writes into a pager that quit early failed (EPIPE): forget it, as the user did.
  std::cout.clear();
  std::clearerr(stdout);
}

}  // namespace policyd

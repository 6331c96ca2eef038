#include "bounded_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>

#include "policyd/unique_fd.h"

namespace policyd::pdf_internal {
namespace {

using SteadyClock = std::chrono::steady_clock;

bool MakePipe(UniqueFd* read_end, UniqueFd* write_end) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return false;
  *read_end = UniqueFd(fds[0]);
  *write_end = UniqueFd(fds[1]);
  return true;
}

// Everything the child needs, prepared before fork: after fork in a multi-threaded process
// only async-signal-safe calls are allowed, so no allocation happens in the child.
struct ChildSetup {
  std::vector<char*> argv;  // null-terminated; points into the caller's strings
  int stdin_fd = -1;
  int stdout_fd = -1;
  int stderr_fd = -1;
  int exec_error_fd = -1;  // close-on-exec: closed by a successful exec, else gets errno
  rlim_t memory = RLIM_INFINITY;
  rlim_t cpu_seconds = RLIM_INFINITY;
};

void SetLimit(int resource, rlim_t value) {
  const struct rlimit limit = {value, value};
  ::setrlimit(resource, &limit);
}

// oom_score_adj 1000: the first process the kernel kills when memory runs out. Raising one's
// own score needs no privilege. Async-signal-safe (open, write, close).
void OfferToOomKillerFirst() {
  const int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  (void)!::write(fd, "1000", 4);
  ::close(fd);
}

// Closes every descriptor from 3 up except `keep`: the daemon's sockets and database files
// must not leak into a converter, whether or not whoever opened them set close-on-exec.
void CloseOtherFds(int keep) {
  // close_range(CLOSE_RANGE_CLOEXEC) marks them all close-on-exec in one call (Linux 5.11);
  // `keep` is close-on-exec already, which is what it needs.
  constexpr unsigned kCloexec = 1u << 2;  // CLOSE_RANGE_CLOEXEC
  if (::syscall(SYS_close_range, 3u, ~0u, kCloexec) == 0) return;
  struct rlimit limit;
  const long max_fd = ::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536
                          ? static_cast<long>(limit.rlim_cur)
                          : 65536;
  for (long fd = 3; fd < max_fd; ++fd) {
    if (fd != keep) ::close(static_cast<int>(fd));
  }
}

[[noreturn]] void RunChild(const ChildSetup& setup) {
  ::setpgid(0, 0);  // its own group: a kill reaches anything it starts too
  // Signal dispositions set to ignore and the blocked mask survive exec: reset both.
  sigset_t all;
  ::sigemptyset(&all);
  ::sigprocmask(SIG_SETMASK, &all, nullptr);
  struct sigaction dfl = {};
  dfl.sa_handler = SIG_DFL;
  for (int sig = 1; sig < NSIG; ++sig) ::sigaction(sig, &dfl, nullptr);
  if (::dup2(setup.stdin_fd, 0) < 0 || ::dup2(setup.stdout_fd, 1) < 0 ||
      ::dup2(setup.stderr_fd, 2) < 0) {
    const int error = errno;
    (void)!::write(setup.exec_error_fd, &error, sizeof(error));
    ::_exit(127);
  }
  CloseOtherFds(setup.exec_error_fd);
  // Where the limits below are refused (policyd.service forbids setrlimit: ~@resources), a
  // converter that fills the unit's MemoryMax must be what the OOM killer takes, not the daemon.
  OfferToOomKillerFirst();
  SetLimit(RLIMIT_AS, setup.memory);
  SetLimit(RLIMIT_CPU, setup.cpu_seconds);
  SetLimit(RLIMIT_FSIZE, 0);
  SetLimit(RLIMIT_CORE, 0);
  ::execv(setup.argv[0], setup.argv.data());
  const int error = errno;
  (void)!::write(setup.exec_error_fd, &error, sizeof(error));
  ::_exit(127);
}

// Owns a started child: kills its group and reaps it unless Wait() already did, so no path
// out of RunBounded (an exception included) leaves a process or a zombie behind.
class ChildProcess {
 public:
  explicit ChildProcess(pid_t pid) : pid_(pid) {
    ::setpgid(pid_, pid_);  // also here: the group must exist before a kill, whoever runs first
  }
  ~ChildProcess() {
    if (pid_ > 0) {
      Kill();
      int status;
      Reap(&status, 0);
    }
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  void Kill() const {
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
  }
  // waitpid with EINTR retried; true when the child has been reaped (`status` is valid).
  bool Reap(int* status, int flags) {
    pid_t got;
    do {
      got = ::waitpid(pid_, status, flags);
    } while (got < 0 && errno == EINTR);
    if (got == pid_ || (got < 0 && errno == ECHILD)) {
      if (got < 0) *status = 0;  // reaped by someone else (SIGCHLD ignored): nothing to report
      pid_ = -1;
      return true;
    }
    return false;
  }

 private:
  pid_t pid_;
};

// Reads what is available on `fd` into `out`, keeping at most `keep` bytes. False at EOF or
// on an error (the pipe is then done).
bool Drain(int fd, std::size_t keep, std::string* out, bool* over) {
  char buffer[65536];
  const ssize_t n = ::read(fd, buffer, sizeof(buffer));
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  const std::size_t room = keep > out->size() ? keep - out->size() : 0;
  out->append(buffer, std::min(room, static_cast<std::size_t>(n)));
  if (static_cast<std::size_t>(n) > room) *over = true;
  return true;
}

int MillisLeft(SteadyClock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, INT_MAX));
}

// Reads both pipes until both are closed; returns the outcome that ended it early, if any.
ProcessResult::Outcome Collect(UniqueFd& out_fd, UniqueFd& err_fd, const ProcessLimits& limits,
                               SteadyClock::time_point deadline, ProcessResult* result) {
  while (out_fd.valid() || err_fd.valid()) {
    const int wait_ms = MillisLeft(deadline);
    if (wait_ms == 0) return ProcessResult::Outcome::kTimedOut;
    pollfd fds[2];
    nfds_t count = 0;
    if (out_fd.valid()) fds[count++] = {out_fd.get(), POLLIN, 0};
    if (err_fd.valid()) fds[count++] = {err_fd.get(), POLLIN, 0};
    const int ready = ::poll(fds, count, wait_ms);
    if (ready < 0 && errno != EINTR) return ProcessResult::Outcome::kTimedOut;
    for (nfds_t i = 0; ready > 0 && i < count; ++i) {
      if (fds[i].revents == 0) continue;
      bool over = false;
      if (fds[i].fd == out_fd.get()) {
        if (!Drain(fds[i].fd, limits.max_stdout_bytes, &result->stdout_data, &over)) {
          out_fd.Reset();
        }
        if (over) return ProcessResult::Outcome::kOutputExceeded;
      } else if (!Drain(fds[i].fd, limits.max_stderr_bytes, &result->stderr_data, &over)) {
        err_fd.Reset();
      }
    }
  }
  return ProcessResult::Outcome::kExited;
}

// Waits for the child to exit by `deadline` (it may close its pipes and keep running).
bool WaitUntil(ChildProcess& child, SteadyClock::time_point deadline, int* status) {
  while (!child.Reap(status, WNOHANG)) {
    if (MillisLeft(deadline) == 0) return false;
    ::usleep(2000);
  }
  return true;
}

// The child's pipes: its stdout and stderr, and the close-on-exec pipe through which a failed
// exec reports its errno. The parent reads the `_read` ends; the others are the child's.
struct ChildPipes {
  UniqueFd devnull;
  UniqueFd out_read, out_write;
  UniqueFd err_read, err_write;
  UniqueFd exec_read, exec_write;

  // 0 when every descriptor is open, else the errno of the first that is not.
  int Open() {
    devnull = UniqueFd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (!devnull.valid() || !MakePipe(&out_read, &out_write) || !MakePipe(&err_read, &err_write) ||
        !MakePipe(&exec_read, &exec_write)) {
      return errno;
    }
    return 0;
  }
  // In the parent after the fork: its copies of the child's ends must go, or the pipes never
  // reach EOF.
  void CloseChildEnds() {
    out_write.Reset();
    err_write.Reset();
    exec_write.Reset();
    devnull.Reset();
  }
};

ChildSetup SetupFor(const std::vector<std::string>& argv, const ProcessLimits& limits,
                    const ChildPipes& pipes) {
  ChildSetup setup;
  for (const std::string& arg : argv) setup.argv.push_back(const_cast<char*>(arg.c_str()));
  setup.argv.push_back(nullptr);
  setup.stdin_fd = pipes.devnull.get();
  setup.stdout_fd = pipes.out_write.get();
  setup.stderr_fd = pipes.err_write.get();
  setup.exec_error_fd = pipes.exec_write.get();
  if (limits.max_memory_bytes > 0) setup.memory = limits.max_memory_bytes;
  setup.cpu_seconds =
      static_cast<rlim_t>(std::chrono::ceil<std::chrono::seconds>(limits.timeout).count() + 1);
  return setup;
}

// The errno with which the child failed to start the program; 0 when it runs it (a
// successful exec closes the pipe without a word).
int ExecError(const UniqueFd& exec_read) {
  int exec_errno = 0;
  ssize_t n;
  do {
    n = ::read(exec_read.get(), &exec_errno, sizeof(exec_errno));
  } while (n < 0 && errno == EINTR);
  return n == sizeof(exec_errno) ? exec_errno : 0;
}

// After Collect: waits for the child's exit by `deadline` and records how it ended; a child
// that ran out of time or output is killed and reaped.
void FinishChild(ChildProcess& child, SteadyClock::time_point deadline, ProcessResult* result) {
  int status = 0;
  if (result->outcome == ProcessResult::Outcome::kExited && !WaitUntil(child, deadline, &status)) {
    result->outcome = ProcessResult::Outcome::kTimedOut;
  }
  if (result->outcome != ProcessResult::Outcome::kExited) {
    child.Kill();
    child.Reap(&status, 0);
    return;
  }
  if (WIFSIGNALED(status)) {
    result->outcome = ProcessResult::Outcome::kSignaled;
    result->signal = WTERMSIG(status);
  } else {
    result->exit_status = WEXITSTATUS(status);
  }
}

}  // namespace

ProcessResult RunBounded(const std::vector<std::string>& argv, const ProcessLimits& limits) {
  ProcessResult result;
  const auto deadline = SteadyClock::now() + limits.timeout;
  if (argv.empty()) {
    result.spawn_errno = EINVAL;
    return result;
  }
  ChildPipes pipes;
  if (const int error = pipes.Open(); error != 0) {
    result.spawn_errno = error;
    return result;
  }
  const ChildSetup setup = SetupFor(argv, limits, pipes);
  const pid_t pid = ::fork();
  if (pid < 0) {
    result.spawn_errno = errno;
    return result;
  }
  if (pid == 0) RunChild(setup);
  ChildProcess child(pid);
  pipes.CloseChildEnds();
  if (const int exec_errno = ExecError(pipes.exec_read); exec_errno != 0) {
    result.spawn_errno = exec_errno;
    return result;  // ~ChildProcess reaps it
  }
  result.outcome = Collect(pipes.out_read, pipes.err_read, limits, deadline, &result);
  FinishChild(child, deadline, &result);
  return result;
}

}  // namespace policyd::pdf_internal

// RunBounded: runs a program as a child process under hard limits and collects its output, so
// that a tool fed hostile input (a PDF converter on a crafted file) can at worst kill or hang
// itself, never the caller.
//
// The child is started with fork + execv (no shell, argv passed as is) in a process group of
// its own, with stdin on /dev/null, stdout and stderr on pipes, every other descriptor closed,
// and setrlimit: RLIMIT_AS (memory), RLIMIT_CPU (the timeout rounded up, plus one second: a
// backstop if the caller dies), RLIMIT_FSIZE 0 (it may not write files) and RLIMIT_CORE 0.
// The caller reads both pipes with poll(); past the wall-clock timeout or the stdout limit the
// whole process group is killed with SIGKILL, and the child is always reaped (no zombies).
//
// Thread-safe: uses no shared state. Blocking: returns when the child has exited or been killed.
#ifndef POLICYD_SRC_PDF_BOUNDED_PROCESS_H_
#define POLICYD_SRC_PDF_BOUNDED_PROCESS_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <vector>

namespace policyd::pdf_internal {

struct ProcessLimits {
  std::chrono::milliseconds timeout{30'000};  // wall clock, from fork to exit
  std::size_t max_memory_bytes = 0;           // RLIMIT_AS; 0 = inherit the caller's
  std::size_t max_stdout_bytes = 32u << 20;   // more -> killed, output_exceeded
  // Stderr is for messages: only this much is kept (the rest is read and dropped).
  std::size_t max_stderr_bytes = 64u << 10;
};

struct ProcessResult {
  enum class Outcome {
    kExited,          // exit_status is valid
    kSignaled,        // killed by `signal` (not by us): a crash, or RLIMIT_CPU's SIGXCPU/SIGKILL
    kTimedOut,        // we killed it at the wall-clock timeout
    kOutputExceeded,  // we killed it when stdout passed max_stdout_bytes
    kSpawnFailed,     // it never ran: `spawn_errno` says why (ENOENT: no such program)
  };
  Outcome outcome = Outcome::kSpawnFailed;
  int exit_status = -1;
  int signal = 0;
  int spawn_errno = 0;
  std::string stdout_data;  // at most max_stdout_bytes
  std::string stderr_data;  // at most max_stderr_bytes
  bool timed_out() const { return outcome == Outcome::kTimedOut; }
  bool output_exceeded() const { return outcome == Outcome::kOutputExceeded; }
};

// Runs argv[0] (a path; no PATH search) with arguments argv[1..]. `argv` must not be empty.
ProcessResult RunBounded(const std::vector<std::string>& argv, const ProcessLimits& limits);

}  // namespace policyd::pdf_internal

#endif  // POLICYD_SRC_PDF_BOUNDED_PROCESS_H_

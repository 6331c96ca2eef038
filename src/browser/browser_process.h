// BrowserProcess: a spawned Chromium with its CDP pipe, and the Unix-socket alternative.
//
// Spawn() runs `argv` with posix_spawn (no shell) in a new session, so that its process group
// id is its pid and one kill(-pgid) reaches every process it forks (renderers, zygote, GPU and
// utility processes). Its fd 3 is the read end of our command pipe and fd 4 the write end of
// its answer pipe; stdin, stdout and stderr are /dev/null (chromium's stderr is noisy and the
// protocol says what we need). Nothing else is inherited: our fds are close-on-exec.
//
// The object owns the process: Kill() (and the destructor) SIGKILLs the group and reaps the
// browser; its private directory is removed afterwards, once nothing writes to it. That
// directory holds the user-data directory (profile/) and the browser's TMPDIR (tmp/), so a
// killed browser's scratch files go with it.
#ifndef POLICYD_SRC_BROWSER_BROWSER_PROCESS_H_
#define POLICYD_SRC_BROWSER_BROWSER_PROCESS_H_

#include <sys/types.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "policyd/status.h"
#include "policyd/unique_fd.h"

namespace policyd {

// A private (0700) directory under $TMPDIR (or /tmp), removed recursively on destruction.
class TempDir {
 public:
  static Result<std::unique_ptr<TempDir>> Create(const std::string& prefix);
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  explicit TempDir(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

class BrowserProcess {
 public:
  // Starts `argv` (argv[0] is a path, not searched in PATH) with "--user-data-dir=<fresh
  // temp dir>/profile" appended and TMPDIR set to <fresh temp dir>/tmp.
  static Result<std::unique_ptr<BrowserProcess>> Spawn(std::vector<std::string> argv);
  ~BrowserProcess();  // Kill()
  BrowserProcess(const BrowserProcess&) = delete;
  BrowserProcess& operator=(const BrowserProcess&) = delete;

  // The CDP pipe ends; the caller takes them (once).
  UniqueFd TakeCommandFd() { return std::move(command_fd_); }  // we write
  UniqueFd TakeEventFd() { return std::move(event_fd_); }      // we read

  pid_t pid() const { return pid_; }
  bool Exited();  // reaps without blocking; true once the browser process is gone
  void Kill();    // SIGKILL to the group, reap, wait (at most 2 s) for the group; idempotent
  // The non-blocking half of Kill(), for the io thread: SIGKILL to the group, and true once
  // the browser is reaped and no process of its group is left (then destroying the object
  // does not wait). Call until it says so.
  bool KillWithoutWaiting();
  // Stops owning the process without waiting for it (after KillWithoutWaiting gave up): a
  // member of its group that never goes is left to init, and destruction removes the profile.
  void Forget() { pid_ = -1; }

  // The memory every process in the browser's process group uses together, in bytes
  // (ProcessGroupMemory: the group from /proc/<pid>/stat's pgrp).
  std::size_t GroupMemory() const;

 private:
  BrowserProcess() = default;

  pid_t pid_ = -1;
  bool reaped_ = false;
  UniqueFd command_fd_;
  UniqueFd event_fd_;
  std::unique_ptr<TempDir> private_dir_;
};

// Connects to a Unix stream socket (blocking: a local connect completes at once or fails).
Result<UniqueFd> ConnectUnixSocket(const std::filesystem::path& path);

// Waits (at most 2 s) until no process of group `pgid` is left.
void WaitForGroupGone(pid_t pgid);

// The memory all processes whose process group is `pgid` use together, in bytes: the sum of
// their proportional set sizes (Pss in /proc/PID/smaps_rollup: a page shared by n processes
// counts 1/n in each), so that the binary and heap Chromium's processes share count once.
// A process without smaps_rollup (a kernel before 4.14) counts its resident size.
std::size_t ProcessGroupMemory(pid_t pgid);

}  // namespace policyd

#endif  // POLICYD_SRC_BROWSER_BROWSER_PROCESS_H_

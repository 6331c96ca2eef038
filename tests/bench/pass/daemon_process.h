// The real policyd binary as a child process for the benchmarks: a private directory with the
// config, targets and state; start, control requests, /proc statistics, stop. Also the events
// subscriber that timestamps every event line when it is received.
#ifndef POLICYD_TESTS_BENCH_PASS_DAEMON_PROCESS_H_
#define POLICYD_TESTS_BENCH_PASS_DAEMON_PROCESS_H_

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace policyd::bench {

int64_t UnixMicros();

// Resident memory and CPU of one process, from /proc/<pid>/status and /proc/<pid>/stat.
struct ProcStats {
  int64_t rss_kb = 0;       // VmRSS
  int64_t peak_rss_kb = 0;  // VmHWM
  double cpu_seconds = 0;   // utime + stime
};
ProcStats ReadProcStats(pid_t pid);

// CPU seconds (utime + stime) of the process's live threads, summed by thread name
// (/proc/<pid>/task/*/stat): "policyd" (the io thread), "policyd-worker", RocksDB's
// "rocksdb:low"/"rocksdb:high", ... Threads that have exited are not in it.
std::map<std::string, double> ReadThreadCpu(pid_t pid);

// Total size of the regular files under `dir`.
uint64_t DirectoryBytes(const std::filesystem::path& dir);

class DaemonProcess {
 public:
  // Creates a fresh short directory under /tmp (socket paths must fit in 108 bytes) with
  // `config_body` appended to the paths section of policyd.toml.
  explicit DaemonProcess(const std::string& config_body);
  ~DaemonProcess();  // kills a still-running daemon, removes the directory
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path targets_dir() const { return dir_ / "targets"; }
  std::filesystem::path state_dir() const { return dir_ / "state"; }
  std::filesystem::path events_socket() const { return dir_ / "run" / "events.sock"; }
  std::filesystem::path control_socket() const { return dir_ / "run" / "control.sock"; }
  std::string Log() const;

  // Spawns policyd and waits until the control socket answers `status`; returns the time
  // that took, or a negative duration when the daemon exited or did not answer in `timeout`.
  std::chrono::microseconds Start(std::chrono::seconds timeout = std::chrono::seconds(60));
  // SIGTERM and wait; the exit code, or -1 (after SIGKILL) on timeout.
  int Stop(std::chrono::seconds timeout = std::chrono::seconds(30));
  pid_t pid() const { return pid_; }

  // One control request; {"ok":false,...} when the daemon cannot be reached.
  nlohmann::json Control(const nlohmann::json& request) const;
  nlohmann::json Status() const;  // the "result" of `status` (null on failure)
  // Polls `status` every `poll` until its checks_done reaches `checks_done`; returns that
  // status. Throws when the daemon stops answering or `timeout` passes first.
  nlohmann::json WaitForChecks(uint64_t checks_done, std::chrono::seconds timeout,
                               std::chrono::milliseconds poll) const;

 private:
  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

// A subscriber on the events socket, on its own thread; every line is kept with the
// wall-clock time it was read.
class EventCollector {
 public:
  struct Received {
    int64_t received_us = 0;
    uint64_t seq = 0;
    std::string type;
    std::string doc;
    int64_t time_ms = 0;  // the event's own "time" (-1 when absent or unparsable)
    // A commit-side timestamp in Unix microseconds, if the daemon sends one ("commit_us";
    // proposed in docs/PERFORMANCE.md), else -1.
    int64_t commit_us = -1;
    // For document.changed: its change_class ("" otherwise), words added and removed, and
    // the number of changed segments it lists.
    std::string change_class;
    int64_t words_added = 0;
    int64_t words_removed = 0;
    std::size_t segments_changed = 0;
  };

  // Connects, subscribes live-only ({"since": null}) and reads the hello before returning.
  explicit EventCollector(const std::filesystem::path& socket);
  ~EventCollector();
  EventCollector(const EventCollector&) = delete;
  EventCollector& operator=(const EventCollector&) = delete;

  std::size_t size() const;
  uint64_t last_seq() const { return last_seq_.load(); }
  std::vector<Received> Since(std::size_t index) const;  // events [index, size())
  bool failed() const { return failed_.load(); }

 private:
  void Loop(int fd);

  int fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<bool> failed_{false};
  std::atomic<bool> hello_seen_{false};
  std::atomic<uint64_t> last_seq_{0};
  mutable std::mutex mutex_;
  std::vector<Received> events_;
  std::thread thread_;
};

}  // namespace policyd::bench

#endif  // POLICYD_TESTS_BENCH_PASS_DAEMON_PROCESS_H_

// Test harness for the real policyd binary: writes a config and target files into a fresh
// temporary directory, starts `policyd` as a child process, talks to it through the real
// sockets, runs the real `policyctl`, and stops or kills it. Loopback only.
#ifndef POLICYD_TESTS_INTEGRATION_DAEMON_HARNESS_H_
#define POLICYD_TESTS_INTEGRATION_DAEMON_HARNESS_H_

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/unix_socket.h"

namespace policyd::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// Runs `argv` (argv[0] is the program), capturing stdout and stderr.
CommandResult RunCommand(const std::vector<std::string>& argv);
// Runs `argv` with stdout and stderr on a terminal (a pty), as an operator does: what the
// terminal shows, in order, in `out` (the terminal turns "\n" into "\r\n").
CommandResult RunOnTerminal(const std::vector<std::string>& argv);

class DaemonHarness {
 public:
  // Creates a temp dir with config/, targets/ and state/. `extra_config` is appended to the
  // generated policyd.toml (which allows loopback, has no per-host delay and long intervals);
  // a top-level key it sets (before its first table) replaces the generated one.
  explicit DaemonHarness(const std::string& extra_config = "");
  ~DaemonHarness();  // kills a still-running daemon, removes the temp dir

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path config_path() const { return dir_ / "policyd.toml"; }
  std::filesystem::path targets_dir() const { return dir_ / "targets"; }
  std::filesystem::path state_dir() const { return dir_ / "state"; }
  std::filesystem::path events_socket() const { return dir_ / "run" / "events.sock"; }
  std::filesystem::path control_socket() const { return dir_ / "run" / "control.sock"; }
  std::string log() const;  // the daemon's stderr so far

  void WriteTarget(const std::string& file_stem, const std::string& toml);

  // Starts policyd and waits until its control socket answers. Returns false (with the log
  // in the failure message) if it exits or does not answer in time.
  // `environment` entries ("NAME=value") are added to the daemon's environment.
  // `arguments` are added to its command line (after --config).
  bool Start(const std::vector<std::string>& environment = {},
             const std::vector<std::string>& arguments = {});
  // SIGTERM, then waits; returns the exit status (or -1 on timeout, after SIGKILL).
  int Stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Stop(), but SIGTERM is sent again every millisecond until the daemon has exited (an
  // impatient operator, a supervisor that repeats its signal).
  int StopWithRepeatedSignals(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  void Kill();  // SIGKILL and reap
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

  // One control request through the real socket; the whole response object.
  // `answer_within` bounds the wait for the answer: more for commands that wait on purpose
  // (`check` with "wait").
  nlohmann::json Control(const nlohmann::json& request,
                         std::chrono::milliseconds answer_within = std::chrono::seconds(5));
  // Waits until `status.checks_done` reaches `count`.
  bool WaitForChecks(uint64_t count, std::chrono::milliseconds timeout = std::chrono::seconds(30));
  // Runs the real policyctl with --config and `args`.
  CommandResult Policyctl(const std::vector<std::string>& args);

 private:
  int StopAfterSignals(std::chrono::milliseconds timeout, bool repeat);

  std::filesystem::path dir_;
  pid_t pid_ = -1;
};

// A subscriber on the events socket.
class EventSubscriber {
 public:
  // Connects and sends {"since": since} (null when nullopt); reads the hello.
  EventSubscriber(const std::filesystem::path& socket, std::optional<uint64_t> since);
  // The next event (feed.hello/heartbeat skipped), or nullopt if none arrives in `timeout`.
  std::optional<nlohmann::json> Next(std::chrono::milliseconds timeout = std::chrono::seconds(30));
  const nlohmann::json& hello() const { return hello_; }

 private:
  std::optional<UnixClientSocket> socket_;
  nlohmann::json hello_;
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_INTEGRATION_DAEMON_HARNESS_H_

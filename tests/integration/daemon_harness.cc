#include "daemon_harness.h"

#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

#include "policyd/control.h"

extern char** environ;

namespace policyd::testing {

namespace {

using std::chrono::milliseconds;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void WriteFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::filesystem::path MakeTempDir() {
  static std::atomic<int> counter{0};
  // Short: Unix socket paths must fit in 108 bytes.
  auto dir = std::filesystem::path("/tmp") /
             ("pd-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

// posix_spawn with stdout/stderr redirected to files.
pid_t Spawn(const std::vector<std::string>& argv, const std::filesystem::path& out,
            const std::filesystem::path& err, const std::vector<std::string>& environment = {}) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  std::vector<char*> env;
  for (char** entry = environ; *entry != nullptr; ++entry) env.push_back(*entry);
  for (const auto& entry : environment) env.push_back(const_cast<char*>(entry.c_str()));
  env.push_back(nullptr);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot spawn " + argv[0]);
  return pid;
}

int ExitCodeOf(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult RunOnTerminal(const std::vector<std::string>& argv) {
  int master = -1;
  const pid_t child = forkpty(&master, nullptr, nullptr, nullptr);
  if (child == 0) {
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(98);
  }
  CommandResult result;
  char buffer[4096];
  for (ssize_t n; (n = read(master, buffer, sizeof buffer)) > 0;) result.out.append(buffer, n);
  close(master);
  int status = 0;
  waitpid(child, &status, 0);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

CommandResult RunCommand(const std::vector<std::string>& argv) {
  const auto dir = MakeTempDir();
  const pid_t pid = Spawn(argv, dir / "out", dir / "err");
  int status = 0;
  waitpid(pid, &status, 0);
  CommandResult result{ExitCodeOf(status), ReadFile(dir / "out"), ReadFile(dir / "err")};
  std::filesystem::remove_all(dir);
  return result;
}

namespace {

// The harness's own settings; a key that `extra_config` sets before its first table replaces
// the one here (TOML refuses a key set twice).
std::string BaseConfig(const std::string& extra_config) {
  std::set<std::string> overridden;
  std::istringstream extra(extra_config);
  for (std::string line; std::getline(extra, line) && !line.starts_with('[');) {
    if (const auto equals = line.find('='); equals != std::string::npos) {
      const std::string key = line.substr(0, line.find_last_not_of(' ', equals - 1) + 1);
      overridden.insert(key);
    }
  }
  static const std::vector<std::pair<std::string, std::string>> kBase = {
      {"state_dir", "\"state\""},
      {"control_socket", "\"run/control.sock\""},
      {"events_socket", "\"run/events.sock\""},
      {"targets_dir", "\"targets\""},
      {"default_interval", "\"1h\""},
      {"first_check_window", "\"300ms\""},
      {"per_host_delay", "\"0ms\""},
      // Every test page is on one loopback host: two failing pages in a row would make it rest
      // and fail the other pages checked meanwhile. Tests of the rest set their own.
      {"strained_host_pause", "\"0s\""},
      {"allow_private_addresses", "true"},
      {"connect_timeout", "\"5s\""},
      {"total_timeout", "\"10s\""},
      {"log_level", "\"debug\""},
  };
  std::string config;
  for (const auto& [key, value] : kBase) {
    if (!overridden.contains(key)) config += key + " = " + value + "\n";
  }
  return config;
}

}  // namespace

DaemonHarness::DaemonHarness(const std::string& extra_config) : dir_(MakeTempDir()) {
  std::filesystem::create_directories(targets_dir());
  WriteFile(config_path(), BaseConfig(extra_config) + extra_config);
}

DaemonHarness::~DaemonHarness() {
  if (pid_ > 0) Kill();
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string DaemonHarness::log() const { return ReadFile(dir_ / "daemon.log"); }

void DaemonHarness::WriteTarget(const std::string& file_stem, const std::string& toml) {
  WriteFile(targets_dir() / (file_stem + ".toml"), toml);
}

bool DaemonHarness::Start(const std::vector<std::string>& environment,
                          const std::vector<std::string>& arguments) {
  std::vector<std::string> argv = {POLICYD_BIN, "--config", config_path().string()};
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  pid_ = Spawn(argv, dir_ / "daemon.log", dir_ / "daemon.log", environment);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    auto client = ControlClient::Connect(control_socket(), milliseconds(1000));
    if (client.ok()) {
      auto response = client->Call({{"cmd", "status"}});
      if (response.ok() && (*response)["ok"] == true) return true;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

namespace {

// SIGTERM to `pid` (again every millisecond when `repeat`), then its exit status; -1 after
// `timeout` (the process is then still running).
int TerminateAndWait(pid_t pid, std::chrono::milliseconds timeout, bool repeat) {
  kill(pid, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) return ExitCodeOf(status);
    if (repeat) kill(pid, SIGTERM);
    std::this_thread::sleep_for(milliseconds(repeat ? 1 : 10));
  }
  return -1;
}

}  // namespace

int DaemonHarness::Stop(std::chrono::milliseconds timeout) {
  return StopAfterSignals(timeout, /*repeat=*/false);
}

int DaemonHarness::StopWithRepeatedSignals(std::chrono::milliseconds timeout) {
  return StopAfterSignals(timeout, /*repeat=*/true);
}

int DaemonHarness::StopAfterSignals(std::chrono::milliseconds timeout, bool repeat) {
  if (pid_ <= 0) return -1;
  const int code = TerminateAndWait(pid_, timeout, repeat);
  if (code == -1) {
    Kill();
    return -1;
  }
  pid_ = -1;
  return code;
}

void DaemonHarness::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

nlohmann::json DaemonHarness::Control(const nlohmann::json& request,
                                      std::chrono::milliseconds answer_within) {
  auto client = ControlClient::Connect(control_socket(), milliseconds(5000));
  if (!client.ok()) return {{"ok", false}, {"error", client.status().ToString()}};
  client->SetReadTimeout(answer_within);
  auto response = client->Call(request);
  if (!response.ok()) return {{"ok", false}, {"error", response.status().ToString()}};
  return *response;
}

bool DaemonHarness::WaitForChecks(uint64_t count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    const auto status = Control({{"cmd", "status"}});
    if (status["ok"] == true && status["result"]["checks_done"].get<uint64_t>() >= count) {
      return true;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
  return false;
}

CommandResult DaemonHarness::Policyctl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {POLICYCTL_BIN, "--config", config_path().string()};
  argv.insert(argv.end(), args.begin(), args.end());
  return RunCommand(argv);
}

EventSubscriber::EventSubscriber(const std::filesystem::path& socket,
                                 std::optional<uint64_t> since) {
  auto connected = UnixClientSocket::Connect(socket, milliseconds(5000));
  if (!connected.ok()) throw std::runtime_error(connected.status().ToString());
  socket_.emplace(std::move(*connected));
  nlohmann::json request = {{"since", since ? nlohmann::json(*since) : nlohmann::json()}};
  if (!socket_->WriteAll(request.dump() + "\n").ok()) throw std::runtime_error("write failed");
  auto line = socket_->ReadLine(1 << 20);
  if (!line.ok()) throw std::runtime_error("no hello: " + line.status().ToString());
  hello_ = nlohmann::json::parse(*line);
}

std::optional<nlohmann::json> EventSubscriber::Next(std::chrono::milliseconds timeout) {
  socket_->SetReadTimeout(timeout);
  for (;;) {
    auto line = socket_->ReadLine(64 << 20);
    if (!line.ok()) return std::nullopt;
    auto message = nlohmann::json::parse(*line);
    const std::string type = message.value("type", "");
    if (type == "feed.hello" || type == "feed.heartbeat") continue;
    return message;
  }
}

}  // namespace policyd::testing

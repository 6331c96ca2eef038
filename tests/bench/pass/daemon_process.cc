#include "daemon_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "policyd/control.h"
#include "policyd/unix_socket.h"

extern char** environ;

namespace policyd::bench {

namespace {

using std::chrono::milliseconds;

std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// "2026-11-22T12:00:03.214Z" -> Unix milliseconds, -1 if it does not parse.
int64_t ParseEventTime(const std::string& text) {
  std::tm tm{};
  int millis = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ", &tm.tm_year, &tm.tm_mon,
                  &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &millis) != 7) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<int64_t>(timegm(&tm)) * 1000 + millis;
}

}  // namespace

int64_t UnixMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

namespace {

// The name and utime + stime (seconds) of a /proc/.../stat line. The name may contain spaces
// and parentheses: it runs from the first '(' to the last ')', and fields restart after it.
bool ParseStat(const std::string& stat, std::string* name, double* cpu_seconds) {
  const auto open = stat.find('(');
  const auto close = stat.rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  *name = stat.substr(open + 1, close - open - 1);
  std::istringstream fields(stat.substr(close + 2));
  std::vector<std::string> values;
  for (std::string field; fields >> field;) values.push_back(field);
  // Field 3 (state) is values[0]; utime and stime are fields 14 and 15.
  if (values.size() <= 12) return false;
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  *cpu_seconds = (std::stod(values[11]) + std::stod(values[12])) / ticks;
  return true;
}

}  // namespace

std::map<std::string, double> ReadThreadCpu(pid_t pid) {
  std::map<std::string, double> by_name;
  std::error_code ec;
  const std::filesystem::path tasks = "/proc/" + std::to_string(pid) + "/task";
  for (auto it = std::filesystem::directory_iterator(tasks, ec);
       !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
    std::string name;
    double seconds = 0;
    if (ParseStat(ReadText(it->path() / "stat"), &name, &seconds)) by_name[name] += seconds;
  }
  return by_name;
}

ProcStats ReadProcStats(pid_t pid) {
  ProcStats stats;
  const std::string base = "/proc/" + std::to_string(pid);
  std::istringstream status(ReadText(base + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmRSS:", 0) == 0) stats.rss_kb = std::stoll(line.substr(6));
    if (line.rfind("VmHWM:", 0) == 0) stats.peak_rss_kb = std::stoll(line.substr(6));
  }
  std::string name;
  ParseStat(ReadText(base + "/stat"), &name, &stats.cpu_seconds);
  return stats;
}

uint64_t DirectoryBytes(const std::filesystem::path& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
  }
  return total;
}

DaemonProcess::DaemonProcess(const std::string& config_body) {
  static int counter = 0;
  dir_ = std::filesystem::path("/tmp") /
         ("pdb-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
  std::filesystem::remove_all(dir_);
  std::filesystem::create_directories(targets_dir());
  std::ofstream config(dir_ / "policyd.toml");
  config << "state_dir = \"state\"\n"
            "control_socket = \"run/control.sock\"\n"
            "events_socket = \"run/events.sock\"\n"
            "targets_dir = \"targets\"\n"
         << config_body;
}

DaemonProcess::~DaemonProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string DaemonProcess::Log() const { return ReadText(dir_ / "daemon.log"); }

std::chrono::microseconds DaemonProcess::Start(std::chrono::seconds timeout) {
  const std::string log = (dir_ / "daemon.log").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  const std::string config = (dir_ / "policyd.toml").string();
  std::vector<std::string> argv = {POLICYD_BIN, "--config", config};
  std::vector<char*> args;
  for (auto& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);
  const auto start = std::chrono::steady_clock::now();
  const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error(std::string("cannot spawn ") + POLICYD_BIN);
  const auto deadline = start + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return std::chrono::microseconds(-1);
    }
    auto client = ControlClient::Connect(control_socket(), milliseconds(1000));
    if (client.ok()) {
      auto response = client->Call({{"cmd", "status"}});
      if (response.ok() && (*response)["ok"] == true) {
        return std::chrono::duration_cast<std::chrono::microseconds>(
            std::chrono::steady_clock::now() - start);
      }
    }
    // Short: this loop measures the startup time.
    std::this_thread::sleep_for(milliseconds(2));
  }
  return std::chrono::microseconds(-1);
}

int DaemonProcess::Stop(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return -1;
}

nlohmann::json DaemonProcess::Control(const nlohmann::json& request) const {
  auto client = ControlClient::Connect(control_socket(), milliseconds(10'000));
  if (!client.ok()) return {{"ok", false}, {"error", client.status().ToString()}};
  auto response = client->Call(request);
  if (!response.ok()) return {{"ok", false}, {"error", response.status().ToString()}};
  return *response;
}

nlohmann::json DaemonProcess::Status() const {
  nlohmann::json response = Control({{"cmd", "status"}});
  if (response.value("ok", false) != true) return nullptr;
  return response["result"];
}

nlohmann::json DaemonProcess::WaitForChecks(uint64_t checks_done, std::chrono::seconds timeout,
                                            std::chrono::milliseconds poll) const {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    nlohmann::json status = Status();
    if (status.is_null()) throw std::runtime_error("the daemon stopped answering");
    if (status["checks_done"].get<uint64_t>() >= checks_done) return status;
    if (std::chrono::steady_clock::now() > deadline)
      throw std::runtime_error("the checks did not finish in " + std::to_string(timeout.count()) +
                               " s");
    std::this_thread::sleep_for(poll);
  }
}

EventCollector::EventCollector(const std::filesystem::path& socket) {
  auto connected = UnixClientSocket::Connect(socket, milliseconds(5000));
  if (!connected.ok()) throw std::runtime_error(connected.status().ToString());
  // Own the descriptor from here on: the reader below timestamps each read() itself.
  fd_ = dup(connected->fd());
  if (fd_ < 0) throw std::runtime_error("dup failed");
  if (!connected->WriteAll("{\"since\":null}\n").ok()) throw std::runtime_error("write failed");
  thread_ = std::thread([this] { Loop(fd_); });
  // The hello line arrives first; wait for it so that the caller's next pass is followed.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!hello_seen_.load() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  if (!hello_seen_.load()) throw std::runtime_error("no feed.hello on " + socket.string());
}

EventCollector::~EventCollector() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) close(fd_);
}

std::size_t EventCollector::size() const {
  std::lock_guard lock(mutex_);
  return events_.size();
}

std::vector<EventCollector::Received> EventCollector::Since(std::size_t index) const {
  std::lock_guard lock(mutex_);
  if (index >= events_.size()) return {};
  return {events_.begin() + static_cast<std::ptrdiff_t>(index), events_.end()};
}

void EventCollector::Loop(int fd) {
  std::string pending;
  std::vector<char> chunk(1 << 16);
  while (!stop_.load()) {
    pollfd p{fd, POLLIN, 0};
    const int ready = poll(&p, 1, 100);
    if (ready <= 0) continue;
    const ssize_t n = read(fd, chunk.data(), chunk.size());
    if (n <= 0) {
      failed_ = n < 0;
      return;  // end of stream (daemon stopped) or error
    }
    // Every line completed by this read was received now.
    const int64_t now = UnixMicros();
    pending.append(chunk.data(), static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t end = pending.find('\n'); end != std::string::npos;
         end = pending.find('\n', start)) {
      const auto message =
          nlohmann::json::parse(pending.begin() + static_cast<long>(start),
                                pending.begin() + static_cast<long>(end), nullptr, false);
      start = end + 1;
      if (message.is_discarded() || !message.is_object()) continue;
      const std::string type = message.value("type", "");
      if (type == "feed.hello") {
        hello_seen_ = true;
        continue;
      }
      if (type == "feed.heartbeat" || type == "feed.shutdown" || type == "feed.error") continue;
      Received event;
      event.received_us = now;
      event.seq = message.value("seq", uint64_t{0});
      event.type = type;
      event.doc = message.value("doc", "");
      event.time_ms = ParseEventTime(message.value("time", ""));
      if (const auto commit = message.find("commit_us");
          commit != message.end() && commit->is_number_integer()) {
        event.commit_us = commit->get<int64_t>();
      }
      event.change_class = message.value("change_class", "");
      event.words_added = message.value("words_added", int64_t{0});
      event.words_removed = message.value("words_removed", int64_t{0});
      if (const auto segments = message.find("segments");
          segments != message.end() && segments->is_array()) {
        event.segments_changed = segments->size();
      }
      last_seq_ = std::max(last_seq_.load(), event.seq);
      std::lock_guard lock(mutex_);
      events_.push_back(std::move(event));
    }
    pending.erase(0, start);
  }
}

}  // namespace policyd::bench

#include "browser_process.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

extern char** environ;

#include "policyd/private_files.h"

namespace policyd {
namespace {

std::string Errno(const std::string& what, int error) { return what + ": " + std::strerror(error); }

// Moves `fd` to a number >= 10 (close-on-exec): dup2 onto 3 or 4 in the child must never be
// dup2(fd, fd), which would keep close-on-exec set, nor clobber the other pipe end.
UniqueFd HighFd(int fd) {
  UniqueFd original(fd);
  return UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 10));
}

// posix_spawn's attribute and file-action objects, destroyed on every path.
struct SpawnSetup {
  posix_spawnattr_t attributes;
  posix_spawn_file_actions_t actions;
  SpawnSetup() {
    posix_spawnattr_init(&attributes);
    posix_spawn_file_actions_init(&actions);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;

  // New session (pgid = pid), default signal dispositions and an empty mask: the daemon's
  // ignored SIGPIPE or blocked signals must not leak into the browser.
  void Configure(int command_read, int event_write) {
    sigset_t defaults;
    sigemptyset(&defaults);
    for (int signal : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) {
      sigaddset(&defaults, signal);
    }
    sigset_t empty;
    sigemptyset(&empty);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setsigmask(&attributes, &empty);
    posix_spawnattr_setflags(&attributes,
                             POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, command_read, 3);
    posix_spawn_file_actions_adddup2(&actions, event_write, 4);
  }
};

// The daemon's environment with TMPDIR replaced by `tmpdir`, as posix_spawn takes it.
std::vector<std::string> EnvironmentWithTmpdir(const std::filesystem::path& tmpdir) {
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    if (!std::string_view(*entry).starts_with("TMPDIR=")) environment.emplace_back(*entry);
  }
  environment.push_back("TMPDIR=" + tmpdir.string());
  return environment;
}

std::vector<char*> NullTerminated(std::vector<std::string>& strings) {
  std::vector<char*> pointers;
  for (auto& text : strings) pointers.push_back(text.data());
  pointers.push_back(nullptr);
  return pointers;
}

}  // namespace

Result<std::unique_ptr<TempDir>> TempDir::Create(const std::string& prefix) {
  // $TMPDIR, else /tmp (a private /tmp under the browser unit's PrivateTmp).
  std::error_code error;
  const std::filesystem::path root = std::filesystem::temp_directory_path(error);
  std::string pattern = (error ? std::filesystem::path("/tmp") : root) / (prefix + "XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) {
    return Status::IoError(Errno("mkdtemp " + pattern, errno));
  }
  return std::unique_ptr<TempDir>(new TempDir(pattern));  // private constructor
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
  if (std::filesystem::exists(path_, ignored)) std::filesystem::remove_all(path_, ignored);
}

Result<std::unique_ptr<BrowserProcess>> BrowserProcess::Spawn(std::vector<std::string> argv) {
  if (argv.empty()) return Status::InvalidArgument("empty browser command");
  auto dir = TempDir::Create("policyd-browser-");
  if (!dir.ok()) return dir.status();
  int command_pipe[2];
  int event_pipe[2];
  if (::pipe2(command_pipe, O_CLOEXEC) != 0) return Status::IoError(Errno("pipe", errno));
  UniqueFd command_read = HighFd(command_pipe[0]);
  UniqueFd command_write(command_pipe[1]);
  if (::pipe2(event_pipe, O_CLOEXEC) != 0) return Status::IoError(Errno("pipe", errno));
  UniqueFd event_read(event_pipe[0]);
  UniqueFd event_write = HighFd(event_pipe[1]);
  if (command_read.get() < 0 || event_write.get() < 0) {
    return Status::IoError(Errno("fcntl", errno));
  }

  // The profile and the browser's own temporary files (chromium removes those only when it
  // exits cleanly, and policyd kills it) both live in the directory removed after Kill().
  const std::filesystem::path profile = (*dir)->path() / "profile";
  const std::filesystem::path tmpdir = (*dir)->path() / "tmp";
  for (const auto& sub : {profile, tmpdir}) {
    if (::mkdir(sub.c_str(), 0700) != 0)
      return Status::IoError(Errno("mkdir " + sub.string(), errno));
  }
  // Preloading off ("Preload pages: no preloading"): speculation rules would make the browser
  // process prefetch and prerender past the page's request interception, to any address. The
  // browser contexts the pages render in read it from this profile. No command-line flag turns
  // speculation rules off (measured on chromium 156).
  if (Status s = WritePrivateFileAtomically(profile / "Default" / "Preferences",
                                            R"({"net":{"network_prediction_options":2}})");
      !s.ok()) {
    return s;
  }
  argv.push_back("--user-data-dir=" + profile.string());
  std::vector<std::string> environment = EnvironmentWithTmpdir(tmpdir);
  const std::vector<char*> args = NullTerminated(argv);
  const std::vector<char*> env = NullTerminated(environment);
  SpawnSetup setup;
  setup.Configure(command_read.get(), event_write.get());
  pid_t pid = -1;
  const int error =
      ::posix_spawn(&pid, args[0], &setup.actions, &setup.attributes, args.data(), env.data());
  if (error != 0) return Status::IoError(Errno("posix_spawn " + argv[0], error));

  std::unique_ptr<BrowserProcess> process(new BrowserProcess());  // private constructor
  process->pid_ = pid;
  process->command_fd_ = std::move(command_write);
  process->event_fd_ = std::move(event_read);
  process->private_dir_ = std::move(dir).value();
  return process;
}

BrowserProcess::~BrowserProcess() { Kill(); }

bool BrowserProcess::Exited() {
  if (reaped_) return true;
  int status = 0;
  const pid_t result = ::waitpid(pid_, &status, WNOHANG);
  if (result == pid_ || (result < 0 && errno == ECHILD)) reaped_ = true;
  return reaped_;
}

bool BrowserProcess::KillWithoutWaiting() {
  if (pid_ <= 0) return true;
  ::kill(-pid_, SIGKILL);
  return Exited() && ::kill(-pid_, 0) != 0;
}

void BrowserProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(-pid_, SIGKILL);  // the group; the leader may already be gone, its children not
  if (!reaped_) {
    int status = 0;
    while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
  }
  WaitForGroupGone(pid_);
  pid_ = -1;
  command_fd_.Reset();
  event_fd_.Reset();
  private_dir_.reset();
}

// SIGKILL is delivered to each member when it next runs: a renderer or the network service may
// finish one last write into the profile after the leader is reaped, and that would make
// removing the profile fail. Bounded: zombies that nobody reaps stay in the group forever.
void WaitForGroupGone(pid_t pgid) {
  for (int i = 0; i < 200 && ::kill(-pgid, 0) == 0; ++i) ::usleep(10 * 1000);
}

std::size_t BrowserProcess::GroupMemory() const { return pid_ > 0 ? ProcessGroupMemory(pid_) : 0; }

namespace {

// The proportional set size of process directory `proc` (/proc/PID), in bytes, if the kernel
// gives it.
std::optional<std::size_t> ProportionalSetSize(const std::filesystem::path& proc) {
  std::ifstream rollup(proc / "smaps_rollup");
  for (std::string line; std::getline(rollup, line);) {
    if (line.starts_with("Pss:")) {
      return static_cast<std::size_t>(std::strtoull(line.c_str() + 4, nullptr, 10)) * 1024;
    }
  }
  return std::nullopt;
}

}  // namespace

std::size_t ProcessGroupMemory(pid_t pgid) {
  static const long kPageSize = ::sysconf(_SC_PAGESIZE);
  std::size_t total = 0;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", error)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid pgrp ...: comm may contain spaces and parentheses.
    const std::size_t close = line.rfind(')');
    if (close == std::string::npos) continue;
    char state = 0;
    long ppid = 0;
    long pgrp = 0;
    if (std::sscanf(line.c_str() + close + 1, " %c %ld %ld", &state, &ppid, &pgrp) != 3) continue;
    if (pgrp != pgid) continue;
    if (const std::optional<std::size_t> pss = ProportionalSetSize(entry.path())) {
      total += *pss;
      continue;
    }
    std::ifstream statm(entry.path() / "statm");
    std::size_t size = 0;
    std::size_t resident = 0;
    if (statm >> size >> resident) total += resident * static_cast<std::size_t>(kPageSize);
  }
  return total;
}

Result<UniqueFd> ConnectUnixSocket(const std::filesystem::path& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  const std::string text = path.string();
  if (text.size() >= sizeof(address.sun_path)) {
    return Status::InvalidArgument("socket path too long: " + text);
  }
  std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Status::IoError(Errno("socket", errno));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
    return Status::IoError(Errno("connect " + text, errno));
  }
  return fd;
}

}  // namespace policyd

// policyd: the daemon's entry point. Parses the command line, loads the configuration (exit
// 78 on any config error, naming file, line and reason), and runs the Daemon in the
// foreground (systemd's Type=notify supervises it; there is no self-daemonising).
#include <malloc.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <spdlog/spdlog.h>

#include "daemon.h"
#include "logging.h"
#include "policyd/build_info.h"
#include "policyd/config.h"
#include "policyd/private_files.h"

namespace {

constexpr char kUsage[] =
    "usage: policyd [--config FILE] [--state-dir DIR] [--log-level LEVEL] [--log-format FORMAT]\n"
    "               [--check-config]\n"
    "\n"
    "Watches privacy policies and terms of service; see policyctl(1) to control it.\n"
    "  --config FILE      daemon config (default /etc/policyd/policyd.toml)\n"
    "  --state-dir DIR    override state_dir from the config (database, run-time targets)\n"
    "  --log-level LEVEL  override log_level (trace, debug, info, warn, error, critical, off)\n"
    "  --log-format FORMAT  override log_format: text (the journal under systemd, else stderr)\n"
    "                     or json (one JSON object per line on stderr)\n"
    "  --check-config     load the config and the targets, report, and exit (0 or 78)\n"
    "  --version          print the version, the commit and the libraries' versions\n";

constexpr int kExitUsage = 64;    // EX_USAGE
constexpr int kExitRuntime = 70;  // EX_SOFTWARE: could not start (database, sockets)

}  // namespace

int main(int argc, char** argv) {
  // Two malloc arenas instead of glibc's 8 per core: the workers' Gumbo trees and the io
  // thread's bodies otherwise spread over many arenas that keep freed memory. Measured on
  // the pass benchmark (docs/PERFORMANCE.md): lower peak RSS and faster parsing. An explicit
  // MALLOC_ARENA_MAX in the environment still wins.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  // Everything policyd creates (and RocksDB creates for it) is private to its user and group,
  // even when started by hand under umask 022 or 000; a stricter inherited umask stays.
  const mode_t inherited_umask = ::umask(0);
  ::umask(inherited_umask | policyd::kDaemonUmask);
  std::filesystem::path config_path = "/etc/policyd/policyd.toml";
  std::optional<std::filesystem::path> state_dir;
  std::optional<std::string> log_level;
  std::optional<std::string> log_format;
  bool check_only = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const char* name) -> const char* {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "policyd: %s needs a value\n%s", name, kUsage);
        std::exit(kExitUsage);
      }
      return argv[++i];
    };
    if (arg == "--config") {
      config_path = value("--config");
    } else if (arg == "--state-dir") {
      state_dir = value("--state-dir");
    } else if (arg == "--log-level") {
      log_level = value("--log-level");
    } else if (arg == "--log-format") {
      log_format = value("--log-format");
      if (*log_format != "text" && *log_format != "json") {
        std::fprintf(stderr, "policyd: --log-format must be text or json, not '%s'\n%s",
                     log_format->c_str(), kUsage);
        return kExitUsage;
      }
    } else if (arg == "--check-config") {
      check_only = true;
    } else if (arg == "--version") {
      std::printf("%s\n%s", policyd::VersionLine("policyd").c_str(),
                  policyd::LibraryVersions().c_str());
      return 0;
    } else if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "policyd: unknown argument '%s'\n%s", arg.c_str(), kUsage);
      return kExitUsage;
    }
  }

  policyd::DaemonConfig config;
  if (policyd::Status s = policyd::LoadDaemonConfig(config_path, &config); !s.ok()) {
    std::fprintf(stderr, "policyd: %s\n", s.message().c_str());
    return policyd::kExitConfigError;
  }
  if (state_dir) config.state_dir = std::filesystem::absolute(*state_dir);
  if (log_level) config.log_level = *log_level;
  if (log_format) {
    config.log_format =
        *log_format == "json" ? policyd::LogFormat::kJson : policyd::LogFormat::kText;
  }
  if (policyd::Status s = policyd::SetupLogging(config.log_level, config.log_format); !s.ok()) {
    std::fprintf(stderr, "policyd: %s\n", s.message().c_str());
    return policyd::kExitConfigError;
  }

  if (check_only) {
    std::vector<policyd::DocumentSpec> targets;
    std::vector<std::string> warnings;
    if (policyd::Status s = policyd::LoadTargetsDir(config.targets_dir, &targets, &warnings);
        !s.ok()) {
      std::fprintf(stderr, "policyd: %s\n", s.message().c_str());
      return policyd::kExitConfigError;
    }
    for (const auto& warning : warnings)
      std::fprintf(stderr, "policyd: warning: %s\n", warning.c_str());
    std::printf("%s: OK, %zu documents in %s\n", config_path.c_str(), targets.size(),
                config.targets_dir.c_str());
    return 0;
  }

  policyd::Daemon daemon(config, config_path);
  if (policyd::Status s = daemon.Start(); !s.ok()) {
    spdlog::critical("cannot start: {}", s.message());
    return s.code() == policyd::Status::Code::kInvalidArgument ? policyd::kExitConfigError
                                                               : kExitRuntime;
  }
  return daemon.Run();
}

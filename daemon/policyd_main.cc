// policyd: the daemon's entry point. Parses the command line, loads the configuration (exit
// 78 on any config error, naming file, line and reason), and runs the Daemon in the
// foreground (systemd's Type=notify supervises it; there is no self-daemonising).
#include <malloc.h>
#include <openssl/crypto.h>
#include <sys/stat.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "daemon.h"
#include "logging.h"
#include "policyd/build_info.h"
#include "policyd/config.h"
#include "policyd/private_files.h"
#include "policyd_options.h"
#include "webhook_filter_check.h"

namespace {

// The process's settings, before anything else runs.
void SetUpProcess() {
  // Two malloc arenas instead of glibc's 8 per core: the workers' Gumbo trees and the io
  // thread's bodies otherwise spread over many arenas that keep freed memory. Measured on
  // the pass benchmark (docs/PERFORMANCE.md): lower peak RSS and faster parsing. An explicit
  // MALLOC_ARENA_MAX in the environment still wins.
  if (std::getenv("MALLOC_ARENA_MAX") == nullptr) mallopt(M_ARENA_MAX, 2);
  // No OpenSSL cleanup at exit. libnats 3.4 (Debian 12) frees OpenSSL's compression methods
  // in its own cleanup (nats_CloseAndWait) without resetting OpenSSL's pointers to them, so
  // OpenSSL's exit handler then freed them again: the daemon crashed at every exit after a
  // tls:// connection to NATS (nats.c issue #904). The process is ending; nothing needs
  // freeing. First thing, before any library initialises OpenSSL without this option.
  OPENSSL_init_crypto(OPENSSL_INIT_NO_ATEXIT, nullptr);
  // Everything policyd creates (and RocksDB creates for it) is private to its user and group,
  // even when started by hand under umask 022 or 000; a stricter inherited umask stays.
  const mode_t inherited_umask = ::umask(0);
  ::umask(inherited_umask | policyd::kDaemonUmask);
  // A write past a file-size limit (systemd's LimitFSIZE=, a container's ulimit -f) then fails
  // with EFBIG, which the store reports as a storage error (status, sd_notify, the log) and
  // recovers from, instead of SIGXFSZ killing the daemon without a word. The converters it
  // starts inherit this and fail their write the same way.
  std::signal(SIGXFSZ, SIG_IGN);
}

// The config file with the command line's overrides, and the logging it sets up; false (after
// saying why on stderr) when either fails.
bool LoadConfig(const policyd::PolicydCommandLine& command_line, policyd::DaemonConfig* config) {
  if (policyd::Status s = policyd::LoadDaemonConfig(command_line.config_path, config); !s.ok()) {
    std::fprintf(stderr, "policyd: %s\n", s.message().c_str());
    return false;
  }
  if (command_line.state_dir)
    config->state_dir = std::filesystem::absolute(*command_line.state_dir);
  if (command_line.log_level) config->log_level = *command_line.log_level;
  if (command_line.log_format) config->log_format = *command_line.log_format;
  if (policyd::Status s = policyd::SetupLogging(config->log_level, config->log_format); !s.ok()) {
    std::fprintf(stderr, "policyd: %s\n", s.message().c_str());
    return false;
  }
  return true;
}

// Where `spec` is defined, "file:line" (its [[documents]] table), or the file alone when its line
// is unknown; `lines` caches each file's document lines.
std::string DefinedAt(
    const policyd::DocumentSpec& spec,
    std::map<std::filesystem::path, std::vector<std::pair<std::string, uint32_t>>>* lines) {
  const std::filesystem::path& file = spec.source_file.path();
  auto cached = lines->find(file);
  if (cached == lines->end()) cached = lines->emplace(file, policyd::DocumentLinesOf(file)).first;
  for (const auto& [id, line] : cached->second) {
    if (id == spec.id) return file.string() + ":" + std::to_string(line);
  }
  return file.string();
}

// Names each document on an address the address policy refuses, at its file:line, then the way
// out once; returns how many there are. The daemon starts with these (its fetcher refuses each
// check), but they can never work.
std::size_t ReportRefusedAddresses(
    std::initializer_list<const std::vector<policyd::DocumentSpec>*> lists,
    const policyd::DaemonConfig& config) {
  std::map<std::filesystem::path, std::vector<std::pair<std::string, uint32_t>>> lines;
  std::size_t refused = 0;
  for (const auto* list : lists) {
    for (const policyd::DocumentSpec& spec : *list) {
      const std::optional<policyd::RefusedUrl> url = policyd::FirstRefusedUrl(spec, config);
      if (!url) continue;
      std::fprintf(stderr, "policyd: %s: document '%s': %s\n", DefinedAt(spec, &lines).c_str(),
                   spec.id.c_str(), url->Describe().c_str());
      ++refused;
    }
  }
  if (refused > 0) {
    std::fprintf(stderr,
                 "policyd: %zu %s would fail every check as blocked_address: set "
                 "allow_private_addresses = true, or list %s in allowed_addresses\n",
                 refused, refused == 1 ? "document" : "documents",
                 refused == 1 ? "its address" : "their addresses");
  }
  return refused;
}

// --check-config: the targets load (their warnings printed) and none is on an address the
// address policy refuses; the exit status.
int CheckConfig(const std::filesystem::path& config_path, const policyd::DaemonConfig& config) {
  std::vector<policyd::DocumentSpec> targets;
  std::vector<policyd::DocumentSpec> runtime_targets;
  std::vector<std::string> warnings;
  policyd::Status status = policyd::LoadTargetsDir(config.targets_dir, &targets, &warnings);
  // The documents `policyctl add` wrote, which the daemon loads at start too (a run-time
  // document overrides a bundled one of the same id).
  const std::filesystem::path runtime_dir = config.state_dir / "targets";
  std::error_code ec;
  const bool has_runtime = std::filesystem::is_directory(runtime_dir, ec);
  if (status.ok() && has_runtime) {
    status = policyd::LoadTargetsDir(runtime_dir, &runtime_targets, &warnings);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "policyd: %s\n", status.message().c_str());
    return policyd::kExitConfigError;
  }
  std::set<std::string> platforms;
  std::set<std::string> doc_types;
  for (const auto* list : {&targets, &runtime_targets}) {
    for (const policyd::DocumentSpec& spec : *list) {
      platforms.insert(spec.platform);
      doc_types.insert(spec.type);
    }
  }
  for (const policyd::WebhookSpec& webhook : config.webhooks) {
    for (std::string& warning : policyd::UnmatchedWebhookFilters(webhook, platforms, doc_types)) {
      warnings.push_back(std::move(warning));
    }
  }
  for (const auto& warning : warnings) {
    std::fprintf(stderr, "policyd: warning: %s\n", warning.c_str());
  }
  if (ReportRefusedAddresses({&targets, &runtime_targets}, config) > 0) {
    return policyd::kExitConfigError;
  }
  // The daemon would fail to start (70) on a state_dir it cannot use as a directory.
  if (std::filesystem::exists(config.state_dir, ec) &&
      !std::filesystem::is_directory(config.state_dir, ec)) {
    std::fprintf(stderr, "policyd: %s: state_dir %s is not a directory\n", config_path.c_str(),
                 config.state_dir.c_str());
    return policyd::kExitConfigError;
  }
  std::printf("%s: OK, %zu %s in %s", config_path.c_str(), targets.size(),
              targets.size() == 1 ? "document" : "documents", config.targets_dir.c_str());
  if (has_runtime) {
    std::printf(", %zu added at run time in %s", runtime_targets.size(), runtime_dir.c_str());
  }
  std::printf("\n");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  SetUpProcess();
  policyd::PolicydCommandLine command_line;
  if (policyd::Status s = policyd::ParsePolicydCommandLine(argc, argv, &command_line); !s.ok()) {
    std::fprintf(stderr, "policyd: %s\n%s", s.message().c_str(), policyd::PolicydUsage().c_str());
    return policyd::kExitUsage;
  }
  using Action = policyd::PolicydCommandLine::Action;
  if (command_line.action == Action::kVersion) {
    std::printf("%s\n%s", policyd::VersionLine("policyd").c_str(),
                policyd::LibraryVersions().c_str());
    return 0;
  }
  if (command_line.action == Action::kHelp) {
    std::fputs(policyd::PolicydUsage().c_str(), stdout);
    return 0;
  }
  policyd::DaemonConfig config;
  if (!LoadConfig(command_line, &config)) return policyd::kExitConfigError;
  if (command_line.action == Action::kCheckConfig) {
    return CheckConfig(command_line.config_path, config);
  }
  policyd::Daemon daemon(config, command_line.config_path);
  if (command_line.log_level) daemon.KeepCommandLineLogLevel();
  if (policyd::Status s = daemon.Start(); !s.ok()) {
    spdlog::critical("cannot start: {}", s.message());
    return s.code() == policyd::Status::Code::kInvalidArgument ? policyd::kExitConfigError
                                                               : policyd::kExitRuntime;
  }
  const int exit_code = daemon.Run();
  daemon.IgnoreStopSignalsFromNowOn();
  return exit_code;
}

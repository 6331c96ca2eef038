// policyd's command line: one table of options (policyd_options.cc) drives both the parsing
// and `policyd --help`. The man page man/policyd.8.scd documents the same options; a test
// (tests/integration/man_pages_test.cc) compares its OPTIONS section with `policyd --help`,
// so an option added here and not there (or the reverse) fails the build's tests.
#ifndef POLICYD_DAEMON_POLICYD_OPTIONS_H_
#define POLICYD_DAEMON_POLICYD_OPTIONS_H_

#include <filesystem>
#include <optional>
#include <string>

#include "policyd/config.h"
#include "policyd/status.h"

namespace policyd {

inline constexpr int kExitUsage = 64;    // EX_USAGE: a bad command line
inline constexpr int kExitRuntime = 70;  // EX_SOFTWARE: could not start (database, sockets)

// What policyd's command line asks for.
struct PolicydCommandLine {
  enum class Action { kRun, kCheckConfig, kVersion, kHelp };
  Action action = Action::kRun;
  std::filesystem::path config_path = "/etc/policyd/policyd.toml";
  std::optional<std::filesystem::path> state_dir;  // --state-dir, as given
  std::optional<std::string> log_level;            // --log-level (checked with the config's)
  std::optional<LogFormat> log_format;             // --log-format
};

// Parses argv[1..argc). A usage error (unknown argument, missing value, a --log-format other
// than text or json) is InvalidArgument with the line to print before the usage text; the
// process then exits kExitUsage. --version and --help stop the parsing where they appear.
Status ParsePolicydCommandLine(int argc, const char* const* argv, PolicydCommandLine* out);

// `policyd --help`: the synopsis, one sentence on what policyd is, where to read more, and
// one entry per option of the table ("  --config FILE  help text", wrapped at 80 columns).
std::string PolicydUsage();

}  // namespace policyd

#endif  // POLICYD_DAEMON_POLICYD_OPTIONS_H_

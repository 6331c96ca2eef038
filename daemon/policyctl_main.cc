// policyctl: the operator's and script's command line for policyd. Talks JSON lines to the
// daemon's control socket (and reads the events socket for `events`); `extract` works
// offline with the very code the daemon uses, so it prints exactly what would be stored.
//
// Exit codes: 0 success; 1 the daemon refused the request (unknown document, bad argument,
// ...) or `verify` found a problem; 2 usage error; 3 the daemon cannot be reached (nothing
// listens, permission denied, or the socket is not policyd's); 4 bad input for `extract` or a
// page the daemon would refuse, or `export` cannot write its directory; 78 the --config file
// is invalid.
//
// What each command is and does lives in one table (policyctl/command_table.cc); this file
// only reads the command line with it and runs the command's handler.
#include <csignal>
#include <iostream>
#include <string>
#include <vector>

#include "policyctl/command_line.h"
#include "policyctl/exit_status.h"
#include "policyctl/help_text.h"
#include "policyd/build_info.h"

namespace policyd::ctl {
namespace {

int Main(int argc, char** argv) {
  // Past a file-size limit (`ulimit -f`), a write fails with EFBIG, which `export` reports
  // (exit 4, its unfinished files removed), instead of SIGXFSZ killing policyctl half-way.
  std::signal(SIGXFSZ, SIG_IGN);
  const CommandLine line = ParseCommandLine(std::vector<std::string>(argv + 1, argv + argc));
  switch (line.outcome) {
    case ParseOutcome::kVersion:
      std::cout << VersionLine("policyctl") << "\n" << CommonLibraryVersions();
      return kExitOk;
    case ParseOutcome::kHelp:
      std::cout << (line.command != nullptr ? CommandHelp(*line.command) : GlobalHelp());
      return kExitOk;
    case ParseOutcome::kUsageError:
      return UsageError(line.error, line.command != nullptr ? line.command->name : "");
    case ParseOutcome::kRun:
      break;
  }
  return line.command->handler(line.options);
}

}  // namespace
}  // namespace policyd::ctl

int main(int argc, char** argv) { return policyd::ctl::Main(argc, argv); }

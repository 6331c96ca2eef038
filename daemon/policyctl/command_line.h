// Reads policyctl's command line with the command table (command_table.h): global options
// anywhere, the first word that is not an option is the command, the words after it are its
// arguments, and every other --option must be one of the command's own. A value follows its
// option (--since 5) or is joined to it (--since=5); "--" ends the options; a word starting
// with a single "-" (a version reference such as -1, or - for standard input) is an argument,
// except -h. An option given twice keeps both values; the handlers read the last one unless
// the option repeats.
//
// Errors name what is wrong and, for a misspelt command or option, the closest names ("did
// you mean"); an option of another command names the command it was given to.
#ifndef POLICYD_DAEMON_POLICYCTL_COMMAND_LINE_H_
#define POLICYD_DAEMON_POLICYCTL_COMMAND_LINE_H_

#include <string>
#include <vector>

#include "policyctl/command_table.h"
#include "policyctl/options.h"

namespace policyd::ctl {

enum class ParseOutcome {
  kRun,         // run `command`'s handler with `options`
  kHelp,        // print the help: `command`'s when it is set, else the overall help
  kVersion,     // print the version
  kUsageError,  // `error` says what is wrong
};

struct CommandLine {
  ParseOutcome outcome = ParseOutcome::kUsageError;
  Options options;
  const CommandSpec* command = nullptr;  // the table's entry for options.command, if any
  std::string error;
};

// `args` are the words after the program's name. --version wins over everything else, then
// --help (unless the command is unknown), then the first error in the order found.
CommandLine ParseCommandLine(const std::vector<std::string>& args);

}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_COMMAND_LINE_H_

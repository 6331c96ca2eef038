// policyctl's table of commands: the one place that says what each command and option is
// called, what arguments it takes, what it does and which function runs it. Everything else
// reads it: the parser (command_line.h), `policyctl --help`, `policyctl help CMD` and
// `CMD --help` (help_text.h), the bash, zsh and fish completion scripts and the policyctl(1)
// man page. A command or an option that is not in the table does not exist for any of them.
//
// Invariants (tests/unit/policyctl/command_table_test.cc): names are unique; an option name
// means the same (switch or valued) in every command that has it, so that a flag given
// before its command is read right; every visible command has a summary, a description and a
// synopsis; global option names are never a command's.
#ifndef POLICYD_DAEMON_POLICYCTL_COMMAND_TABLE_H_
#define POLICYD_DAEMON_POLICYCTL_COMMAND_TABLE_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policyctl/options.h"

namespace policyd::ctl {

// What a shell completes for an option's value or a positional argument.
enum class Completion {
  kNone,        // free text: nothing to offer
  kDocumentId,  // a watched document's id, asked from the running daemon
  kFile,        // a path
  kDirectory,   // a directory
  kChoice,      // one of `choices`
  kDuration,    // a duration ("30s", "10m", "1h", "90d"): a few examples
  kCommand,     // a visible command's name
};

struct OptionSpec {
  std::string_view name;   // "--since"
  std::string_view value;  // its value's placeholder ("N", "CSS"); "" for a switch
  std::string_view help;   // one line, lower case, no final period
  Completion completion = Completion::kNone;
  std::vector<std::string_view> choices;  // kChoice
  bool repeatable = false;                // may be given more than once (each value counts)

  bool TakesValue() const { return !value.empty(); }
};

struct ArgumentSpec {
  std::string_view name;  // its placeholder in synopses: "DOC", "FILE"
  Completion completion = Completion::kNone;
  std::vector<std::string_view> choices;  // kChoice
  bool optional = false;                  // every argument after an optional one is optional
  bool repeats = false;                   // the last argument only: any number of them
};

// Runs a parsed command; returns policyctl's exit status (exit_status.h).
using Handler = int (*)(const Options& options);

struct CommandSpec {
  std::string_view name;
  // The arguments and options of each form of the command, as `policyctl --help` and the man
  // page show them after the name ("DOC [A [B]] [--word]").
  std::vector<std::string_view> synopses;
  std::vector<ArgumentSpec> arguments;  // the positional arguments, in order
  std::vector<OptionSpec> options;      // the command's own options (global ones apart)
  std::string_view summary;             // one line, lower case, no final period
  std::string_view description;         // paragraphs separated by "\n\n"; plain text
  Handler handler = nullptr;
  bool hidden = false;  // a helper for the completion scripts: in no help, page or completion

  const OptionSpec* FindOption(std::string_view name) const;
  std::size_t MinArguments() const;
  std::optional<std::size_t> MaxArguments() const;  // nullopt: no limit
  // The arguments as one synopsis: "DOC [A [B]]", "FILE...", "" when it takes none.
  std::string ArgumentSynopsis() const;
};

// Options every command accepts, anywhere on the command line. `apply` stores a value (or
// notes a switch) in Options; it returns an error message for a value it refuses.
struct GlobalOptionSpec {
  OptionSpec option;
  std::optional<std::string> (*apply)(const std::string& value, Options* options) = nullptr;
  std::string_view alias;  // a short spelling ("-h"), or ""
};

struct ExitStatusSpec {
  int code;
  std::string_view meaning;  // one line
};

struct EnvironmentSpec {
  std::string_view name;
  std::string_view meaning;
};

// The commands, in the order help lists them.
const std::vector<CommandSpec>& Commands();
const std::vector<GlobalOptionSpec>& GlobalOptions();
const std::vector<ExitStatusSpec>& ExitStatuses();
const std::vector<EnvironmentSpec>& EnvironmentVariables();

// What policyctl is, in one sentence, and in a few paragraphs: help and the man page.
std::string_view ProgramSummary();
std::string_view ProgramDescription();

// nullptr when there is none of that name (hidden commands are found).
const CommandSpec* FindCommand(std::string_view name);
const GlobalOptionSpec* FindGlobalOption(std::string_view name);  // its name or alias
// The first command option of that name in any command (they all mean the same); nullptr if
// no command has it.
const OptionSpec* FindAnyCommandOption(std::string_view name);

// The names of the visible commands, for suggestions and completion.
std::vector<std::string> VisibleCommandNames();

}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_COMMAND_TABLE_H_

// Shell completion for policyctl, generated from the command table (command_table.h): bash,
// zsh and fish scripts that complete commands, each command's options (an option that does
// not repeat is offered once), option values and arguments by their Completion kind (files,
// directories, choices, durations, command names) and document ids, asked from the running
// daemon through the hidden `policyctl __complete-ids` with the --config/--socket of the
// command line being completed. `policyctl completion SHELL` prints them; the build writes
// them into build/completions/ and installs them where each shell looks.
#ifndef POLICYD_DAEMON_POLICYCTL_COMPLETION_SCRIPTS_H_
#define POLICYD_DAEMON_POLICYCTL_COMPLETION_SCRIPTS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policyctl/command_table.h"
#include "policyd/shell_quote.h"

namespace policyd::ctl {

std::string BashCompletionScript();
std::string ZshCompletionScript();
std::string FishCompletionScript();

// The script for `shell` ("bash", "zsh" or "fish"); nullopt for another shell.
std::optional<std::string> CompletionScript(std::string_view shell);

// Shared by the three generators (completion_scripts.cc).
namespace completion_internal {

// The kind's name in the scripts' helper functions: "file", "directory", "choice",
// "duration", "document", "command"; "" for kNone.
std::string_view KindName(Completion completion);

// Every option that takes a value (global ones and every command's), for the scans that find
// the command and count its arguments.
std::vector<std::string> ValuedOptionNames();
// Every option that may be given more than once.
std::vector<std::string> RepeatableOptionNames();

// Example durations offered for kDuration.
std::string_view DurationExamples();

// Words joined with single spaces.
std::string Join(const std::vector<std::string>& words, std::string_view separator = " ");
std::string Join(const std::vector<std::string_view>& words, std::string_view separator = " ");

using policyd::ShellQuote;  // policyd/shell_quote.h

}  // namespace completion_internal
}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_COMPLETION_SCRIPTS_H_

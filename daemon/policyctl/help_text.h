// The help policyctl prints, rendered from the command table: `policyctl --help` (every
// visible command with its synopses and summary, the global options, the exit statuses) and
// `policyctl help CMD` / `policyctl CMD --help` (the command's synopses, description and
// options). Lines are wrapped at 80 columns.
#ifndef POLICYD_DAEMON_POLICYCTL_HELP_TEXT_H_
#define POLICYD_DAEMON_POLICYCTL_HELP_TEXT_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "policyctl/command_table.h"

namespace policyd::ctl {

std::string GlobalHelp();
std::string CommandHelp(const CommandSpec& command);

// `text` with its words filled into lines of at most `width` columns (a longer word stands on
// a line of its own), each line after the first indented by `indent` spaces; the first line
// starts at column `first_column`. Blank lines ("\n\n") separate paragraphs.
std::string WrapText(std::string_view text, std::size_t indent, std::size_t first_column,
                     std::size_t width = 80);

}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_HELP_TEXT_H_

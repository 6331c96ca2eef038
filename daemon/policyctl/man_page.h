// The policyctl(1) man page in scdoc's markup (scdoc(5)), rendered from the command table
// (command_table.h) like the help, so that the two never disagree: NAME, SYNOPSIS,
// DESCRIPTION, COMMANDS (each form, its description and its options), GLOBAL OPTIONS, EXIT
// STATUS, ENVIRONMENT, FILES, EXAMPLES, SEE ALSO. The hidden `policyctl __man` prints it; the
// build turns it into build/man/policyctl.1 with scdoc and installs it in share/man/man1.
#ifndef POLICYD_DAEMON_POLICYCTL_MAN_PAGE_H_
#define POLICYD_DAEMON_POLICYCTL_MAN_PAGE_H_

#include <string>
#include <string_view>

namespace policyd::ctl {

std::string ManPageScdoc();

// `text`, to start a line, with scdoc's markup characters (*, _, \, and a leading - or . that
// would start a list) escaped and `code` spans in bold.
std::string ScdocText(std::string_view text);

// A synopsis in scdoc: options and literal words bold, PLACEHOLDERS underlined, brackets,
// bars and ellipses as they are ("[--since N]" -> "[*--since* _N_]").
std::string ScdocSynopsis(std::string_view synopsis);

}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_MAN_PAGE_H_

// policyctl's exit statuses (documented in `policyctl --help` and policyctl(1) from the
// command table's ExitStatuses()), and the one way to report a usage error.
#ifndef POLICYD_DAEMON_POLICYCTL_EXIT_STATUS_H_
#define POLICYD_DAEMON_POLICYCTL_EXIT_STATUS_H_

#include <string>
#include <string_view>

#include "policyd/config.h"  // kExitConfigError (78): the --config file is invalid

namespace policyd::ctl {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRefused = 1;      // the daemon refused, or verify found problems
inline constexpr int kExitUsage = 2;        // the command line is wrong
inline constexpr int kExitUnreachable = 3;  // no daemon answers on the socket
inline constexpr int kExitInput = 4;        // bad extract input, or export cannot write

// Prints "policyctl: <message>" and where to read more (the command's help when `command` is
// given, else the overall help) on stderr; returns kExitUsage.
int UsageError(const std::string& message, std::string_view command = {});

}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_EXIT_STATUS_H_

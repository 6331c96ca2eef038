// Logging set-up: spdlog to the journal (with priorities) when running under systemd, to
// stderr with timestamps otherwise.
#ifndef POLICYD_DAEMON_LOGGING_H_
#define POLICYD_DAEMON_LOGGING_H_

#include <string>

#include "policyd/status.h"

namespace policyd {

// Installs the default logger. InvalidArgument for an unknown level name.
Status SetupLogging(const std::string& level);
// Changes the level of the installed logger (on reload).
Status SetLogLevel(const std::string& level);

}  // namespace policyd

#endif  // POLICYD_DAEMON_LOGGING_H_

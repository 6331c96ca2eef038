// Logging set-up: spdlog to the journal (with priorities) when running under systemd, to
// stderr with timestamps otherwise, or to stderr as one JSON object per line (log_format =
// "json", --log-format json) for other log collectors.
//
// A line about one document carries structured fields (LogFields): in the journal as DOC_ID,
// REASON and HTTP_STATUS (`journalctl -u policyd DOC_ID=coursera/privacy-policy`), in JSON as
// "doc_id", "reason" and "http_status". The text format shows them in the message only.
#ifndef POLICYD_DAEMON_LOGGING_H_
#define POLICYD_DAEMON_LOGGING_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <spdlog/common.h>

#include "policyd/config.h"
#include "policyd/status.h"

namespace policyd {

// The structured fields of a line about one document; empty ones (0 for the status) are
// left out.
struct LogFields {
  std::string doc_id;
  std::string reason;    // FailureReasonName
  long http_status = 0;  // 0: no response
};

// Installs the default logger. InvalidArgument for an unknown level name.
Status SetupLogging(const std::string& level, LogFormat format = LogFormat::kText);
// Changes the level of the installed logger (on reload).
Status SetLogLevel(const std::string& level);

// Logs `message` at `level` through the default logger, with `fields` attached for the
// journal and the JSON format.
void LogWithFields(spdlog::level::level_enum level, const LogFields& fields,
                   const std::string& message);

// The journal entry of one line, as "NAME=value" strings for sd_journal_sendv: MESSAGE,
// PRIORITY (syslog's 0..7), SYSLOG_IDENTIFIER, then the non-empty fields.
std::vector<std::string> JournalEntry(std::string_view message, int priority,
                                      const LogFields& fields);
// One JSON log line (no newline): {"time": RFC 3339, "level": "warning", "message": ...,
// then "doc_id", "reason", "http_status" when set}. Invalid UTF-8 in the message is replaced,
// never thrown on.
std::string JsonLogLine(int64_t unix_millis, spdlog::level::level_enum level,
                        std::string_view message, const LogFields& fields);

}  // namespace policyd

#endif  // POLICYD_DAEMON_LOGGING_H_

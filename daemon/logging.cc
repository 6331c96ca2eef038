#include "logging.h"

#include <sys/uio.h>

#include <cstdio>
#include <mutex>

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-journal.h>
#include <nlohmann/json.hpp>

#include "policyd/clock.h"
#include "policyd/json_text.h"
#include "systemd_notify.h"

namespace policyd {
namespace {

// The fields of the line being logged on this thread (spdlog's loggers here are synchronous:
// the sink runs on the caller's thread, inside LogWithFields).
thread_local const LogFields* current_fields = nullptr;

const LogFields& CurrentFields() {
  static const LogFields kNone;
  return current_fields != nullptr ? *current_fields : kNone;
}

int SyslogPriority(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return 2;  // LOG_CRIT
    case spdlog::level::err:
      return 3;  // LOG_ERR
    case spdlog::level::warn:
      return 4;  // LOG_WARNING
    case spdlog::level::info:
      return 6;  // LOG_INFO
    default:
      return 7;  // LOG_DEBUG
  }
}

std::string_view LevelName(spdlog::level::level_enum level) {
  switch (level) {
    case spdlog::level::critical:
      return "critical";
    case spdlog::level::err:
      return "error";
    case spdlog::level::warn:
      return "warning";
    case spdlog::level::info:
      return "info";
    case spdlog::level::debug:
      return "debug";
    default:
      return "trace";
  }
}

// The journal with the structured fields (spdlog's own systemd sink cannot take any).
class JournalSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const std::vector<std::string> entry =
        JournalEntry(std::string_view(msg.payload.data(), msg.payload.size()),
                     SyslogPriority(msg.level), CurrentFields());
    std::vector<iovec> vectors;
    vectors.reserve(entry.size());
    for (const auto& field : entry) {
      vectors.push_back({const_cast<char*>(field.data()), field.size()});
    }
    sd_journal_sendv(vectors.data(), static_cast<int>(vectors.size()));
  }
  void flush_() override {}
};

class JsonStderrSink : public spdlog::sinks::base_sink<std::mutex> {
 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    const int64_t unix_millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(msg.time.time_since_epoch()).count();
    std::string line =
        JsonLogLine(unix_millis, msg.level,
                    std::string_view(msg.payload.data(), msg.payload.size()), CurrentFields());
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  }
  void flush_() override { std::fflush(stderr); }
};

}  // namespace

std::vector<std::string> JournalEntry(std::string_view message, int priority,
                                      const LogFields& fields) {
  std::vector<std::string> entry = {"MESSAGE=" + std::string(message),
                                    "PRIORITY=" + std::to_string(priority),
                                    "SYSLOG_IDENTIFIER=policyd"};
  if (!fields.doc_id.empty()) entry.push_back("DOC_ID=" + fields.doc_id);
  if (!fields.reason.empty()) entry.push_back("REASON=" + fields.reason);
  if (fields.http_status != 0) {
    entry.push_back("HTTP_STATUS=" + std::to_string(fields.http_status));
  }
  return entry;
}

std::string JsonLogLine(int64_t unix_millis, spdlog::level::level_enum level,
                        std::string_view message, const LogFields& fields) {
  nlohmann::ordered_json line;
  line["time"] = FormatTimestamp(unix_millis);
  line["level"] = LevelName(level);
  line["message"] = message;
  if (!fields.doc_id.empty()) line["doc_id"] = fields.doc_id;
  if (!fields.reason.empty()) line["reason"] = fields.reason;
  if (fields.http_status != 0) line["http_status"] = fields.http_status;
  // A page's error message may carry bytes that are not UTF-8: replaced, not thrown on.
  return JsonText(line);
}

void LogWithFields(spdlog::level::level_enum level, const LogFields& fields,
                   const std::string& message) {
  current_fields = &fields;
  spdlog::log(level, "{}", message);
  current_fields = nullptr;
}

Status SetLogLevel(const std::string& level) {
  const auto parsed = spdlog::level::from_str(level);
  // from_str maps unknown names to "off"; only "off" itself may mean off.
  if (parsed == spdlog::level::off && level != "off") {
    return Status::InvalidArgument("unknown log level '" + level + "'");
  }
  spdlog::set_level(parsed);
  return Status::Ok();
}

Status SetupLogging(const std::string& level, LogFormat format) {
  std::shared_ptr<spdlog::logger> logger;
  if (format == LogFormat::kJson) {
    // Asked for explicitly: JSON on stderr even under systemd (a collector reads it).
    logger = std::make_shared<spdlog::logger>("policyd", std::make_shared<JsonStderrSink>());
  } else if (systemd::StderrIsJournal()) {
    // The journal adds its own timestamps; priorities map from spdlog levels.
    logger = std::make_shared<spdlog::logger>("policyd", std::make_shared<JournalSink>());
    logger->set_pattern("%v");
  } else {
    logger = spdlog::stderr_color_mt("policyd");
    // UTC, marked: the times beside it (status, events, evidence) are UTC too.
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  }
  spdlog::set_default_logger(logger);
  return SetLogLevel(level);
}

}  // namespace policyd

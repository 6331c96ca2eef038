#include "logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

#include "systemd_notify.h"

namespace policyd {

Status SetLogLevel(const std::string& level) {
  const auto parsed = spdlog::level::from_str(level);
  // from_str maps unknown names to "off"; only "off" itself may mean off.
  if (parsed == spdlog::level::off && level != "off") {
    return Status::InvalidArgument("unknown log level '" + level + "'");
  }
  spdlog::set_level(parsed);
  return Status::Ok();
}

Status SetupLogging(const std::string& level) {
  std::shared_ptr<spdlog::logger> logger;
  if (systemd::StderrIsJournal()) {
    // The journal adds its own timestamps; priorities map from spdlog levels.
    logger = std::make_shared<spdlog::logger>(
        "policyd", std::make_shared<spdlog::sinks::systemd_sink_mt>("policyd"));
    logger->set_pattern("%v");
  } else {
    logger = spdlog::stderr_color_mt("policyd");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%-5l%$ %v");
  }
  spdlog::set_default_logger(logger);
  return SetLogLevel(level);
}

}  // namespace policyd

// Captures what the code under test logs through spdlog's default logger, to count warnings.
// While a LogCapture lives, the default logger writes to it only (at every level); the
// previous default logger comes back on destruction.
#ifndef POLICYD_TESTS_SUPPORT_LOG_CAPTURE_H_
#define POLICYD_TESTS_SUPPORT_LOG_CAPTURE_H_

#include <spdlog/sinks/base_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace policyd::testing {

class LogCapture {
 public:
  LogCapture()
      : previous_(spdlog::default_logger()),
        sink_(std::make_shared<Sink>()),
        logger_(std::make_shared<spdlog::logger>("capture", sink_)) {
    logger_->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger_);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Lines logged at `level` whose text contains `needle`.
  std::size_t Count(spdlog::level::level_enum level, const std::string& needle) const {
    return sink_->Count(level, needle);
  }

 private:
  class Sink : public spdlog::sinks::base_sink<std::mutex> {
   public:
    std::size_t Count(spdlog::level::level_enum level, const std::string& needle) {
      const std::lock_guard<std::mutex> lock(mutex_);
      std::size_t count = 0;
      for (const auto& [line_level, text] : lines_) {
        count += line_level == level && text.find(needle) != std::string::npos;
      }
      return count;
    }

   protected:
    void sink_it_(const spdlog::details::log_msg& message) override {
      lines_.emplace_back(message.level,
                          std::string(message.payload.data(), message.payload.size()));
    }
    void flush_() override {}

   private:
    std::vector<std::pair<spdlog::level::level_enum, std::string>> lines_;
  };

  std::shared_ptr<spdlog::logger> previous_;
  std::shared_ptr<Sink> sink_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_LOG_CAPTURE_H_

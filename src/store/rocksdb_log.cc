#include "src/store/rocksdb_log.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cstdarg>
#include <cstdio>
#include <string_view>

namespace policyd::store_internal {
namespace {

spdlog::level::level_enum PolicydLevel(rocksdb::InfoLogLevel level) {
  switch (level) {
    case rocksdb::InfoLogLevel::FATAL_LEVEL:
    case rocksdb::InfoLogLevel::ERROR_LEVEL:
      return spdlog::level::err;
    case rocksdb::InfoLogLevel::WARN_LEVEL:
      return spdlog::level::warn;
    default:
      return spdlog::level::debug;
  }
}

// Warnings RocksDB gives about its own bookkeeping, which need nothing from the operator: a
// checkpoint (policyctl backup) pauses file deletions while they are paused already, and says
// so twice per backup.
constexpr std::array<std::string_view, 2> kBookkeepingWarnings = {
    "File Deletions Disabled, but already disabled",
    "File Deletions Enable, but not really enabled",
};

bool IsBookkeeping(std::string_view text) {
  return std::any_of(kBookkeepingWarnings.begin(), kBookkeepingWarnings.end(),
                     [text](std::string_view known) { return text.find(known) != text.npos; });
}

class RocksLogToPolicydLog : public rocksdb::Logger {
 public:
  // RocksDB filters below its own level before formatting: INFO, so that every line reaches
  // Write, which drops what policyd's level hides (it can change at a reload).
  RocksLogToPolicydLog() : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL) {}

  void Logv(const char* format, va_list ap) override {
    Write(rocksdb::InfoLogLevel::INFO_LEVEL, format, ap);
  }
  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel()) return;
    Write(level, format, ap);
  }
  void LogHeader(const char* format, va_list ap) override {
    Write(rocksdb::InfoLogLevel::HEADER_LEVEL, format, ap);
  }

 private:
  static void Write(rocksdb::InfoLogLevel rocks_level, const char* format, va_list ap) {
    spdlog::level::level_enum level = PolicydLevel(rocks_level);
    if (!spdlog::should_log(level)) return;
    std::array<char, kMaxRocksLogLine> line{};
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wformat-nonliteral"
#elif defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
    // RocksDB's own printf-style format: the contract of rocksdb::Logger.
    const int length = std::vsnprintf(line.data(), line.size(), format, ap);
#if defined(__clang__)
#pragma clang diagnostic pop
#elif defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
    if (length < 0) return;
    std::string_view text(line.data(),
                          std::min<std::size_t>(static_cast<std::size_t>(length), line.size() - 1));
    while (!text.empty() && text.back() == '\n') text.remove_suffix(1);
    if (level == spdlog::level::warn && IsBookkeeping(text)) {
      level = spdlog::level::debug;
      if (!spdlog::should_log(level)) return;
    }
    spdlog::log(level, "rocksdb: {}", text);
  }
};

}  // namespace

std::shared_ptr<rocksdb::Logger> NewRocksLogToPolicydLog() {
  return std::make_shared<RocksLogToPolicydLog>();
}

}  // namespace policyd::store_internal

#include "policyd/clock.h"

#include <cctype>
#include <chrono>
#include <ctime>
#include <limits>

namespace policyd {

int64_t NowUnixMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string FormatTimestamp(int64_t unix_millis) {
  const std::time_t seconds = static_cast<std::time_t>(unix_millis / 1000);
  const int millis = static_cast<int>(unix_millis % 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, millis);
  return buffer;
}

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  // Positions of the digits in "YYYY-MM-DDTHH:MM:SS.mmmZ"; everything else is punctuation.
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = std::isdigit(static_cast<unsigned char>(text[i])) != 0;
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return std::nullopt;
  }
  const auto number = [&](std::size_t at, std::size_t length) {
    int value = 0;
    for (std::size_t i = at; i < at + length; ++i) value = value * 10 + (text[i] - '0');
    return value;
  };
  const std::chrono::year_month_day date{std::chrono::year(number(0, 4)),
                                         std::chrono::month(static_cast<unsigned>(number(5, 2))),
                                         std::chrono::day(static_cast<unsigned>(number(8, 2)))};
  const int hour = number(11, 2);
  const int minute = number(14, 2);
  const int second = number(17, 2);
  if (!date.ok() || date.year() < std::chrono::year(1970) || hour > 23 || minute > 59 ||
      second > 59) {
    return std::nullopt;
  }
  const int64_t days = std::chrono::sys_days(date).time_since_epoch().count();
  return ((days * 24 + hour) * 60 + minute) * 60'000 + second * 1000 + number(20, 3);
}

std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  int64_t total_ms = 0;
  size_t i = 0;
  bool any = false;
  // Each unit once, from the largest down: "30m1h", "1h1h" and "1h30" are mistakes, not sums.
  int64_t previous_scale = std::numeric_limits<int64_t>::max();
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    int64_t number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      number = number * 10 + (text[i] - '0');
      if (number > std::numeric_limits<int32_t>::max()) return std::nullopt;
      ++i;
    }
    // A capital M alone is a month to many readers ("6M"), never minutes here.
    if (text.substr(i, 1) == "M" &&
        (i + 1 == text.size() || !std::isalpha(static_cast<unsigned char>(text[i + 1])))) {
      return std::nullopt;
    }
    std::string unit;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
      unit.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(text[i]))));
      ++i;
    }
    int64_t scale = 0;
    if (unit.empty()) {
      if (any || i != text.size()) return std::nullopt;  // a bare number is the whole text
      scale = 1000;
    } else if (unit == "s") {
      scale = 1000;
    } else if (unit == "ms") {
      scale = 1;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "h") {
      scale = 3'600'000;
    } else if (unit == "d") {
      scale = 86'400'000;
    } else {
      return std::nullopt;
    }
    if (scale >= previous_scale) return std::nullopt;
    previous_scale = scale;
    if (__builtin_add_overflow(total_ms, number * scale, &total_ms)) return std::nullopt;
    any = true;
  }
  if (!any) return std::nullopt;
  return std::chrono::milliseconds(total_ms);
}

std::optional<std::string> IntervalWithoutUnit(std::string_view text) {
  constexpr int64_t kLeastIntervalSeconds = 60;
  if (text.empty() || text.size() > 2 || text.find_first_not_of("0123456789") != text.npos) {
    return std::nullopt;
  }
  const int seconds = std::stoi(std::string(text));
  if (seconds <= 0 || seconds >= kLeastIntervalSeconds) return std::nullopt;
  const std::string number = std::to_string(seconds);
  return number + " would be " + number + " seconds: write its unit, such as \"" + number +
         "h\" or \"" + number + "d\" (a bare number is a number of seconds, at least " +
         std::to_string(kLeastIntervalSeconds) + " for an interval)";
}

std::string FormatDuration(std::chrono::milliseconds duration) {
  int64_t ms = duration.count();
  if (ms == 0) return "0s";
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  const struct {
    int64_t scale;
    const char* unit;
  } units[] = {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}, {1, "ms"}};
  for (const auto& u : units) {
    if (ms >= u.scale) {
      out += std::to_string(ms / u.scale) + u.unit;
      ms %= u.scale;
    }
  }
  return out;
}

}  // namespace policyd

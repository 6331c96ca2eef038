#include "policyd/human_units.h"

#include <array>
#include <cstdio>

namespace policyd {
namespace {

// |value| without overflow for INT64_MIN.
uint64_t Magnitude(int64_t value) {
  return value < 0 ? uint64_t{0} - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
}

std::string MagnitudeBytes(uint64_t bytes) {
  static constexpr std::array<const char*, 7> kUnits = {"B",   "KiB", "MiB", "GiB",
                                                        "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  std::size_t unit = 1;
  while (unit + 1 < kUnits.size() && bytes >> (10 * (unit + 1)) != 0) ++unit;
  for (;;) {
    const uint64_t scale = uint64_t{1} << (10 * unit);
    const uint64_t whole = bytes / scale;
    const uint64_t rest = bytes % scale;  // < 2^60: times 10 still fits
    const uint64_t tenths = whole * 10 + (rest * 10 + scale / 2) / scale;
    if (tenths < 100) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%llu.%llu %s",
                    static_cast<unsigned long long>(tenths / 10),
                    static_cast<unsigned long long>(tenths % 10), kUnits[unit]);
      return buffer;
    }
    const uint64_t rounded = whole + (rest >= scale - rest ? 1 : 0);
    if (rounded < 1024 || unit + 1 == kUnits.size()) {
      return std::to_string(rounded) + " " + kUnits[unit];
    }
    ++unit;  // 1023.5 KiB and up: 1.0 MiB
  }
}

struct DurationUnit {
  uint64_t ms;
  const char* name;
};
constexpr std::array<DurationUnit, 4> kDurationUnits = {
    {{86'400'000, "d"}, {3'600'000, "h"}, {60'000, "m"}, {1000, "s"}}};

std::string MagnitudeDuration(uint64_t ms, bool two_units) {
  if (ms < 1000) return std::to_string(ms) + "ms";
  for (std::size_t i = 0; i < kDurationUnits.size(); ++i) {
    const DurationUnit& unit = kDurationUnits[i];
    if (ms < unit.ms) continue;
    std::string out = std::to_string(ms / unit.ms) + unit.name;
    if (two_units && i + 1 < kDurationUnits.size()) {
      const DurationUnit& next = kDurationUnits[i + 1];
      const uint64_t second = ms % unit.ms / next.ms;
      if (second != 0) out += " " + std::to_string(second) + next.name;
    }
    return out;
  }
  return std::to_string(ms) + "ms";  // not reached: ms >= 1000 matches "s"
}

}  // namespace

std::string HumanBytes(int64_t bytes) {
  return (bytes < 0 ? "-" : "") + MagnitudeBytes(Magnitude(bytes));
}

std::string HumanDuration(std::chrono::milliseconds duration) {
  const int64_t ms = duration.count();
  return (ms < 0 ? "-" : "") + MagnitudeDuration(Magnitude(ms), /*two_units=*/true);
}

std::string HumanAge(std::chrono::milliseconds age) {
  const int64_t ms = age.count();
  const uint64_t magnitude = Magnitude(ms);
  if (magnitude < 1000) return "just now";
  const std::string amount = MagnitudeDuration(magnitude, /*two_units=*/false);
  return ms < 0 ? "in " + amount : amount + " ago";
}

std::string HumanCount(uint64_t done, uint64_t total) {
  return std::to_string(done) + "/" + std::to_string(total);
}

}  // namespace policyd

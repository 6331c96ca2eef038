// The names under which check outcomes are stored, and the clock a check reads.
#include <chrono>

#include "policyd/check.h"
#include "policyd/clock.h"

namespace policyd {

std::string_view CheckResultName(CheckResult result) {
  switch (result) {
    case CheckResult::kFirstSeen:
      return "first_seen";
    case CheckResult::kChanged:
      return "changed";
    case CheckResult::kUnchanged:
      return "unchanged";
    case CheckResult::kNotModified:
      return "not_modified";
    case CheckResult::kReread:
      return "reread";
    case CheckResult::kAdopted:
      return "adopted";
    case CheckResult::kSuspicious:
      return "suspicious";
    case CheckResult::kFailed:
      return "failed";
  }
  return "unknown";
}

namespace {

class SystemClock final : public CheckClock {
 public:
  int64_t NowUnixMillis() const override { return policyd::NowUnixMillis(); }
  int64_t NowUnixMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

const CheckClock& SystemCheckClock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace policyd

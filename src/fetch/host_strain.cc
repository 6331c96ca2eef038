#include "host_strain.h"

#include <algorithm>

namespace policyd {

ServerHealth HealthOf(FetchError error, long http_status) {
  switch (error) {
    case FetchError::kConnect:
    case FetchError::kTimeout:
      return ServerHealth::kTrouble;
    case FetchError::kTooLarge:
    case FetchError::kContentType:
      return ServerHealth::kFine;  // it answered; the page is not for us
    case FetchError::kNone:
      break;
    default:
      return ServerHealth::kUnknown;
  }
  const bool server_error = http_status == 500 || (http_status >= 502 && http_status <= 504);
  const bool origin_error = http_status >= 520 && http_status <= 530;  // CDNs: origin failed
  return server_error || origin_error ? ServerHealth::kTrouble : ServerHealth::kFine;
}

HostStrain::HostStrain(Limits limits) : limits_(limits) {
  limits_.base = std::max(limits_.base, Clock::duration::zero());
  limits_.max = std::max(limits_.max, limits_.base);
}

HostStrain::Verdict HostStrain::Note(const std::string& host, const std::string& url,
                                     ServerHealth health, Clock::time_point now) {
  if (health == ServerHealth::kUnknown) {
    const auto streak = streaks_.find(host);
    if (streak == streaks_.end()) return {};
    return {.streak = streak->second.answers, .first_url = streak->second.first_url};
  }
  if (health == ServerHealth::kFine) {
    const auto streak = streaks_.find(host);
    if (streak == streaks_.end()) return {};
    Verdict ended;
    ended.streak = streak->second.answers;
    ended.ended_rest = streak->second.several_urls;
    streaks_.erase(streak);
    return ended;
  }
  MaybeSweep(now);
  Streak& streak = streaks_[host];
  if (streak.answers == 0) {
    streak.first_url = url;
  } else if (url != streak.first_url) {
    streak.several_urls = true;
  }
  ++streak.answers;
  streak.last = now;
  Verdict verdict{.streak = streak.answers, .first_url = streak.first_url};
  if (streak.several_urls) verdict.pause = PauseAfter(streak.answers);
  return verdict;
}

HostStrain::Clock::duration HostStrain::PauseAfter(int answers) const {
  Clock::duration pause = limits_.base;
  for (int n = 2; n < answers && pause < limits_.max; ++n) pause *= 2;
  return std::min(pause, limits_.max);
}

void HostStrain::MaybeSweep(Clock::time_point now) {
  if (streaks_.size() < sweep_at_) return;
  std::erase_if(streaks_, [&](const auto& entry) { return now - entry.second.last > limits_.max; });
  sweep_at_ = std::max<std::size_t>(64, 2 * streaks_.size());
}

}  // namespace policyd

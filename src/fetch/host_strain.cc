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
  switch (health) {
    case ServerHealth::kTrouble:
      return NoteTrouble(host, url, now);
    case ServerHealth::kFine:
      return NoteGood(host, url);
    case ServerHealth::kUnknown:
      break;
  }
  const auto known = hosts_.find(host);
  if (known == hosts_.end()) return {};
  return {.streak = known->second.streak.answers, .first_url = known->second.streak.first_url};
}

HostStrain::Verdict HostStrain::NoteGood(const std::string& host, const std::string& url) {
  const auto known = hosts_.find(host);
  if (known == hosts_.end()) return {};
  Host& record = known->second;
  Verdict ended;
  ended.streak = record.streak.answers;
  ended.ended_rest = record.streak.several_urls;
  record.streak = {};
  ++record.good_answers;
  record.failing_urls.erase(url);
  if (record.failing_urls.empty()) hosts_.erase(known);  // nothing left to remember
  return ended;
}

HostStrain::Verdict HostStrain::NoteTrouble(const std::string& host, const std::string& url,
                                            Clock::time_point now) {
  MaybeSweep(now);
  Host& record = hosts_[host];
  record.last = now;
  if (record.failing_urls.size() >= kMaxFailingUrls && !record.failing_urls.contains(url)) {
    record.failing_urls.clear();
  }
  const auto [failing, first_failure] = record.failing_urls.try_emplace(url, record.good_answers);
  const bool broken_on_its_own = !first_failure && failing->second < record.good_answers;
  failing->second = record.good_answers;
  Streak& streak = record.streak;
  if (broken_on_its_own) return {.streak = streak.answers, .first_url = streak.first_url};
  if (streak.answers == 0) {
    streak.first_url = url;
  } else if (url != streak.first_url) {
    streak.several_urls = true;
  }
  ++streak.answers;
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
  if (hosts_.size() < sweep_at_) return;
  std::erase_if(hosts_,
                [&](const auto& entry) { return now - entry.second.last > kFailingMemory; });
  sweep_at_ = std::max<std::size_t>(64, 2 * hosts_.size());
}

}  // namespace policyd

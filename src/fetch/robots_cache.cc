#include "robots_cache.h"

#include <utility>

#include "policyd/http_url.h"

namespace policyd {

Result<RobotsLocation> LocateRobots(std::string_view url) {
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return parsed.status();
  RobotsLocation location;
  location.origin = parsed->scheme + "://" + parsed->host + ":" + parsed->port;
  location.robots_url = location.origin + "/robots.txt";
  location.path_and_query = parsed->path_and_query;
  return location;
}

std::optional<RobotsEntry> ClassifyRobotsResponse(const FetchResponse& response,
                                                  const FetcherOptions& options,
                                                  std::chrono::steady_clock::time_point now) {
  RobotsEntry entry;
  entry.expires = now + options.robots_cache_ttl;
  const auto keep_out = [&](std::string why) {
    entry.unavailable = RobotsUnavailable{.error = response.error,
                                          .http_status = response.http_status,
                                          .retry_after = response.retry_after,
                                          .message = "robots.txt unavailable (" + why + ")"};
    entry.expires = now + options.robots_retry_interval;  // retried soon, not after the TTL
    return entry;
  };
  switch (response.error) {
    case FetchError::kAborted:
      return std::nullopt;
    case FetchError::kNone:
      break;
    case FetchError::kTooManyRedirects:
      // RFC 9309 2.3.1.2: more than five redirects MAY be taken as "unavailable" (4xx).
      entry.robots = std::make_shared<const RobotsTxt>();
      return entry;
    case FetchError::kBlockedAddress:
    case FetchError::kBadUrl:
      if (response.http_status != 0) {
        // The origin answered, with a redirect to where the address policy or the scheme rule
        // does not let us go: its rules cannot be read (2.3.1.4), though its pages may be.
        return keep_out("its redirect to " + response.final_url + " was refused: " +
                        FetchErrorName(response.error) + ": " + response.error_message);
      }
      // The origin itself is refused, by our own policy, not the site's state: let pages
      // through (soon re-checked) so that their fetch reports the real reason, not "robots".
      entry.robots = std::make_shared<const RobotsTxt>();
      entry.expires = now + options.robots_retry_interval;
      return entry;
    default:
      // RFC 9309 2.3.1.4: unreachable (timeout, DNS, connect, TLS, broken HTTP) = complete
      // disallow.
      return keep_out(std::string(FetchErrorName(response.error)) + ": " + response.error_message);
  }
  const long status = response.http_status;
  if (status >= 200 && status <= 299) {
    entry.robots = std::make_shared<const RobotsTxt>(RobotsTxt::Parse(response.body));
    return entry;
  }
  // 429 is "slow down", not "there is no file" (as Google treats it): keep out for now.
  if (status == 429 || status >= 500) return keep_out("HTTP " + std::to_string(status));
  // 4xx (RFC 9309 2.3.1.3) and a final 3xx without a usable Location: no robots.txt.
  if (status >= 300 && status <= 499) {
    entry.robots = std::make_shared<const RobotsTxt>();
    return entry;
  }
  return keep_out("HTTP " + std::to_string(status));
}

const RobotsEntry* RobotsCache::Fresh(const std::string& origin, Clock::time_point now) const {
  const auto it = entries_.find(origin);
  if (it == entries_.end() || it->second.fetching || !it->second.entry) return nullptr;
  if (now >= it->second.entry->expires) return nullptr;
  return &*it->second.entry;
}

bool RobotsCache::Park(const std::string& origin, uint64_t id) {
  Slot& slot = entries_[origin];
  slot.parked.push_back(id);
  ++parked_;
  if (slot.fetching) return false;
  slot.fetching = true;
  return true;
}

std::vector<uint64_t> RobotsCache::Complete(const std::string& origin,
                                            std::optional<RobotsEntry> entry,
                                            Clock::time_point now) {
  const auto it = entries_.find(origin);
  if (it == entries_.end()) return {};
  std::vector<uint64_t> parked = std::move(it->second.parked);
  parked_ -= parked.size();
  if (entry) {
    it->second.entry = std::move(entry);
    it->second.fetching = false;
    it->second.parked.clear();
  } else {
    entries_.erase(it);
  }
  MaybeSweep(now);
  return parked;
}

void RobotsCache::Clear() {
  entries_.clear();
  parked_ = 0;
}

void RobotsCache::MaybeSweep(Clock::time_point now) {
  if (entries_.size() <= max_entries_) return;
  std::erase_if(entries_, [&](const auto& item) {
    const Slot& slot = item.second;
    return !slot.fetching && slot.parked.empty() && (!slot.entry || now >= slot.entry->expires);
  });
}

}  // namespace policyd

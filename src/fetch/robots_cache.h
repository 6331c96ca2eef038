// RobotsCache: what the Fetcher knows about each origin's robots.txt, as pure bookkeeping (no
// I/O, no clock of its own): the parsed file or the reason it is unavailable, until when that
// holds, whether a fetch of it is in flight, and the page requests parked behind that fetch.
// The Fetcher does the fetching; ClassifyRobotsResponse turns its response into an entry.
#ifndef POLICYD_SRC_FETCH_ROBOTS_CACHE_H_
#define POLICYD_SRC_FETCH_ROBOTS_CACHE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "policyd/fetcher.h"
#include "policyd/robots.h"
#include "policyd/status.h"

namespace policyd {

// Where a URL's robots.txt lives and what of the URL it judges.
struct RobotsLocation {
  std::string origin;          // "http://example.com:80": the cache key (scheme, host, port)
  std::string robots_url;      // origin + "/robots.txt"
  std::string path_and_query;  // "/a/b?c" ("/" when the URL has no path)
};

// Parses `url` with curl's URL API (as the transfer does). Fails like HostKeyForUrl.
Result<RobotsLocation> LocateRobots(std::string_view url);

// Why robots.txt could not be read, for a reason that means "keep out" (RFC 9309 2.3.1.4:
// 5xx, 429, DNS, connect, TLS, timeout, broken HTTP): the robots.txt response that said so.
// Pages of the origin are refused with it, so that their checks report the real failure.
struct RobotsUnavailable {
  FetchError error = FetchError::kNone;  // kDns, kTimeout, ...; kNone for an HTTP status
  long http_status = 0;                  // 429 or 5xx when error is kNone
  std::string retry_after;               // the robots.txt response's Retry-After
  std::string message;                   // "robots.txt unavailable (HTTP 503)"
};

// What a robots.txt fetch taught us about an origin.
struct RobotsEntry {
  std::optional<RobotsUnavailable> unavailable;  // set: every page is refused with it
  std::shared_ptr<const RobotsTxt> robots;       // the rules otherwise (empty file = allow all)
  std::chrono::steady_clock::time_point expires{};
};

// RFC 9309 section 2.3.1 applied to a finished robots.txt fetch (see fetcher.h for the
// table). Returns nullopt for kAborted: nothing was learnt.
std::optional<RobotsEntry> ClassifyRobotsResponse(const FetchResponse& response,
                                                  const FetcherOptions& options,
                                                  std::chrono::steady_clock::time_point now);

class RobotsCache {
 public:
  using Clock = std::chrono::steady_clock;

  explicit RobotsCache(std::size_t max_entries) : max_entries_(max_entries) {}

  // The entry for `origin` if it is known and has not expired at `now`, and no fetch is in
  // flight; nullptr otherwise (the caller parks the request).
  const RobotsEntry* Fresh(const std::string& origin, Clock::time_point now) const;

  // Parks request `id` behind `origin`'s robots.txt fetch. Returns true when the caller must
  // start that fetch (none was in flight).
  bool Park(const std::string& origin, uint64_t id);

  // The fetch for `origin` finished: stores `entry` (or forgets the origin when nullopt) and
  // returns the requests parked behind it, in the order they were parked.
  std::vector<uint64_t> Complete(const std::string& origin, std::optional<RobotsEntry> entry,
                                 Clock::time_point now);

  // Forgets everything (shutdown).
  void Clear();

  std::size_t parked() const { return parked_; }
  std::size_t size() const { return entries_.size(); }

 private:
  struct Slot {
    std::optional<RobotsEntry> entry;
    bool fetching = false;
    std::vector<uint64_t> parked;
  };

  // Drops expired idle origins once the map grows past max_entries_, so that the cache stays
  // bounded by the origins recently seen.
  void MaybeSweep(Clock::time_point now);

  std::size_t max_entries_;
  std::unordered_map<std::string, Slot> entries_;
  std::size_t parked_ = 0;
};

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_ROBOTS_CACHE_H_

#include "policyd/fleet_options.h"

#include <algorithm>

#include "policyd/ascii.h"
#include "policyd/clock.h"
#include "policyd/sha256.h"

namespace policyd {
namespace {

constexpr std::size_t kMaxMemberIdBytes = 64;
constexpr std::size_t kMaxHostnamePart = 48;

std::string Duration(std::chrono::milliseconds duration) { return FormatDuration(duration); }

}  // namespace

std::optional<FleetTimingProblem> CheckFleetTiming(const FleetTiming& timing) {
  if (timing.heartbeat_interval.count() <= 0) {
    return FleetTimingProblem{"heartbeat_interval", "'heartbeat_interval' must be positive"};
  }
  if (timing.member_ttl <= 2 * timing.heartbeat_interval) {
    return FleetTimingProblem{"ttl",
                              "'ttl' (" + Duration(timing.member_ttl) +
                                  ") must be longer than twice 'heartbeat_interval' (" +
                                  Duration(timing.heartbeat_interval) +
                                  "), so that a member misses two heartbeats before it is dropped"};
  }
  if (timing.max_clock_skew.count() < 0) {
    return FleetTimingProblem{"max_clock_skew", "'max_clock_skew' must not be negative"};
  }
  if (timing.member_ttl <= timing.heartbeat_interval + timing.max_clock_skew) {
    return FleetTimingProblem{
        "ttl", "'ttl' (" + Duration(timing.member_ttl) +
                   ") must be longer than 'heartbeat_interval' plus 'max_clock_skew', so that "
                   "a live member never looks dead"};
  }
  if (3 * timing.max_clock_skew >= timing.lease_ttl) {
    return FleetTimingProblem{"max_clock_skew",
                              "'max_clock_skew' (" + Duration(timing.max_clock_skew) +
                                  ") must be shorter than a third of 'lease_ttl' (" +
                                  Duration(timing.lease_ttl) +
                                  "): a lease is renewed every third of it and its holder stops "
                                  "'max_clock_skew' before it expires"};
  }
  return std::nullopt;
}

std::chrono::milliseconds FleetBucketMaxAge(const FleetTiming& timing) {
  return 2 * std::max(timing.member_ttl, timing.lease_ttl);
}

bool IsValidFleetMemberId(std::string_view id) {
  return !id.empty() && id.size() <= kMaxMemberIdBytes &&
         std::all_of(id.begin(), id.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '-' || c == '_';
         });
}

std::string DefaultFleetMemberId(std::string_view hostname, const std::filesystem::path& database) {
  std::string host = AsciiLower(hostname.substr(0, kMaxHostnamePart));
  for (char& c : host) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) c = '-';
  }
  if (host.empty()) host = "policyd";
  std::error_code error;  // absolute() fails only without a working directory: keep it as is
  std::filesystem::path path = std::filesystem::absolute(database, error);
  if (error) path = database;
  path = path.lexically_normal();
  // "/srv/db/" is the directory "/srv/db".
  if (!path.has_filename() && path != path.root_path()) path = path.parent_path();
  return host + "-" + Sha256Hex(path.string()).substr(0, 8);
}

}  // namespace policyd

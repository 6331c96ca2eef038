// The timing of a fleet and the identity of its members: the rules every member, the config
// reader and the simulation share (docs/SCALE.md explains them).
#ifndef POLICYD_FLEET_OPTIONS_H_
#define POLICYD_FLEET_OPTIONS_H_

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace policyd {

struct FleetTiming {
  // How often a member writes its heartbeat and re-reads the membership.
  std::chrono::milliseconds heartbeat_interval = std::chrono::seconds(5);
  // A member whose last heartbeat is this old is dead to the others (config key `ttl`).
  std::chrono::milliseconds member_ttl = std::chrono::seconds(20);
  // A lease lasts this long after it is taken or renewed; a check renews it every third.
  std::chrono::milliseconds lease_ttl = std::chrono::seconds(20);
  // The largest difference between two members' clocks that leases stay safe under: a holder
  // stops working this long before its lease expires by its own clock.
  std::chrono::milliseconds max_clock_skew = std::chrono::seconds(1);
};

// Why `timing` is unusable, naming the config key at fault; nullopt when it is usable:
//  - heartbeat_interval > 0;
//  - ttl > 2 × heartbeat_interval (a member misses two heartbeats before it is dropped), and
//    ttl > heartbeat_interval + max_clock_skew (a live member never looks dead);
//  - 0 <= max_clock_skew < lease_ttl / 3 (a holder renews every lease_ttl / 3 and must still
//    have time left when one renewal fails).
struct FleetTimingProblem {
  std::string key;  // "heartbeat_interval", "ttl", "lease_ttl", "max_clock_skew"
  std::string reason;
};
std::optional<FleetTimingProblem> CheckFleetTiming(const FleetTiming& timing);

// The bucket's max_age: 2 × max(ttl, lease_ttl). Longer than any lease can last (lease_ttl
// plus twice the clock skew), so a held lease never disappears under its holder; entries of
// members and documents gone for that long are collected.
std::chrono::milliseconds FleetBucketMaxAge(const FleetTiming& timing);

// A member id: 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_' (it is part of a key).
bool IsValidFleetMemberId(std::string_view id);

// The member id of a daemon whose config sets none: its host name (lower case, characters
// outside a-z, 0-9 and '-' as '-', at most 48 of them; "policyd" when empty), '-', and the
// first 8 hex digits of SHA-256 of its database's absolute path. Stable across restarts, so
// a member that returns gets its documents back; two daemons on one host differ.
std::string DefaultFleetMemberId(std::string_view hostname, const std::filesystem::path& database);

}  // namespace policyd

#endif  // POLICYD_FLEET_OPTIONS_H_

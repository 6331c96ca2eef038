// Wall-clock helpers shared by every component. Times are stored and exchanged as
// milliseconds since the Unix epoch (UTC) so that keys sort and records compare simply.
#ifndef POLICYD_CLOCK_H_
#define POLICYD_CLOCK_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace policyd {

// Milliseconds since the Unix epoch, from the system clock.
int64_t NowUnixMillis();

// "2026-11-22T12:13:23.456Z" (RFC 3339, UTC, millisecond precision).
std::string FormatTimestamp(int64_t unix_millis);
// The inverse of FormatTimestamp: exactly "YYYY-MM-DDTHH:MM:SS.mmmZ" (years 1970-9999), as
// the daemon sends times; nullopt for anything else (policyctl shows ages from them).
std::optional<int64_t> ParseTimestamp(std::string_view text);

// Parses a duration such as "90s", "15m", "12h", "7d", "1h30m" or a bare number of seconds.
// Units are case-insensitive except a capital "M" alone, refused: "6M" reads as six months.
// Each unit comes at most once, from the largest down ("1d2h30m"); a bare number stands alone.
// Returns nullopt on anything else (empty, negative, unknown unit, overflow).
std::optional<std::chrono::milliseconds> ParseDuration(std::string_view text);

// What ParseDuration reads, for the messages that refuse a value: a bare "bad '5 minutes'"
// leaves the reader guessing whether the unit, the number or the spelling is wrong.
inline constexpr std::string_view kDurationShape = "a duration such as 90s, 15m, 12h, 7d or 1h30m";

// An interval written as a bare number under a minute ("24", meant as hours or days) would
// fetch a page every few seconds. For such a `text` (digits only, 1 to 59), what every reader
// of an interval says to refuse it: "24 would be 24 seconds: write its unit, such as "24h" or
// "24d" (...)"; nullopt for anything else.
std::optional<std::string> IntervalWithoutUnit(std::string_view text);

// "1d2h", "15m", "3s", "250ms": the inverse of ParseDuration, for people.
std::string FormatDuration(std::chrono::milliseconds duration);

}  // namespace policyd

#endif  // POLICYD_CLOCK_H_

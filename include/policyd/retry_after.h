// Retry-After (RFC 9110 section 10.2.3): how long a server asks a client to wait. One reader
// for the fetcher (a host's hold), the check (a document's next attempt) and the webhooks.
#ifndef POLICYD_RETRY_AFTER_H_
#define POLICYD_RETRY_AFTER_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace policyd {

// The delay a Retry-After value asks for: delta-seconds (at most 9 digits), or an HTTP-date
// (parsed by curl, the HTTP stack's own reader) relative to `now_ms` (0 when it is past).
// nullopt when empty or unreadable. Surrounding white space is ignored.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, int64_t now_ms);

}  // namespace policyd

#endif  // POLICYD_RETRY_AFTER_H_

#include "policyd/retry_after.h"

#include <curl/curl.h>

#include <algorithm>
#include <string>

namespace policyd {

std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value, int64_t now_ms) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stol(std::string(value)));
  }
  const std::string date(value);  // NUL-terminated for curl
  const time_t when = curl_getdate(date.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::chrono::milliseconds(std::max<int64_t>(0, int64_t{when} * 1000 - now_ms));
}

}  // namespace policyd

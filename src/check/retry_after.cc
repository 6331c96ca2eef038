// When may a failed check be retried: soon for transient failures, and not before the server's
// Retry-After (an HTTP-date parsed by curl, the HTTP stack's own reader).
#include <curl/curl.h>

#include <algorithm>
#include <cctype>

#include "policyd/check.h"

namespace policyd {

bool IsTransientFailure(FailureReason reason) {
  switch (reason) {
    case FailureReason::kDns:
    case FailureReason::kConnect:
    case FailureReason::kTls:
    case FailureReason::kTimeout:
    case FailureReason::kProtocol:
    case FailureReason::kHttp429:
    case FailureReason::kHttp5xx:
    case FailureReason::kChallenge:
    case FailureReason::kBlocked:
    case FailureReason::kErrorPage:
    case FailureReason::kEmpty:
    case FailureReason::kRedirectStub:  // an interstitial is usually one render's accident
    case FailureReason::kBrowserTimeout:
    case FailureReason::kBrowserCrashed:
    case FailureReason::kBrowserUnavailable:
    case FailureReason::kBrowserProtocol:
    case FailureReason::kPdfTimeout:
    case FailureReason::kPdfUnavailable:
      return true;
    default:
      return false;
  }
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(const std::string& value, int64_t now_ms) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stol(value));
  }
  const time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::chrono::milliseconds(std::max<int64_t>(0, int64_t{when} * 1000 - now_ms));
}

}  // namespace policyd

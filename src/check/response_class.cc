// Phase 1 of a check: is a response a usable page at all? And when may a failure be retried?
#include <curl/curl.h>

#include <algorithm>
#include <cctype>

#include "check_internal.h"
#include "policyd/check.h"
#include "policyd/extract.h"

namespace policyd {

bool IsAcceptedMediaType(const std::string& media_type) {
  return media_type.empty() || media_type == "text/html" || media_type == "application/xhtml+xml" ||
         media_type == "text/plain";
}

bool IsPdf(const FetchResponse& page) {
  return MediaType(page.content_type) == "application/pdf" ||
         SniffBody(page.body, page.content_type) == BodySniff::kPdf;
}

std::string JoinRawPages(const std::vector<const FetchResponse*>& pages) {
  std::string raw;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    raw += "<!-- policyd page " + std::to_string(i + 1) + ": " + pages[i]->final_url + " -->\n";
    raw += pages[i]->body;
  }
  return raw;
}

FailureReason ClassifyResponse(const FetchResponse& response) {
  if (response.error != FetchError::kNone) return FailureFromFetchError(response.error);
  const long status = response.http_status;
  if (status == 304) return FailureReason::kNone;
  if (status == 429) return FailureReason::kHttp429;
  if (status >= 400 && status < 500) return FailureReason::kHttp4xx;
  if (status >= 500) return FailureReason::kHttp5xx;
  if (status < 200 || status >= 300) return FailureReason::kHttpStatus;
  if (IsPdf(response)) return FailureReason::kNone;  // ExtractPdfText has its own reasons
  if (!IsAcceptedMediaType(MediaType(response.content_type))) return FailureReason::kContentType;
  // An image or other binary data behind an HTML (or missing) label would store garbage.
  if (SniffBody(response.body, response.content_type) != BodySniff::kText) {
    return FailureReason::kContentType;
  }
  return FailureReason::kNone;
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

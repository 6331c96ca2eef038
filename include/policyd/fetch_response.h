// What a transfer gives back (FetchResponse) and how it can fail (FetchError): the plain
// fetcher's and the browser's result, the check's input. Apart from the Fetcher (fetcher.h)
// so that code judging responses (policyd/document_text.h, `policyctl extract`) needs neither
// curl nor Asio.
#ifndef POLICYD_FETCH_RESPONSE_H_
#define POLICYD_FETCH_RESPONSE_H_

#include <chrono>
#include <map>
#include <string>

namespace policyd {

enum class FetchError {
  kNone = 0,        // a complete HTTP response arrived (any status code)
  kBadUrl,          // unparsable URL or a scheme other than http/https (also on redirect)
  kDns,             // name resolution failed
  kConnect,         // could not connect (refused, unreachable)
  kBlockedAddress,  // resolved to a loopback/private/... address that is not allowed
  kTls,             // TLS handshake or certificate failure
  kTimeout,         // connect, total or low-speed timeout
  kTooLarge,        // decoded body exceeded max_body_bytes
  kTooManyRedirects,
  kProtocol,          // malformed HTTP, reset mid-body, bad content encoding, ...
  kRobotsDisallowed,  // a robots.txt rule disallows the URL (unavailable: robots_unavailable)
  kContentType,       // Content-Type not in accepted_content_types (transfer stopped early)
  kAborted,           // the fetcher was shut down or the request cancelled
};

struct FetchResponse {
  FetchError error = FetchError::kNone;
  std::string error_message;  // curl's message or ours; "" when error == kNone (except
                              // with robots_unavailable)
  long http_status = 0;       // 0 when no response
  std::string url;            // requested (the caller's URL, also when redirected)
  std::string final_url;      // the last redirect hop's URL; `url` when not redirected
  int redirects = 0;          // redirects followed from `url` to `final_url`
  // When `url` itself answered 301 or 308 (moved permanently, RFC 9110 15.4.2 and 15.4.9):
  // that status and the URL it named; 0 and "" otherwise (a temporary redirect, none).
  long moved_permanently_status = 0;
  std::string moved_permanently_to;
  bool conditional = false;  // the request carried validators (a 304 can only answer those)
  std::string content_type;
  std::string etag;
  std::string last_modified;
  std::string retry_after;  // raw header value, "" if absent
  // `headers` holds the final response's cache-control, content-encoding, content-length,
  // content-type, date, etag, last-modified, location, retry-after and server, and the
  // challenge marks cf-mitigated, x-amzn-waf-action, x-datadome and x-vercel-mitigated
  // (repeated list fields joined with ", "; of a repeated single-value field, such as
  // content-type, etag or date, the last value). `body` is empty whenever error != kNone (never a
  // partial document).
  std::map<std::string, std::string> headers;  // selected response headers, lower-case names
  std::string body;  // decoded (Content-Encoding removed), at most max_body_bytes
  // The origin's robots.txt could not be read (RFC 9309 2.3.1.4: 429, 5xx, DNS, connect, TLS,
  // timeout, broken HTTP), so the page was not requested. error, http_status and retry_after
  // are then the robots.txt fetch's (a 503 there is error kNone with http_status 503 here, and
  // an empty body), and error_message says so: "robots.txt unavailable (HTTP 503)". A check
  // reports the underlying failure (http_5xx, dns, timeout, ...), not `robots`.
  bool robots_unavailable = false;
  // Not requested: the host answered another page 429 or 503 with a Retry-After that has not
  // run out (Fetcher: a host's hold). http_status is that answer's, retry_after the time left
  // in seconds, and error_message names the page and the Retry-After.
  bool host_held = false;
  // With host_held, when the hold is a struggling server's rest (the fetcher's host strain, not
  // a hold the server asked for): the trouble answers in a row that made the host rest. A check
  // held by a rest after fewer of them than failure_threshold does not count toward its own
  // failure streak (two unrelated one-off errors are no outage to report).
  int host_rest_streak = 0;
  // Both summed over every redirect hop of the fetch.
  std::chrono::milliseconds elapsed{0};  // from transfer start to completion
  std::chrono::milliseconds queued{0};   // time spent waiting in the host queue
};

}  // namespace policyd

#endif  // POLICYD_FETCH_RESPONSE_H_

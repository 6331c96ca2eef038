// RedirectChain: what one fetch carries from hop to hop while the Fetcher follows a page's
// redirects itself (curl does not: every hop is admitted like a new request, see fetcher.h).
// Pure bookkeeping, no I/O.
#ifndef POLICYD_SRC_FETCH_REDIRECT_CHAIN_H_
#define POLICYD_SRC_FETCH_REDIRECT_CHAIN_H_

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace policyd {

// The statuses whose Location is followed (RFC 9110 15.4): 301, 302, 303, 307 and 308. 300
// (a choice for the client), 304 (not modified) and the obsolete 305 and 306 are final.
bool IsFollowedRedirect(long http_status);

// The absolute URL that `location` (a Location value, or curl's CURLINFO_REDIRECT_URL) read on
// the response to `base` leads to, encoded as curl encodes a Location it follows itself (spaces
// and non-ASCII bytes percent-encoded), without the user and password it may carry. Any
// scheme: the caller judges it. "" when it does not parse.
std::string ResolveRedirect(const std::string& base, const std::string& location);

struct RedirectChain {
  using Clock = std::chrono::steady_clock;

  std::string first_url;  // the caller's request URL: FetchResponse::url of every hop
  long hops = 0;          // redirects followed to reach this hop; 0 for the first request
  // Time the earlier hops spent in transfers (queue waits excluded), charged to total_timeout.
  Clock::duration spent{0};
  // Time the earlier hops waited in their host queues (and behind their robots.txt).
  Clock::duration queued{0};
  // The cookies the earlier hops set, in curl's cookie-list (Netscape) format: a cookie check
  // redirects to the page itself with Set-Cookie and loops until the cookie comes back. curl
  // sends each only where its domain, path and Secure flag allow. Nothing outlives the chain:
  // every fetch starts without cookies, so no check depends on an earlier one.
  std::vector<std::string> cookies;
  // The first request's answer when it was 301 or 308, and where it pointed (see
  // FetchResponse::moved_permanently_to).
  long moved_permanently_status = 0;
  std::string moved_permanently_to;

  // What is left of `total_timeout` for this hop's transfer: nullopt when `total_timeout` is
  // not positive (no limit), zero or less when the chain has used it all up.
  std::optional<Clock::duration> Remaining(std::chrono::milliseconds total_timeout) const;
};

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_REDIRECT_CHAIN_H_

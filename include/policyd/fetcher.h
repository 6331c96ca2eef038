// Fetcher: HTTP(S) transfers over libcurl's multi *socket* interface, driven by a
// Boost.Asio io_context (after curl's multi-socket examples: the event loop owns the
// sockets and the single curl timer; callbacks stay small). No curl_multi_perform polling,
// no thread per request.
//
// Politeness: requests wait in one FIFO queue per host; at most `per_host_concurrency`
// transfers run per host and at most `max_concurrency` in all; a host's next transfer starts
// no sooner than `per_host_delay` after its previous one started.
//
// Redirects of a page are followed by the fetcher (not by curl), one hop at a time, and each
// hop is admitted like a new request: its origin's robots.txt (below), then its host's queue
// with that host's delay and crawl-delay, then the address policy on connecting. A 301, 302,
// 303, 307 or 308 with a Location (resolved against the hop's URL) makes a hop; other 3xx
// (300, 304, ...) are final responses. A hop belongs to the same fetch: the same FetchId
// (Cancel stops it parked, queued or running), the same handler (still called once) and
// `ignore_robots`; it is always a GET and never sends the request's If-None-Match or
// If-Modified-Since (they describe the first URL's resource, and a 304 from the target would
// hide its page). Cookies that a hop sets are sent on the chain's later hops, as a browser's
// cookie rules allow (a cookie check redirects to the page itself until its cookie comes
// back); none outlive the fetch, so every fetch starts without cookies. The response
// delivered is the last hop's: `url` stays the requested URL,
// `final_url` is the last hop's, `redirects` counts the hops, `elapsed` and `queued` are the
// whole chain's; redirect bodies are read (for connection reuse, at most
// max_body_bytes) and dropped. A hop beyond `max_redirects` fails the fetch with
// kTooManyRedirects, a target that is not an http or https URL with kBadUrl, in both cases
// with the redirect's own status, headers and URL (final_url) and no body.
//
// Time: `total_timeout` bounds the transfers of a whole redirect chain together: each hop's
// transfer gets what the earlier ones left (none left when a hop is due → kTimeout). Time spent
// waiting, as for any request, is not counted: a host's delay or crawl-delay, a robots.txt
// fetch. A chain thus takes at most total_timeout plus up to (max_redirects + 1) such waits.
//
// Safety: only http and https, on the first request and on every redirect (a hop's URL is
// checked like a request's; CURLOPT_PROTOCOLS_STR); at most `max_redirects`; connect, total and
// low-speed timeouts; the *decoded* body is capped at `max_body_bytes` (a gzip bomb stops at the
// cap); unless `allow_private_addresses`, connections to loopback, private, link-local,
// multicast and unspecified addresses (IPv4, IPv6, IPv4-mapped) are refused after DNS
// resolution, on every connection a transfer opens (the first request, every redirect hop,
// every redirect curl follows for robots.txt), except those in `allowed_addresses`.
//
// Robots (RFC 9309; rules in robots.h): unless `respect_robots` is off or the request sets
// `ignore_robots`, a page, and each redirect hop of it, is fetched only if the robots.txt of its
// origin (scheme, host, port) allows it for `robots_product_token` (the daemon passes the token of
// its user_agent, RobotsTxt::ProductTokenOf); a hop refused
// fails the fetch exactly as a first request would. robots.txt is fetched through the same queue,
// limits and address policy as a page, at most one fetch per origin at a time (requests for that
// origin wait for it, parked, without a timer or thread), and cached for `robots_cache_ttl`:
//   2xx → parsed; 3xx → followed by curl (at most 5, without robots.txt or queue for the
//   targets, the address policy applies); 4xx other than 429, or more than 5 redirects →
//   no robots.txt, everything allowed; 5xx, 429, timeout, DNS, connect, TLS or protocol
//   failure → everything disallowed until it can be read again, retried no sooner than
//   `robots_retry_interval` (not the TTL). A refused (blocked) origin lets the page through so
//   that its own fetch reports kBlockedAddress; a robots.txt that redirects to a refused address
//   or scheme cannot be read: everything disallowed, as above. A disallowed page completes with
//   kRobotsDisallowed without any request for it.
// Crawl-delay: a host's gap between request starts is max(per_host_delay, min(crawl-delay of
// its robots.txt for our token, max_crawl_delay)).
//
// A host's hold: a page answered 429, or 503 with a Retry-After (seconds or HTTP-date), holds
// its whole host (host key) for that delay (a 429 without one: robots_retry_interval), at most
// kMaxHostHold: a rate-limited server asks the client to wait, not to try its next URL. The
// host's requests entered meanwhile, and those waiting at its gate, complete unrequested with
// that status, the time left as retry_after and host_held set. The hold lasts its time: a
// later 429 (or 503 with a Retry-After) from a page already in flight renews it, and any other
// answer leaves it.
//
// A struggling host (src/fetch/host_strain.h): when a host's answers since its last good one
// are server trouble (500, 502–504, 520–530, refused connection, timeout) for more than one of
// its URLs, its n-th such answer in a row makes it rest strained_host_pause × 2^(n − 2), at
// most max_strained_host_pause: a hold like a 429's, its pages completing unrequested with the
// last trouble (its status, or kConnect / kTimeout), the time left as retry_after and
// host_held set; its robots.txt waits at the gate. A good answer (a page in flight, robots.txt)
// ends the rest; one page failing alone never holds its host. on_strained_host is told of each
// rest and of its end.
//
// Threading: every public method must be called on the io_context's thread, and every
// completion handler runs there. The handler is called exactly once per Fetch, also when
// the fetcher is shut down (with FetchError::kAborted).
#ifndef POLICYD_FETCHER_H_
#define POLICYD_FETCHER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "policyd/fetch_response.h"

namespace policyd {

// Stable lower-case name ("dns", "timeout", "too_large", ...), used in records and events
// (src/fetch/fetch_error.cc).
const char* FetchErrorName(FetchError error);

// A host's hold (see Fetcher) lasts at most this long, whatever its Retry-After says.
inline constexpr std::chrono::milliseconds kMaxHostHold = std::chrono::hours(1);

// An answer that made its struggling host rest (pause > 0), or the good answer that ended a
// rest (pause 0; streak: the failures it ended) (see Fetcher).
struct StrainedHost {
  std::string host;       // host key
  std::string url;        // the request answered
  std::string first_url;  // the first request of the streak (a rest only)
  int streak = 0;         // trouble answers in a row
  FetchError error = FetchError::kNone;
  long http_status = 0;
  std::chrono::milliseconds pause{0};  // the rest, before the host's next request
};

// A host whose pages are held now (see Fetcher): the server asked to wait (429, or 503 with
// Retry-After), or it is struggling and rests.
struct HeldHost {
  std::string host;  // host key
  bool rest = false;
  std::chrono::milliseconds left{0};
  std::string why;  // as the held pages' messages say it
};

struct FetcherOptions {
  std::string user_agent = "policyd/0.1";
  // Sent as From with every request, robots.txt included, when not empty (RFC 9110 10.1.2).
  std::string from;
  std::size_t max_concurrency = 64;
  std::size_t per_host_concurrency = 1;
  std::chrono::milliseconds per_host_delay{2000};
  std::size_t max_body_bytes = 8 * 1024 * 1024;
  long max_redirects = 5;
  std::chrono::milliseconds connect_timeout{10'000};
  std::chrono::milliseconds total_timeout{60'000};
  // Below low_speed_limit_bytes per second for low_speed_time → kTimeout (curl counts whole
  // seconds: low_speed_time is rounded up; a limit <= 0 or a time of 0 disables the check).
  long low_speed_limit_bytes = 100;
  std::chrono::milliseconds low_speed_time{20'000};
  bool allow_private_addresses = false;
  // Non-public addresses that may be connected to all the same (ParseIpRange syntax; entries
  // that do not parse are ignored: the daemon config validates them).
  std::vector<std::string> allowed_addresses;
  // Response headers of one response (status line included) beyond this fail the transfer
  // with kProtocol; all responses of one transfer (1xx interim ones, and the redirects curl
  // follows for robots.txt) together may use (max_redirects + 2) times as much.
  std::size_t max_header_bytes = 64 * 1024;

  // robots.txt (see above). robots_product_token is the name groups are matched against
  // (case-insensitively); user_agent should start with it.
  bool respect_robots = true;
  std::string robots_product_token = "policyd";
  std::chrono::milliseconds max_crawl_delay{30'000};  // cap on a robots.txt's crawl-delay
  std::chrono::milliseconds robots_cache_ttl{24 * 3600 * 1000};  // a read robots.txt (or 4xx)
  std::chrono::milliseconds robots_retry_interval{120'000};      // after robots.txt was unavailable
  std::size_t max_robots_entries = 100'000;  // origins cached; beyond, expired ones are dropped

  // When not empty, a final 2xx response whose media type (Content-Type without parameters,
  // case-insensitive) is not listed is stopped as soon as its headers arrive, with
  // kContentType, so that a large image is not downloaded. A response without Content-Type
  // passes. Other statuses are not checked (their bodies are not documents).
  std::vector<std::string> accepted_content_types;

  // A struggling host's pauses (see above), and who is told of them (on the io thread).
  std::chrono::milliseconds strained_host_pause{30'000};
  std::chrono::milliseconds max_strained_host_pause{600'000};
  std::function<void(const StrainedHost&)> on_strained_host;
};

struct FetchRequest {
  std::string url;
  std::string if_none_match;      // sent as If-None-Match when not empty
  std::string if_modified_since;  // sent as If-Modified-Since when not empty
  // The URL the validators above describe ("": `url`). They are sent to that URL only, on
  // whichever hop of the redirect chain requests it (exactly, as the chain resolves it): the
  // validators of a page that `url` redirects to are never sent to the redirect (a static one
  // could answer 304 for ever), nor to another page the redirect leads to on a later day.
  std::string validators_url;
  bool ignore_robots = false;  // skip the robots.txt check for this request
  // The body as sent, its Content-Encoding not undone by curl and none asked for (no
  // Accept-Encoding); a gzip body is then decoded by the fetcher itself, every member in turn,
  // stray bytes after the last ignored (src/fetch/gzip_members.h). The fetcher asks so once more
  // itself when curl cannot undo a coding where browsers can: a label that is no coding ("UTF-8",
  // "binary"; shown as it came), gzip with bytes after its end or in several members.
  bool body_as_sent = false;
};

class RobotsTxt;  // policyd/robots.h

class Fetcher {
 public:
  using Handler = std::function<void(FetchResponse)>;

  Fetcher(boost::asio::io_context& io, FetcherOptions options);
  ~Fetcher();  // aborts everything still queued or running (handlers get kAborted)
  Fetcher(const Fetcher&) = delete;
  Fetcher& operator=(const Fetcher&) = delete;

  // Identifies one Fetch for Cancel; 0 is never one (a fetch that failed at once).
  using FetchId = uint64_t;

  // Queues a transfer behind its host's politeness gate. `handler` runs on the io thread.
  FetchId Fetch(FetchRequest request, Handler handler);

  // Stops fetch `id` if it has not completed: a queued one (or one parked behind its origin's
  // robots.txt) never sends its request; a running one leaves curl at once, its connection
  // closed, and its host's slot is free for the next. Its handler runs (posted, like every
  // handler) with kAborted, "cancelled". False when there is nothing to stop: completed
  // already, unknown, or 0. A cancelled fetch still parked counts in Queued() until its
  // robots.txt is known.
  bool Cancel(FetchId id);

  // Aborts every queued and running transfer; their handlers run with kAborted.
  void Shutdown();

  std::size_t Running() const;  // transfers in flight
  std::size_t Queued() const;   // transfers waiting in host queues or for their robots.txt
  // The hosts held now, by host key.
  std::vector<HeldHost> HeldHosts() const;

  // What the browser needs to keep a page's own requests within its origin's robots.txt: the
  // rules of `url`'s origin as cached now (nullptr when not known, unavailable, or when
  // `respect_robots` is off), and the product token they are read for.
  std::shared_ptr<const RobotsTxt> KnownRobots(std::string_view url) const;
  const std::string& robots_product_token() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace policyd

#endif  // POLICYD_FETCHER_H_

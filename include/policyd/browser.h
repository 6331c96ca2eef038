// BrowserFetcher: renders pages in headless Chromium over the Chrome DevTools Protocol (CDP),
// for sites whose policy text is built by script. The plain Fetcher fetches the page first;
// the browser's request for that document is answered from the plain fetch's response
// (Fetch.fulfillRequest), so the site sees the page requested once, through policyd's
// politeness gate and robots check. Only subresources (scripts, XHR, ...) go to the network.
//
// Browser: started lazily on the first Render (a daemon whose targets never need it never
// starts it), as `command` + our flags: --headless=new --remote-debugging-pipe (CDP messages
// are JSON terminated by '\0'; chromium reads fd 3 and writes fd 4), a fresh private
// --user-data-dir removed when the browser goes, no extensions, sync, background networking or
// GPU, WebRTC limited to proxied UDP, V8 heap capped at 512 MiB. --no-sandbox is added only
// when running as root (euid 0), where chromium refuses to start sandboxed. The browser runs
// in its own session and process group, without a shell; killing it kills the group
// (SIGKILL) and reaps the browser process (its children are reparented and reaped by init;
// chromium's crashpad handlers detach into their own sessions and exit with it).
// With `socket_path` set, no process is spawned: the fetcher connects to that Unix socket,
// where a socket-activated unit (systemd/policyd-browser.socket) runs chromium with the
// accepted connection as fds 3 and 4; the memory cap is then the unit's MemoryMax.
//
// Isolation: every page gets a fresh browser context (Target.createBrowserContext, disposed
// after the page), so no cookies, storage or cache pass from one page to the next.
//
// Address policy: every request of the page, its iframes and workers is paused
// (Fetch.enable, pattern "*"; children through Target.setAutoAttach with
// waitForDebuggerOnStart) and allowed only when its scheme is http or https (data:, blob: and
// about: are not network requests and pass) and every address its host resolves to is public
// (IsPublicAddress) or in `allowed_addresses`, unless `allow_private_addresses`. Refused
// requests fail with BlockedByClient and are listed in RenderResult::blocked_urls; the page
// still renders. WebSockets do not pass through Fetch interception: ws:// and wss:// are
// blocked outright (Network.setBlockedURLs). Limit: chromium resolves the name again itself,
// so a host whose DNS answer changes between our check and its connection is not caught.
//
// Settling: after the load event, a page is settled once no request has been in flight for
// `network_idle` and, if `wait_for_selectors` is not empty, one of them matches
// (document.querySelector, polled every 100 ms); all within `page_timeout`, else kTimeout.
// The DOM is then serialized (document.documentElement.outerHTML).
//
// Failure: if the browser exits, its pipe closes, it sends a malformed or oversized message,
// it leaves a command unanswered for `page_timeout`, or its process group's resident memory
// (sampled every second) exceeds `memory_limit_bytes`, it is killed, every running page fails
// with kCrashed, and a new browser is started for the next page (Restarts() counts these).
//
// Threading: every public method must be called on the io_context's thread; handlers run there,
// exactly once per Render, also on Shutdown or destruction (kAborted).
#ifndef POLICYD_BROWSER_H_
#define POLICYD_BROWSER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "policyd/robots.h"

namespace policyd {

struct BrowserOptions {
  std::vector<std::string> command = {
      "/usr/bin/chromium"};  // argv[0..]; the fetcher adds its flags
  // When set, connect to this Unix socket instead of spawning (see above); the same
  // NUL-delimited CDP messages flow over it.
  std::filesystem::path socket_path;
  std::size_t concurrency = 1;                     // pages rendered at once
  std::chrono::milliseconds page_timeout{30'000};  // navigation to settled DOM, per page
  std::chrono::milliseconds network_idle{500};     // no request in flight this long = settled
  std::chrono::milliseconds start_timeout{
      20'000};                                   // browser start until Browser.getVersion answers
  std::size_t memory_limit_bytes = 1536u << 20;  // spawned browser's process group RSS
  std::size_t max_html_bytes = 8u << 20;         // serialized DOM beyond this -> kTooLarge
  std::string user_agent;                        // "" = chromium's
  bool allow_private_addresses = false;          // as FetcherOptions
  std::vector<std::string> allowed_addresses;    // as FetcherOptions (ParseIpRange syntax)
};

struct RenderRequest {
  std::string url;  // the page's URL (the plain fetch's final URL)
  // The plain fetch's response for `url`, which answers the browser's request for the main
  // document. Content-Encoding and Content-Length are dropped (the body is decoded).
  long http_status = 200;
  std::map<std::string, std::string> headers;  // lower-case names (content-type at least)
  std::string body;
  // The target's `select`: when given, settled only once one of them matches.
  std::vector<std::string> wait_for_selectors;
  // The robots.txt of the page's origin (Fetcher::KnownRobots; nullptr: none to apply, as for
  // a target with `ignore_robots`): the page's own requests to that origin which it
  // disallows for `robots_product_token` are refused, as the site asked. Requests to other
  // origins are not judged by their robots.txt (it is not fetched for a render).
  std::shared_ptr<const RobotsTxt> robots;
  std::string robots_product_token;
};

enum class RenderError {
  kNone = 0,
  kTimeout,         // not settled within page_timeout
  kCrashed,         // the browser (or the page's renderer) died, hung, or exceeded memory
  kTooLarge,        // serialized DOM beyond max_html_bytes
  kBlockedAddress,  // the page's own URL is not allowed by the address policy
  kUnavailable,     // the browser could not be started or connected to
  kProtocol,        // an unexpected CDP answer (a failed navigation, a missing field)
  kAborted,         // Shutdown or destruction
  kNavigated,       // the page's script navigated elsewhere before its load event (refused)
};

// "browser_timeout", "browser_crashed", "too_large", "blocked_address", "browser_unavailable",
// "browser_protocol", "aborted", "redirect_stub" ("" for kNone).
const char* RenderErrorName(RenderError error);

struct RenderResult {
  RenderError error = RenderError::kNone;
  std::string message;
  std::string html;             // "<!DOCTYPE html>" + outerHTML after settling; "" on error
  std::string final_url;        // location.href after settling (after script navigation)
  std::string browser_version;  // Browser.getVersion product, e.g. "Chrome/156.0.8078.114"
  std::vector<std::string> blocked_urls;  // requests the address policy refused (first 32)
  std::chrono::milliseconds elapsed{0};   // from the page's start to its result
};

class BrowserFetcher {
 public:
  using Handler = std::function<void(RenderResult)>;

  BrowserFetcher(boost::asio::io_context& io, BrowserOptions options);
  ~BrowserFetcher();  // Shutdown()
  BrowserFetcher(const BrowserFetcher&) = delete;
  BrowserFetcher& operator=(const BrowserFetcher&) = delete;

  // Queues the page (FIFO; at most `concurrency` render at once). `handler` runs exactly
  // once, on the io thread, never inside Render.
  void Render(RenderRequest request, Handler handler);

  // Kills the browser; queued and running handlers run now with kAborted. Later Renders fail
  // with kAborted. Idempotent.
  void Shutdown();

  bool BrowserRunning() const;  // false until the first Render, and after Shutdown
  std::size_t Running() const;  // pages being rendered (or their contexts being disposed)
  std::size_t Queued() const;
  uint64_t Restarts() const;           // browser (re)starts after the first
  std::string BrowserVersion() const;  // "" until started

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace policyd

#endif  // POLICYD_BROWSER_H_

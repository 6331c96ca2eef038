// Fetcher::Impl ties the pieces together: Fetch() parses the URL into a host key and queues a
// Transfer in the HostQueue; Pump() starts whatever the queue allows on the MultiSocketLoop;
// the loop reports finished handles to OnDone(), which posts the handler and pumps again.
// Host delays are waited out with one steady_timer per waiting host. robots.txt: Fetch()
// consults the RobotsCache; a request whose origin's robots.txt is not known parks there
// (its Transfer waits in `transfers`, in no queue) and the first one starts the robots
// fetch, an internal Transfer through the same queue; OnDone() classifies its response,
// then queues or fails the parked requests before the host's slot is released, so that a
// crawl-delay counts from the robots.txt request. Redirects of pages: curl does not follow
// them; OnDone() turns a redirect into the fetch's next hop, a new Transfer under the same id
// (so Cancel finds it), which Enter() admits exactly like a new request.
#include "policyd/fetcher.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include "curl_handles.h"
#include "host_queue.h"
#include "host_strain.h"
#include "multi_socket_loop.h"
#include "policyd/ascii.h"
#include "policyd/clock.h"
#include "policyd/host_key.h"
#include "policyd/http_url.h"
#include "policyd/retry_after.h"
#include "policyd/text_bounds.h"
#include "redirect_chain.h"
#include "robots_cache.h"
#include "transfer.h"

namespace policyd {
namespace {

using Clock = std::chrono::steady_clock;

HostQueue::Limits LimitsFrom(const FetcherOptions& options) {
  HostQueue::Limits limits;
  limits.max_running = options.max_concurrency;
  limits.per_host_running = options.per_host_concurrency;
  limits.per_host_delay = options.per_host_delay;
  return limits;
}

// TLS sessions are cached per easy handle unless shared, and every fetch gets a fresh
// handle: sharing them lets a new connection to a host resume. Connections and DNS are
// already shared by the multi handle. One thread, so no lock callbacks.
CurlShare NewShare() {
  EnsureCurlGlobalInit();
  CurlShare share(curl_share_init());
  if (share &&
      curl_share_setopt(share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) != CURLSHE_OK) {
    share.reset();  // works without; only slower handshakes
  }
  return share;
}

// Options for robots.txt transfers: the RFC's limits, whatever the page limits are.
FetcherOptions RobotsOptions(const FetcherOptions& options) {
  FetcherOptions robots = options;
  robots.max_body_bytes = RobotsTxt::kMaxBytes;  // truncated there, not failed (see Transfer)
  robots.max_redirects = 5;                      // RFC 9309 2.3.1.2
  robots.accepted_content_types.clear();         // robots.txt is often served oddly
  return robots;
}

FetchResponse ImmediateFailure(const std::string& url, FetchError error, std::string message) {
  FetchResponse response;
  response.url = url;
  response.error = error;
  response.error_message = std::move(message);
  return response;
}

}  // namespace

struct Fetcher::Impl {
  Impl(boost::asio::io_context& io_context, FetcherOptions fetcher_options)
      : io(io_context),
        options(std::move(fetcher_options)),
        robots_options(RobotsOptions(options)),
        robots(options.max_robots_entries),
        share(NewShare()),
        strain({.base = options.strained_host_pause, .max = options.max_strained_host_pause}),
        queue(LimitsFrom(options),
              [this](const std::string& host, Clock::time_point at) { ArmWake(host, at); }),
        loop(io_context, [this](CURL* easy, CURLcode result) { OnDone(easy, result); }),
        self(std::make_shared<Impl*>(this)) {}

  ~Impl() { Shutdown(); }

  FetchId Fetch(FetchRequest request, Handler handler) {
    const Clock::time_point now = Clock::now();
    if (shut_down) {
      Deliver(std::move(handler),
              ImmediateFailure(request.url, FetchError::kAborted, "fetcher is shut down"));
      return 0;
    }
    if (Status status = UseAsciiHost(request.url); !status.ok()) {
      Deliver(std::move(handler),
              ImmediateFailure(request.url, FetchError::kBadUrl, status.message()));
      return 0;
    }
    Result<std::string> host = HostKeyForUrl(request.url);
    if (!host.ok()) {
      Deliver(std::move(handler),
              ImmediateFailure(request.url, FetchError::kBadUrl, host.status().message()));
      return 0;
    }
    // A URL whose coding curl could not undo is asked for as sent at once: one request per
    // check instead of two (this run only; the first request of a run finds out again).
    if (ask_as_sent.contains(request.url)) request.body_as_sent = true;
    const uint64_t id = next_id++;
    Enter(std::make_unique<Transfer>(id, *host, std::move(request), std::move(handler), now), now);
    Pump();
    return id;
  }

  // Admits `transfer` (a request or a redirect hop, in no map or queue yet; its URL has passed
  // HostKeyForUrl): into its host's queue, or by its origin's robots.txt when that is to be
  // respected: known → queued with the crawl-delay or refused (Admit); unknown → parked
  // behind its fetch, started if none is in flight.
  void Enter(std::unique_ptr<Transfer> transfer, Clock::time_point now) {
    const uint64_t id = transfer->id();
    const std::string host = transfer->host();
    const bool check_robots = options.respect_robots && !transfer->request().ignore_robots;
    Result<RobotsLocation> location = check_robots ? LocateRobots(transfer->request().url)
                                                   : Result<RobotsLocation>(RobotsLocation{});
    Transfer& entered = *transfers.emplace(id, std::move(transfer)).first->second;
    if (RefuseIfHeld(entered, now)) return;
    if (!check_robots || !location.ok()) {  // the latter cannot happen: HostKeyForUrl passed
      queue.Push(host, id, now);
    } else if (const RobotsEntry* entry = robots.Fresh(location->origin, now)) {
      Admit(entered, *entry, now);
    } else if (robots.Park(location->origin, id)) {
      StartRobotsFetch(host, *location, now);
    }
  }

  // `done` (finished, out of `transfers`) answered `response`, a redirect to
  // done.redirect_url(): the fetch goes on there as its next hop, admitted like a new request.
  // Unless the hop would be one more than max_redirects, the target is not an http(s) URL, or
  // the chain has used up total_timeout: then the fetch ends with the redirect's response,
  // failed with kTooManyRedirects, kBadUrl or kTimeout.
  void FollowRedirect(Transfer& done, FetchResponse response, Clock::time_point now) {
    const auto fail = [&](Handler handler, FetchError error, std::string message) {
      response.error = error;
      response.error_message = std::move(message);
      response.body.clear();
      Deliver(std::move(handler), std::move(response));
    };
    std::string target = done.redirect_url();
    const long max_redirects = std::max(options.max_redirects, 0L);
    if (done.chain().hops >= max_redirects) {
      return fail(
          done.TakeHandler(), FetchError::kTooManyRedirects,
          "more than " + std::to_string(max_redirects) + " redirects (the next to " + target + ")");
    }
    Status ascii = UseAsciiHost(target);
    Result<std::string> host = ascii.ok() ? HostKeyForUrl(target) : Result<std::string>(ascii);
    if (!host.ok()) {
      return fail(done.TakeHandler(), FetchError::kBadUrl,
                  "redirect to " + target + " refused: " + host.status().message());
    }
    // A hop's URL remembered as needing its body as sent is asked so at once, as a first URL is.
    const bool body_as_sent = ask_as_sent.contains(target);
    std::unique_ptr<Transfer> next =
        done.NextHop(std::move(target), std::move(*host), now, body_as_sent);
    const std::optional<Clock::duration> left = next->chain().Remaining(options.total_timeout);
    if (left && *left <= Clock::duration::zero()) {
      return fail(next->TakeHandler(), FetchError::kTimeout,
                  "total_timeout (" + std::to_string(options.total_timeout.count()) +
                      " ms) used up by redirects before " + next->request().url);
    }
    Enter(std::move(next), now);
  }

  bool Cancel(FetchId id) {
    // robots.txt fetches are the fetcher's own: the requests parked behind them wait for them.
    if (shut_down || robots_fetches.contains(id)) return false;
    const auto it = transfers.find(id);
    if (it == transfers.end()) return false;
    const Clock::time_point now = Clock::now();
    std::unique_ptr<Transfer> cancelled = std::move(it->second);
    transfers.erase(it);
    const bool running = cancelled->easy() != nullptr;
    if (running) {
      loop.Remove(cancelled->easy());
      queue.Done(cancelled->host(), now);
    } else {
      // Not in the host's queue: parked behind its robots.txt, whose completion skips ids
      // that are gone.
      queue.Remove(cancelled->host(), id, now);
    }
    Deliver(cancelled->TakeHandler(), cancelled->Fail(FetchError::kAborted, "cancelled", now));
    if (running) Pump();
    return true;
  }

  // A URL with an internationalised host is fetched by the host's A-labels (ParseHttpUrl):
  // curl would convert it only in a UTF-8 locale. Other URLs go to curl exactly as given.
  static Status UseAsciiHost(std::string& url) {
    if (IsAscii(url)) return Status::Ok();
    Result<HttpUrl> parsed = ParseHttpUrl(url);
    if (!parsed.ok()) return parsed.status();
    url = std::move(parsed->url);
    return Status::Ok();
  }

  // Starts the fetch of `location`'s robots.txt (parked requests wait for it).
  void StartRobotsFetch(const std::string& host, const RobotsLocation& location,
                        Clock::time_point now) {
    const uint64_t id = next_id++;
    FetchRequest request;
    request.url = location.robots_url;
    request.ignore_robots = true;
    auto transfer = std::make_unique<Transfer>(id, host, std::move(request), nullptr, now);
    transfer->set_truncate_body(true);
    transfer->set_curl_follows_redirects(true);  // RFC 9309 2.3.1.2, unlike pages
    transfers.emplace(id, std::move(transfer));
    robots_fetches.emplace(id, location.origin);
    queue.Push(host, id, now);
  }

  // A robots.txt fetch finished: learn from it, then release the requests parked behind it.
  void OnRobotsDone(const std::string& origin, const FetchResponse& response,
                    Clock::time_point now) {
    std::optional<RobotsEntry> entry = ClassifyRobotsResponse(response, options, now);
    const std::vector<uint64_t> parked = robots.Complete(origin, entry, now);
    for (const uint64_t id : parked) {
      const auto it = transfers.find(id);
      if (it == transfers.end()) continue;
      if (entry) {
        Admit(*it->second, *entry, now);
      } else {  // aborted (only at shutdown, which fails every transfer itself)
        std::unique_ptr<Transfer> failed = std::move(it->second);
        transfers.erase(it);
        Deliver(failed->TakeHandler(),
                failed->Fail(FetchError::kAborted, "robots.txt fetch aborted", now));
      }
    }
  }

  // Queues `transfer` (known to `transfers`, in no queue) if `entry` allows it, with the
  // host's crawl-delay; otherwise completes it with kRobotsDisallowed, or with robots.txt's
  // own failure when it could not be read.
  void Admit(Transfer& transfer, const RobotsEntry& entry, Clock::time_point now) {
    if (entry.unavailable) {
      const RobotsUnavailable& unavailable = *entry.unavailable;
      Refuse(transfer, [&](Transfer& refused) {
        FetchResponse response = refused.Fail(unavailable.error, unavailable.message, now);
        response.robots_unavailable = true;
        response.http_status = unavailable.http_status;
        response.retry_after = unavailable.retry_after;
        return response;
      });
      return;
    }
    std::string refusal;
    Clock::duration crawl_delay{0};
    if (entry.robots) {
      const Result<RobotsLocation> location = LocateRobots(transfer.request().url);
      const std::string path = location.ok() ? location->path_and_query : "/";
      const RobotsTxt::Verdict verdict = entry.robots->Check(path, options.robots_product_token);
      if (!verdict.allowed) {
        // The origin named: on a redirect hop it is not the document's own.
        refusal = "robots.txt of " + (location.ok() ? location->origin : "the origin") +
                  ": rule \"" + verdict.rule + "\" disallows " + path;
      } else if (const auto delay = entry.robots->CrawlDelay(options.robots_product_token)) {
        crawl_delay = std::min<Clock::duration>(*delay, options.max_crawl_delay);
      }
    }
    if (refusal.empty()) {
      queue.Push(transfer.host(), transfer.id(), now, crawl_delay);
      return;
    }
    Refuse(transfer, [&](Transfer& refused) {
      return refused.Fail(FetchError::kRobotsDisallowed, std::move(refusal), now);
    });
  }

  // A page's answer from `host`: 429, or 503 with a Retry-After, holds the host (see
  // fetcher.h), or renews its hold. Other answers leave a hold as it is: they come from pages
  // that were in flight when the host asked to wait, and say nothing about when it may be asked
  // again.
  void NoteHostHold(const std::string& host, const FetchResponse& response, Clock::time_point now) {
    if (response.error != FetchError::kNone) return;  // no answer: nothing asked of us
    const long status = response.http_status;
    const auto retry_after = ParseRetryAfter(response.retry_after, NowUnixMillis());
    std::optional<std::chrono::milliseconds> hold;
    if (status == 429) hold = retry_after.value_or(options.robots_retry_interval);
    if (status == 503 && retry_after) hold = *retry_after;
    if (!hold) return;
    const std::chrono::milliseconds held = std::min(*hold, kMaxHostHold);
    if (held <= std::chrono::milliseconds::zero()) return;
    std::string why = response.url + " was answered " + std::to_string(status);
    if (!response.retry_after.empty()) {
      why += " with Retry-After " + TruncateUtf8(response.retry_after, 64);
    }
    holds[host] = HostHold{.until = now + held, .http_status = status, .why = std::move(why)};
  }

  // True while `host` is held; forgets a hold that has run out.
  bool IsHeld(const std::string& host, Clock::time_point now) {
    const auto hold = holds.find(host);
    if (hold == holds.end()) return false;
    if (now < hold->second.until) return true;
    holds.erase(hold);
    return false;
  }

  // Completes `transfer` (entered, in no queue) unrequested when its host is held.
  bool RefuseIfHeld(Transfer& transfer, Clock::time_point now) {
    if (!IsHeld(transfer.host(), now)) return false;
    const auto hold = holds.find(transfer.host());
    const auto left = std::chrono::ceil<std::chrono::seconds>(hold->second.until - now);
    const HostHold& held = hold->second;
    Refuse(transfer, [&](Transfer& refused) {
      FetchResponse response =
          refused.Fail(held.error,
                       "not requested: " + held.why + "; the host's pages wait " +
                           std::to_string(left.count()) + " s more",
                       now);
      response.http_status = held.http_status;
      response.retry_after = std::to_string(left.count());
      response.host_held = true;
      response.host_rest_streak = held.streak;
      return response;
    });
    return true;
  }

  // Completes `transfer` (known to `transfers`, in no queue) with the response `fail` makes.
  template <typename MakeResponse>
  void Refuse(Transfer& transfer, MakeResponse&& fail) {
    const auto it = transfers.find(transfer.id());
    std::unique_ptr<Transfer> refused = std::move(it->second);
    transfers.erase(it);
    FetchResponse response = fail(*refused);
    Deliver(refused->TakeHandler(), std::move(response));
  }

  // Starts every transfer the politeness gate lets through now.
  void Pump() {
    if (shut_down) return;
    const Clock::time_point now = Clock::now();
    while (std::optional<HostQueue::Start> start = queue.PopReady(now)) {
      const auto it = transfers.find(start->id);
      if (it == transfers.end()) {  // cannot happen: every queued id has a transfer
        queue.Done(start->host, now);
        continue;
      }
      Transfer& transfer = *it->second;
      const auto robots_fetch = robots_fetches.find(start->id);
      const bool is_robots = robots_fetch != robots_fetches.end();
      // Held since it was queued (a 429 to a page before it): it leaves unrequested.
      if (!is_robots && IsHeld(start->host, now)) {
        queue.Done(start->host, now);
        RefuseIfHeld(transfer, now);
        continue;
      }
      std::string error;
      if (transfer.Prepare(is_robots ? robots_options : options, share.get(), &loop, now, &error) &&
          loop.Add(transfer.easy())) {
        continue;
      }
      // Out of memory or the like: not the site's fault, so not reported as one.
      if (error.empty()) error = "curl_multi_add_handle failed";
      std::unique_ptr<Transfer> failed = std::move(it->second);
      transfers.erase(it);
      FetchResponse response = failed->Fail(FetchError::kAborted, "internal: " + error, now);
      if (is_robots) {
        const std::string origin = std::move(robots_fetch->second);
        robots_fetches.erase(robots_fetch);
        OnRobotsDone(origin, response, now);  // parked requests fail as aborted
      }
      queue.Done(start->host, now);
      Deliver(failed->TakeHandler(), std::move(response));
    }
  }

  // The loop's completion callback; the handle has already left the multi handle.
  void OnDone(CURL* easy, CURLcode result) {
    char* private_data = nullptr;
    curl_easy_getinfo(easy, CURLINFO_PRIVATE, &private_data);
    const auto* transfer = reinterpret_cast<const Transfer*>(private_data);
    const auto it = transfer != nullptr ? transfers.find(transfer->id()) : transfers.end();
    if (it == transfers.end()) return;  // cannot happen: only our transfers are added
    const std::unique_ptr<Transfer> done = std::move(it->second);
    transfers.erase(it);
    const Clock::time_point now = Clock::now();
    FetchResponse response = done->Finish(result, now);
    if (const auto robots_fetch = robots_fetches.find(done->id());
        robots_fetch != robots_fetches.end()) {
      const std::string origin = std::move(robots_fetch->second);
      robots_fetches.erase(robots_fetch);
      OnRobotsDone(origin, response, now);  // before Done: the host stays tracked, see top
    }
    NoteHostHold(done->host(), response, now);
    if (!done->redirect_url().empty()) {
      FollowRedirect(*done, std::move(response), now);  // the next hop, or the failed fetch
    } else if (done->FailedOnCoding()) {
      if (ask_as_sent.size() >= kMaxAskAsSent) ask_as_sent.clear();  // bounded; rare anyway
      ask_as_sent.insert(done->request().url);
      // A coding curl could not undo where a browser can (a label "UTF-8", gzip with stray
      // bytes): asked once more for the body as sent, behind the host's gate like any request.
      Enter(done->RetryForBodyAsSent(now), now);
    } else {
      Deliver(done->TakeHandler(), std::move(response));
    }
    queue.Done(done->host(), now);
    NoteStrain(*done, response, now);
    Pump();
  }

  // A struggling server (host_strain.h) rests: its host's pages are not asked for meanwhile
  // (a hold, as for a 429: they complete unrequested, those waiting at the gate too, failing
  // as its last trouble did, with the time left). Its next good answer ends the rest.
  void NoteStrain(const Transfer& done, const FetchResponse& response, Clock::time_point now) {
    const HostStrain::Verdict verdict = strain.Note(
        done.host(), done.request().url, HealthOf(response.error, response.http_status), now);
    if (verdict.ended_rest) {
      EndRest(done.host());
      StrainedHost answers_again;
      answers_again.host = done.host();
      answers_again.url = done.request().url;
      answers_again.streak = verdict.streak;
      Tell(answers_again);
      return;
    }
    if (verdict.pause <= Clock::duration::zero()) return;
    const std::string answer = response.error == FetchError::kNone
                                   ? "HTTP " + std::to_string(response.http_status)
                                   : std::string(FetchErrorName(response.error));
    HostHold rest{.until = now + verdict.pause,
                  .http_status = response.http_status,
                  .why = "the server is struggling: " + std::to_string(verdict.streak) +
                         " requests in a row failed, the last " + answer + " for " +
                         done.request().url,
                  .streak = verdict.streak,
                  .error = response.error};
    const auto held = holds.find(done.host());
    if (held == holds.end() || held->second.until < rest.until)
      holds[done.host()] = std::move(rest);
    Tell(StrainedHost{
        .host = done.host(),
        .url = done.request().url,
        .first_url = verdict.first_url,
        .streak = verdict.streak,
        .error = response.error,
        .http_status = response.http_status,
        .pause = std::chrono::duration_cast<std::chrono::milliseconds>(verdict.pause)});
  }

  // A good answer during a rest (robots.txt, a page in flight): the rest is over; a 429's
  // hold stays, it lasts its time.
  void EndRest(const std::string& host) {
    const auto held = holds.find(host);
    if (held != holds.end() && held->second.rest()) holds.erase(held);
  }

  void Tell(const StrainedHost& strained) const {
    if (options.on_strained_host) options.on_strained_host(strained);
  }

  // HostQueue asks to be woken for `host` at `at` (at most one request per host at a time).
  void ArmWake(const std::string& host, Clock::time_point at) {
    std::unique_ptr<boost::asio::steady_timer>& timer = wake_timers[host];
    if (!timer) timer = std::make_unique<boost::asio::steady_timer>(io);
    timer->expires_at(at);
    timer->async_wait(
        [weak = std::weak_ptr<Impl*>(self), host](const boost::system::error_code& error) {
          const auto impl = weak.lock();
          if (!error && impl) (*impl)->OnWake(host);
        });
  }

  void OnWake(const std::string& host) {
    if (shut_down) return;
    wake_timers.erase(host);  // this handler's own timer; Asio allows destroying it here
    queue.Wake(host, Clock::now());
    Pump();
  }

  // Handlers always run from the io_context's queue, never inside our own or curl's call
  // stack, so they may call Fetch(), Shutdown() or even destroy the Fetcher.
  void Deliver(Handler handler, FetchResponse response) {
    if (!handler) return;
    boost::asio::post(io, [handler = std::move(handler), response = std::move(response)]() mutable {
      handler(std::move(response));
    });
  }

  void Shutdown() {
    if (shut_down) return;
    shut_down = true;
    for (auto& [host, timer] : wake_timers) timer->cancel();
    wake_timers.clear();
    queue.Clear();
    robots.Clear();
    robots_fetches.clear();

    std::vector<std::unique_ptr<Transfer>> pending;
    pending.reserve(transfers.size());
    for (auto& [id, transfer] : transfers) pending.push_back(std::move(transfer));
    transfers.clear();
    std::sort(pending.begin(), pending.end(),
              [](const auto& a, const auto& b) { return a->id() < b->id(); });

    const Clock::time_point now = Clock::now();
    for (const std::unique_ptr<Transfer>& transfer : pending) {
      if (transfer->easy() != nullptr) loop.Remove(transfer->easy());  // running ones
      Deliver(transfer->TakeHandler(),
              transfer->Fail(FetchError::kAborted, "fetcher shut down", now));
    }
    pending.clear();  // easy handles go before the multi handle and the share
    loop.Close();
  }

  boost::asio::io_context& io;
  const FetcherOptions options;
  const FetcherOptions robots_options;
  RobotsCache robots;
  std::unordered_map<uint64_t, std::string> robots_fetches;  // robots transfer id → origin
  CurlShare share;  // outlives every easy handle (transfers are gone before it)
  std::unordered_map<uint64_t, std::unique_ptr<Transfer>> transfers;  // queued and running
  std::unordered_map<std::string, std::unique_ptr<boost::asio::steady_timer>> wake_timers;
  // Hosts that asked to be left alone (429, or 503 with Retry-After), by host key.
  struct HostHold {
    Clock::time_point until;
    long http_status = 0;
    std::string why;  // "URL was answered 429 with Retry-After 120"
    // A struggling server's rest (host_strain.h) has the trouble answers in a row that made it
    // (a 429's hold none): its pages fail as its last trouble did (`error`: a refused
    // connection, a timeout; or the status), and its next good answer ends it.
    int streak = 0;
    FetchError error = FetchError::kNone;
    bool rest() const { return streak > 0; }
  };
  std::unordered_map<std::string, HostHold> holds;
  // URLs whose body curl could not decode where a browser can (Transfer::FailedOnCoding),
  // asked for as sent from the start; at most kMaxAskAsSent.
  static constexpr std::size_t kMaxAskAsSent = 4096;
  std::unordered_set<std::string> ask_as_sent;
  HostStrain strain;
  HostQueue queue;
  MultiSocketLoop loop;
  uint64_t next_id = 1;
  bool shut_down = false;
  std::shared_ptr<Impl*> self;  // wake timer handlers hold a weak_ptr: Impl may be gone
};

Fetcher::Fetcher(boost::asio::io_context& io, FetcherOptions options)
    : impl_(std::make_unique<Impl>(io, std::move(options))) {}

Fetcher::~Fetcher() = default;  // Impl's destructor shuts down

Fetcher::FetchId Fetcher::Fetch(FetchRequest request, Handler handler) {
  return impl_->Fetch(std::move(request), std::move(handler));
}

bool Fetcher::Cancel(FetchId id) { return impl_->Cancel(id); }

void Fetcher::Shutdown() { impl_->Shutdown(); }

std::size_t Fetcher::Running() const { return impl_->queue.running(); }

std::size_t Fetcher::Queued() const { return impl_->queue.queued() + impl_->robots.parked(); }

std::vector<HeldHost> Fetcher::HeldHosts() const {
  const auto now = std::chrono::steady_clock::now();
  std::vector<HeldHost> held;
  for (const auto& [host, hold] : impl_->holds) {
    if (hold.until <= now) continue;  // run out; forgotten at the host's next request
    held.push_back(HeldHost{.host = host,
                            .rest = hold.rest(),
                            .left = std::chrono::ceil<std::chrono::milliseconds>(hold.until - now),
                            .why = hold.why});
  }
  std::sort(held.begin(), held.end(),
            [](const HeldHost& a, const HeldHost& b) { return a.host < b.host; });
  return held;
}

std::shared_ptr<const RobotsTxt> Fetcher::KnownRobots(std::string_view url) const {
  if (!impl_->options.respect_robots) return nullptr;
  const Result<RobotsLocation> location = LocateRobots(url);
  if (!location.ok()) return nullptr;
  const RobotsEntry* entry =
      impl_->robots.Fresh(location->origin, std::chrono::steady_clock::now());
  return entry != nullptr && !entry->unavailable ? entry->robots : nullptr;
}

const std::string& Fetcher::robots_product_token() const {
  return impl_->options.robots_product_token;
}

}  // namespace policyd

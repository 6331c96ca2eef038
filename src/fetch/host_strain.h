// HostStrain: which hosts are struggling, as pure bookkeeping (no I/O, clock passed in), so
// that its rules can be tested with made-up times.
//
// A server in trouble answers 500, 502, 503 or 504 (RFC 9110 15.6: 503 is "temporary
// overload"), a CDN's 520–530 for its origin, or no answer at all (connection refused, a
// timeout). One page that does so is that page's trouble: its own check backs off (scheduler.h)
// and the host's other pages go on as usual. When a host's trouble answers since its last good
// one cover more than one of its URLs, the host itself is struggling: its n-th trouble answer in
// a row makes its next request wait at least `base` × 2^(n − 2), at most `max` (the per-host
// delay still applies when it is longer). A page that failed before, while its host has
// answered well for other pages since, is broken on its own: its trouble neither lengthens nor
// ends the streak, so two broken pages checked back to back rest their host once (the first
// time, when nothing tells them from an outage), not at every round. In an outage no good answer
// comes between, and every retry counts. A crawler eases off a failing server instead of asking it
// for every other page (as search engines' crawlers slow down on 5xx). Any other answer (2xx, 3xx,
// 304, 4xx, 429) ends the streak; a 429, and a 503 with Retry-After, also hold the host
// (fetcher.h).
#ifndef POLICYD_SRC_FETCH_HOST_STRAIN_H_
#define POLICYD_SRC_FETCH_HOST_STRAIN_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_map>

#include "policyd/fetch_response.h"

namespace policyd {

// What an answer (or its absence) says of the server's health (see above).
enum class ServerHealth {
  kTrouble,  // 500, 502–504, 520–530, refused connection, timeout
  kFine,     // any other complete answer, also one stopped for its size or media type
  kUnknown,  // no word from the server: DNS, TLS, blocked address, protocol error, cancelled
};
ServerHealth HealthOf(FetchError error, long http_status);

class HostStrain {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    Clock::duration base = std::chrono::seconds(30);  // after the second trouble answer
    Clock::duration max = std::chrono::minutes(10);
  };

  // What one answer did to its host's streak.
  struct Verdict {
    int streak = 0;            // trouble answers in a row, this one included
    Clock::duration pause{0};  // how long the host's next request waits; 0: none
    std::string first_url;     // the streak's first URL (for messages)
    // A good answer that ended a streak which had made the host rest; `streak` is then the
    // streak's length.
    bool ended_rest = false;
  };

  explicit HostStrain(Limits limits);

  // Records an answer from `host` to a request for `url` at `now`; kUnknown leaves the streak
  // as it is.
  Verdict Note(const std::string& host, const std::string& url, ServerHealth health,
               Clock::time_point now);

  // Hosts with a streak or a page failing on its own (bounded, see MaybeSweep).
  std::size_t hosts() const { return hosts_.size(); }

  // A host's pages remembered as failing, at most this many (then forgotten: their next
  // trouble counts again, so the bound errs towards resting).
  static constexpr std::size_t kMaxFailingUrls = 256;
  // How long a host's trouble is remembered: longer than a weekly check's interval, so that a
  // page failing on its own is known at the next round.
  static constexpr Clock::duration kFailingMemory = std::chrono::hours(24 * 8);

 private:
  struct Streak {
    int answers = 0;
    std::string first_url;
    bool several_urls = false;
  };
  struct Host {
    Streak streak;
    std::uint64_t good_answers = 0;  // since the host was first remembered
    // The host's pages whose last answer was trouble, each with `good_answers` at that time.
    std::unordered_map<std::string, std::uint64_t> failing_urls;
    Clock::time_point last{};  // its last trouble answer
  };

  Verdict NoteGood(const std::string& host, const std::string& url);
  Verdict NoteTrouble(const std::string& host, const std::string& url, Clock::time_point now);

  Clock::duration PauseAfter(int answers) const;
  // Once the map has doubled, forgets the hosts without trouble for kFailingMemory: the map
  // stays proportional to the hosts failing lately. (A good answer forgets its host at once
  // when none of its pages is failing.)
  void MaybeSweep(Clock::time_point now);

  Limits limits_;
  std::unordered_map<std::string, Host> hosts_;
  std::size_t sweep_at_ = 64;
};

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_HOST_STRAIN_H_

// HostQueue: the politeness gate, as pure bookkeeping (no I/O, no clock of its own) so that
// its rules can be tested with made-up times.
//
// Rules: one FIFO per host; at most `per_host_running` transfers run per host and at most
// `max_running` in all; a host's next start is no sooner than `per_host_delay` after its
// previous start, nor than `per_host_delay` after its previous request ended (a pause, as
// Yandex defines Crawl-delay: a slow server gets the whole delay after its answer). Hosts that may
// start take turns (round robin), so a host with a long queue cannot starve the others.
//
// A host that has work but must wait out its delay asks for a wake-up through `WakeFn`,
// once; the owner arms a timer and calls Wake(host, now) when it fires. The owner calls
// PopReady() until it returns nothing whenever something changed (Push, Done, Wake).
#ifndef POLICYD_SRC_FETCH_HOST_QUEUE_H_
#define POLICYD_SRC_FETCH_HOST_QUEUE_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace policyd {

class HostQueue {
 public:
  using Clock = std::chrono::steady_clock;
  using WakeFn = std::function<void(const std::string& host, Clock::time_point at)>;

  struct Limits {
    std::size_t max_running = 64;       // 0 is treated as 1
    std::size_t per_host_running = 1;   // 0 is treated as 1
    Clock::duration per_host_delay{0};  // negative is treated as 0
  };

  struct Start {
    uint64_t id;
    std::string host;
  };

  HostQueue(Limits limits, WakeFn wake);

  // Appends transfer `id` to `host`'s queue. `host_delay` (a robots.txt crawl-delay) raises
  // this host's gap between starts above `per_host_delay` while the host is tracked; it
  // applies from the host's previous start, which may already have happened.
  void Push(const std::string& host, uint64_t id, Clock::time_point now,
            Clock::duration host_delay = Clock::duration::zero());

  // The next transfer allowed to start at `now`, already counted as running; nullopt when
  // none may start (nothing waiting, limits reached, or every waiting host in its delay).
  std::optional<Start> PopReady(Clock::time_point now);

  // A transfer that PopReady returned for `host` has finished.
  void Done(const std::string& host, Clock::time_point now);

  // Takes transfer `id` out of `host`'s queue before it started (its fetch was cancelled);
  // false when it is not waiting there. The host's delay and its running count stay.
  bool Remove(const std::string& host, uint64_t id, Clock::time_point now);
  // The wake-up requested for `host` is due.
  void Wake(const std::string& host, Clock::time_point now);

  // Forgets everything; returns the ids that were still waiting, in ascending order.
  std::vector<uint64_t> Clear();

  std::size_t queued() const { return queued_; }
  std::size_t running() const { return running_; }
  std::size_t hosts() const { return hosts_.size(); }  // hosts tracked (bounded; see Sweep)

 private:
  struct Host {
    std::deque<uint64_t> waiting;
    std::size_t running = 0;
    Clock::time_point next_start{};  // previous start + delay, or previous end + delay
    Clock::time_point last_start{};  // previous start; epoch if none yet
    Clock::duration delay{0};        // crawl-delay beyond limits_.per_host_delay
    bool in_ring = false;            // listed in ready_ring_
    bool wake_requested = false;     // a WakeFn call is outstanding
  };

  // Puts `host` where its state says it belongs: the ready ring, a wake-up, or nowhere.
  void Reevaluate(const std::string& name, Host& host, Clock::time_point now);
  // An idle host whose delay has passed carries no information; drop it.
  Clock::duration HostDelay(const Host& host) const;  // its pause: max(per_host_delay, crawl-delay)
  bool Forgettable(const Host& host, Clock::time_point now) const;
  // Drops forgettable hosts once the map has doubled, so the map stays proportional to the
  // hosts that are busy or recently started, at amortised O(1) per Push.
  void MaybeSweep(Clock::time_point now);

  Limits limits_;
  WakeFn wake_;
  std::unordered_map<std::string, Host> hosts_;
  std::deque<std::string> ready_ring_;  // hosts that may start now, in turn order
  std::size_t queued_ = 0;
  std::size_t running_ = 0;
  std::size_t sweep_at_ = 64;
};

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_HOST_QUEUE_H_

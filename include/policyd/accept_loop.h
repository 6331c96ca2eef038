// Keeps a listening acceptor accepting, for the daemon's socket servers (control, events, web).
//
// An accept can fail for a reason that lasts while the connection waits in the backlog: out of
// descriptors (EMFILE, ENFILE), out of memory (ENOBUFS). Accepting again at once fails again at
// once, and the io thread, which also drives every fetch, the scheduler and the sockets, would
// spin. So after a failure the loop waits kRetryDelay before the next attempt, and it logs one
// warning per failure episode (and one line when accepting works again), not one per attempt.
//
// A completed accept or retry wait still runs its handler after the loop is destroyed (Asio
// has already queued it). The handlers hold only a weak_ptr to a token the loop owns and do
// nothing once it has expired, so the owner may destroy the loop (and itself) at any time on
// the io thread.
//
// Used on the io thread only. The acceptor must outlive the loop; its owner closes it.
#ifndef POLICYD_ACCEPT_LOOP_H_
#define POLICYD_ACCEPT_LOOP_H_

#include <spdlog/spdlog.h>
#include <boost/asio/error.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>

namespace policyd {

inline constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

template <typename Acceptor>
class AcceptLoop {
 public:
  using Socket = typename Acceptor::protocol_type::socket;
  using OnAccepted = std::function<void(Socket)>;

  // `name` starts the log lines ("control", "feed", "web"). `on_accepted` gets each accepted
  // socket until Stop() or destruction.
  AcceptLoop(Acceptor& acceptor, std::string name, OnAccepted on_accepted)
      : acceptor_(acceptor),
        name_(std::move(name)),
        on_accepted_(std::move(on_accepted)),
        retry_(acceptor.get_executor()) {}
  ~AcceptLoop() { retry_.cancel(); }
  AcceptLoop(const AcceptLoop&) = delete;
  AcceptLoop& operator=(const AcceptLoop&) = delete;

  // Starts accepting; the acceptor listens already.
  void Start() {
    stopped_ = false;
    AcceptNext();
  }
  // No socket is handed over and no attempt is made after this.
  void Stop() {
    stopped_ = true;
    retry_.cancel();
  }

 private:
  void AcceptNext() {
    acceptor_.async_accept([this, alive = std::weak_ptr<const bool>(alive_)](
                               const boost::system::error_code& ec, Socket socket) {
      if (alive.expired() || stopped_ || ec == boost::asio::error::operation_aborted) return;
      if (ec) {
        RetryLater(ec);
        return;
      }
      EndFailureEpisode();
      on_accepted_(std::move(socket));
      if (!alive.expired() && !stopped_) AcceptNext();
    });
  }

  void RetryLater(const boost::system::error_code& ec) {
    if (failures_++ == 0) {
      spdlog::warn("{}: accept failed: {}; retrying every {} ms", name_, ec.message(),
                   kAcceptRetryDelay.count());
    }
    retry_.expires_after(kAcceptRetryDelay);
    retry_.async_wait([this, alive = std::weak_ptr<const bool>(alive_)](
                          const boost::system::error_code& wait_error) {
      if (!alive.expired() && !wait_error && !stopped_) AcceptNext();
    });
  }

  void EndFailureEpisode() {
    if (failures_ == 0) return;
    spdlog::info("{}: accepting again after {} failed attempts", name_, failures_);
    failures_ = 0;
  }

  Acceptor& acceptor_;
  const std::string name_;
  const OnAccepted on_accepted_;
  boost::asio::steady_timer retry_;
  uint64_t failures_ = 0;  // consecutive failed accepts: the current failure episode
  bool stopped_ = false;
  // Expires with the loop: handlers that run after it see that `this` is gone.
  const std::shared_ptr<const bool> alive_ = std::make_shared<const bool>(true);
};

}  // namespace policyd

#endif  // POLICYD_ACCEPT_LOOP_H_

// FleetBus: the fleet's request-reply over NATS (policyd/fleet_status.h says what is asked
// and answered): one connection of its own to the [nats] servers, a subscription on the
// status subject that answers every request, and the scatter-gather of one request.
//
// Contract:
//  - Open connects (ConnectToNats: servers in turn, token or credentials, no automatic
//    reconnection) and subscribes to `subject`. Each request that carries a reply subject is
//    answered with `responder()`, called on a cnats thread (it must be thread-safe and quick:
//    the daemon's reads a snapshot under a mutex). A request without a reply subject is
//    ignored. At most kMaxPendingRequests requests wait for the responder; more are dropped
//    by cnats (the asker then sees this member as not answering).
//  - Gather publishes `body` on `subject` with a fresh reply inbox and passes each reply to
//    `on_reply` until it returns true (every member answered), `timeout` passes, or
//    kMaxGatherReplies replies were read. Blocks the calling thread for at most `timeout`
//    (plus a flush): never call it on the io thread.
//  - Once closed() (the server went away, a ping unanswered) the owner opens a new FleetBus;
//    this one does not reconnect.
//  - Destruction: the responder is not called again once the destructor returns (it waits
//    for a running call, at most a second; after that the subscription's state is left to
//    cnats rather than freed under it).
#ifndef POLICYD_FLEET_BUS_H_
#define POLICYD_FLEET_BUS_H_

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "policyd/config.h"
#include "policyd/status.h"

namespace policyd {

inline constexpr int kMaxPendingRequests = 64;
inline constexpr std::size_t kMaxGatherReplies = 4096;

class FleetBus {
 public:
  using Responder = std::function<std::string()>;

  static Result<std::unique_ptr<FleetBus>> Open(const NatsConfig& nats,
                                                const std::string& client_name,
                                                const std::string& subject, Responder responder);
  ~FleetBus();
  FleetBus(const FleetBus&) = delete;
  FleetBus& operator=(const FleetBus&) = delete;

  Status Gather(std::string_view body, std::chrono::milliseconds timeout,
                const std::function<bool(std::string_view reply)>& on_reply);

  bool closed() const;
  const std::string& url() const;

 private:
  struct Handles;  // the cnats handles, kept out of this header
  explicit FleetBus(std::unique_ptr<Handles> handles);

  std::unique_ptr<Handles> handles_;
};

}  // namespace policyd

#endif  // POLICYD_FLEET_BUS_H_

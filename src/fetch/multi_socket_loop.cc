#include "multi_socket_loop.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <utility>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>

namespace policyd {
namespace {

// Directions, as curl's CURL_CSELECT_* bits (what curl_multi_socket_action expects).
constexpr int kIn = CURL_CSELECT_IN;
constexpr int kOut = CURL_CSELECT_OUT;

int DirectionsFromPoll(int what) {
  int directions = 0;
  if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) directions |= kIn;
  if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) directions |= kOut;
  return directions;
}

// Which of `directions` `fd` is ready for right now (errors count as ready: curl must see them).
int ReadyNow(curl_socket_t fd, int directions) {
  pollfd entry{};
  entry.fd = fd;
  entry.events =
      static_cast<short>(((directions & kIn) ? POLLIN : 0) | ((directions & kOut) ? POLLOUT : 0));
  if (::poll(&entry, 1, 0) <= 0) return 0;
  if (entry.revents & (POLLERR | POLLHUP | POLLNVAL)) return directions;
  return ((entry.revents & POLLIN) ? kIn : 0) | ((entry.revents & POLLOUT) ? kOut : 0);
}

CurlMulti NewMulti() {
  EnsureCurlGlobalInit();
  return CurlMulti(curl_multi_init());
}

}  // namespace

struct MultiSocketLoop::Socket {
  Socket(boost::asio::io_context& io, curl_socket_t socket_fd, bool is_owned)
      : descriptor(io), fd(socket_fd), owned(is_owned) {}

  boost::asio::posix::stream_descriptor descriptor;
  const curl_socket_t fd;
  const bool owned;     // we close it; otherwise curl does, after CURL_POLL_REMOVE
  int wanted = 0;       // directions curl asked for last
  int waiting = 0;      // directions with an async_wait or post outstanding
  bool closed = false;  // closed or released: handlers must not touch the descriptor
};

MultiSocketLoop::MultiSocketLoop(boost::asio::io_context& io, DoneFn on_done)
    : io_(io),
      on_done_(std::move(on_done)),
      multi_(NewMulti()),
      timer_(io),
      self_(std::make_shared<MultiSocketLoop*>(this)) {
  if (!multi_) {
    closed_ = true;  // every Add() fails, so every transfer reports an error
    return;
  }
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETFUNCTION, &MultiSocketLoop::OnSocket);
  curl_multi_setopt(multi_.get(), CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_.get(), CURLMOPT_TIMERFUNCTION, &MultiSocketLoop::OnTimer);
  curl_multi_setopt(multi_.get(), CURLMOPT_TIMERDATA, this);
}

MultiSocketLoop::~MultiSocketLoop() { Close(); }

bool MultiSocketLoop::Add(CURL* easy) {
  if (closed_) return false;
  // Connections outlive transfers in curl's connection cache, so the close callback's data is
  // the loop, never a transfer.
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETFUNCTION, &MultiSocketLoop::OnCloseSocket);
  curl_easy_setopt(easy, CURLOPT_CLOSESOCKETDATA, this);
  return curl_multi_add_handle(multi_.get(), easy) == CURLM_OK;
}

void MultiSocketLoop::Remove(CURL* easy) {
  if (multi_) curl_multi_remove_handle(multi_.get(), easy);
}

curl_socket_t MultiSocketLoop::OpenSocket(const curl_sockaddr& address) {
  if (closed_) return CURL_SOCKET_BAD;
  const int fd = ::socket(address.family, address.socktype | SOCK_CLOEXEC, address.protocol);
  if (fd < 0) return CURL_SOCKET_BAD;
  if (!Track(fd, /*owned=*/true)) {
    ::close(fd);
    return CURL_SOCKET_BAD;
  }
  return fd;
}

void MultiSocketLoop::Close() {
  if (closed_ && !multi_) return;
  closed_ = true;
  multi_.reset();  // curl_multi_cleanup closes cached connections through OnCloseSocket
  ++timer_generation_;
  timer_.cancel();
  for (auto& [fd, socket] : sockets_) {
    socket->closed = true;
    boost::system::error_code ignored;
    if (socket->owned) {
      socket->descriptor.close(ignored);
    } else {
      socket->descriptor.release();
    }
  }
  sockets_.clear();
}

int MultiSocketLoop::OnSocket(CURL* /*easy*/, curl_socket_t fd, int what, void* loop,
                              void* /*socketp*/) {
  static_cast<MultiSocketLoop*>(loop)->Watch(fd, what);
  return 0;
}

int MultiSocketLoop::OnTimer(CURLM* /*multi*/, long timeout_ms, void* loop) {
  static_cast<MultiSocketLoop*>(loop)->SetTimer(timeout_ms);
  return 0;
}

int MultiSocketLoop::OnCloseSocket(void* loop, curl_socket_t fd) {
  static_cast<MultiSocketLoop*>(loop)->CloseSocket(fd);
  return 0;
}

void MultiSocketLoop::Watch(curl_socket_t fd, int what) {
  const auto it = sockets_.find(fd);
  if (what == CURL_POLL_REMOVE) {
    if (it == sockets_.end()) return;
    if (!it->second->owned) {
      Forget(fd);  // curl closes it right after telling us
    } else {
      // Ours: curl either closes it through OnCloseSocket or wants it again later (an idle
      // connection in its cache). Waits still pending find nothing wanted and stop.
      it->second->wanted = 0;
    }
    return;
  }
  if (closed_) return;
  SocketPtr socket = it != sockets_.end() ? it->second : Track(fd, /*owned=*/false);
  if (!socket) return;
  const int wanted = DirectionsFromPoll(what);
  const int newly_wanted = wanted & ~socket->wanted;
  socket->wanted = wanted;
  Arm(socket, newly_wanted);
}

void MultiSocketLoop::SetTimer(long timeout_ms) {
  ++timer_generation_;
  timer_.cancel();
  if (timeout_ms < 0 || closed_) return;
  const uint64_t generation = timer_generation_;
  std::weak_ptr<MultiSocketLoop*> self = self_;
  auto fire = [self, generation] {
    const auto loop = self.lock();
    if (!loop || (*loop)->timer_generation_ != generation) return;
    (*loop)->Action(CURL_SOCKET_TIMEOUT, 0);
  };
  if (timeout_ms == 0) {
    boost::asio::post(io_, fire);  // "now", but not inside the curl call that asked for it
    return;
  }
  timer_.expires_after(std::chrono::milliseconds(timeout_ms));
  timer_.async_wait([fire](const boost::system::error_code& error) {
    if (!error) fire();
  });
}

void MultiSocketLoop::CloseSocket(curl_socket_t fd) {
  if (sockets_.find(fd) == sockets_.end()) {
    ::close(fd);  // not one we track (should not happen); curl still expects it closed
    return;
  }
  Forget(fd);
}

MultiSocketLoop::SocketPtr MultiSocketLoop::Track(curl_socket_t fd, bool owned) {
  // A number still in the map belongs to a socket that was closed behind our back and has now
  // been reused; let go of the stale entry without closing the new socket.
  if (const auto stale = sockets_.find(fd); stale != sockets_.end()) {
    stale->second->closed = true;
    stale->second->descriptor.release();
    sockets_.erase(stale);
  }
  auto socket = std::make_shared<Socket>(io_, fd, owned);
  boost::system::error_code error;
  socket->descriptor.assign(fd, error);
  if (error) return nullptr;
  sockets_.emplace(fd, socket);
  return socket;
}

void MultiSocketLoop::Forget(curl_socket_t fd) {
  const auto it = sockets_.find(fd);
  if (it == sockets_.end()) return;
  const SocketPtr socket = std::move(it->second);
  sockets_.erase(it);
  socket->closed = true;
  socket->wanted = 0;
  if (socket->owned) {
    boost::system::error_code ignored;
    socket->descriptor.close(ignored);  // cancels pending waits; their handlers see `closed`
  } else {
    socket->descriptor.release();  // cancels pending waits, leaves the fd to curl
  }
}

void MultiSocketLoop::Arm(const SocketPtr& socket, int check_now) {
  if (socket->closed || closed_) return;
  const int to_check = check_now & socket->wanted & ~socket->waiting;
  const int ready = to_check != 0 ? ReadyNow(socket->fd, to_check) : 0;
  const std::weak_ptr<MultiSocketLoop*> self = self_;
  for (const int direction : {kIn, kOut}) {
    if ((socket->wanted & direction) == 0 || (socket->waiting & direction) != 0) continue;
    socket->waiting |= direction;
    if ((ready & direction) != 0) {
      boost::asio::post(io_, [self, socket, direction] {
        if (const auto loop = self.lock()) (*loop)->OnReady(socket, direction, false);
      });
      continue;
    }
    const auto wait = direction == kIn ? boost::asio::posix::stream_descriptor::wait_read
                                       : boost::asio::posix::stream_descriptor::wait_write;
    socket->descriptor.async_wait(
        wait, [self, socket, direction](const boost::system::error_code& error) {
          const auto loop = self.lock();
          if (!loop) return;
          if (error == boost::asio::error::operation_aborted) {
            socket->waiting &= ~direction;
            return;
          }
          (*loop)->OnReady(socket, direction, error.failed());
        });
  }
}

void MultiSocketLoop::OnReady(const SocketPtr& socket, int direction, bool failed) {
  socket->waiting &= ~direction;
  // Closed by curl meanwhile, or curl no longer wants this direction: a stale readiness.
  if (socket->closed || closed_ || (socket->wanted & direction) == 0) return;
  Action(socket->fd, direction | (failed ? CURL_CSELECT_ERR : 0));
  // Re-arm what curl still wants (it may have changed, or closed the socket, in the action).
  // Not after a failed wait: curl has been told, and re-arming could spin on a broken fd.
  if (!failed) Arm(socket, 0);
}

void MultiSocketLoop::Action(curl_socket_t fd, int ev_bitmask) {
  if (closed_) return;
  int running = 0;
  curl_multi_socket_action(multi_.get(), fd, ev_bitmask, &running);
  DrainCompletions();
}

void MultiSocketLoop::DrainCompletions() {
  int left = 0;
  while (!closed_) {
    CURLMsg* message = curl_multi_info_read(multi_.get(), &left);
    if (message == nullptr) break;
    if (message->msg != CURLMSG_DONE) continue;
    // `message` dies with the removal: copy what we need first.
    CURL* const easy = message->easy_handle;
    const CURLcode result = message->data.result;
    curl_multi_remove_handle(multi_.get(), easy);
    on_done_(easy, result);
  }
}

}  // namespace policyd

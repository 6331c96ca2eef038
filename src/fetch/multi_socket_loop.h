// MultiSocketLoop: libcurl's multi *socket* interface driven by a Boost.Asio io_context
// (after curl's asiohiper.cpp and multi-uv.c examples).
//
//  * Sockets: curl opens its connection sockets through OpenSocket() (the transfer's
//    CURLOPT_OPENSOCKETFUNCTION) and closes them through CURLOPT_CLOSESOCKETFUNCTION, which
//    Add() installs. The loop wraps each in a posix::stream_descriptor, so it owns them and
//    can cancel their waits before they close. Sockets curl creates on its own (the threaded
//    resolver's socketpair) are watched without being owned and released on CURL_POLL_REMOVE.
//  * Readiness: CURLMOPT_SOCKETFUNCTION records the directions curl wants per socket and arms
//    one async_wait per wanted direction; each completion calls curl_multi_socket_action for
//    that direction and re-arms whatever curl still wants afterwards.
//  * Time: CURLMOPT_TIMERFUNCTION drives a single steady_timer (-1 cancels it, 0 posts the
//    timeout action instead of running it inside curl's callback).
//  * Completions: after every action, curl_multi_info_read is drained; each finished easy
//    handle is removed from the multi handle and reported to `on_done`.
//
// curl's callbacks never call back into curl_multi_*; they only touch Asio objects and this
// object's bookkeeping. Everything runs on the io_context's thread.
#ifndef POLICYD_SRC_FETCH_MULTI_SOCKET_LOOP_H_
#define POLICYD_SRC_FETCH_MULTI_SOCKET_LOOP_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <unordered_map>

#include <curl/curl.h>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "curl_handles.h"

namespace policyd {

class MultiSocketLoop {
 public:
  // Called once per finished transfer, after the handle left the multi handle; it may Add()
  // new handles, and it may free `easy`.
  using DoneFn = std::function<void(CURL* easy, CURLcode result)>;

  MultiSocketLoop(boost::asio::io_context& io, DoneFn on_done);
  ~MultiSocketLoop();  // Close()
  MultiSocketLoop(const MultiSocketLoop&) = delete;
  MultiSocketLoop& operator=(const MultiSocketLoop&) = delete;

  // Starts `easy`, after setting its CURLOPT_CLOSESOCKETFUNCTION to this loop. False when the
  // loop is closed or curl refuses the handle.
  bool Add(CURL* easy);

  // Stops `easy` without reporting it to `on_done`.
  void Remove(CURL* easy);

  // Creates a socket for curl (call from CURLOPT_OPENSOCKETFUNCTION once the address has
  // been vetted). Returns CURL_SOCKET_BAD on failure.
  curl_socket_t OpenSocket(const curl_sockaddr& address);

  // Cleans up the multi handle (closing curl's cached connections), then closes or releases
  // every socket and cancels the timer. Remove() every easy handle first. Idempotent; the
  // loop does nothing afterwards.
  void Close();

  std::size_t sockets() const { return sockets_.size(); }  // watched sockets, for tests

 private:
  struct Socket;
  using SocketPtr = std::shared_ptr<Socket>;

  // curl → loop trampolines.
  static int OnSocket(CURL* easy, curl_socket_t fd, int what, void* loop, void* socketp);
  static int OnTimer(CURLM* multi, long timeout_ms, void* loop);
  static int OnCloseSocket(void* loop, curl_socket_t fd);

  void Watch(curl_socket_t fd, int what);
  void SetTimer(long timeout_ms);
  void CloseSocket(curl_socket_t fd);

  SocketPtr Track(curl_socket_t fd, bool owned);
  void Forget(curl_socket_t fd);
  // Arms an async_wait for each direction curl wants and nobody waits for yet. `check_now`
  // lists directions curl has just started wanting: Asio's epoll reactor is edge-triggered
  // and drops readiness that arrives while no wait is pending, so those are polled once and,
  // if already ready, dispatched through post() instead of waiting for an edge that will not
  // come again.
  void Arm(const SocketPtr& socket, int check_now);
  void OnReady(const SocketPtr& socket, int direction, bool failed);
  void Action(curl_socket_t fd, int ev_bitmask);
  void DrainCompletions();

  boost::asio::io_context& io_;
  DoneFn on_done_;
  CurlMulti multi_;
  boost::asio::steady_timer timer_;
  uint64_t timer_generation_ = 0;  // ignores timer/post completions that a later call replaced
  std::unordered_map<curl_socket_t, SocketPtr> sockets_;
  bool closed_ = false;
  // Handlers hold a weak_ptr to this: Asio may run a completed handler after the loop is gone.
  std::shared_ptr<MultiSocketLoop*> self_;
};

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_MULTI_SOCKET_LOOP_H_

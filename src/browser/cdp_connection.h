// CdpConnection: one Chrome DevTools Protocol connection over a pipe pair or a socket, driven
// by the io_context (after Chromium's --remote-debugging-pipe transport).
//
//  * Framing: every message is one JSON object followed by '\0', both ways. CdpFramer splits
//    the incoming byte stream; a message longer than `max_message_bytes` (before its '\0') is
//    a protocol error: the buffer never grows beyond that.
//  * Commands: Send() gives each command the next id (1, 2, ...) and queues it; writes go out
//    one at a time, in order. The answer with that id goes to the command's callback, with
//    `result` or the error's message.
//  * Events: messages with a "method" and no "id" go to `on_event` with their sessionId ("" for
//    the browser target).
//  * End: EOF, a read or write error, an oversized or malformed message end the connection:
//    `on_closed` runs once with the reason; pending callbacks are dropped, never called.
//    Close() ends it without calling `on_closed`.
//
// Callbacks run on the io thread, from inside the read handler; they may call Send() or
// Close(), and the owner may drop its reference (async handlers keep the object alive).
#ifndef POLICYD_SRC_BROWSER_CDP_CONNECTION_H_
#define POLICYD_SRC_BROWSER_CDP_CONNECTION_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <nlohmann/json.hpp>

namespace policyd {

// Splits a byte stream into NUL-terminated messages, holding at most `max_message_bytes` of an
// unfinished one.
class CdpFramer {
 public:
  explicit CdpFramer(std::size_t max_message_bytes) : max_(max_message_bytes) {}

  // Appends `bytes`; complete messages go to `on_message` in order. False (and nothing more
  // is accepted) once a message exceeds the limit.
  bool Append(std::string_view bytes, const std::function<void(std::string&&)>& on_message);

  std::size_t buffered() const { return partial_.size(); }

 private:
  std::size_t max_;
  std::string partial_;
  bool overflowed_ = false;
};

struct CdpReply {
  bool ok = false;
  nlohmann::json result;  // the "result" object when ok
  std::string error;      // the error's message when not ok
};

class CdpConnection : public std::enable_shared_from_this<CdpConnection> {
 public:
  using ReplyFn = std::function<void(CdpReply)>;
  using EventFn = std::function<void(const std::string& method, const std::string& session_id,
                                     const nlohmann::json& params)>;
  using ClosedFn = std::function<void(const std::string& reason)>;

  // Takes ownership of both fds (they may be equal: one socket for both directions).
  CdpConnection(boost::asio::io_context& io, int read_fd, int write_fd,
                std::size_t max_message_bytes, EventFn on_event, ClosedFn on_closed);
  ~CdpConnection();
  CdpConnection(const CdpConnection&) = delete;
  CdpConnection& operator=(const CdpConnection&) = delete;

  void Start();  // begins reading

  // Sends `method` with `params` (an object) to `session_id` ("" = the browser). Returns the
  // command's id, or 0 when the connection has ended (the callback is dropped).
  uint64_t Send(const std::string& method, nlohmann::json params, const std::string& session_id,
                ReplyFn on_reply);

  void Close();  // idempotent; no callback runs afterwards
  bool closed() const { return closed_; }

  // When the oldest unanswered command was sent; nullopt when none is pending.
  std::optional<std::chrono::steady_clock::time_point> OldestPending() const;

  // Stops waiting for the commands sent to `session_id` (not ""): their callbacks are dropped
  // and they no longer count as pending. For a page whose render has ended: a page that loops
  // for ever never answers its own commands, and that says nothing about the browser.
  void ForgetSession(const std::string& session_id);

 private:
  struct Pending {
    ReplyFn on_reply;
    std::chrono::steady_clock::time_point sent;
    std::string session_id;
  };

  void ReadMore();
  void WriteNext();
  void Dispatch(std::string&& message);
  void End(const std::string& reason);

  boost::asio::posix::stream_descriptor reader_;
  boost::asio::posix::stream_descriptor writer_;
  bool shared_fd_;
  CdpFramer framer_;
  EventFn on_event_;
  ClosedFn on_closed_;
  std::string read_buffer_;
  std::deque<std::string> write_queue_;
  bool writing_ = false;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Pending> pending_;
  bool closed_ = false;
};

}  // namespace policyd

#endif  // POLICYD_SRC_BROWSER_CDP_CONNECTION_H_

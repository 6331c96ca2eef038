// One client connection of the web server: read a request's header, hand it to the handler
// (or refuse it), write the answer, repeat while keep-alive holds. io thread only.
#ifndef POLICYD_SRC_WEB_WEB_CONNECTION_H_
#define POLICYD_SRC_WEB_WEB_CONNECTION_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/generic/stream_protocol.hpp>
#include <boost/beast/core/basic_stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "policyd/web_server.h"
#include "web_framing.h"

namespace policyd {

class WebServer::Connection : public std::enable_shared_from_this<WebServer::Connection> {
 public:
  using Clock = std::chrono::steady_clock;

  Connection(WebServer* server, boost::asio::generic::stream_protocol::socket socket);

  void Start();  // reads the first request

  // No request in progress (reading one, waiting for one, or closing): may give up its place.
  bool waiting() const;
  Clock::time_point waiting_since() const { return waiting_since_; }

  // The server is going away: close without telling it.
  void Detach();
  void Close();

 private:
  enum class Phase {
    kReading,     // waiting for or receiving a request
    kInProgress,  // the handler has the request
    kWriting,     // the answer is being written
    kClosing,     // the last answer is written; waiting for the client to close
  };
  using Stream = boost::beast::basic_stream<boost::asio::generic::stream_protocol>;

  void ReadRequest();
  void AwaitNextRequest();
  void ReadHeader();
  void OnHeader(const boost::system::error_code& ec);
  void Dispatch();
  void Respond(uint64_t request_number, WebResponse response);
  void Refuse(unsigned status, std::string_view reason, bool close_after);
  void Write(WebHttpResponse response, bool close_after);
  void Linger();
  void Discard();
  void WatchForHangup(uint64_t request_number);
  enum class PeerState { kNothingYet, kSentMore, kGone };
  PeerState Peer();

  WebServer* server_;
  Stream stream_;
  boost::beast::flat_buffer input_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::empty_body>> parser_;
  std::optional<WebHttpResponse> output_;
  std::string discard_;       // bytes read and dropped while lingering
  std::size_t lingered_ = 0;  // bytes dropped so far
  Phase phase_ = Phase::kReading;
  bool closed_ = false;
  bool answered_any_ = false;  // past the first request: idle_timeout applies between requests
  uint64_t requests_ = 0;      // requests handed to the handler (tells late answers apart)
  Clock::time_point waiting_since_ = Clock::now();
};

}  // namespace policyd

#endif  // POLICYD_SRC_WEB_WEB_CONNECTION_H_

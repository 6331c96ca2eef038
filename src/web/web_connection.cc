#include "web_connection.h"

#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include <spdlog/spdlog.h>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

namespace policyd {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using boost::system::error_code;

namespace {

// After a refusal or the last answer the server stops sending and reads (and drops) what the
// client still sends, so that closing with unread bytes does not reset the connection and
// destroy the answer before the client has read it. Bounded in time and bytes.
constexpr std::chrono::milliseconds kMaxLinger{2'000};
constexpr std::size_t kMaxLingerBytes = 1 << 20;
constexpr std::size_t kDiscardChunk = 4096;
// The first byte of a later request is read alone, with the idle timeout.
constexpr std::size_t kFirstReadBytes = 512;

bool IsParseError(const error_code& ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

}  // namespace

WebServer::Connection::Connection(WebServer* server, asio::generic::stream_protocol::socket socket)
    : server_(server),
      stream_(std::move(socket)),
      input_(std::max<std::size_t>(server->options_.max_header_bytes, kFirstReadBytes)) {}

void WebServer::Connection::Start() { ReadRequest(); }

bool WebServer::Connection::waiting() const {
  return !closed_ && (phase_ == Phase::kReading || phase_ == Phase::kClosing);
}

void WebServer::Connection::Detach() {
  server_ = nullptr;
  Close();
}

void WebServer::Connection::Close() {
  if (closed_) return;
  closed_ = true;
  error_code ignored;
  stream_.socket().shutdown(asio::socket_base::shutdown_both, ignored);
  stream_.close();
  if (server_ != nullptr) server_->Forget(this);
}

void WebServer::Connection::ReadRequest() {
  if (closed_) return;
  phase_ = Phase::kReading;
  waiting_since_ = Clock::now();
  // A pipelined request already in the buffer, or the first request: request_timeout from now.
  if (!answered_any_ || input_.size() > 0) {
    ReadHeader();
  } else {
    AwaitNextRequest();
  }
}

// Keep-alive: idle_timeout for the first byte of the next request, then request_timeout for
// the rest of it.
void WebServer::Connection::AwaitNextRequest() {
  stream_.expires_after(server_->options_.idle_timeout);
  stream_.async_read_some(input_.prepare(kFirstReadBytes),
                          [self = shared_from_this()](const error_code& ec, std::size_t bytes) {
                            if (self->closed_ || self->server_ == nullptr) return;
                            if (ec) {
                              self->Close();  // idle too long, or the client left
                              return;
                            }
                            self->input_.commit(bytes);
                            self->ReadHeader();
                          });
}

void WebServer::Connection::ReadHeader() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(server_->options_.max_header_bytes, UINT32_MAX)));
  stream_.expires_after(server_->options_.request_timeout);
  http::async_read_header(
      stream_, input_, *parser_,
      [self = shared_from_this()](const error_code& ec, std::size_t) { self->OnHeader(ec); });
}

void WebServer::Connection::OnHeader(const error_code& ec) {
  if (closed_ || server_ == nullptr) return;
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    Refuse(431,
           "request header fields too large: the request line and headers exceed " +
               std::to_string(server_->options_.max_header_bytes) + " bytes",
           true);
    return;
  }
  // end_of_stream: the client closed between requests; partial_message: it left mid-request.
  if (IsParseError(ec) && ec != http::error::end_of_stream && ec != http::error::partial_message) {
    Refuse(400, "bad request: " + ec.message(), true);
    return;
  }
  if (ec) {  // timeout, or the client left
    Close();
    return;
  }
  const RequestVerdict verdict = ClassifyRequest(parser_->get(), !parser_->is_done());
  if (verdict != RequestVerdict::kHandle) {
    const Refusal refusal = RefusalFor(verdict);
    // A refused request with a body is not read: the connection cannot go on after it.
    Refuse(refusal.status, refusal.reason,
           refusal.close || !parser_->is_done() || !parser_->get().keep_alive());
    return;
  }
  Dispatch();
}

void WebServer::Connection::Dispatch() {
  phase_ = Phase::kInProgress;
  const uint64_t request_number = ++requests_;
  std::shared_ptr<std::size_t> in_progress = server_->requests_in_progress_;
  if (*in_progress >= server_->options_.max_requests_in_progress) {
    Refuse(503, "busy: " + std::to_string(*in_progress) + " requests in progress; retry later",
           !parser_->get().keep_alive());
    return;
  }
  ++*in_progress;
  const WebRequest request = ToWebRequest(parser_->get());
  // The first answer (even one dropped because the client left) ends the request's place.
  auto answered = std::make_shared<bool>(false);
  auto respond = [weak = weak_from_this(), request_number, answered,
                  counter = std::weak_ptr<std::size_t>(in_progress)](WebResponse response) {
    if (!*answered) {
      *answered = true;
      if (auto count = counter.lock()) --*count;
    }
    if (auto self = weak.lock()) self->Respond(request_number, std::move(response));
  };
  try {
    server_->handler_(request, respond);
  } catch (const std::exception& e) {
    // A page bug must not take the daemon down; the client learns that something failed.
    spdlog::error("web: the page for {} failed: {}", request.target, e.what());
    respond({.status = 500,
             .content_type = "text/plain; charset=utf-8",
             .body = "internal error\n",
             .headers = {}});
  }
  if (phase_ == Phase::kInProgress && !closed_) WatchForHangup(request_number);
}

void WebServer::Connection::Respond(uint64_t request_number, WebResponse response) {
  if (closed_ || server_ == nullptr || phase_ != Phase::kInProgress ||
      request_number != requests_) {
    return;
  }
  const auto& request = parser_->get();
  const bool keep_alive = request.keep_alive();
  Write(FrameResponse(std::move(response), request.version(), keep_alive,
                      request.method() == http::verb::head),
        !keep_alive);
}

void WebServer::Connection::Refuse(unsigned status, std::string_view reason, bool close_after) {
  const bool got_header = parser_.has_value() && parser_->is_header_done();
  const unsigned version = got_header && parser_->get().version() == 10 ? 10 : 11;
  const bool head = got_header && parser_->get().method() == http::verb::head;
  Write(FrameError(status, reason, version, !close_after, head), close_after);
}

void WebServer::Connection::Write(WebHttpResponse response, bool close_after) {
  phase_ = Phase::kWriting;
  answered_any_ = true;
  output_ = std::move(response);
  stream_.expires_after(server_->options_.write_timeout);
  http::async_write(stream_, *output_,
                    [self = shared_from_this(), close_after](const error_code& ec, std::size_t) {
                      if (self->closed_ || self->server_ == nullptr) return;
                      self->output_.reset();
                      if (ec) {
                        self->Close();  // the client did not take its answer in time, or left
                      } else if (close_after) {
                        self->Linger();
                      } else {
                        self->ReadRequest();
                      }
                    });
}

void WebServer::Connection::Linger() {
  phase_ = Phase::kClosing;
  waiting_since_ = Clock::now();
  error_code ignored;
  stream_.socket().shutdown(asio::socket_base::shutdown_send, ignored);
  stream_.expires_after(
      std::min<std::chrono::milliseconds>(kMaxLinger, server_->options_.request_timeout));
  discard_.resize(kDiscardChunk);
  Discard();
}

void WebServer::Connection::Discard() {
  stream_.async_read_some(asio::buffer(discard_),
                          [self = shared_from_this()](const error_code& ec, std::size_t bytes) {
                            if (self->closed_) return;
                            self->lingered_ += bytes;
                            if (ec || self->lingered_ > kMaxLingerBytes) {
                              self->Close();
                              return;
                            }
                            self->Discard();
                          });
}

// While the handler works, nothing reads the socket: a client that gave up would keep its
// place until the answer. Watching for readability finds it gone and frees the place at once
// (its answer, when it comes, is dropped). A client that sends its next request early keeps
// its place; the bytes wait for their turn. As other HTTP servers do, a client that shuts
// down its sending side while its request is in progress is taken as gone.
void WebServer::Connection::WatchForHangup(uint64_t request_number) {
  stream_.socket().async_wait(asio::socket_base::wait_read, [self = shared_from_this(),
                                                             request_number](const error_code& ec) {
    if (ec || self->closed_ || self->phase_ != Phase::kInProgress ||
        self->requests_ != request_number) {
      return;
    }
    switch (self->Peer()) {
      case PeerState::kNothingYet:
        self->WatchForHangup(request_number);
        return;
      case PeerState::kSentMore:
        return;  // read after this answer
      case PeerState::kGone:
        spdlog::debug("web: a client left while its request was in progress");
        self->Close();
        return;
    }
  });
}

// What a readable socket means while a request is in progress.
WebServer::Connection::PeerState WebServer::Connection::Peer() {
  const int fd = stream_.socket().native_handle();
  pollfd poll_fd{fd, POLLIN, 0};
  if (::poll(&poll_fd, 1, 0) > 0 && (poll_fd.revents & (POLLHUP | POLLERR)) != 0) {
    return PeerState::kGone;
  }
  char byte = 0;
  const ssize_t peeked = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (peeked > 0) return PeerState::kSentMore;
  if (peeked == 0) return PeerState::kGone;  // the end of its stream
  return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? PeerState::kNothingYet
                                                                   : PeerState::kGone;
}

}  // namespace policyd

#include <poll.h>
#include <sys/socket.h>

#include <spdlog/spdlog.h>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <cerrno>

#include "policyd/ascii.h"
#include "policyd/control.h"
#include "policyd/json_text.h"
#include "policyd/longest_waiting.h"

namespace policyd {

namespace asio = boost::asio;
using local_stream = asio::local::stream_protocol;

// How often a client whose socket already holds more input is looked at for a hang-up while
// its command runs: its place among max_clients comes back within this.
constexpr std::chrono::seconds kHangupPollInterval{1};

nlohmann::json ControlOk(nlohmann::json result) {
  return {{"ok", true}, {"result", std::move(result)}};
}

nlohmann::json ControlError(std::string_view code, std::string_view message) {
  return {{"ok", false}, {"error", {{"code", code}, {"message", message}}}};
}

nlohmann::json ControlErrorFromStatus(const Status& status) {
  switch (status.code()) {
    case Status::Code::kNotFound:
      return ControlError("not_found", status.message());
    case Status::Code::kInvalidArgument:
      return ControlError("invalid_argument", status.message());
    default:
      return ControlError("internal", status.ToString());
  }
}

// One client connection: read a line, hand it to the handler, write the answer, repeat.
class ControlServer::Connection : public std::enable_shared_from_this<ControlServer::Connection> {
 public:
  Connection(ControlServer* server, local_stream::socket socket)
      : server_(server),
        socket_(std::move(socket)),
        idle_timer_(socket_.get_executor()),
        hangup_timer_(socket_.get_executor()),
        input_(server->options_.max_request_bytes) {}

  void ReadRequest() {
    if (closed_) return;
    waiting_ = true;
    waiting_since_ = std::chrono::steady_clock::now();
    idle_timer_.expires_after(answered_any_ ? server_->options_.idle_timeout
                                            : server_->options_.first_request_timeout);
    idle_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->Close();
    });
    asio::async_read_until(
        socket_, input_, '\n',
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t bytes) {
          self->OnRequest(ec, bytes);
        });
  }

  // Waiting for a request (none in progress): may give up its place to a new client.
  bool waiting() const { return waiting_ && !closed_; }
  std::chrono::steady_clock::time_point waiting_since() const { return waiting_since_; }

  void Detach() {
    server_ = nullptr;
    Close();
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    boost::system::error_code ignored;
    idle_timer_.cancel();
    hangup_timer_.cancel();
    socket_.shutdown(local_stream::socket::shutdown_both, ignored);
    socket_.close(ignored);
    if (server_ != nullptr) server_->Forget(this);
  }

 private:
  void OnRequest(const boost::system::error_code& ec, std::size_t bytes) {
    if (closed_ || server_ == nullptr) return;
    waiting_ = false;
    idle_timer_.cancel();
    if (ec == asio::error::not_found) {  // the streambuf's max size was reached: no newline
      Respond(nullptr,
              ControlError("request_too_long",
                           "request longer than " +
                               std::to_string(server_->options_.max_request_bytes) + " bytes"),
              /*close_after=*/true);
      return;
    }
    if (ec == asio::error::eof && HasPendingText()) {
      // The last request without its newline, then the writing side shut (`printf ... |
      // nc -N`): the end of the stream ends the line. Nothing can follow it: the connection
      // closes once it is answered (the end was seen; no read would see it again).
      bytes = input_.size();
      input_ended_ = true;
    } else if (ec) {
      Close();
      return;
    }
    const std::string_view line(static_cast<const char*>(input_.data().data()), bytes);
    ControlRequest parsed = ParseControlRequest(line);
    input_.consume(bytes);
    if (!parsed.error.is_null()) {
      Respond(std::move(parsed.id), std::move(parsed.error), false);
      return;
    }
    Dispatch(std::move(parsed));
  }

  // Whether what was read after the last request holds more than white space.
  bool HasPendingText() const {
    return !IsAsciiBlank({static_cast<const char*>(input_.data().data()), input_.size()});
  }

  void Dispatch(ControlRequest parsed) {
    in_progress_ = true;
    const uint64_t request_number = ++requests_;
    auto respond = [self = shared_from_this(), id = parsed.id](nlohmann::json response) mutable {
      self->Respond(std::move(id), std::move(response), false);
    };
    try {
      server_->handler_(parsed.request, std::move(respond));
    } catch (const std::exception& e) {
      // A handler bug must not take the daemon down; the client learns what happened.
      spdlog::error("control: command '{}' failed: {}", parsed.request["cmd"].get<std::string>(),
                    e.what());
      Respond(std::move(parsed.id), ControlError("internal", e.what()), false);
    }
    if (in_progress_ && !closed_) WatchForHangup(request_number);
  }

  // While a command runs (a `check --wait` may take minutes), nothing reads the socket: a
  // client that gave up would keep its place among max_clients until the answer. Watching for
  // readability finds it gone (the socket hung up) and frees the place at once; the answer,
  // when it comes, is dropped. A client that sends its next request early, or that only shut
  // down its writing side after its request (`socat`, `nc -N` do), still gets its answer;
  // its socket stays readable from then on, so a later hang-up is looked for once a second
  // (PollForHangup) instead.
  void WatchForHangup(uint64_t request_number) {
    socket_.async_wait(local_stream::socket::wait_read, [self = shared_from_this(), request_number](
                                                            const boost::system::error_code& ec) {
      if (ec || self->closed_ || !self->in_progress_ || self->requests_ != request_number) {
        return;
      }
      switch (self->PeerState()) {
        case PeerState::kNothingYet:
          self->WatchForHangup(request_number);
          return;
        case PeerState::kSentMore:
        case PeerState::kDoneWriting:
          self->PollForHangup(request_number);  // read after this answer, unless it leaves
          return;
        case PeerState::kGone:
          self->LeftMidCommand();
          return;
      }
    });
  }

  void PollForHangup(uint64_t request_number) {
    hangup_timer_.expires_after(kHangupPollInterval);
    hangup_timer_.async_wait(
        [self = shared_from_this(), request_number](const boost::system::error_code& ec) {
          if (ec || self->closed_ || !self->in_progress_ || self->requests_ != request_number) {
            return;
          }
          if (self->PeerState() == PeerState::kGone) {
            self->LeftMidCommand();
          } else {
            self->PollForHangup(request_number);
          }
        });
  }

  void LeftMidCommand() {
    spdlog::debug("control: a client left while its command was in progress");
    Close();
  }

  enum class PeerState { kNothingYet, kSentMore, kDoneWriting, kGone };
  // What a readable socket means. On Linux a Unix stream socket whose peer closed reports
  // POLLHUP; one whose peer only shut down writing reports just the end of stream.
  PeerState PeerState() {
    const int fd = socket_.native_handle();
    pollfd poll_fd{fd, POLLIN, 0};
    if (::poll(&poll_fd, 1, 0) > 0 && (poll_fd.revents & (POLLHUP | POLLERR)) != 0) {
      return PeerState::kGone;
    }
    char byte = 0;
    const ssize_t peeked = ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    if (peeked > 0) return PeerState::kSentMore;
    if (peeked == 0) return PeerState::kDoneWriting;
    return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? PeerState::kNothingYet
                                                                     : PeerState::kGone;
  }

  void Respond(nlohmann::json id, nlohmann::json response, bool close_after) {
    if (closed_) return;
    in_progress_ = false;
    answered_any_ = true;
    response["id"] = std::move(id);
    output_ = JsonText(response) + "\n";
    idle_timer_.expires_after(server_ != nullptr ? server_->options_.write_timeout
                                                 : std::chrono::milliseconds(0));
    idle_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
      if (!ec) self->Close();  // the answer was not read in time
    });
    asio::async_write(
        socket_, asio::buffer(output_),
        [self = shared_from_this(), close_after](const boost::system::error_code& ec, std::size_t) {
          if (ec || close_after || self->input_ended_) {
            self->Close();
            return;
          }
          self->ReadRequest();  // its timer replaces the write's
        });
  }

  ControlServer* server_;
  local_stream::socket socket_;
  asio::steady_timer idle_timer_;
  asio::steady_timer hangup_timer_;  // PollForHangup
  asio::streambuf input_;
  std::string output_;
  bool closed_ = false;
  bool input_ended_ = false;   // the client's last request came with the end of its stream
  bool waiting_ = false;       // a read for the next request is pending
  bool answered_any_ = false;  // past the first request: the longer idle timeout applies
  bool in_progress_ = false;   // a request was handed to the handler and is not answered yet
  uint64_t requests_ = 0;      // requests handed to the handler so far (tells watches apart)
  std::chrono::steady_clock::time_point waiting_since_;
};

ControlServer::ControlServer(asio::io_context& io, ControlOptions options, ControlHandler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      acceptor_(io),
      accept_loop_(acceptor_, "control",
                   [this](local_stream::socket socket) { Admit(std::move(socket)); }) {}

ControlServer::~ControlServer() {
  accept_loop_.Stop();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  auto connections = std::move(connections_);
  for (const auto& connection : connections) connection->Detach();
}

Status ControlServer::Start() {
  if (Status s = PrepareUnixSocketPath(options_.socket_path); !s.ok()) return s;
  boost::system::error_code ec;
  acceptor_.open(local_stream(), ec);
  if (!ec) acceptor_.bind(local_stream::endpoint(options_.socket_path.string()), ec);
  if (ec) {
    return Status::IoError("cannot bind control socket " + options_.socket_path.string() + ": " +
                           ec.message());
  }
  if (Status s = RestrictSocketMode(options_.socket_path, 0660); !s.ok()) return s;
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("cannot listen on control socket: " + ec.message());
  accept_loop_.Start();
  return Status::Ok();
}

void ControlServer::Admit(local_stream::socket socket) {
  if (connections_.size() >= options_.max_clients && !EvictLongestWaiting()) {
    const std::string refusal = JsonText(ControlError("busy", "too many control clients")) + "\n";
    boost::system::error_code ignored;
    socket.non_blocking(true, ignored);
    socket.write_some(asio::buffer(refusal), ignored);
    socket.close(ignored);
    return;
  }
  auto connection = std::make_shared<Connection>(this, std::move(socket));
  connections_.insert(connection);
  connection->ReadRequest();
}

bool ControlServer::EvictLongestWaiting() {
  const std::shared_ptr<Connection> longest = LongestWaiting(connections_);
  if (longest == nullptr) return false;
  spdlog::debug("control: {} clients connected; closing the one idle longest", connections_.size());
  longest->Close();
  return true;
}

void ControlServer::Shutdown() {
  accept_loop_.Stop();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  std::error_code remove_error;
  std::filesystem::remove(options_.socket_path, remove_error);
  const auto connections = connections_;
  for (const auto& connection : connections) connection->Close();
}

void ControlServer::Forget(Connection* connection) {
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->get() == connection) {
      connections_.erase(it);
      return;
    }
  }
}

}  // namespace policyd

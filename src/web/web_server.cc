#include "policyd/web_server.h"

#include <spdlog/spdlog.h>

#include "policyd/longest_waiting.h"
#include "policyd/unix_socket.h"
#include "web_connection.h"
#include "web_framing.h"

namespace policyd {

namespace asio = boost::asio;
using boost::system::error_code;
using generic_stream = asio::generic::stream_protocol;
using local_stream = asio::local::stream_protocol;
using tcp = asio::ip::tcp;

namespace {

// A client beyond max_clients while every place has a request in progress: 503 written as far
// as the socket takes it at once, then closed. What the client already sent is read and
// dropped first (up to a bound), so that closing does not reset the connection over unread
// bytes.
void RefuseBusy(generic_stream::socket& socket) {
  const std::string refusal = SerializeResponse(
      FrameError(503, "busy: every connection has a request in progress; retry later", 11, false));
  error_code ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(asio::buffer(refusal), ignored);
  socket.shutdown(asio::socket_base::shutdown_send, ignored);
  char dropped[4096];
  for (int chunk = 0; chunk < 16 && socket.read_some(asio::buffer(dropped), ignored) > 0; ++chunk) {
  }
  socket.close(ignored);
}

std::string TcpAddressText(const std::string& address, uint16_t port) {
  const bool ipv6 = address.find(':') != std::string::npos;
  return (ipv6 ? "[" + address + "]" : address) + ":" + std::to_string(port);
}

}  // namespace

WebServer::WebServer(asio::io_context& io, WebOptions options, WebHandler handler)
    : options_(std::move(options)),
      handler_(std::move(handler)),
      tcp_acceptor_(io),
      unix_acceptor_(io),
      tcp_accept_loop_(
          tcp_acceptor_, "web",
          [this](tcp::socket socket) { Admit(generic_stream::socket(std::move(socket))); }),
      unix_accept_loop_(unix_acceptor_, "web", [this](local_stream::socket socket) {
        Admit(generic_stream::socket(std::move(socket)));
      }) {}

WebServer::~WebServer() {
  tcp_accept_loop_.Stop();
  unix_accept_loop_.Stop();
  error_code ignored;
  tcp_acceptor_.close(ignored);
  unix_acceptor_.close(ignored);
  auto connections = std::move(connections_);
  for (const auto& connection : connections) connection->Detach();
}

Status WebServer::Start() {
  const bool use_tcp = !options_.tcp_address.empty();
  if (use_tcp == !options_.socket_path.empty()) {
    return Status::InvalidArgument(
        "web server: set exactly one of a TCP address and a socket path");
  }
  if (options_.max_clients == 0) {
    return Status::InvalidArgument("web server: max_clients must be at least 1");
  }
  return use_tcp ? StartTcp() : StartUnix();
}

Status WebServer::StartTcp() {
  error_code ec;
  const auto address = asio::ip::make_address(options_.tcp_address, ec);
  if (ec) {
    return Status::InvalidArgument("web server: '" + options_.tcp_address +
                                   "' is not an IP address");
  }
  const tcp::endpoint endpoint(address, options_.tcp_port);
  const std::string where = TcpAddressText(options_.tcp_address, options_.tcp_port);
  tcp_acceptor_.open(endpoint.protocol(), ec);
  // A restarted daemon may bind while connections of the previous one sit in TIME_WAIT; on
  // Linux this still refuses a port that another socket listens on.
  if (!ec) tcp_acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) tcp_acceptor_.bind(endpoint, ec);
  if (ec) return Status::IoError("web server: cannot bind " + where + ": " + ec.message());
  tcp_acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("web server: cannot listen on " + where + ": " + ec.message());
  port_ = tcp_acceptor_.local_endpoint(ec).port();
  tcp_accept_loop_.Start();
  return Status::Ok();
}

Status WebServer::StartUnix() {
  const std::string where = options_.socket_path.string();
  if (Status s = PrepareUnixSocketPath(options_.socket_path); !s.ok()) return s;
  error_code ec;
  unix_acceptor_.open(local_stream(), ec);
  if (!ec) unix_acceptor_.bind(local_stream::endpoint(where), ec);
  if (ec) return Status::IoError("web server: cannot bind " + where + ": " + ec.message());
  if (Status s = RestrictSocketMode(options_.socket_path, 0660); !s.ok()) return s;
  unix_acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return Status::IoError("web server: cannot listen on " + where + ": " + ec.message());
  unix_accept_loop_.Start();
  return Status::Ok();
}

uint16_t WebServer::Port() const { return port_; }

void WebServer::Admit(generic_stream::socket socket) {
  if (connections_.size() >= options_.max_clients && !EvictLongestWaiting()) {
    spdlog::debug("web: {} clients, each with a request in progress: refusing one",
                  connections_.size());
    RefuseBusy(socket);
    return;
  }
  auto connection = std::make_shared<Connection>(this, std::move(socket));
  connections_.insert(connection);
  connection->Start();
}

bool WebServer::EvictLongestWaiting() {
  const std::shared_ptr<Connection> longest = LongestWaiting(connections_);
  if (longest == nullptr) return false;
  spdlog::debug("web: {} clients connected; closing the one idle longest", connections_.size());
  longest->Close();
  return true;
}

void WebServer::Shutdown() {
  tcp_accept_loop_.Stop();
  unix_accept_loop_.Stop();
  error_code ignored;
  tcp_acceptor_.close(ignored);
  if (unix_acceptor_.is_open()) {
    unix_acceptor_.close(ignored);
    std::error_code remove_error;
    std::filesystem::remove(options_.socket_path, remove_error);
  }
  const auto connections = connections_;
  for (const auto& connection : connections) connection->Close();
}

void WebServer::Forget(Connection* connection) {
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->get() == connection) {
      connections_.erase(it);
      return;
    }
  }
}

}  // namespace policyd

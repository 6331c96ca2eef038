#include "support/http_test_server.h"

#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <condition_variable>
#include <list>
#include <mutex>
#include <stdexcept>
#include <thread>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace policyd::testing {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

bool HasHeader(const TestResponse& response, std::string_view name) {
  return std::any_of(response.headers.begin(), response.headers.end(),
                     [&](const auto& header) { return Lower(header.first) == name; });
}

// Status line and headers for the hand-written (misbehaving) responses.
std::string HeadText(const TestResponse& response) {
  std::string head = "HTTP/1.1 " + std::to_string(response.status) + " " +
                     std::string(http::obsolete_reason(
                         http::int_to_status(static_cast<unsigned>(response.status)))) +
                     "\r\n";
  for (const auto& [name, value] : response.headers) head += name + ": " + value + "\r\n";
  if (!HasHeader(response, "content-length")) {
    head += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  }
  return head + "\r\n";
}

}  // namespace

struct HttpTestServer::Impl {
  struct Route {
    Handler handler;
  };
  struct Connection {
    std::shared_ptr<tcp::socket> socket;
    std::thread thread;
  };

  asio::io_context io;  // never run: blocking calls only
  tcp::acceptor acceptor{io};
  std::thread accept_thread;

  mutable std::mutex mutex;
  std::condition_variable stopping_cv;  // wakes delays, drips and hangs on Stop
  bool stopping = false;
  std::map<std::string, Route> routes;
  std::vector<RecordedRequest> requests;
  std::list<Connection> connections;
  std::size_t in_flight = 0;
  std::size_t max_in_flight = 0;
  uint64_t accepted = 0;

  void AcceptLoop() {
    for (;;) {
      auto socket = std::make_shared<tcp::socket>(io);
      boost::system::error_code error;
      acceptor.accept(*socket, error);
      const std::lock_guard<std::mutex> lock(mutex);
      if (stopping) return;
      if (error) continue;
      const uint64_t id = ++accepted;
      Connection& connection = connections.emplace_back();
      connection.socket = socket;
      connection.thread = std::thread([this, socket, id] { Serve(*socket, id); });
    }
  }

  // Sleeps up to `duration`; false when the server is stopping.
  bool Sleep(std::chrono::milliseconds duration) {
    std::unique_lock<std::mutex> lock(mutex);
    return !stopping_cv.wait_for(lock, duration, [this] { return stopping; });
  }

  void Serve(tcp::socket& socket, uint64_t connection) {
    try {
      ServeRequests(socket, connection);
    } catch (const std::exception&) {
      // A response Beast cannot serialize (e.g. a header over its limits): drop the
      // connection. Use `raw` to send such responses.
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
  }

  void ServeRequests(tcp::socket& socket, uint64_t connection) {
    boost::beast::flat_buffer buffer;
    for (;;) {
      http::request<http::string_body> request;
      boost::system::error_code error;
      http::read(socket, buffer, request, error);
      if (error) break;
      RecordedRequest record = Record(request, connection);
      const TestResponse response = Lookup(record);
      const InFlight counted(*this);
      if (!Answer(socket, request, response)) break;
    }
  }

  RecordedRequest Record(const http::request<http::string_body>& request, uint64_t connection) {
    RecordedRequest record;
    record.method = std::string(request.method_string());
    record.target = std::string(request.target());
    record.path = record.target.substr(0, record.target.find('?'));
    for (const auto& field : request) {
      const boost::beast::string_view name = field.name_string();
      std::string& slot = record.headers[Lower(std::string_view(name.data(), name.size()))];
      if (!slot.empty()) slot += ", ";
      slot += std::string(field.value());
    }
    record.body = request.body();
    record.arrival = std::chrono::steady_clock::now();
    record.connection = connection;
    const std::lock_guard<std::mutex> lock(mutex);
    requests.push_back(record);
    return record;
  }

  TestResponse Lookup(const RecordedRequest& record) {
    Handler handler;
    {
      const std::lock_guard<std::mutex> lock(mutex);
      const auto it = routes.find(record.path);
      if (it != routes.end()) handler = it->second.handler;
    }
    if (!handler) {
      TestResponse not_found;
      not_found.status = 404;
      not_found.body = "not found";
      return not_found;
    }
    return handler(record);  // outside the lock: handlers may call back into the server
  }

  // Counts a request as being answered for its scope (MaxConcurrent).
  class InFlight {
   public:
    explicit InFlight(Impl& impl) : impl_(impl) {
      const std::lock_guard<std::mutex> lock(impl_.mutex);
      impl_.max_in_flight = std::max(impl_.max_in_flight, ++impl_.in_flight);
    }
    ~InFlight() {
      const std::lock_guard<std::mutex> lock(impl_.mutex);
      --impl_.in_flight;
    }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

   private:
    Impl& impl_;
  };

  // Writes `response`; returns whether the connection may carry another request.
  bool Answer(tcp::socket& socket, const http::request<http::string_body>& request,
              const TestResponse& response) {
    if (response.hang) {
      std::unique_lock<std::mutex> lock(mutex);
      stopping_cv.wait(lock, [this] { return stopping; });
      return false;
    }
    if (response.delay.count() > 0 && !Sleep(response.delay)) return false;
    boost::system::error_code error;
    if (response.raw) {
      asio::write(socket, asio::buffer(response.body), error);
      return false;
    }
    if (response.reset_after_bytes) {
      const std::size_t sent = std::min(*response.reset_after_bytes, response.body.size());
      asio::write(socket, asio::buffer(HeadText(response) + response.body.substr(0, sent)), error);
      socket.set_option(asio::socket_base::linger(true, 0), error);  // close → RST
      // Under the lock: Stop() reads native_handle() of every connection under it.
      const std::lock_guard<std::mutex> lock(mutex);
      socket.close(error);
      return false;
    }
    if (response.drip_bytes > 0) {
      asio::write(socket, asio::buffer(HeadText(response)), error);
      for (std::size_t at = 0; !error && at < response.body.size(); at += response.drip_bytes) {
        if (!Sleep(response.drip_interval)) return false;
        asio::write(socket, asio::buffer(response.body.substr(at, response.drip_bytes)), error);
      }
      return !error && !response.close;
    }
    http::response<http::string_body> message;
    message.version(request.version());
    message.result(static_cast<unsigned>(response.status));
    for (const auto& [name, value] : response.headers) message.insert(name, value);
    message.body() = response.body;
    if (response.chunked) {
      message.chunked(true);
    } else if (!HasHeader(response, "content-length")) {
      message.prepare_payload();
    }
    const bool keep_alive = request.keep_alive() && !response.close;
    message.keep_alive(keep_alive);
    http::write(socket, message, error);
    return keep_alive && !error;
  }
};

HttpTestServer::HttpTestServer(const std::string& bind_address)
    : impl_(std::make_unique<Impl>()), address_(bind_address) {
  const tcp::endpoint endpoint(asio::ip::make_address(bind_address), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(asio::socket_base::max_listen_connections);
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept_thread = std::thread([impl = impl_.get()] { impl->AcceptLoop(); });
}

HttpTestServer::~HttpTestServer() { Stop(); }

void HttpTestServer::Stop() {
  {
    const std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->stopping) return;
    impl_->stopping = true;
  }
  impl_->stopping_cv.notify_all();
  // Closing from another thread is not safe on an Asio object; shutdown(2) on the fd is, and
  // it makes the blocked accept()/read() return.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  impl_->accept_thread.join();
  {
    const std::lock_guard<std::mutex> lock(impl_->mutex);
    for (Impl::Connection& connection : impl_->connections) {
      if (connection.socket->is_open()) ::shutdown(connection.socket->native_handle(), SHUT_RDWR);
    }
  }
  for (Impl::Connection& connection : impl_->connections) connection.thread.join();
  impl_->connections.clear();
  boost::system::error_code ignored;
  impl_->acceptor.close(ignored);
}

void HttpTestServer::Set(const std::string& path, TestResponse response) {
  SetHandler(path, [response = std::move(response)](const RecordedRequest&) { return response; });
}

void HttpTestServer::SetHandler(const std::string& path, Handler handler) {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->routes[path] = Impl::Route{std::move(handler)};
}

void HttpTestServer::Remove(const std::string& path) {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->routes.erase(path);
}

std::string HttpTestServer::BaseUrl() const {
  const bool v6 = address_.find(':') != std::string::npos;
  return "http://" + (v6 ? "[" + address_ + "]" : address_) + ":" + std::to_string(port_);
}

std::size_t HttpTestServer::RequestCount(std::string_view path) const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  return static_cast<std::size_t>(
      std::count_if(impl_->requests.begin(), impl_->requests.end(),
                    [&](const RecordedRequest& request) { return request.path == path; }));
}

std::size_t HttpTestServer::TotalRequests() const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->requests.size();
}

std::vector<RecordedRequest> HttpTestServer::Requests() const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->requests;
}

std::vector<RecordedRequest> HttpTestServer::RequestsFor(std::string_view path) const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  std::vector<RecordedRequest> matching;
  for (const RecordedRequest& request : impl_->requests) {
    if (request.path == path) matching.push_back(request);
  }
  return matching;
}

std::size_t HttpTestServer::MaxConcurrent() const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  return impl_->max_in_flight;
}

std::size_t HttpTestServer::Connections() const {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  return static_cast<std::size_t>(impl_->accepted);
}

void HttpTestServer::ResetStats() {
  const std::lock_guard<std::mutex> lock(impl_->mutex);
  impl_->requests.clear();
  impl_->max_in_flight = impl_->in_flight;
}

}  // namespace policyd::testing

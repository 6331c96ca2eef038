#include "page_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <chrono>
#include <stdexcept>

namespace policyd::bench {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Page {
  std::shared_ptr<const std::string> body;
  std::string etag;
};

}  // namespace

struct PageServer::Impl {
  asio::io_context io;
  std::vector<tcp::acceptor> acceptors;
  std::vector<std::thread> threads;

  mutable std::mutex pages_mutex;
  std::vector<Page> pages;
  std::vector<std::atomic<int64_t>> last_request_us;

  std::atomic<uint64_t> ok{0}, not_modified{0}, not_found{0}, body_bytes{0}, connections{0};

  explicit Impl(std::size_t page_count) : pages(page_count), last_request_us(page_count) {}

  Page Lookup(std::size_t index) const {
    std::lock_guard lock(pages_mutex);
    return pages[index];
  }

  void Accept(tcp::acceptor& acceptor);
};

namespace {

// One keep-alive connection: read a request, answer from memory, repeat.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, PageServer::Impl* server)
      : stream_(std::move(socket)), server_(server) {}

  void Start() { Read(); }

 private:
  void Read() {
    request_ = {};
    stream_.expires_after(std::chrono::seconds(120));
    http::async_read(stream_, buffer_, request_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return self->Close();
                       self->Answer();
                     });
  }

  void Answer() {
    const std::string_view target(request_.target().data(), request_.target().size());
    response_ = {};
    response_.version(request_.version());
    response_.keep_alive(request_.keep_alive());
    response_.set(http::field::content_type, "text/html; charset=utf-8");
    hold_.reset();
    std::size_t index = 0;
    bool found = false;
    if (target.rfind("/p/", 0) == 0) {
      try {
        index = std::stoul(std::string(target.substr(3)));
        found = index < server_->pages.size();
      } catch (const std::exception&) {
        found = false;
      }
    }
    Page page;
    if (found) page = server_->Lookup(index);
    if (!found || !page.body) {
      ++server_->not_found;
      response_.result(http::status::not_found);
      response_.body() = http::span_body<const char>::value_type();
    } else {
      server_->last_request_us[index].store(NowMicros(), std::memory_order_relaxed);
      response_.set(http::field::etag, page.etag);
      const auto inm = request_.find(http::field::if_none_match);
      if (inm != request_.end() &&
          std::string_view(inm->value().data(), inm->value().size()) == page.etag) {
        ++server_->not_modified;
        response_.result(http::status::not_modified);
        response_.body() = http::span_body<const char>::value_type();
      } else {
        ++server_->ok;
        server_->body_bytes += page.body->size();
        response_.result(http::status::ok);
        hold_ = page.body;  // keeps the bytes alive while they are written
        response_.body() = http::span_body<const char>::value_type(hold_->data(), hold_->size());
      }
    }
    response_.prepare_payload();
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code ec, std::size_t) {
                        if (ec || !self->response_.keep_alive()) return self->Close();
                        self->Read();
                      });
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  beast::tcp_stream stream_;
  PageServer::Impl* server_;
  beast::flat_buffer buffer_;
  http::request<http::empty_body> request_;
  http::response<http::span_body<const char>> response_;
  std::shared_ptr<const std::string> hold_;
};

}  // namespace

void PageServer::Impl::Accept(tcp::acceptor& acceptor) {
  acceptor.async_accept(asio::make_strand(io),
                        [this, &acceptor](beast::error_code ec, tcp::socket socket) {
                          if (ec) return;  // closed
                          ++connections;
                          socket.set_option(tcp::no_delay(true));
                          std::make_shared<Session>(std::move(socket), this)->Start();
                          Accept(acceptor);
                        });
}

PageServer::PageServer(const std::vector<std::string>& addresses, std::size_t pages, int threads)
    : impl_(std::make_unique<Impl>(pages)) {
  for (const auto& address : addresses) {
    tcp::endpoint endpoint(asio::ip::make_address(address), 0);
    tcp::acceptor& acceptor = impl_->acceptors.emplace_back(impl_->io);
    acceptor.open(endpoint.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(endpoint);
    acceptor.listen(asio::socket_base::max_listen_connections);
  }
  for (auto& acceptor : impl_->acceptors) impl_->Accept(acceptor);
  for (int i = 0; i < std::max(1, threads); ++i) {
    impl_->threads.emplace_back([this] { impl_->io.run(); });
  }
}

PageServer::~PageServer() {
  impl_->io.stop();
  for (auto& thread : impl_->threads) thread.join();
}

std::string PageServer::BaseUrl(std::size_t host) const {
  const auto endpoint = impl_->acceptors.at(host).local_endpoint();
  return "http://" + endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

std::size_t PageServer::hosts() const { return impl_->acceptors.size(); }

void PageServer::SetPage(std::size_t index, std::shared_ptr<const std::string> body,
                         std::string etag) {
  std::lock_guard lock(impl_->pages_mutex);
  impl_->pages.at(index) = Page{std::move(body), std::move(etag)};
}

PageServer::Counters PageServer::counters() const {
  return {impl_->ok.load(), impl_->not_modified.load(), impl_->not_found.load(),
          impl_->body_bytes.load(), impl_->connections.load()};
}

int64_t PageServer::LastRequestMicros(std::size_t index) const {
  return impl_->last_request_us.at(index).load(std::memory_order_relaxed);
}

}  // namespace policyd::bench

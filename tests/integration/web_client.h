// A blocking HTTP/1.1 client for the web view's tests (Boost.Beast): one request per
// connection, over loopback TCP or a Unix socket, with a deadline.
#ifndef POLICYD_TESTS_INTEGRATION_WEB_CLIENT_H_
#define POLICYD_TESTS_INTEGRATION_WEB_CLIENT_H_

#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

namespace policyd::testing {

struct WebAnswer {
  unsigned status = 0;                         // 0: no answer (the error says why)
  std::map<std::string, std::string> headers;  // names lower-case
  std::string body;
  std::string error;
  std::string Header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

namespace web_client_internal {

namespace beast = boost::beast;
namespace http = beast::http;

template <typename Protocol>
WebAnswer Exchange(beast::basic_stream<Protocol>& stream, http::verb method,
                   const std::string& target) {
  WebAnswer answer;
  try {
    stream.expires_after(std::chrono::seconds(30));
    http::request<http::empty_body> request{method, target, 11};
    request.set(http::field::host, "127.0.0.1");
    request.set(http::field::connection, "close");
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 << 20);
    if (method == http::verb::head) parser.skip(true);
    http::read(stream, buffer, parser);
    const auto& response = parser.get();
    answer.status = response.result_int();
    for (const auto& field : response) {
      std::string name(field.name_string());
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      answer.headers[name] = std::string(field.value());
    }
    answer.body = response.body();
  } catch (const std::exception& error) {
    answer.error = error.what();
  }
  return answer;
}

}  // namespace web_client_internal

inline WebAnswer WebGet(uint16_t port, const std::string& target,
                        boost::beast::http::verb method = boost::beast::http::verb::get) {
  boost::asio::io_context io;
  boost::beast::tcp_stream stream(io);
  try {
    stream.connect({boost::asio::ip::make_address("127.0.0.1"), port});
  } catch (const std::exception& error) {
    return {.error = error.what()};
  }
  return web_client_internal::Exchange(stream, method, target);
}

inline WebAnswer WebGetUnix(const std::filesystem::path& socket, const std::string& target) {
  using Local = boost::asio::local::stream_protocol;
  boost::asio::io_context io;
  boost::beast::basic_stream<Local> stream(io);
  try {
    stream.connect(Local::endpoint(socket.string()));
  } catch (const std::exception& error) {
    return {.error = error.what()};
  }
  return web_client_internal::Exchange(stream, boost::beast::http::verb::get, target);
}

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_INTEGRATION_WEB_CLIENT_H_

// The shared test server itself, driven by a plain Beast client.
#include "support/http_test_server.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace policyd::testing {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

http::response<http::string_body> Get(const HttpTestServer& server, const std::string& target,
                                      const std::string& header_value = "") {
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address(server.address()), server.port()));
  http::request<http::string_body> request(http::verb::get, target, 11);
  request.set(http::field::host, "test");
  if (!header_value.empty()) request.set("X-Probe", header_value);
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  return response;
}

TEST(HttpTestServer, ServesRoutesAndRecordsRequests) {
  HttpTestServer server;
  server.Set("/doc", TestResponse{.status = 201, .headers = {{"ETag", "\"e\""}}, .body = "body"});
  const auto response = Get(server, "/doc?x=1", "probe");
  EXPECT_EQ(response.result_int(), 201u);
  EXPECT_EQ(response.body(), "body");
  EXPECT_EQ(response[http::field::etag], "\"e\"");
  EXPECT_EQ(Get(server, "/missing").result_int(), 404u);

  EXPECT_EQ(server.RequestCount("/doc"), 1u);
  EXPECT_EQ(server.TotalRequests(), 2u);
  const auto seen = server.RequestsFor("/doc");
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].target, "/doc?x=1");
  EXPECT_EQ(seen[0].headers.at("x-probe"), "probe");
  EXPECT_EQ(server.BaseUrl(), "http://127.0.0.1:" + std::to_string(server.port()));
}

TEST(HttpTestServer, HandlersAndMutableRoutes) {
  HttpTestServer server("127.0.0.2");
  server.SetHandler("/echo", [](const RecordedRequest& request) {
    return TestResponse{.body = request.method + " " + request.target};
  });
  EXPECT_EQ(Get(server, "/echo?a").body(), "GET /echo?a");
  server.Set("/echo", TestResponse{.body = "fixed"});
  EXPECT_EQ(Get(server, "/echo").body(), "fixed");
  server.Remove("/echo");
  EXPECT_EQ(Get(server, "/echo").result_int(), 404u);
  server.ResetStats();
  EXPECT_EQ(server.TotalRequests(), 0u);
}

TEST(HttpTestServer, StopUnblocksHangingResponses) {
  auto server = std::make_unique<HttpTestServer>();
  server->Set("/hang", TestResponse{.hang = true});
  boost::asio::io_context io;
  tcp::socket socket(io);
  socket.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), server->port()));
  http::request<http::string_body> request(http::verb::get, "/hang", 11);
  http::write(socket, request);
  while (server->TotalRequests() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server->Stop();  // must return although a response is hanging
  server.reset();
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  boost::system::error_code error;
  http::read(socket, buffer, response, error);
  EXPECT_TRUE(error);  // closed without an answer
}

}  // namespace
}  // namespace policyd::testing

// WebhookClient against the loopback test server (Boost.Beast): what arrives, what counts as
// delivered, and the refusals (non-2xx, redirects, blocked addresses, timeouts, shutdown).
#include "webhook_client.h"

#include <chrono>
#include <optional>
#include <string>

#include <gtest/gtest.h>
#include <boost/asio/io_context.hpp>

#include "support/http_test_server.h"

namespace policyd {
namespace {

using policyd::testing::HttpTestServer;
using policyd::testing::TestResponse;

class WebhookClientTest : public ::testing::Test {
 protected:
  WebhookClient::Options Allowing() {
    WebhookClient::Options options;
    options.user_agent = "policyd-test";
    options.allow_private_addresses = true;
    return options;
  }

  // Posts `request` and runs the loop until the handler ran (or 10 s passed).
  std::optional<DeliveryReport> PostAndWait(WebhookClient& client, WebhookRequest request) {
    std::optional<DeliveryReport> result;
    client.Post(std::move(request), [&](DeliveryReport report) { result = std::move(report); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!result && std::chrono::steady_clock::now() < deadline) {
      io_.run_for(std::chrono::milliseconds(20));
      io_.restart();
    }
    return result;
  }

  WebhookRequest Request(const std::string& path, std::string body = R"({"seq":1})") {
    WebhookRequest request;
    request.url = server_.Url(path);
    request.headers = {"Content-Type: application/json", "Policyd-Event-Seq: 1", "Expect:"};
    request.body = std::move(body);
    request.timeout = std::chrono::seconds(5);
    return request;
  }

  boost::asio::io_context io_;
  HttpTestServer server_;
};

TEST_F(WebhookClientTest, PostsTheBodyAndHeaders) {
  server_.Set("/hook", TestResponse{.status = 204});
  WebhookClient client(io_, Allowing());
  const std::string body(5000, 'x');  // over 1 KiB: no Expect: 100-continue wait
  const auto report = PostAndWait(client, Request("/hook", body));
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->outcome, DeliveryOutcome::kDelivered) << report->error;
  EXPECT_EQ(report->http_status, 204);
  EXPECT_EQ(report->error, "");
  const auto requests = server_.RequestsFor("/hook");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].method, "POST");
  EXPECT_EQ(requests[0].body, body);
  EXPECT_EQ(requests[0].headers.at("content-type"), "application/json");
  EXPECT_EQ(requests[0].headers.at("policyd-event-seq"), "1");
  EXPECT_EQ(requests[0].headers.count("expect"), 0u);
}

TEST_F(WebhookClientTest, NonSuccessIsRejectedWithTheStatusAndRetryAfter) {
  server_.Set("/hook", TestResponse{.status = 503,
                                    .headers = {{"Retry-After", "120"}},
                                    .body = "down for\nmaintenance"});
  WebhookClient client(io_, Allowing());
  const auto report = PostAndWait(client, Request("/hook"));
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->outcome, DeliveryOutcome::kRejected);
  EXPECT_EQ(report->http_status, 503);
  EXPECT_EQ(report->error, "HTTP 503: down for maintenance");
  ASSERT_TRUE(report->retry_after.has_value());
  EXPECT_EQ(*report->retry_after, std::chrono::seconds(120));
}

TEST_F(WebhookClientTest, RedirectsAreNotFollowed) {
  server_.Set("/hook", TestResponse{.status = 307, .headers = {{"Location", "/elsewhere"}}});
  server_.Set("/elsewhere", TestResponse{.status = 200});
  WebhookClient client(io_, Allowing());
  const auto report = PostAndWait(client, Request("/hook"));
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->outcome, DeliveryOutcome::kRejected);
  EXPECT_EQ(report->http_status, 307);
  EXPECT_NE(report->error.find("redirects are not followed; Location: /elsewhere"),
            std::string::npos)
      << report->error;
  EXPECT_EQ(server_.RequestCount("/elsewhere"), 0u);
}

TEST_F(WebhookClientTest, LoopbackIsRefusedUnlessAllowed) {
  server_.Set("/hook", TestResponse{.status = 200});
  WebhookClient::Options options = Allowing();
  options.allow_private_addresses = false;
  WebhookClient client(io_, options);
  const auto report = PostAndWait(client, Request("/hook"));
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->outcome, DeliveryOutcome::kBlockedAddress);
  EXPECT_NE(report->error.find("non-public address 127.0.0.1"), std::string::npos) << report->error;
  EXPECT_EQ(server_.TotalRequests(), 0u);

  // allowed_addresses admits one address (and port) without opening the rest.
  options.allowed_addresses = {"127.0.0.1:" + std::to_string(server_.port())};
  WebhookClient allowed(io_, options);
  const auto admitted = PostAndWait(allowed, Request("/hook"));
  ASSERT_TRUE(admitted.has_value());
  EXPECT_EQ(admitted->outcome, DeliveryOutcome::kDelivered) << admitted->error;
}

TEST_F(WebhookClientTest, ALongAnswerIsCutAndStillCounts) {
  server_.Set("/hook", TestResponse{.status = 200, .body = std::string(4u << 20, 'a')});
  WebhookClient client(io_, Allowing());
  const auto report = PostAndWait(client, Request("/hook"));
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->outcome, DeliveryOutcome::kDelivered) << report->error;
}

TEST_F(WebhookClientTest, TimeoutIsATransportError) {
  server_.Set("/hook", TestResponse{.status = 200, .hang = true});
  WebhookClient client(io_, Allowing());
  WebhookRequest request = Request("/hook");
  request.timeout = std::chrono::milliseconds(300);
  const auto report = PostAndWait(client, std::move(request));
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->outcome, DeliveryOutcome::kTransportError);
  EXPECT_EQ(report->error.rfind("timeout: ", 0), 0u) << report->error;
  server_.Stop();
}

TEST_F(WebhookClientTest, ShutdownAbortsWhatIsInFlight) {
  server_.Set("/hook", TestResponse{.status = 200, .hang = true});
  WebhookClient client(io_, Allowing());
  std::optional<DeliveryReport> result;
  client.Post(Request("/hook"), [&](DeliveryReport report) { result = std::move(report); });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (server_.TotalRequests() == 0 && std::chrono::steady_clock::now() < deadline) {
    io_.run_for(std::chrono::milliseconds(20));
    io_.restart();
  }
  EXPECT_EQ(client.in_flight(), 1u);
  client.Shutdown();
  io_.run_for(std::chrono::milliseconds(100));
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->outcome, DeliveryOutcome::kAborted);
  EXPECT_EQ(client.in_flight(), 0u);
  server_.Stop();
}

}  // namespace
}  // namespace policyd

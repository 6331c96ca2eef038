#include "webhooks_view.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(RenderWebhooks, OneRowPerWebhookWithItsPlaceAndLastError) {
  const nlohmann::json result = nlohmann::json::parse(R"({"webhooks": [
    {"name": "analysts", "url": "https://hooks.example/policyd", "format": "json",
     "state": "ok", "cursor": 41, "last_seq": 41, "lag": 0, "delivered": 41,
     "last_attempt": "2026-12-05T06:41:44.090Z", "last_http_status": 204, "last_error": null,
     "next_retry": null},
    {"name": "chat", "url": "https://chat.example/", "format": "slack", "state": "failing",
     "cursor": 12, "last_seq": 41, "lag": 29, "delivered": 12,
     "last_attempt": "2026-12-05T06:41:45.000Z", "last_http_status": 500, "last_error": "",
     "next_retry": "2026-12-05T06:41:49.000Z"},
    {"name": "new", "format": "discord", "state": "ok", "cursor": 41, "last_seq": 41,
     "lag": 0, "delivered": 0, "last_attempt": null, "last_error": "could not resolve host",
     "next_retry": null}]})");
  EXPECT_EQ(RenderWebhooks(result),
            "NAME      FORMAT   STATE    CURSOR  LAG  DELIVERED  LAST ATTEMPT              LAST "
            "ERROR\n"
            "analysts  json     ok       41/41   0    41         2026-12-05T06:41:44.090Z  -\n"
            "chat      slack    failing  12/41   29   12         2026-12-05T06:41:45.000Z  HTTP "
            "500 (next retry 2026-12-05T06:41:49.000Z)\n"
            "new       discord  ok       41/41   0    0          -                         "
            "could not resolve host\n");
  EXPECT_EQ(RenderWebhooks(nlohmann::json::parse(R"({"webhooks": []})")),
            "no webhooks configured ([[webhooks]] in the daemon config)\n");
}

TEST(RenderWebhookTest, TheOutcomeTheStatusAndHowLongItTook) {
  EXPECT_EQ(RenderWebhookTest(nlohmann::json::parse(
                R"({"name": "a", "outcome": "delivered", "http_status": 204, "error": "",
                    "elapsed_ms": 12})")),
            "delivered: HTTP 204 in 12ms\n");
  EXPECT_EQ(RenderWebhookTest(nlohmann::json::parse(
                R"({"name": "a", "outcome": "transport_error", "http_status": 0,
                    "error": "connection refused", "elapsed_ms": 3})")),
            "transport_error: connection refused in 3ms\n");
  EXPECT_EQ(RenderWebhookTest(nlohmann::json::parse(
                R"({"outcome": "rejected", "http_status": 404, "error": "HTTP 404: not found",
                    "elapsed_ms": 2})")),
            "rejected: HTTP 404: not found in 2ms\n");
}

TEST(WebhooksStatusLine, CountFailingAndTheLargestLag) {
  EXPECT_EQ(WebhooksStatusLine(nlohmann::json::parse(R"({"count": 0})")), "none");
  EXPECT_EQ(
      WebhooksStatusLine(nlohmann::json::parse(R"({"count": 2, "failing": 1, "max_lag": 29})")),
      "2, 1 failing, most behind: 29 events");
  EXPECT_EQ(
      WebhooksStatusLine(nlohmann::json::parse(R"({"count": 1, "failing": 0, "max_lag": 0})")),
      "1, most behind: 0 events");
}

}  // namespace
}  // namespace policyd

// policyctl's human `webhooks` and `webhooks test NAME`: the daemon's `webhooks` result
// (docs/CONTROL.md, docs/INTEGRATIONS.md) as one row per webhook, and a test delivery's
// outcome as one line.
//
//   NAME      FORMAT  STATE    CURSOR  LAG  DELIVERED  LAST ATTEMPT              LAST ERROR
//   analysts  json    ok       41/41   0    41         2026-12-05T06:41:44.090Z  -
//   chat      slack   failing  12/41   29   12         2026-12-05T06:41:44.090Z  HTTP 500 (next
//   retry 2026-...)
#ifndef POLICYD_DAEMON_VIEWS_WEBHOOKS_VIEW_H_
#define POLICYD_DAEMON_VIEWS_WEBHOOKS_VIEW_H_

#include <string>

#include <nlohmann/json.hpp>

namespace policyd {

// The table, or "no webhooks configured ([[webhooks]] in the daemon config)".
std::string RenderWebhooks(const nlohmann::json& result);

// "delivered: HTTP 204 in 12ms", "rejected: HTTP 404: not found in 3ms", "transport_error:
// connection refused in 3ms": the daemon's error when it gives one, else the HTTP status.
std::string RenderWebhookTest(const nlohmann::json& result);

// The status line: "2, 1 failing, most behind: 29 events"; "none" when there are none.
std::string WebhooksStatusLine(const nlohmann::json& summary);

}  // namespace policyd

#endif  // POLICYD_DAEMON_VIEWS_WEBHOOKS_VIEW_H_

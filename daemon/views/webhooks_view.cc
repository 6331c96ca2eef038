#include "webhooks_view.h"

#include <chrono>

#include "policyd/human_units.h"
#include "policyd/json_fields.h"
#include "table.h"

namespace policyd {
namespace {

std::string LastError(const nlohmann::json& webhook) {
  std::string error = FieldString(webhook, "last_error");
  if (error.empty() && FieldInt(webhook, "last_http_status").value_or(0) >= 300) {
    error = "HTTP " + FieldText(webhook, "last_http_status");
  }
  if (error.empty()) return "-";
  if (const std::string retry = FieldString(webhook, "next_retry"); !retry.empty()) {
    error += " (next retry " + retry + ")";
  }
  return error;
}

}  // namespace

std::string RenderWebhooks(const nlohmann::json& result) {
  const auto webhooks = result.find("webhooks");
  if (webhooks == result.end() || !webhooks->is_array() || webhooks->empty()) {
    return "no webhooks configured ([[webhooks]] in the daemon config)\n";
  }
  Table table(
      {"NAME", "FORMAT", "STATE", "CURSOR", "LAG", "DELIVERED", "LAST ATTEMPT", "LAST ERROR"});
  for (const nlohmann::json& webhook : *webhooks) {
    const std::string last_attempt = FieldString(webhook, "last_attempt");
    table.AddRow({FieldText(webhook, "name"), FieldText(webhook, "format"),
                  FieldText(webhook, "state"),
                  FieldText(webhook, "cursor") + "/" + FieldText(webhook, "last_seq"),
                  FieldText(webhook, "lag"), FieldText(webhook, "delivered"),
                  last_attempt.empty() ? "-" : last_attempt, LastError(webhook)});
  }
  return table.Render();
}

std::string RenderWebhookTest(const nlohmann::json& result) {
  std::string line = FieldText(result, "outcome") + ":";
  // The error already names the HTTP status when there is one ("HTTP 404: not found").
  if (const std::string error = FieldString(result, "error"); !error.empty()) {
    line += " " + error;
  } else if (const auto status = FieldInt(result, "http_status"); status && *status > 0) {
    line += " HTTP " + std::to_string(*status);
  }
  if (const auto elapsed = FieldInt(result, "elapsed_ms")) {
    line += " in " + HumanDuration(std::chrono::milliseconds(*elapsed));
  }
  return line + "\n";
}

std::string WebhooksStatusLine(const nlohmann::json& summary) {
  const auto count = FieldInt(summary, "count");
  if (!count || *count == 0) return "none";
  std::string line = std::to_string(*count);
  if (const auto failing = FieldInt(summary, "failing"); failing && *failing > 0) {
    line += ", " + std::to_string(*failing) + " failing";
  }
  line += ", most behind: " + FieldText(summary, "max_lag") + " events";
  return line;
}

}  // namespace policyd

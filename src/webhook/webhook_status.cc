#include "policyd/clock.h"
#include "policyd/webhook.h"

namespace policyd {
namespace {

nlohmann::json TimeOrNull(int64_t ms) {
  return ms > 0 ? nlohmann::json(FormatTimestamp(ms)) : nlohmann::json();
}

}  // namespace

const char* DeliveryOutcomeName(DeliveryOutcome outcome) {
  switch (outcome) {
    case DeliveryOutcome::kDelivered:
      return "delivered";
    case DeliveryOutcome::kRejected:
      return "rejected";
    case DeliveryOutcome::kTransportError:
      return "transport_error";
    case DeliveryOutcome::kBlockedAddress:
      return "blocked_address";
    case DeliveryOutcome::kAborted:
      return "aborted";
  }
  return "aborted";
}

std::string RedactedWebhookUrl(const WebhookSpec& spec) {
  const std::string_view url = spec.url;
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return "";
  const std::size_t path_start = url.find_first_of("/?#", scheme_end + 3);
  const std::string_view origin = url.substr(0, path_start);
  if (path_start == std::string_view::npos) return std::string(origin);
  if (spec.format != WebhookFormat::kJson) return std::string(origin) + "/…";
  const std::size_t query = url.find_first_of("?#", path_start);
  if (query == std::string_view::npos) return std::string(url);
  return std::string(url.substr(0, query)) + "?…";
}

nlohmann::json ToJson(const WebhookStatus& status, const WebhookSpec& spec) {
  return {{"name", status.name},
          {"url", status.url},
          {"format", WebhookFormatName(status.format)},
          {"filters",
           {{"platforms", spec.platforms},
            {"doc_types", spec.doc_types},
            {"events", spec.events},
            {"classes", spec.classes}}},
          {"signed", !spec.secret.empty()},
          {"cursor", status.cursor},
          {"last_seq", status.last_seq},
          {"lag", status.last_seq > status.cursor ? status.last_seq - status.cursor : 0},
          {"state", status.failing ? "failing" : "ok"},
          {"in_flight", status.in_flight},
          {"consecutive_failures", status.consecutive_failures},
          {"last_attempt", TimeOrNull(status.last_attempt_ms)},
          {"last_http_status", status.last_http_status},
          {"last_error", status.last_error},
          {"next_retry", status.failing ? TimeOrNull(status.next_retry_ms) : nlohmann::json()},
          {"failing_since", TimeOrNull(status.failing_since_ms)},
          {"last_delivered", TimeOrNull(status.last_delivered_ms)},
          {"delivered", status.delivered},
          {"failed_attempts", status.failed_attempts},
          {"skipped", status.skipped}};
}

}  // namespace policyd

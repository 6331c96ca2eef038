#include "policyd/clock.h"
#include "policyd/nats.h"

namespace policyd {
namespace {

nlohmann::json TimeOrNull(int64_t ms) {
  return ms > 0 ? nlohmann::json(FormatTimestamp(ms)) : nlohmann::json();
}

}  // namespace

const char* NatsStateName(NatsState state) {
  switch (state) {
    case NatsState::kConnecting:
      return "connecting";
    case NatsState::kConnected:
      return "connected";
    case NatsState::kDisconnected:
      return "disconnected";
    case NatsState::kStopped:
      return "stopped";
  }
  return "stopped";
}

nlohmann::json ToJson(const NatsStatus& status) {
  return {
      {"state", NatsStateName(status.state)},
      {"connected", status.state == NatsState::kConnected},
      {"url", status.url},
      {"stream", status.stream},
      {"node_id", status.node_id},
      {"published_seq", status.published_seq},
      {"last_seq", status.last_seq},
      {"lag", status.lag()},
      {"published", status.published},
      {"duplicates", status.duplicates},
      {"consecutive_failures", status.consecutive_failures},
      {"last_error", status.last_error},
      {"last_error_time", TimeOrNull(status.last_error_ms)},
      {"connected_since", TimeOrNull(status.connected_since_ms)},
      {"next_attempt", status.state == NatsState::kDisconnected ? TimeOrNull(status.next_attempt_ms)
                                                                : nlohmann::json()}};
}

}  // namespace policyd

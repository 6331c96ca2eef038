// The control command `events`: a page of the stored event log, for clients that poll rather
// than hold a subscription on the events socket (the web view's JSON API, scripts).
//   {"cmd": "events", "since": N, "limit": M}
//   -> {"events": [...], "last_seq": L, "more": bool}
// `since` (default 0; past the last sequence: invalid_argument, as the events socket refuses
// it): events with a sequence above it, oldest first; `limit` 1..1000
// (default 100) and at most kMaxEventPageBytes of event JSON per page (the first event is
// always returned). `more` says that events after the page exist: ask again from the last
// event's "seq". Read on the worker pool; the events are the stored objects, as the events
// socket sends them.
#include "daemon.h"
#include "policyd/feed.h"

namespace policyd {
namespace {

constexpr std::size_t kDefaultEventPage = 100;
constexpr std::size_t kMaxEventPage = 1'000;
constexpr std::size_t kMaxEventPageBytes = std::size_t{4} << 20;

// A non-negative integer argument within [min, max]; `fallback` when absent or null.
std::optional<uint64_t> CountArgument(const nlohmann::json& request, const char* key,
                                      uint64_t fallback, uint64_t min, uint64_t max,
                                      nlohmann::json* error) {
  const auto it = request.find(key);
  if (it == request.end() || it->is_null()) return fallback;
  if (it->is_number_unsigned() && it->get<uint64_t>() >= min && it->get<uint64_t>() <= max) {
    return it->get<uint64_t>();
  }
  *error =
      ControlError("invalid_argument", std::string("\"") + key + "\" must be an integer from " +
                                           std::to_string(min) + " to " + std::to_string(max));
  return std::nullopt;
}

}  // namespace

bool Daemon::HandleEventsCommand(const std::string& cmd, const nlohmann::json& request,
                                 std::function<void(nlohmann::json)>& respond) {
  if (cmd != "events") return false;
  nlohmann::json error;
  const auto since = CountArgument(request, "since", 0, 0, UINT64_MAX, &error);
  const auto limit = CountArgument(request, "limit", kDefaultEventPage, 1, kMaxEventPage, &error);
  if (!since || !limit) {
    respond(error);
    return true;
  }
  RespondFromPool(
      [this, since = *since, limit = static_cast<std::size_t>(*limit)]() -> nlohmann::json {
        auto events = store_->ReadEvents(since, limit, kMaxEventPageBytes);
        if (!events.ok()) return ControlErrorFromStatus(events.status());
        const uint64_t last_seq = store_->LastSequence();  // after: `more` is never missed
        if (since > last_seq) {
          // Never handed out: the database was replaced. Said as the events socket says it.
          return ControlError("invalid_argument", SinceAheadOfLogMessage(since, last_seq));
        }
        nlohmann::json list = nlohmann::json::array();
        uint64_t last_returned = since;
        for (const StoredEvent& event : *events) {
          list.push_back(nlohmann::json::parse(event.json, nullptr, /*allow_exceptions=*/false));
          last_returned = event.seq;
        }
        return ControlOk({{"events", std::move(list)},
                          {"last_seq", last_seq},
                          {"more", last_returned < last_seq}});
      },
      std::move(respond));
  return true;
}

}  // namespace policyd

#include <nlohmann/json.hpp>

#include "policyd/did_you_mean.h"
#include "policyd/event_names.h"
#include "policyd/feed.h"
#include "policyd/json_limits.h"
#include "policyd/json_text.h"
#include "policyd/text_bounds.h"

namespace policyd {
namespace {

Status ReadClasses(const nlohmann::json& request, std::set<std::string>* classes) {
  const auto found = request.find("classes");
  if (found == request.end() || found->is_null()) return Status::Ok();
  std::string known;
  for (const char* name : kChangeClassNames) known += std::string(known.empty() ? "" : ", ") + name;
  if (!found->is_array() || found->empty()) {
    return Status::InvalidArgument("\"classes\" must be a non-empty array of change classes (" +
                                   known + ")");
  }
  for (const auto& item : *found) {
    const std::string name = item.is_string() ? item.get<std::string>() : JsonText(item);
    bool valid = item.is_string();
    if (valid) {
      valid = false;
      for (const char* known_name : kChangeClassNames) valid = valid || name == known_name;
    }
    if (!valid) {
      return Status::InvalidArgument("unknown change class '" + TruncateUtf8(name, 64) + "' (" +
                                     known + ")");
    }
    classes->insert(name);
  }
  return Status::Ok();
}

}  // namespace

std::string SinceAheadOfLogMessage(uint64_t since, uint64_t last_seq) {
  return "\"since\" " + std::to_string(since) + " is ahead of the log (last_seq " +
         std::to_string(last_seq) + "); was the database replaced?";
}

Result<Subscription> ParseSubscription(std::string_view line) {
  constexpr char kExpected[] = R"(expected {"since": N} or {"since": null})";
  auto request = ParseJsonWithDepthLimit(line, kMaxSubscribeRequestDepth);
  if (!request.ok()) {
    return Status::InvalidArgument(request.status().message() + "; " + kExpected);
  }
  if (!request->is_object()) return Status::InvalidArgument(kExpected);
  // A misspelt key must not quietly subscribe to something else: {"sinse": 1500} read as live
  // only skips every event after 1500, and a misspelt "classes" delivers every class.
  const std::vector<std::string> known_keys = {"since", "classes"};
  if (request->contains("cmd")) {
    return Status::InvalidArgument(
        "a control command sent to the events socket: commands go to the control socket; a "
        "subscription is {\"since\": N}");
  }
  for (const auto& [key, value] : request->items()) {
    if (key != "since" && key != "classes") {
      return Status::InvalidArgument("unknown key '" + TruncateUtf8(key, 64) + "'" +
                                     DidYouMean(ClosestNames(key, known_keys, 2, 1)) +
                                     "; a subscription has only \"since\" and \"classes\"");
    }
  }
  Subscription subscription;
  const auto since = request->find("since");
  if (since != request->end() && !since->is_null()) {
    if (!since->is_number_unsigned()) {
      return Status::InvalidArgument("\"since\" must be a non-negative integer or null");
    }
    subscription.since = since->get<uint64_t>();
  }
  if (Status status = ReadClasses(*request, &subscription.classes); !status.ok()) return status;
  return subscription;
}

Result<std::optional<uint64_t>> ParseSubscribeRequest(std::string_view line) {
  auto subscription = ParseSubscription(line);
  if (!subscription.ok()) return subscription.status();
  return subscription->since;
}

bool EventWanted(std::string_view event_line, const std::set<std::string>& classes) {
  // Cheap first: only document.changed events are filtered.
  if (classes.empty() ||
      event_line.find(EventTypeName(EventType::kChanged)) == std::string_view::npos) {
    return true;
  }
  const auto event = nlohmann::json::parse(event_line, nullptr, /*allow_exceptions=*/false);
  if (!event.is_object() || event.value("type", "") != EventTypeName(EventType::kChanged))
    return true;
  // Events stored before classes existed have none: they are sent (they may be anything).
  const auto change_class = event.find("change_class");
  if (change_class == event.end() || !change_class->is_string()) return true;
  return classes.count(change_class->get<std::string>()) > 0;
}

}  // namespace policyd

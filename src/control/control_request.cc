#include "policyd/control.h"
#include "policyd/json_limits.h"

namespace policyd {

ControlRequest ParseControlRequest(std::string_view line, std::size_t max_depth) {
  ControlRequest parsed;
  auto value = ParseJsonWithDepthLimit(line, max_depth);
  if (!value.ok()) {
    parsed.error = ControlError("bad_request", value.status().message());
    return parsed;
  }
  if (!value->is_object()) {
    parsed.error = ControlError("bad_request", "the request is not a JSON object");
    return parsed;
  }
  if (const auto id = value->find("id"); id != value->end()) {
    if (id->is_structured() || id->is_binary()) {
      parsed.error =
          ControlError("bad_request", "\"id\" must be a string, number, boolean or null");
      return parsed;
    }
    parsed.id = *id;
  }
  const auto cmd = value->find("cmd");
  if (cmd == value->end() || !cmd->is_string()) {
    parsed.error = ControlError("bad_request", "the request has no string \"cmd\"");
    return parsed;
  }
  parsed.request = std::move(*value);
  return parsed;
}

}  // namespace policyd

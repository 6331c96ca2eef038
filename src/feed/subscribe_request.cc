#include "policyd/feed.h"
#include "policyd/json_limits.h"

namespace policyd {

Result<std::optional<uint64_t>> ParseSubscribeRequest(std::string_view line) {
  constexpr char kExpected[] = R"(expected {"since": N} or {"since": null})";
  auto request = ParseJsonWithDepthLimit(line, kMaxSubscribeRequestDepth);
  if (!request.ok()) {
    return Status::InvalidArgument(request.status().message() + "; " + kExpected);
  }
  if (!request->is_object()) return Status::InvalidArgument(kExpected);
  const auto since = request->find("since");
  if (since == request->end() || since->is_null()) return std::optional<uint64_t>();
  if (!since->is_number_unsigned()) {
    return Status::InvalidArgument("\"since\" must be a non-negative integer or null");
  }
  return std::optional<uint64_t>(since->get<uint64_t>());
}

}  // namespace policyd

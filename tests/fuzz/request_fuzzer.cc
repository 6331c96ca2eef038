// libFuzzer target: any bytes as one request line on the control socket and on the events
// socket. Each must be refused with a reason or read as a request, and everything the servers
// then do with it (echo the id, copy the request to a handler, dump the response) must not
// crash or recurse without bound. Checked invariants abort, so libFuzzer reports them.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "policyd/control.h"
#include "policyd/feed.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

void FuzzControl(std::string_view line) {
  policyd::ControlRequest parsed = policyd::ParseControlRequest(line);
  Check(!parsed.id.is_structured());  // only a scalar id is ever echoed
  nlohmann::json response;
  if (parsed.error.is_null()) {
    Check(parsed.request.is_object());
    Check(parsed.request.contains("cmd") && parsed.request["cmd"].is_string());
    // What a handler may do with a request: copy it, or parts of it, into its answer.
    response = policyd::ControlOk({{"echo", parsed.request}});
  } else {
    Check(parsed.request.is_null());
    Check(parsed.error["error"]["code"] == "bad_request");
    response = std::move(parsed.error);
  }
  response["id"] = std::move(parsed.id);
  const std::string out = response.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  Check(!out.empty());
}

void FuzzSubscribe(std::string_view line) {
  const auto since = policyd::ParseSubscribeRequest(line);
  Check(since.ok() || !since.status().message().empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  FuzzControl(line);
  FuzzSubscribe(line);
  return 0;
}

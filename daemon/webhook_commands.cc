// The control commands about webhooks:
//   {"cmd": "webhooks"}                      -> WebhookDispatcher::StatusJson()
//   {"cmd": "webhooks_test", "name": "ops"}  -> {"name", "outcome", "http_status", "error",
//                                                "elapsed_ms"} once the test request ended
#include "daemon.h"

namespace policyd {

bool Daemon::HandleWebhookCommand(const std::string& cmd, const nlohmann::json& request,
                                  std::function<void(nlohmann::json)>& respond) {
  if (cmd == "webhooks") {
    respond(ControlOk(webhooks_->StatusJson()));
    return true;
  }
  if (cmd != "webhooks_test") return false;
  const auto name = request.find("name");
  if (name == request.end() || !name->is_string()) {
    respond(ControlError("invalid_argument", "missing \"name\" (a webhook's name)"));
    return true;
  }
  webhooks_->SendTest(name->get<std::string>(),
                      [respond, webhook = name->get<std::string>()](Result<DeliveryReport> report) {
                        if (!report.ok()) {
                          respond(report.status().code() == Status::Code::kBusy
                                      ? ControlError("busy", report.status().message())
                                      : ControlErrorFromStatus(report.status()));
                          return;
                        }
                        respond(ControlOk({{"name", webhook},
                                           {"outcome", DeliveryOutcomeName(report->outcome)},
                                           {"http_status", report->http_status},
                                           {"error", report->error},
                                           {"elapsed_ms", report->elapsed.count()}}));
                      });
  return true;
}

}  // namespace policyd

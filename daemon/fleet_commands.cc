// The fleet's status over NATS (fleet_status_service.h) and the control command that asks it:
//   {"cmd": "fleet", "timeout": "1s"}  -> the gathered report (docs/CONTROL.md, "fleet")
// Without [fleet] the answer is the error not_configured.
#include <spdlog/spdlog.h>

#include "daemon.h"
#include "policyd/clock.h"

namespace policyd {
namespace {

constexpr std::chrono::milliseconds kDefaultFleetAskTimeout = std::chrono::seconds(1);
constexpr std::chrono::milliseconds kMaxFleetAskTimeout = std::chrono::seconds(30);

}  // namespace

void Daemon::StartFleetStatus() {
  FleetAgent* agent = fleet_.get();
  NatsOutbox* outbox = nats_.get();
  fleet_status_ = std::make_unique<FleetStatusService>(
      config_.nats, config_.fleet, agent->member_id(), io_,
      [agent, outbox] { return LocalFleetReport(*agent, outbox); },
      [agent] {
        FleetAgent::Snapshot snapshot = agent->CurrentSnapshot();
        return FleetStatusService::View{std::move(snapshot.records), std::move(snapshot.live)};
      });
  fleet_status_->Start();
}

// Any thread (a cnats one): the agent's and the outbox's snapshots, each under its own mutex.
FleetMemberReport Daemon::LocalFleetReport(const FleetAgent& agent, const NatsOutbox* outbox) {
  FleetAgent::Snapshot snapshot = agent.CurrentSnapshot();
  FleetMemberReport report;
  report.member_id = agent.member_id();
  report.incarnation = snapshot.incarnation;
  report.started_ms = snapshot.started_ms;
  report.connected = snapshot.connected;
  report.joined = snapshot.joined;
  report.live_member_count = snapshot.live.size();
  report.live_members = std::move(snapshot.live);
  report.documents = snapshot.documents;
  report.documents_owned = snapshot.documents_owned;
  report.checks_in_flight = snapshot.checks_in_flight;
  report.leases_held = snapshot.leases_held;
  report.lag_ms = snapshot.lag_ms;
  if (outbox != nullptr) {
    const NatsStatus status = outbox->CurrentStatus();
    report.publish_lag = status.lag();
    report.publish_state = NatsStateName(status.state);
  }
  report.last_error = std::move(snapshot.last_error);
  report.version = POLICYD_VERSION;
  report.now_ms = NowUnixMillis();
  return report;
}

void Daemon::NoteFleetScheduler() {
  if (fleet_) fleet_->SetSchedulerState(scheduler_.NextDueMs(), outstanding_);
}

bool Daemon::HandleFleetCommand(const std::string& cmd, const nlohmann::json& request,
                                std::function<void(nlohmann::json)>& respond) {
  if (cmd != "fleet") return false;
  if (!fleet_status_) {
    respond(ControlError("not_configured",
                         "no fleet is configured: the daemon config has no [fleet] table with "
                         "enabled = true"));
    return true;
  }
  std::chrono::milliseconds timeout = kDefaultFleetAskTimeout;
  if (const auto it = request.find("timeout"); it != request.end() && !it->is_null()) {
    const auto parsed = it->is_string() ? ParseDuration(it->get<std::string>()) : std::nullopt;
    if (!parsed || parsed->count() <= 0 || *parsed > kMaxFleetAskTimeout) {
      respond(ControlError("invalid_argument", "\"timeout\" must be a duration from 1ms to " +
                                                   FormatDuration(kMaxFleetAskTimeout) +
                                                   " (\"500ms\", \"2s\")"));
      return true;
    }
    timeout = *parsed;
  }
  fleet_status_->Ask(timeout, [respond](FleetAskAnswer answer) {
    switch (answer.outcome) {
      case FleetAskOutcome::kAnswered:
        respond(ControlOk(std::move(answer.result)));
        return;
      case FleetAskOutcome::kBusy:
        respond(ControlError("busy", answer.error));
        return;
      case FleetAskOutcome::kUnavailable:
        respond(ControlError("unavailable", answer.error));
        return;
    }
  });
  return true;
}

}  // namespace policyd

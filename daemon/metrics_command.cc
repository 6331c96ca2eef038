// `metrics`: the daemon's gauges read now, written with its counters as the Prometheus text
// exposition (daemon_metrics.h). Io thread: the reads are the same as `status` makes.
#include "daemon.h"
#include "policyd/clock.h"

namespace policyd {

std::string Daemon::MetricsText() const {
  DaemonMetrics::GaugeReadings readings;
  const int64_t now = NowUnixMillis();
  for (const Document& doc : documents_) {
    if (doc.packed_state().last_check_ms() == 0) {
      ++readings.documents_pending;
    } else if (doc.packed_state().consecutive_failures() > 0) {
      ++readings.documents_failing;
    } else {
      ++readings.documents_ok;
    }
    const auto due = scheduler_.DueMs(doc.handle);
    readings.due_not_dispatched += due && *due <= now && !scheduler_.InFlight(doc.handle);
  }
  readings.due_not_dispatched += dispatch_gate_.parked();  // due, waiting for their host's share
  readings.checks_in_progress = outstanding_;
  readings.checks_processing = processing_;
  readings.fetches_running = fetcher_->Running();
  readings.fetches_queued = fetcher_->Queued();
  readings.subscribers = feed_->subscriber_count();
  readings.last_sequence = store_->LastSequence();
  readings.database_bytes = store_->ApproximateSizeBytes();
  readings.storage_error = storage_episode_.has_value();
  readings.webhooks = webhooks_->Statuses();
  if (browser_ != nullptr) {
    readings.browser_running = browser_->BrowserRunning();
    readings.browser_rendering = browser_->Running();
    readings.browser_queued = browser_->Queued();
    readings.browser_restarts = browser_->Restarts();
    readings.browser_pages_rendered = pages_rendered_;
    readings.browser_render_failures = render_failures_;
  }
  if (fleet_) {
    const FleetAgent::Snapshot fleet = fleet_->CurrentSnapshot();
    readings.fleet =
        DaemonMetrics::GaugeReadings::Fleet{.joined = fleet.joined,
                                            .live_members = fleet.live.size(),
                                            .documents_owned = fleet.documents_owned,
                                            .leases_held = fleet.leases_held,
                                            .lag_ms = fleet.lag_ms,
                                            .lease_waits = fleet_lease_waits_,
                                            .leases_lost = fleet.leases_lost,
                                            .checks_abandoned = fleet_checks_abandoned_,
                                            .view_changes = fleet.view_changes,
                                            .heartbeat_failures = fleet.heartbeat_failures};
  }
  return metrics_->Exposition(readings);
}

}  // namespace policyd

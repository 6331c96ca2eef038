// The daemon's metrics (include/policyd/metrics.h): every series it exposes, registered once
// at start with its bounded label values (check outcomes and failure reasons are enums,
// webhook names come from the config), and the text `policyctl metrics` prints (the web view
// will serve the same at /metrics). docs/INTEGRATIONS.md lists them.
//
// Counting: CountFetch on the io thread when a page's transfer completes, CountCheck on the
// io thread when a check's commit is back (OnProcessed). Both only touch atomics, so they
// cost a few nanoseconds and never wait. Gauges are read at exposition time: the daemon fills
// a GaugeReadings (io thread) and Exposition writes them with the counters.
#ifndef POLICYD_DAEMON_DAEMON_METRICS_H_
#define POLICYD_DAEMON_DAEMON_METRICS_H_

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policyd/check.h"
#include "policyd/metrics.h"
#include "policyd/store.h"
#include "policyd/webhook.h"

namespace policyd {

class DaemonMetrics {
 public:
  // What the daemon knows now, read when the metrics are asked for (io thread).
  struct GaugeReadings {
    std::size_t documents_ok = 0;
    std::size_t documents_failing = 0;
    std::size_t documents_pending = 0;   // never checked
    std::size_t due_not_dispatched = 0;  // due now, waiting for a dispatch slot
    std::size_t checks_in_progress = 0;  // dispatched and not committed
    std::size_t checks_processing = 0;   // on the worker pool (queued or running)
    std::size_t fetches_running = 0;
    std::size_t fetches_queued = 0;
    std::size_t subscribers = 0;
    uint64_t last_sequence = 0;
    uint64_t database_bytes = 0;
    bool storage_error = false;
    std::vector<WebhookStatus> webhooks;
    // The browser's, when it is enabled.
    bool browser_running = false;
    std::size_t browser_rendering = 0;
    std::size_t browser_queued = 0;
    uint64_t browser_restarts = 0;
    uint64_t browser_pages_rendered = 0;
    uint64_t browser_render_failures = 0;
    // The fleet's, with [fleet].
    struct Fleet {
      bool joined = false;
      uint64_t live_members = 0;
      uint64_t documents_owned = 0;
      uint64_t leases_held = 0;
      int64_t lag_ms = 0;
      uint64_t lease_waits = 0;         // start answers kLeaseHeld, since start
      uint64_t leases_lost = 0;         // renewals that found the lease taken
      uint64_t checks_abandoned = 0;    // checks that stored nothing: the lease was gone
      uint64_t view_changes = 0;        // changes of the live set this member saw
      uint64_t heartbeat_failures = 0;  // heartbeats it could not write
    };
    std::optional<Fleet> fleet;
  };

  // Registers every series. `webhook_names`: the configured webhooks (at most 32, names
  // [a-z0-9-]); the browser's series exist only when `browser_enabled`, the fleet's
  // (policyd_fleet_*) only when `fleet_enabled`.
  static Result<std::unique_ptr<DaemonMetrics>> Create(
      const std::vector<std::string>& webhook_names, bool browser_enabled, int64_t started_unix_ms,
      bool fleet_enabled = false);

  // A page's transfer completed (not aborted): its time on the wire.
  void CountFetch(std::chrono::milliseconds elapsed);
  // A check was recorded: its outcome and failure reason, the versions and events it stored,
  // and how long it took from dispatch to commit. A failed check `not_requested` (its host
  // held, CheckOutcome::not_requested) counts in policyd_checks_not_requested_total instead
  // of its reason's failures.
  void CountCheck(const CheckRecord& check, std::size_t events_stored,
                  std::chrono::steady_clock::duration check_duration, bool not_requested = false);

  // The exposition, with the gauges set from `readings` first.
  std::string Exposition(const GaugeReadings& readings);

 private:
  DaemonMetrics() = default;
  Status Register(const std::vector<std::string>& webhook_names, bool browser_enabled,
                  int64_t started_unix_ms);
  // The phases of Register.
  Status RegisterProcess(int64_t started_unix_ms);
  Status RegisterCheckCounters();
  Status RegisterStateSeries();  // documents, queues, transfers, the store, totals, durations
  Status RegisterWebhook(const std::string& name);
  Status RegisterBrowser();
  Status RegisterFleet();

  struct WebhookSeries {
    Gauge* lag = nullptr;
    Gauge* failing = nullptr;
    Counter* delivered = nullptr;
  };
  struct BrowserSeries {
    Gauge* running = nullptr;
    Gauge* rendering = nullptr;
    Gauge* queued = nullptr;
    Counter* restarts = nullptr;
    Counter* pages_rendered = nullptr;
    Counter* render_failures = nullptr;
  };

  MetricsRegistry registry_;
  std::map<std::string, Counter*, std::less<>> checks_by_outcome_;   // CheckResultName
  std::map<std::string, Counter*, std::less<>> failures_by_reason_;  // FailureReasonName
  Histogram* check_duration_ = nullptr;
  Histogram* fetch_duration_ = nullptr;
  Counter* versions_stored_ = nullptr;
  Counter* checks_not_requested_ = nullptr;
  Counter* events_stored_ = nullptr;
  Gauge* last_sequence_ = nullptr;
  Gauge* subscribers_ = nullptr;
  Gauge* documents_ok_ = nullptr;
  Gauge* documents_failing_ = nullptr;
  Gauge* documents_pending_ = nullptr;
  Gauge* queue_depth_ = nullptr;
  Gauge* checks_in_progress_ = nullptr;
  Gauge* checks_processing_ = nullptr;
  Gauge* fetches_running_ = nullptr;
  Gauge* fetches_queued_ = nullptr;
  Gauge* database_bytes_ = nullptr;
  Gauge* storage_error_ = nullptr;
  std::map<std::string, WebhookSeries> webhooks_;
  std::unique_ptr<BrowserSeries> browser_;  // null when the browser is disabled
  struct FleetSeries {
    Gauge* joined = nullptr;
    Gauge* live_members = nullptr;
    Gauge* documents_owned = nullptr;
    Gauge* leases_held = nullptr;
    Gauge* lag_seconds = nullptr;
    Counter* lease_waits = nullptr;
    Counter* leases_lost = nullptr;
    Counter* checks_abandoned = nullptr;
    Counter* view_changes = nullptr;
    Counter* heartbeat_failures = nullptr;
  };
  std::unique_ptr<FleetSeries> fleet_;  // null without [fleet]
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_DAEMON_METRICS_H_

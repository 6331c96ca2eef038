#include "daemon_metrics.h"

#include "policyd/build_info.h"

namespace policyd {

namespace {

// Seconds, from a fast fetch on a LAN to the total_timeout's range; a check adds the queue,
// extraction and the commit (and a browser render) to its fetch, hence the longer tail.
const std::vector<double> kFetchBuckets = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                           1,    2.5,   5,    10,  30,   60};
const std::vector<double> kCheckBuckets = {0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                           2.5,  5,     10,   30,  60,   120, 300};

template <typename T>
Status Take(Result<T*> registered, T** out) {
  if (!registered.ok()) return registered.status();
  *out = *registered;
  return Status::Ok();
}

double Seconds(std::chrono::steady_clock::duration duration) {
  return std::chrono::duration<double>(duration).count();
}

// Counters mirror totals the daemon keeps itself (the browser's): they move by the
// difference, so they stay counters (never go down).
void AdvanceTo(Counter* counter, uint64_t total) {
  if (total > counter->Value()) counter->Increment(total - counter->Value());
}

// Tables of series registered in one go: each one's slot, name, help and labels.
struct GaugeSpec {
  Gauge** out;
  const char* name;
  const char* help;
  MetricLabels labels = {};
};
struct CounterSpec {
  Counter** out;
  const char* name;
  const char* help;
  MetricLabels labels = {};
};

Status AddGauges(MetricsRegistry& registry, const std::vector<GaugeSpec>& specs) {
  for (const GaugeSpec& spec : specs) {
    if (Status s = Take(registry.AddGauge(spec.name, spec.help, spec.labels), spec.out); !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

Status AddCounters(MetricsRegistry& registry, const std::vector<CounterSpec>& specs) {
  for (const CounterSpec& spec : specs) {
    if (Status s = Take(registry.AddCounter(spec.name, spec.help, spec.labels), spec.out);
        !s.ok()) {
      return s;
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<DaemonMetrics>> DaemonMetrics::Create(
    const std::vector<std::string>& webhook_names, bool browser_enabled, int64_t started_unix_ms,
    bool fleet_enabled) {
  std::unique_ptr<DaemonMetrics> metrics(new DaemonMetrics());
  if (Status s = metrics->Register(webhook_names, browser_enabled, started_unix_ms); !s.ok()) {
    return s;
  }
  if (fleet_enabled) {
    if (Status s = metrics->RegisterFleet(); !s.ok()) return s;
  }
  return metrics;
}

Status DaemonMetrics::RegisterFleet() {
  MetricsRegistry& r = registry_;
  auto fleet = std::make_unique<FleetSeries>();
  const std::vector<GaugeSpec> gauges = {
      {&fleet->joined, "policyd_fleet_joined",
       "1 while this member is joined to its fleet (it checks the documents it owns), else 0."},
      {&fleet->live_members, "policyd_fleet_live_members",
       "Members live in this member's view of the fleet, itself included."},
      {&fleet->documents_owned, "policyd_fleet_documents_owned",
       "Watched documents this member owns in its view of the fleet."},
      {&fleet->leases_held, "policyd_fleet_leases_held",
       "Leases this member holds: its checks in flight under a lease."},
      {&fleet->lag_seconds, "policyd_fleet_lag_seconds",
       "How late the most overdue document waiting in this member's scheduler is, in seconds "
       "(0 when none is overdue)."},
  };
  if (Status s = AddGauges(r, gauges); !s.ok()) return s;
  const std::vector<CounterSpec> counters = {
      {&fleet->lease_waits, "policyd_fleet_lease_waits_total",
       "Due checks that waited because another member held the document's lease."},
      {&fleet->leases_lost, "policyd_fleet_leases_lost_total",
       "Lease renewals that found the lease taken by another member."},
      {&fleet->checks_abandoned, "policyd_fleet_checks_abandoned_total",
       "Checks stopped, storing nothing, because their lease was lost (their fetches cancelled "
       "at once; a check past its fetches stops before its commit)."},
      {&fleet->view_changes, "policyd_fleet_view_changes_total",
       "Changes of the fleet's live members seen by this member (joins, deaths, returns): each "
       "moves documents between members."},
      {&fleet->heartbeat_failures, "policyd_fleet_heartbeat_failures_total",
       "Heartbeats this member could not write (the bucket unreachable or not answering, or its "
       "member id held by another live daemon); after ttl without one the others drop it."},
  };
  if (Status s = AddCounters(r, counters); !s.ok()) return s;
  fleet_ = std::move(fleet);
  return Status::Ok();
}

Status DaemonMetrics::Register(const std::vector<std::string>& webhook_names, bool browser_enabled,
                               int64_t started_unix_ms) {
  if (Status s = RegisterProcess(started_unix_ms); !s.ok()) return s;
  if (Status s = RegisterCheckCounters(); !s.ok()) return s;
  if (Status s = RegisterStateSeries(); !s.ok()) return s;
  for (const std::string& name : webhook_names) {
    if (Status s = RegisterWebhook(name); !s.ok()) return s;
  }
  return browser_enabled ? RegisterBrowser() : Status::Ok();
}

Status DaemonMetrics::RegisterProcess(int64_t started_unix_ms) {
  Gauge* build_info = nullptr;
  Gauge* start_time = nullptr;
  if (Status s =
          AddGauges(registry_, {{&build_info,
                                 "policyd_build_info",
                                 "The policyd version and the commit it was built from (always 1).",
                                 {{"version", POLICYD_VERSION}, {"commit", BuildCommit()}}},
                                {&start_time, "policyd_process_start_time_seconds",
                                 "When the daemon started, in seconds since the Unix epoch."}});
      !s.ok()) {
    return s;
  }
  build_info->Set(1);
  start_time->Set(static_cast<double>(started_unix_ms) / 1000.0);
  return Status::Ok();
}

// Every outcome and reason from the start, at 0: a rate() needs the series before the first
// increment.
Status DaemonMetrics::RegisterCheckCounters() {
  for (int i = static_cast<int>(CheckResult::kFirstSeen);
       i <= static_cast<int>(CheckResult::kFailed); ++i) {
    const std::string name(CheckResultName(static_cast<CheckResult>(i)));
    Counter* counter = nullptr;
    if (Status s = AddCounters(registry_, {{&counter,
                                            "policyd_checks_total",
                                            "Checks recorded since start, by outcome.",
                                            {{"outcome", name}}}});
        !s.ok()) {
      return s;
    }
    checks_by_outcome_.emplace(name, counter);
  }
  for (int i = static_cast<int>(FailureReason::kBadUrl); i <= static_cast<int>(kLastFailureReason);
       ++i) {
    const auto reason = static_cast<FailureReason>(i);
    if (reason == FailureReason::kAborted) continue;  // never recorded: not a check
    const std::string name(FailureReasonName(reason));
    Counter* counter = nullptr;
    if (Status s =
            AddCounters(registry_, {{&counter,
                                     "policyd_check_failures_total",
                                     "Failed checks recorded since start, by failure reason.",
                                     {{"reason", name}}}});
        !s.ok()) {
      return s;
    }
    failures_by_reason_.emplace(name, counter);
  }
  return Status::Ok();
}

Status DaemonMetrics::RegisterStateSeries() {
  static constexpr char kDocumentsHelp[] =
      "Watched documents by state: ok (last check succeeded), failing, pending (not checked "
      "yet).";
  if (Status s = AddGauges(
          registry_,
          {
              {&documents_ok_, "policyd_documents", kDocumentsHelp, {{"state", "ok"}}},
              {&documents_failing_, "policyd_documents", kDocumentsHelp, {{"state", "failing"}}},
              {&documents_pending_, "policyd_documents", kDocumentsHelp, {{"state", "pending"}}},
              {&queue_depth_, "policyd_scheduler_queue_depth",
               "Documents due now that wait for a dispatch slot."},
              {&checks_in_progress_, "policyd_checks_in_progress",
               "Checks dispatched and not yet committed."},
              {&checks_processing_, "policyd_checks_processing",
               "Fetched checks on the worker pool (queued or running)."},
              {&fetches_running_, "policyd_fetches_running", "HTTP transfers in flight."},
              {&fetches_queued_, "policyd_fetches_queued",
               "HTTP transfers waiting in host queues or for their robots.txt."},
              {&subscribers_, "policyd_feed_subscribers", "Subscribers of the events socket."},
              {&last_sequence_, "policyd_last_event_sequence",
               "The sequence number of the last stored event."},
              {&database_bytes_, "policyd_database_bytes",
               "Approximate size of the database on disk (SST and WAL files), in bytes."},
              {&storage_error_, "policyd_storage_error",
               "1 while the store refuses writes (a full disk) and checking is paused, else 0."},
          });
      !s.ok()) {
    return s;
  }
  if (Status s =
          AddCounters(registry_, {{&versions_stored_, "policyd_versions_stored_total",
                                   "Versions stored since start (first_seen, changed, reread)."},
                                  {&events_stored_, "policyd_events_stored_total",
                                   "Events stored since start (every check's events)."},
                                  {&checks_not_requested_, "policyd_checks_not_requested_total",
                                   "Failed checks whose page was not requested because its host "
                                   "was held (429, Retry-After, a struggling server's rest)."}});
      !s.ok()) {
    return s;
  }
  if (Status s = Take(registry_.AddHistogram("policyd_fetch_duration_seconds",
                                             "Time on the wire of each page fetched for a check.",
                                             kFetchBuckets),
                      &fetch_duration_);
      !s.ok()) {
    return s;
  }
  return Take(registry_.AddHistogram("policyd_check_duration_seconds",
                                     "Time of each recorded check, from dispatch to commit.",
                                     kCheckBuckets),
              &check_duration_);
}

Status DaemonMetrics::RegisterWebhook(const std::string& name) {
  WebhookSeries series;
  const MetricLabels labels = {{"webhook", name}};
  if (Status s = AddGauges(registry_,
                           {{&series.lag, "policyd_webhook_lag_events",
                             "Events in the log that the webhook has not delivered yet.", labels},
                            {&series.failing, "policyd_webhook_failing",
                             "1 while the webhook's deliveries fail (retrying), else 0.", labels}});
      !s.ok()) {
    return s;
  }
  if (Status s = AddCounters(registry_, {{&series.delivered, "policyd_webhook_deliveries_total",
                                          "Events the webhook delivered since start.", labels}});
      !s.ok()) {
    return s;
  }
  webhooks_.emplace(name, series);
  return Status::Ok();
}

Status DaemonMetrics::RegisterBrowser() {
  auto browser = std::make_unique<BrowserSeries>();
  if (Status s = AddGauges(
          registry_,
          {{&browser->running, "policyd_browser_running", "1 while the headless browser runs."},
           {&browser->rendering, "policyd_browser_renders_in_progress", "Pages being rendered."},
           {&browser->queued, "policyd_browser_renders_queued", "Pages waiting for the browser."}});
      !s.ok()) {
    return s;
  }
  if (Status s = AddCounters(registry_,
                             {{&browser->pages_rendered, "policyd_browser_pages_rendered_total",
                               "Pages the browser rendered since start."},
                              {&browser->render_failures, "policyd_browser_render_failures_total",
                               "Renders that failed since start (not aborted ones)."},
                              {&browser->restarts, "policyd_browser_restarts_total",
                               "Browser restarts after the first start (crash, hang, memory)."}});
      !s.ok()) {
    return s;
  }
  browser_ = std::move(browser);
  return Status::Ok();
}

void DaemonMetrics::CountFetch(std::chrono::milliseconds elapsed) {
  fetch_duration_->Observe(std::chrono::duration<double>(elapsed).count());
}

void DaemonMetrics::CountCheck(const CheckRecord& check, std::size_t events_stored,
                               std::chrono::steady_clock::duration check_duration,
                               bool not_requested) {
  if (const auto it = checks_by_outcome_.find(check.outcome); it != checks_by_outcome_.end()) {
    it->second->Increment();
  }
  if (not_requested) {
    checks_not_requested_->Increment();
  } else if (const auto it = failures_by_reason_.find(check.reason);
             it != failures_by_reason_.end()) {
    it->second->Increment();
  }
  if (check.outcome == CheckResultName(CheckResult::kFirstSeen) ||
      check.outcome == CheckResultName(CheckResult::kChanged) ||
      check.outcome == CheckResultName(CheckResult::kReread) ||
      check.outcome == CheckResultName(CheckResult::kAdopted)) {
    versions_stored_->Increment();
  }
  events_stored_->Increment(events_stored);
  check_duration_->Observe(Seconds(check_duration));
}

std::string DaemonMetrics::Exposition(const GaugeReadings& readings) {
  const auto set = [](Gauge* gauge, auto value) { gauge->Set(static_cast<double>(value)); };
  set(documents_ok_, readings.documents_ok);
  set(documents_failing_, readings.documents_failing);
  set(documents_pending_, readings.documents_pending);
  set(queue_depth_, readings.due_not_dispatched);
  set(checks_in_progress_, readings.checks_in_progress);
  set(checks_processing_, readings.checks_processing);
  set(fetches_running_, readings.fetches_running);
  set(fetches_queued_, readings.fetches_queued);
  set(subscribers_, readings.subscribers);
  set(last_sequence_, readings.last_sequence);
  set(database_bytes_, readings.database_bytes);
  set(storage_error_, readings.storage_error ? 1 : 0);
  for (const WebhookStatus& status : readings.webhooks) {
    const auto it = webhooks_.find(status.name);
    if (it == webhooks_.end()) continue;
    set(it->second.lag, status.last_seq > status.cursor ? status.last_seq - status.cursor : 0);
    set(it->second.failing, status.failing ? 1 : 0);
    AdvanceTo(it->second.delivered, status.delivered);
  }
  if (browser_) {
    set(browser_->running, readings.browser_running ? 1 : 0);
    set(browser_->rendering, readings.browser_rendering);
    set(browser_->queued, readings.browser_queued);
    AdvanceTo(browser_->restarts, readings.browser_restarts);
    AdvanceTo(browser_->pages_rendered, readings.browser_pages_rendered);
    AdvanceTo(browser_->render_failures, readings.browser_render_failures);
  }
  if (fleet_ && readings.fleet) {
    const GaugeReadings::Fleet& fleet = *readings.fleet;
    set(fleet_->joined, fleet.joined ? 1 : 0);
    set(fleet_->live_members, fleet.live_members);
    set(fleet_->documents_owned, fleet.documents_owned);
    set(fleet_->leases_held, fleet.leases_held);
    fleet_->lag_seconds->Set(static_cast<double>(fleet.lag_ms) / 1000.0);
    AdvanceTo(fleet_->lease_waits, fleet.lease_waits);
    AdvanceTo(fleet_->leases_lost, fleet.leases_lost);
    AdvanceTo(fleet_->checks_abandoned, fleet.checks_abandoned);
    AdvanceTo(fleet_->view_changes, fleet.view_changes);
    AdvanceTo(fleet_->heartbeat_failures, fleet.heartbeat_failures);
  }
  return registry_.Exposition();
}

}  // namespace policyd

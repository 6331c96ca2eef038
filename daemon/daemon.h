// Daemon: wires config, store, scheduler, fetcher, worker pool, feed and control together.
//
// Threads: the calling thread runs the io_context (curl sockets and timers, the scheduler's
// timer, the feed and control sockets, signals, watchdog); a thread pool (threads named
// "policyd-worker") does extraction, hashing and the store commit. Results come back to the io
// thread by post(): everything in this class except the pool jobs is touched only on the io thread,
// so nothing needs a lock.
//
// Backlog: no check is dispatched while 2 x workers fetched responses are on the pool, and
// each dispatch starts at most what the pool can take then (more every 10 ms while checks
// are due, up to max_concurrency in flight). Bodies do not pile up in front of the workers
// when the network is faster than extraction.
//
// Storage faults: when a commit fails because the store is in a storage error (a full disk),
// checking pauses, the error shows in `status`, the sd_notify STATUS line and the log
// (daemon.storage_error, then daemon.storage_recovered), and the store is recovered with
// backoff (timer on the io thread, Store::Recover on the pool). Once it is, every document
// whose commit failed is checked again at once (storage_recovery.cc).
#ifndef POLICYD_DAEMON_DAEMON_H_
#define POLICYD_DAEMON_DAEMON_H_

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>

#include "check_log_digest.h"
#include "check_waiters.h"
#include "daemon_metrics.h"
#include "document_table.h"
#include "fleet_agent.h"
#include "fleet_status_service.h"
#include "policyd/browser.h"
#include "policyd/check.h"
#include "policyd/config.h"
#include "policyd/control.h"
#include "policyd/dispatch_gate.h"
#include "policyd/feed.h"
#include "policyd/fetcher.h"
#include "policyd/nats.h"
#include "policyd/scheduler.h"
#include "policyd/store.h"
#include "policyd/web_server.h"
#include "policyd/webhook.h"
#include "target_catalog.h"

namespace policyd {

struct RenderGather;  // the pages of one check being rendered (browser_checks.cc)

// The browser's settings from the daemon's (browser_checks.cc).
BrowserOptions BrowserOptionsFrom(const DaemonConfig& config);

class Daemon {
 public:
  // `store_options` is for tests (an injected file system); the daemon uses the defaults.
  Daemon(DaemonConfig config, std::filesystem::path config_path, StoreOptions store_options = {});
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // The log level was given on the command line (--log-level): a reload keeps it instead of
  // the config file's. Called before Start().
  void KeepCommandLineLogLevel() { log_level_from_command_line_ = true; }

  // Opens the store, loads the targets, binds both sockets. A failure here is fatal.
  Status Start();
  // Runs until SIGTERM/SIGINT (or a fatal error); returns the process exit code.
  int Run();
  // After Run(): SIGTERM, SIGINT and SIGHUP are ignored by the process from now on, so that a
  // repeated one cannot kill it while the store and the pool close (the daemon's destructor).
  void IgnoreStopSignalsFromNowOn();

 private:
  using Document = DocumentTable::Document;

  // The phases of Start, in order. The metrics, the state directory and the store.
  Status OpenState();
  // The targets (and their stored states), the fetcher and, when enabled, the browser.
  Status LoadTargets();
  // The events socket, webhooks, [nats] and [fleet].
  Status StartPublishing();
  // The control socket, the web view and the signals.
  Status StartControl();

  // Scheduling and checks (io thread).
  // Fires DispatchDue when the next check is due, but not before `min_delay`.
  void ArmScheduleTimer(std::chrono::milliseconds min_delay = std::chrono::milliseconds(0));
  void DispatchDue();
  // Starts the check of a document taken from the schedule (or the fleet's answer first).
  void Dispatch(const Document& doc);
  void StartCheck(DocHandle handle);
  // `pages`: the responses for the document's url and its extra_urls, in order.
  void OnFetched(const std::string& doc_id, std::vector<FetchResponse> pages);
  // Ends a dispatched check that is not one (shutdown, aborted, document removed): nothing is
  // recorded and the document is due again in a minute.
  void AbandonCheck(const std::string& doc_id);
  // Scheduler calls for a document known by id: nothing (false) when it is no longer watched
  // (a check of a removed document ends unscheduled).
  void CompleteSchedule(const std::string& doc_id, int64_t next_due_ms);
  // Ends the timing of a check of `doc_id` (started in StartCheck): how long it took, zero if
  // none was running.
  // True when the document watched under `doc_id` now fetches or reads differently from the
  // spec its check in flight started with (a reload edited its URL or extraction settings).
  bool SpecChangedDuringCheck(const std::string& doc_id) const;
  std::chrono::steady_clock::duration EndCheckTiming(const std::string& doc_id);
  bool CheckNow(const std::string& doc_id, int64_t now_ms);
  CheckInput MakeCheckInput(const Document& doc, std::vector<FetchResponse> pages) const;
  // Processes the check on the pool. While it does, the store holds the document's
  // processing mark (Store::MarkProcessing): the next start learns of a crash in the middle.
  void PostCheck(const std::string& doc_id, CheckInput input);
  // PostCheck's job on a worker: the processing, between its mark and the mark's removal
  // (none when `interrupted_before` is empty), then OnProcessed on the io thread.
  void ProcessOnWorker(const std::string& doc_id, CheckInput input,
                       std::chrono::steady_clock::time_point posted_at,
                       std::optional<int> interrupted_before);
  // Logs the processings the previous run ended in the middle of (interrupted_processings_).
  void LogInterruptedProcessings() const;
  // A document whose processing ended the daemon kInterruptionsToHold times in a row is not
  // fetched at its first check after the start: that check fails as `interrupted` and holds
  // it back (CheckInput::interrupted_processings). True when `doc`'s check is that one.
  bool RecordInterruption(const Document& doc);
  // A check found a redirect stub on the same site: fetch its target in the stub's place and
  // post the check again (CheckOutcome::follow_url).
  void FollowRedirectStub(const std::string& doc_id, CheckOutcome outcome);
  // The browser (browser_checks.cc, io thread). True when the document's pages go to the
  // browser before they are judged: render = "browser", or `auto` remembering that its page
  // needs it (until render_retest_interval has passed since it was last tried as served).
  bool RendersFirst(const Document& doc) const;
  // Renders `pages` (the plain fetch's responses) in the browser, then posts the check.
  void RenderPages(const std::string& doc_id, std::vector<FetchResponse> pages,
                   RenderTrigger trigger);
  void OnRendered(const std::string& doc_id, RenderGather gather);
  nlohmann::json BrowserStatusJson() const;
  void OnProcessed(const std::string& doc_id, CheckOutcome outcome,
                   std::chrono::steady_clock::time_point committed_at);
  void AddStageTimes(const StageTimes& times, int64_t publish_us);
  std::chrono::milliseconds IntervalOf(const DocumentSpec& spec) const;

  // [fleet] (fleet_checks.cc): due documents are checked only when this member owns them and
  // holds their lease (FleetAgent answers on the io thread).
  void StartFleet();
  static uint64_t FleetKeyHash(const DocumentSpec& spec);
  void SyncFleetDocuments();  // the key hashes of documents_ to the agent
  void AskFleet(const std::string& doc_id);
  void OnFleetAnswer(const std::string& doc_id, const StartAnswer& answer,
                     std::optional<DocumentRecord> record);
  // The fleet's record of a check in flight (fleet_records_), nullptr when none.
  const DocumentRecord* FleetRecordOf(const std::string& doc_id) const;
  // After a committed check: the fleet's record of the document, then the lease released.
  void FinishFleetCheck(const std::string& doc_id, const CheckOutcome* committed);
  void OnFleetOwnershipChange();
  // [fleet] Left to the member that owns its site, which checks it (`other_member`).
  bool OwnedElsewhere(const std::string& doc_id) const;
  // Why a check asked for is not run here ([fleet]: kNotOwner, kNotJoined), for its waiter.
  std::string NotCheckedHereWhy(const StartAnswer& answer) const;
  // From a pool thread, right before the commit: false when the lease is gone (store nothing).
  bool StillHoldsLease(const std::string& doc_id);
  // A fetch of a check in flight (one of its pages, or the page a meta-refresh interstitial
  // sends the reader to), cancelled if the check's lease is lost.
  void NoteCheckFetch(const std::string& doc_id, Fetcher::FetchId fetch);
  // The agent lost the lease of a check in flight: its fetches are cancelled, and the check
  // is abandoned (nothing stored) as they end.
  void OnFleetLeaseLost(const std::string& doc_id);
  // Whether the check of `doc_id` lost its lease (it starts no further fetch or render).
  bool LeaseLost(const std::string& doc_id) const;
  // `policyctl fleet` (fleet_commands.cc): this member answers the fleet's status requests
  // and asks the fleet for the `fleet` command. False if `cmd` is not "fleet".
  void StartFleetStatus();
  static FleetMemberReport LocalFleetReport(const FleetAgent& agent, const NatsOutbox* outbox);
  bool HandleFleetCommand(const std::string& cmd, const nlohmann::json& request,
                          std::function<void(nlohmann::json)>& respond);
  // The scheduler's earliest due time and the checks in flight, to the agent (lag_ms).
  void NoteFleetScheduler();

  // Targets.
  // What an application of the target files changed.
  struct TargetChanges {
    std::size_t added = 0;
    std::size_t removed = 0;
    std::size_t url_changed = 0;
    // The same URL with other settings (extraction, render, interval, robots, pages): a
    // reload after an operator's `remove` or `ignore_lines` edit must not read "unchanged".
    std::size_t settings_changed = 0;
    // The same id with another platform name or type label ("Tinder" → "TINDER"): the next
    // events and `list --platform` carry the new one, so a reload must not read "unchanged".
    std::size_t relabelled = 0;
  };
  Status ApplyCatalog();  // syncs documents_ and the scheduler with catalog_
  // Keeps `changes` for the reload's answer and, after the start, logs them.
  void LogTargetChanges(const TargetChanges& changes);
  // After the catalog's Add or Remove of one document: the same for that document only (a
  // run-time change at a million documents needs no pass over all of them). On an error the
  // table is left behind the catalog, and the next change syncs it whole (ApplyCatalog).
  Status WatchAddedDocument(const DocumentTable::SharedSpec& spec);
  Status UnwatchRemovedDocument(const std::string& id);
  // A document just added to the table takes its stored state (left empty); its due time, 0
  // when none is stored.
  int64_t TakeStoredState(Document& doc, PackedState& stored);
  // A new document (`previous` null) or a new spec of a watched one: scheduled by the spec.
  void ApplySpec(Document& doc, const DocumentSpec* previous, int64_t persisted_due, int64_t now);
  void StopWatching(Document& doc);  // before it leaves the table
  // Re-reads the config's log level and the targets; `done` (may be empty) gets the outcome.
  // On error (the daemon config or a target file does not load) the running set is kept and
  // the error logged. The target files are read on the
  // worker pool (at a million documents that takes ~0.5 s the event loop does not wait) and
  // the new set is applied on the io thread. A reload asked for while one runs is done again
  // once it ends (a file may have changed after its read), and its `done` gets that outcome.
  void Reload(std::function<void(Status)> done);
  using ReloadWaiters = std::vector<std::function<void(Status)>>;
  void StartReload();
  // `overtaken`: the reads of this reload so far that an add or a remove made stale.
  // Compares the config file with the one the daemon started with: restart_needed_, and a
  // warning naming them.
  void NoteKeysWaitingForRestart(const DaemonConfig& fresh);
  void ReadTargetsOnPool(ReloadWaiters waiters, int overtaken = 0);
  // io thread: applies what the pool read, or reads again if an add or remove ran meanwhile.
  void AdoptTargets(Result<TargetCatalog::Snapshot> read, ReloadWaiters waiters, int overtaken);
  void FinishReload(const Status& result, ReloadWaiters waiters);
  // A reload whose reads adds and removes have overtaken this many times holds the next ones
  // until it ends: a client adding without pause would otherwise keep it reading for as long
  // as it adds. At most max_control_clients are held; more are answered "busy".
  static constexpr int kReloadReadsBeforeHolding = 2;
  // `add` and `remove` while a reload holds them: kept with their answer for after it (true),
  // or refused as busy (true, answered); false when no reload holds them.
  bool HoldTargetChange(const nlohmann::json& request,
                        std::function<void(nlohmann::json)>* respond);
  void ReleaseHeldTargetChanges();

  // Control commands (io thread).
  void HandleControl(const nlohmann::json& request, std::function<void(nlohmann::json)> respond);
  nlohmann::json StatusJson() const;
  nlohmann::json DocumentJson(const Document& doc) const;
  // `list` with its filters (list_filter.h): the matching documents, or the refusal.
  nlohmann::json ListResponse(const nlohmann::json& request) const;
  const Document* FindDocument(const nlohmann::json& request, nlohmann::json* error) const;
  // show: `document` (DocumentJson, taken on the io thread) with the document's 10 most recent
  // checks, read from `store` (on the pool).
  static nlohmann::json ShowJson(const Store& store, const std::string& doc_id,
                                 nlohmann::json document);
  // add and remove at run time: the catalog keeps them across restarts; the answer or refusal.
  nlohmann::json AddDocument(DocumentSpec spec);
  // The answer to an `add` or `remove` whose write failed: an I/O error says what to do, and
  // a store that refused its write begins the storage error episode.
  nlohmann::json TargetWriteError(const Status& status);
  // `id` is a copy: ApplyCatalog frees the removed document's spec, which a caller's reference
  // would point into.
  nlohmann::json RemoveDocument(std::string id);
  void HandleDiff(const nlohmann::json& request, std::function<void(nlohmann::json)> respond);
  // verify, gc, evidence, text, removed, backup, segments, offsets (maintenance_commands.cc). False
  // if `cmd` is not one of them (`respond` untouched); else `respond` is called (or moved into pool
  // work).
  bool HandleStoreCommand(const std::string& cmd, const nlohmann::json& request,
                          std::function<void(nlohmann::json)>& respond);
  // segments, offsets (segment_commands.cc): a version's clause ids, and the offset map
  // between two versions; computed on the pool.
  void HandleSegmentCommand(const std::string& cmd, const nlohmann::json& request,
                            std::function<void(nlohmann::json)> respond);
  // check DOC | all, with "wait": the outcomes once the checks have ended (check_waiters.h).
  void HandleCheck(const nlohmann::json& request, std::function<void(nlohmann::json)> respond);
  // Arms wait_timer_ for the earliest deadline of check_waiters_.
  void ArmWaitTimer();
  // The first pass: every watched document checked once, since start or before it (a restart
  // does not start it over). Notes (and logs) the moment it completes.
  void NoteFirstPassProgress();
  // [fleet] A due document left to the member that owns its site: its first pass is done.
  void NoteLeftToOtherMember(Document& doc);
  nlohmann::json FirstPassJson() const;
  // webhooks, webhooks_test (webhook_commands.cc). False if `cmd` is neither (`respond`
  // untouched).
  bool HandleWebhookCommand(const std::string& cmd, const nlohmann::json& request,
                            std::function<void(nlohmann::json)>& respond);
  // `metrics`: the Prometheus text exposition, its gauges read now (metrics_command.cc).
  std::string MetricsText() const;
  // atom (atom_commands.cc): an Atom feed of the stored changes, computed on the pool. False if
  // `cmd` is not "atom" (`respond` untouched).
  // The read-only web view (web_view.cc): off unless web_listen is set.
  Status StartWebView();
  std::string WebListenText() const;  // "127.0.0.1:8470" or the socket path; "" when off
  nlohmann::json WebStatusJson() const;
  void HandleWebRequest(const WebRequest& request, std::function<void(WebResponse)> respond);
  struct WebExchange;  // one web request's route and the answers gathered so far
  void RunWebRequests(std::shared_ptr<WebExchange> exchange);
  bool HandleEventsCommand(const std::string& cmd, const nlohmann::json& request,
                           std::function<void(nlohmann::json)>& respond);  // events_commands.cc
  bool HandleAtomCommand(const std::string& cmd, const nlohmann::json& request,
                         std::function<void(nlohmann::json)>& respond);
  // Runs `work` on the worker pool and answers with its result on the io thread.
  void RespondFromPool(std::function<nlohmann::json()> work,
                       std::function<void(nlohmann::json)> respond);

  // Storage faults (storage_recovery.cc, io thread).
  struct StorageEpisode {
    StorageError error;           // as the store reported it when the episode began
    uint64_t failed_commits = 0;  // check commits refused during the episode
    // Documents whose commit was refused: checked again as soon as the store recovers.
    std::set<std::string> recheck;
    int attempts = 0;  // recovery attempts so far
    std::chrono::milliseconds backoff{0};
    int64_t next_attempt_ms = 0;
    std::string last_attempt_error;
  };
  struct StorageRecoveryReport;  // what a recovery attempt on the pool found
  // After a failed commit: true when the store is in a storage error, which the episode then
  // accounts for (the first such failure starts it); false for any other failure.
  bool NoteStorageFailure(const std::string& doc_id);
  void BeginStorageEpisode(StorageError error);
  // Waits for checks that the episode pauses before they start: answered `not_recorded` now,
  // not at their timeout (a check already running is answered when its commit is refused).
  void EndWaitsForPausedChecks();
  // Begins an episode when the store reports a storage error none has met yet (a failed
  // background flush, a backup's checkpoint, retention's deletes).
  void NoteStoreHealth();
  // Why a waited check has no outcome while the store refuses writes.
  std::string PausedCheckMessage() const;
  void ArmStorageRecovery();
  void AttemptStorageRecovery();
  void OnStorageRecoveryAttempt(StorageRecoveryReport report);
  void EndStorageEpisode(const StorageRecoveryReport& report);
  // After a reopen: the stored states of `doc_ids` replace the daemon's (a commit reported as
  // failed may have been replayed).
  void AdoptStoredStates(const std::set<std::string>& doc_ids, int64_t now_ms);
  nlohmann::json StorageErrorJson() const;  // null when the store is healthy

  // Lifecycle.
  void OnSignal(int signal_number);
  void BeginShutdown();
  // Tells the operator, once per run, that a document's URL answers 301 or 308.
  void NoteMovedPermanently(const std::string& doc_id, const FetchResponse& page);
  void FinishShutdownIfIdle();
  void ArmWatchdog(std::chrono::microseconds period);
  // Notices a step back of the wall clock (every status tick): due times are capped from now.
  void NoteWallClock();
  void ArmStatusTimer();
  // Logs the check summary every config log_summary_interval (and LogCheckSummary at stop).
  void ArmSummaryTimer();
  void LogCheckSummary();
  // The log line(s) of one committed check, loud as check_log_ says.
  // `not_requested`: CheckOutcome::not_requested (counted apart in the summary).
  void LogCheck(const std::string& doc_id, const CheckRecord& check, bool not_requested);
  // Says when `doc` (its state still the one before `check`) starts to be reported failing (its
  // document.fetch_failed) and when it recovers: the per-check lines cannot tell the 20th
  // failure from a passing one.
  static void LogFailureReport(const Document& doc, const DocState& after,
                               const CheckRecord& check);
  // Applies the retention policy (config check_retention) every config gc_interval, on the
  // worker pool; one run at a time.
  void ArmGcTimer();
  std::string StatusLine() const;

  DaemonConfig config_;
  std::filesystem::path config_path_;
  StoreOptions store_options_;
  ScheduleOptions schedule_options_;
  boost::asio::io_context io_;
  boost::asio::thread_pool workers_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<TargetCatalog> catalog_;
  std::unique_ptr<Fetcher> fetcher_;
  std::unique_ptr<BrowserFetcher> browser_;  // null when browser_enabled is false; lazy start
  uint64_t pages_rendered_ = 0;              // renders that gave a page
  uint64_t render_failures_ = 0;             // renders that failed (not aborted)
  std::unique_ptr<EventFeed> feed_;
  std::unique_ptr<WebhookDispatcher> webhooks_;  // [[webhooks]]: POSTs events from the log
  std::unique_ptr<NatsOutbox> nats_;   // [nats]: publishes the log to JetStream; null without
  std::unique_ptr<FleetAgent> fleet_;  // [fleet]: this daemon's member; null without
  // [fleet]: answers and asks the fleet's status requests; null without.
  std::unique_ptr<FleetStatusService> fleet_status_;
  uint64_t fleet_lease_waits_ = 0;       // start answers kLeaseHeld (metrics)
  uint64_t fleet_checks_abandoned_ = 0;  // checks stopped because their lease was lost
  // The fetches of each check in flight (cancelled when its document is removed, or [fleet]
  // its lease lost), and [fleet] the checks whose lease was lost.
  std::unordered_map<std::string, std::vector<Fetcher::FetchId>> check_fetches_;
  std::unordered_set<std::string> lease_lost_checks_;
  // [fleet] documents the operator asked to check (policyctl check) until the fleet answers.
  std::unordered_set<std::string> operator_checks_;
  // Documents whose URL was said to have moved permanently in this run (told once each).
  std::unordered_set<std::string> told_moved_;
  // Documents this member left to their owners, with their own due time: asked about again
  // when the ownership changes. `owned_elsewhere`: another member owns its site (kNotOwner),
  // not this member out of the fleet (kNotJoined), which no other member makes up for.
  struct LeftToOwner {
    int64_t due_ms = 0;
    bool owned_elsewhere = false;
  };
  std::map<std::string, LeftToOwner> left_to_owners_;
  // [fleet] the fleet's record of each document whose check runs, read with its lease: what
  // the check judges its text against (CheckInput::fleet_record) and whether its own
  // validators may be sent.
  std::unordered_map<std::string, DocumentRecord> fleet_records_;
  std::unique_ptr<ControlServer> control_;
  std::unique_ptr<WebServer> web_;          // null unless web_listen is set
  std::unique_ptr<DaemonMetrics> metrics_;  // counted on the io thread, atomics (metrics.h)
  Scheduler scheduler_;
  // Each host's share of the outstanding checks: one site's backlog cannot hold them all.
  DispatchGate dispatch_gate_;
  boost::asio::steady_timer schedule_timer_;
  boost::asio::steady_timer watchdog_timer_;
  boost::asio::steady_timer status_timer_;
  boost::asio::steady_timer summary_timer_;
  boost::asio::steady_timer gc_timer_;
  boost::asio::steady_timer storage_timer_;
  boost::asio::steady_timer wait_timer_;  // the earliest deadline of check_waiters_
  boost::asio::steady_timer shutdown_deadline_;
  boost::asio::signal_set signals_;
  DocumentTable documents_;
  std::size_t outstanding_ = 0;  // checks dispatched and not yet committed
  // The check in flight for each document id (only those, not every document): when it
  // started and the spec its requests were built from. A reload, or a `remove` then `add`
  // of the same id, may replace the document meanwhile: the check is judged with the spec it
  // fetched (its URL and extraction settings), and the id's next check waits for it to end.
  struct CheckInFlight {
    std::chrono::steady_clock::time_point started;
    DocumentTable::SharedSpec spec;
  };
  std::map<std::string, CheckInFlight, std::less<>> checks_in_flight_;
  // The documents whose processing the previous run ended in the middle of, with how many runs
  // in a row it did (Store::TakeProcessingMarks, read at the start). An entry goes once the
  // document's next processing starts (its mark then carries the count on); `recorded` once
  // its `interrupted` failure is (RecordInterruption).
  struct InterruptedProcessing {
    int count = 0;
    bool recorded = false;
  };
  std::map<std::string, InterruptedProcessing, std::less<>> interrupted_processings_;
  // Responses on the worker pool (queued or running). Dispatching pauses while it is at
  // MaxProcessing (2 x workers), which bounds the bodies held in memory.
  std::size_t processing_ = 0;
  std::size_t processing_peak_ = 0;  // its highest value since start (status, tests)
  // Set while the store is in a storage error: no check is dispatched meanwhile.
  std::optional<StorageEpisode> storage_episode_;
  // When the last episode ended and the backoff it had reached: an episode that begins soon
  // after starts from there, so a disk at the edge of full does not flap every second.
  int64_t storage_recovered_ms_ = 0;
  std::chrono::milliseconds storage_last_backoff_{0};
  bool stopping_ = false;
  int64_t last_wall_clock_ms_ = 0;  // NowUnixMillis() at the last NoteWallClock
  bool log_level_from_command_line_ = false;
  // The config file's text as the daemon started with it: a reload compares the file with it
  // and names the keys that changed, which only a restart applies (all but log_level).
  std::string started_config_text_;
  std::vector<std::string> restart_needed_;  // those keys, at the last reload
  TargetChanges last_target_changes_;        // the last ApplyCatalog's (a reload's answer says it)
  bool targets_applied_ = false;         // the start's application is done: later ones are logged
  bool reload_running_ = false;          // its read on the pool, or its set being applied
  bool reload_asked_ = false;            // since the running reload began
  ReloadWaiters reload_waiters_;         // their reload has not begun yet
  bool holding_target_changes_ = false;  // the running reload was overtaken too often
  bool table_behind_catalog_ = false;    // an apply of the catalog failed since the last one
  struct HeldTargetChange {
    nlohmann::json request;
    std::function<void(nlohmann::json)> respond;
  };
  std::vector<HeldTargetChange> held_target_changes_;  // in their order of arrival
  bool finished_ = false;
  int exit_code_ = 0;
  int64_t started_ms_ = 0;
  uint64_t checks_done_ = 0;
  // Watched documents with checked_since_start or checked_before, those with checked_before
  // alone, and when the last of them got there (0 while the first pass runs).
  std::size_t first_pass_checked_ = 0;
  std::size_t first_pass_checked_before_ = 0;
  std::size_t first_pass_left_to_others_ = 0;  // [fleet] with left_to_other_member
  int64_t first_pass_done_ms_ = 0;
  // Clients of `check` with "wait". Declared after io_: destroyed before it (the answers hold
  // control connections).
  CheckWaiters check_waiters_;
  CheckLogDigest check_log_{std::chrono::steady_clock::now()};  // what the log says of checks
  // Sums of StageTimes over every committed check, plus the publish stage (commit to
  // feed), for `status` and the benchmark.
  StageTimes stage_totals_;
  int64_t publish_us_total_ = 0;
  uint64_t stage_samples_ = 0;
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_DAEMON_H_

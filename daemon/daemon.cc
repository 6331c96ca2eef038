#include "daemon.h"

#include <pthread.h>
#include <unistd.h>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <csignal>
#include <latch>
#include <map>
#include <memory>
#include <optional>
#include <thread>
#include <utility>

#include "logging.h"
#include "policyd/build_info.h"
#include "policyd/clock.h"
#include "policyd/diff.h"
#include "policyd/file_read.h"
#include "policyd/host_key.h"
#include "policyd/http_url.h"
#include "policyd/human_units.h"
#include "policyd/node_id.h"
#include "policyd/private_files.h"
#include "policyd/robots.h"
#include "state_reader.h"
#include "systemd_notify.h"
#include "worker_count.h"

namespace policyd {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

// At most this many checks are dispatched and not yet committed at once: it bounds the
// responses (bodies) held in memory while the workers catch up with the network.
std::size_t MaxOutstanding(const DaemonConfig& config) {
  return std::max<std::size_t>(2 * static_cast<std::size_t>(config.max_concurrency), 16);
}

// Names each pool thread "policyd-worker" (top -H, /proc/<pid>/task/*/comm), so operators and
// the benchmarks can tell extraction CPU from the io thread ("policyd") and RocksDB's own
// threads. One job per thread: each waits until all have started, so no thread takes two.
void NameWorkerThreads(asio::thread_pool& pool, std::size_t threads) {
  // Shared: a job may still be leaving arrive_and_wait() when this function returns.
  auto started = std::make_shared<std::latch>(static_cast<std::ptrdiff_t>(threads));
  for (std::size_t i = 0; i < threads; ++i) {
    asio::post(pool, [started] {
      pthread_setname_np(pthread_self(), "policyd-worker");
      started->arrive_and_wait();
    });
  }
  started->wait();
}

std::size_t WorkerCount(const DaemonConfig& config) {
  return WorkerThreadCount(config.worker_threads, std::thread::hardware_concurrency());
}

// At most this many fetched responses wait for or run on the worker pool before dispatching
// pauses: enough to keep every worker busy, while a fast network (or a slow pool) no longer
// piles up bodies that only wait. max_concurrency stays the bound for slow servers.
std::size_t MaxProcessing(const DaemonConfig& config) { return 2 * WorkerCount(config); }

// One host's share of the outstanding checks: twice the transfers its politeness gate lets
// run, so that the next request waits at the gate while a check is processed, and one site
// with more checks due than MaxOutstanding does not hold every slot behind its Crawl-delay.
std::size_t PerHostOutstanding(const DaemonConfig& config) {
  return 2 * static_cast<std::size_t>(std::max(config.per_host_concurrency, 1));
}

// Whose share a check takes: its first page's host (a multi-page document's other pages wait
// at their own hosts' gates in the fetcher). A URL that does not parse (the fetch fails at
// once) shares one key.
std::string DispatchHostOf(const DocumentSpec& spec) {
  Result<std::string> key = HostKeyForUrl(spec.url);
  return key.ok() ? std::move(*key) : std::string();
}

// At most this many due checks are taken from the schedule per dispatch, parked ones
// included: a site with a million checks due is parked over many turns of the loop.
constexpr std::size_t kMaxPopsPerDispatch = 4096;

// While due checks are held back by MaxProcessing, new ones are started at most this often
// (besides one per finished check). Fetches that answer within it never over-fill the pool;
// slow ones still reach max_concurrency within a fraction of a second.
constexpr milliseconds kDispatchRampDelay(10);
// A wall clock that went back by more than this is a step (NTP, a restored VM), not jitter.
constexpr milliseconds kClockStepTolerance(60'000);
// How soon a document whose id still has a check in flight (removed and added again during
// it) is tried again.
constexpr milliseconds kCheckInFlightRetry(1000);

// Documents named one by one in a reload's log lines of a kind; beyond, a count.
constexpr std::size_t kNamedTargetChanges = 10;

FetcherOptions FetcherOptionsFrom(const DaemonConfig& config) {
  FetcherOptions options;
  options.user_agent = config.user_agent;
  options.from = config.contact;
  options.max_concurrency = static_cast<std::size_t>(config.max_concurrency);
  options.per_host_concurrency = static_cast<std::size_t>(config.per_host_concurrency);
  options.per_host_delay = config.per_host_delay;
  options.max_body_bytes = config.max_body_bytes;
  options.max_redirects = config.max_redirects;
  options.connect_timeout = config.connect_timeout;
  options.total_timeout = config.total_timeout;
  options.low_speed_limit_bytes = config.low_speed_limit_bytes;
  options.low_speed_time = config.low_speed_time;
  options.allow_private_addresses = config.allow_private_addresses;
  options.allowed_addresses = config.allowed_addresses;
  options.respect_robots = true;
  // Site owners write groups for the name they see in their logs (RFC 9309 2.2.1).
  options.robots_product_token = RobotsTxt::ProductTokenOf(config.user_agent);
  options.max_crawl_delay = config.max_crawl_delay;
  options.strained_host_pause = config.strained_host_pause;
  options.max_strained_host_pause =
      std::max<milliseconds>(config.strained_host_pause, std::chrono::minutes(10));
  // Refuse other types as soon as their headers arrive: no 1 GB image is downloaded. A PDF
  // is often served as a download (octet-stream, x-pdf, x-download, force-download, and S3's
  // binary/octet-stream): such a body is read to max_body_bytes and converted when it starts
  // with %PDF-, else refused as content_type.
  options.accepted_content_types = {"text/html",
                                    "application/xhtml+xml",
                                    "text/plain",
                                    "application/pdf",
                                    "application/x-pdf",
                                    "application/octet-stream",
                                    "application/x-download",
                                    "application/force-download",
                                    "binary/octet-stream"};  // Amazon S3's default
  options.on_strained_host = [](const StrainedHost& strained) {
    if (strained.pause <= milliseconds::zero()) {
      spdlog::info("{}: the server answers again ({}), after {} failed requests in a row",
                   strained.host, strained.url, strained.streak);
      return;
    }
    const std::string answer = strained.error == FetchError::kNone
                                   ? "HTTP " + std::to_string(strained.http_status)
                                   : FetchErrorName(strained.error);
    spdlog::warn(
        "{}: the server is struggling: {} requests in a row failed ({} for {}; the first was {}); "
        "its pages are not asked for in the next {}",
        strained.host, strained.streak, answer, strained.url, strained.first_url,
        HumanDuration(strained.pause));
  };
  return options;
}

// Webhook requests share the fetcher's identity and address policy.
WebhookOptions WebhookOptionsFrom(const DaemonConfig& config) {
  WebhookOptions options;
  options.user_agent = config.user_agent;
  options.allow_private_addresses = config.allow_private_addresses;
  options.allowed_addresses = config.allowed_addresses;
  options.connect_timeout = config.connect_timeout;
  return options;
}

}  // namespace

Daemon::Daemon(DaemonConfig config, std::filesystem::path config_path, StoreOptions store_options)
    : config_(std::move(config)),
      config_path_(std::move(config_path)),
      store_options_(std::move(store_options)),
      schedule_options_{.jitter = config_.interval_jitter,
                        .first_check_window = config_.first_check_window},
      workers_(WorkerCount(config_)),
      scheduler_(schedule_options_),
      dispatch_gate_(PerHostOutstanding(config_)),
      schedule_timer_(io_),
      watchdog_timer_(io_),
      status_timer_(io_),
      summary_timer_(io_),
      gc_timer_(io_),
      storage_timer_(io_),
      wait_timer_(io_),
      shutdown_deadline_(io_),
      signals_(io_) {
  NameWorkerThreads(workers_, WorkerCount(config_));
}

Daemon::~Daemon() {
  // Order matters: sockets and transfers go first, then the pool (whose jobs use the store),
  // then the store. The fleet's status answers read the agent and the outbox: gone first.
  fleet_status_.reset();
  control_.reset();
  feed_.reset();
  webhooks_.reset();  // its cursor writes still queued on the pool run at the join below
  fetcher_.reset();
  browser_.reset();
  workers_.join();
  fleet_.reset();  // after the pool (its checks ask it) : Leave()s, so the others take over
  // Joins the outbox thread (which writes its cursor to the store), then closes the NATS
  // library, which waits for every connection: the last NATS user to go.
  nats_.reset();
  store_.reset();
}

Status Daemon::Start() {
  started_ms_ = NowUnixMillis();
  if (!config_path_.empty()) {
    if (auto text = ReadRegularFile(config_path_, kMaxConfigFileBytes); text.ok()) {
      started_config_text_ = std::move(text).value();
    }
  }
  for (const auto phase : {&Daemon::OpenState, &Daemon::LoadTargets, &Daemon::StartPublishing,
                           &Daemon::StartControl}) {
    if (Status s = (this->*phase)(); !s.ok()) return s;
  }
  return Status::Ok();
}

Status Daemon::OpenState() {
  std::vector<std::string> webhook_names;
  for (const WebhookSpec& spec : config_.webhooks) webhook_names.push_back(spec.name);
  auto metrics = DaemonMetrics::Create(webhook_names, config_.browser_enabled, started_ms_,
                                       config_.fleet.enabled);
  if (!metrics.ok()) return metrics.status();
  metrics_ = std::move(*metrics);
  if (Status s = CreatePrivateDirectory(config_.state_dir, ExistingDirectory::kKeepMode); !s.ok()) {
    return s;
  }
  auto store = Store::Open(config_.state_dir / "db", store_options_);
  if (!store.ok()) return store.status();
  store_ = std::move(*store);
  if (auto marks = store_->TakeProcessingMarks(); marks.ok()) {
    for (const auto& [doc_id, count] : *marks) interrupted_processings_[doc_id].count = count;
    LogInterruptedProcessings();
  } else {
    spdlog::warn("cannot read which checks the last run ended in the middle of: {}",
                 marks.status().ToString());
  }
  return Status::Ok();
}

void Daemon::LogInterruptedProcessings() const {
  for (const auto& [doc_id, interrupted] : interrupted_processings_) {
    if (interrupted.count < kInterruptionsToHold) {
      spdlog::warn(
          "{}: the last run of policyd ended while it processed this document's page, and "
          "stored nothing of that check; it is checked again when due ('policyctl check {}' "
          "checks it now)",
          doc_id, doc_id);
    } else {
      spdlog::error(
          "{}: the last {} runs of policyd ended while they processed this document's "
          "page; its next check fails as 'interrupted' and the page is held back",
          doc_id, interrupted.count);
    }
  }
}

Status Daemon::LoadTargets() {
  catalog_ = std::make_unique<TargetCatalog>(
      config_.targets_dir, config_.state_dir / "targets", store_.get(), WorkerCount(config_),
      std::make_unique<TargetFileCache>(config_.state_dir / "target-cache", BinaryIdentity()),
      &config_);
  if (Status s = catalog_->Load(); !s.ok()) return s;
  if (Status s = ApplyCatalog(); !s.ok()) return s;
  // Their failure is recorded at once, whenever they were due: the operator hears of it now.
  for (const auto& [doc_id, interrupted] : interrupted_processings_) {
    if (interrupted.count >= kInterruptionsToHold) CheckNow(doc_id, NowUnixMillis());
  }
  fetcher_ = std::make_unique<Fetcher>(io_, FetcherOptionsFrom(config_));
  // Constructed now, started on the first page that needs it.
  if (config_.browser_enabled)
    browser_ = std::make_unique<BrowserFetcher>(io_, BrowserOptionsFrom(config_));
  return Status::Ok();
}

Status Daemon::StartPublishing() {
  FeedOptions feed_options;
  feed_options.socket_path = config_.events_socket;
  feed_options.max_subscribers = config_.max_subscribers;
  Store* store_ptr = store_.get();
  feed_ = std::make_unique<EventFeed>(
      io_, feed_options,
      [store_ptr](uint64_t after, std::size_t max_count, std::size_t max_bytes) {
        return store_ptr->ReadEvents(after, max_count, max_bytes);
      },
      store_->LastSequence());
  if (Status s = feed_->Start(); !s.ok()) return s;

  WebhookOptions webhook_options = WebhookOptionsFrom(config_);
  if (!config_.webhooks.empty()) {
    // Receivers tell a restored backup's events from the original's by it (webhook.h).
    Result<std::string> node_id = LoadOrCreateNodeId(*store_);
    if (!node_id.ok()) return node_id.status();
    webhook_options.node_id = std::move(*node_id);
  }
  webhooks_ = std::make_unique<WebhookDispatcher>(
      io_, *store_, config_.webhooks, std::move(webhook_options), workers_.get_executor());
  if (Status s = webhooks_->Start(); !s.ok()) return s;
  // [nats]: a daemon without it never opens a NATS connection.
  if (config_.nats.enabled) {
    nats_ = std::make_unique<NatsOutbox>(*store_, config_.nats);
    if (Status s = nats_->Start(); !s.ok()) return s;
  }
  // [fleet] (it needs [nats]): this daemon checks only the documents it owns.
  if (config_.fleet.enabled) {
    StartFleet();
    StartFleetStatus();
  }
  return Status::Ok();
}

Status Daemon::StartControl() {
  ControlOptions control_options;
  control_options.socket_path = config_.control_socket;
  control_options.max_clients = config_.max_control_clients;
  control_ = std::make_unique<ControlServer>(io_, control_options,
                                             [this](const nlohmann::json& request, auto respond) {
                                               HandleControl(request, std::move(respond));
                                             });
  if (Status s = control_->Start(); !s.ok()) return s;
  if (Status s = StartWebView(); !s.ok()) return s;

  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.add(SIGHUP);
  signals_.async_wait([this](const boost::system::error_code& ec2, int signal_number) {
    if (!ec2) OnSignal(signal_number);
  });
  return Status::Ok();
}

int Daemon::Run() {
  spdlog::info("policyd {} watching {} documents; state in {}; control {}; events {}",
               POLICYD_VERSION, documents_.size(), config_.state_dir.string(),
               config_.control_socket.string(), config_.events_socket.string());
  if (config_.contact.empty()) {
    spdlog::info(
        "no contact set: requests carry no From header, so a site owner who finds policyd in "
        "their logs can only follow the user_agent's URL; set contact = \"you@example.org\" "
        "(RFC 9110 10.1.2)");
  }
  ArmScheduleTimer();
  if (const auto timeout = systemd::WatchdogTimeout()) ArmWatchdog(*timeout / 2);
  ArmStatusTimer();
  check_log_ = CheckLogDigest(std::chrono::steady_clock::now());
  ArmSummaryTimer();
  ArmGcTimer();
  systemd::NotifyReady(StatusLine());
  io_.run();
  return exit_code_;
}

// ---------------------------------------------------------------------------------------
// Targets

std::chrono::milliseconds Daemon::IntervalOf(const DocumentSpec& spec) const {
  return spec.interval.count() > 0 ? spec.interval : config_.default_interval;
}

namespace {

// Whether two specs of one document watch it the same way, URL aside: what a reload reports.
bool SameSettings(const DocumentSpec& a, const DocumentSpec& b) {
  return a.select == b.select && a.remove == b.remove && a.select_ranges == b.select_ranges &&
         a.remove_ranges == b.remove_ranges && a.ignore_lines == b.ignore_lines &&
         a.include_link_urls == b.include_link_urls && a.render == b.render &&
         a.interval == b.interval && a.ignore_robots == b.ignore_robots &&
         a.extra_urls == b.extra_urls && a.page_options == b.page_options;
}

}  // namespace

Status Daemon::ApplyCatalog() {
  const auto& wanted = catalog_->documents();
  // The stored states of the documents about to be added, read before anything changes (on
  // error the running set stays as it is); in id order, as the documents are visited below.
  std::vector<std::string_view> added_ids;
  for (const std::size_t index : documents_.Absent(wanted)) added_ids.push_back(wanted[index]->id);
  const int64_t now = NowUnixMillis();
  auto states = ReadStoredStates(*store_, added_ids, WorkerCount(config_), now);
  if (!states.ok()) {
    table_behind_catalog_ = true;
    return states.status();
  }
  auto next_state = states->begin();
  TargetChanges changes;
  const auto removing = [this, &changes](Document& doc) {
    ++changes.removed;
    StopWatching(doc);
  };
  const auto visit = [&](Document& doc, const DocumentSpec* previous) {
    const int64_t persisted_due = previous == nullptr ? TakeStoredState(doc, *next_state++) : 0;
    if (previous == nullptr) {
      ++changes.added;
    } else if (previous->url != doc.spec->url) {
      // The same id, so the same history: a site's move and an operator's typo read alike in
      // the feed, so the log says which URL the next versions come from.
      if (++changes.url_changed <= kNamedTargetChanges) {
        spdlog::info("{}: URL changed to {} (was {}); its history goes on", doc.spec->id,
                     doc.spec->url, previous->url);
      }
    } else if (!SameSettings(*previous, *doc.spec)) {
      ++changes.settings_changed;
    }
    if (previous != nullptr &&
        (previous->platform != doc.spec->platform || previous->type != doc.spec->type) &&
        ++changes.relabelled <= kNamedTargetChanges) {
      spdlog::info("{}: now platform '{}', type '{}' (was '{}', '{}'); its next events say so",
                   doc.spec->id, doc.spec->platform, doc.spec->type, previous->platform,
                   previous->type);
    }
    ApplySpec(doc, previous, persisted_due, now);
  };
  std::vector<DocumentTable::SharedSpec> retired;
  documents_.Sync(wanted, removing, visit, &retired);
  if (!retired.empty()) {
    // After a reload every spec is a new one: freeing the old ones (a million, each a dozen
    // allocations) is the pool's work, not the loop's.
    asio::post(workers_, [retired = std::move(retired)]() mutable { retired.clear(); });
  }
  table_behind_catalog_ = false;
  LogTargetChanges(changes);
  SyncFleetDocuments();
  NoteFirstPassProgress();
  return Status::Ok();
}

void Daemon::LogTargetChanges(const TargetChanges& changes) {
  last_target_changes_ = changes;
  if (!std::exchange(targets_applied_, true)) return;  // the start: every document is "added"
  if (changes.url_changed > kNamedTargetChanges) {
    spdlog::info("{} more documents with a new URL", changes.url_changed - kNamedTargetChanges);
  }
  if (changes.relabelled > kNamedTargetChanges) {
    spdlog::info("{} more documents relabelled", changes.relabelled - kNamedTargetChanges);
  }
  if (changes.added + changes.removed + changes.url_changed + changes.settings_changed +
          changes.relabelled ==
      0) {
    return;
  }
  spdlog::info(
      "targets: {} added, {} removed, {} with a new URL, {} with new settings, {} relabelled "
      "({} documents)",
      changes.added, changes.removed, changes.url_changed, changes.settings_changed,
      changes.relabelled, documents_.size());
}

Status Daemon::WatchAddedDocument(const DocumentTable::SharedSpec& spec) {
  if (table_behind_catalog_) return ApplyCatalog();
  const int64_t now = NowUnixMillis();
  auto states = ReadStoredStates(*store_, {spec->id}, 1, now);
  if (!states.ok()) {
    table_behind_catalog_ = true;  // the catalog has it, the table not: the next change syncs
    return states.status();
  }
  Document& doc = documents_.Insert(spec);
  const int64_t persisted_due = TakeStoredState(doc, states->front());
  ApplySpec(doc, nullptr, persisted_due, now);
  SyncFleetDocuments();
  return Status::Ok();
}

Status Daemon::UnwatchRemovedDocument(const std::string& id) {
  if (table_behind_catalog_) return ApplyCatalog();
  if (Document* doc = documents_.Find(id); doc != nullptr) {
    StopWatching(*doc);
    documents_.Erase(id);
  }
  SyncFleetDocuments();
  NoteFirstPassProgress();  // the one document left unchecked may have been this one
  return Status::Ok();
}

int64_t Daemon::TakeStoredState(Document& doc, PackedState& stored) {
  if (stored.empty()) return 0;
  if (stored.last_check_ms() != 0) {
    doc.checked_before = true;
    ++first_pass_checked_;
    ++first_pass_checked_before_;
  }
  const int64_t persisted_due = stored.next_due_ms();
  doc.SetState(std::move(stored));
  return persisted_due;
}

void Daemon::ApplySpec(Document& doc, const DocumentSpec* previous, int64_t persisted_due,
                       int64_t now) {
  const DocumentSpec& spec = *doc.spec;
  if (spec.ignore_robots && (previous == nullptr || !previous->ignore_robots)) {
    spdlog::warn("{}: robots.txt is ignored for this document (ignore_robots = true in {})",
                 spec.id, spec.source_file.string());
  }
  if (config_.fleet.enabled) doc.fleet_key_hash = FleetKeyHash(spec);
  scheduler_.Upsert(doc.handle, IntervalOf(spec), persisted_due, doc.packed_state().last_check_ms(),
                    now);
}

void Daemon::StopWatching(Document& doc) {
  const std::string& id = doc.spec->id;
  spdlog::info("{}: no longer watched (history kept)", id);
  scheduler_.Remove(doc.handle);
  dispatch_gate_.Forget(id);
  // Its fetches stop where they are, queued ones included: an operator who removes a site
  // that objected to being crawled expects no further request to it. Their handlers see
  // kAborted and abandon the check.
  if (const auto fetches = check_fetches_.find(id); fetches != check_fetches_.end()) {
    for (const Fetcher::FetchId fetch : fetches->second) fetcher_->Cancel(fetch);
  }
  first_pass_checked_ -= doc.checked_since_start || doc.checked_before;
  first_pass_checked_before_ -= doc.checked_before;
  first_pass_left_to_others_ -= doc.left_to_other_member;
  check_waiters_.Ended(id, CheckWaitEnd::kAbandoned, "the document is no longer watched");
}

void Daemon::Reload(std::function<void(Status)> done) {
  if (done) reload_waiters_.push_back(std::move(done));
  reload_asked_ = true;
  if (!reload_running_) StartReload();
}

void Daemon::StartReload() {
  reload_running_ = true;
  reload_asked_ = false;
  spdlog::info("reloading targets and log level");
  systemd::NotifyReloading();
  // A reload is whole or nothing: with a daemon config that does not load, the target files
  // are not applied either (the operator mends the file and reloads again).
  if (!config_path_.empty()) {
    DaemonConfig fresh;
    Status config_status = LoadDaemonConfig(config_path_, &fresh);
    if (config_status.ok() && !log_level_from_command_line_) {
      config_status = SetLogLevel(fresh.log_level);
    }
    if (!config_status.ok()) return FinishReload(config_status, std::exchange(reload_waiters_, {}));
    NoteKeysWaitingForRestart(fresh);
  }
  ReadTargetsOnPool(std::exchange(reload_waiters_, {}));
}

namespace {

// "webhooks.<name>.secret_file (its content)" and "nats.token_file (its content)" for each
// secret file whose content differs between the running config and `fresh`, a reload's.
std::vector<std::string> ChangedSecretFiles(const DaemonConfig& running,
                                            const DaemonConfig& fresh) {
  std::vector<std::string> changed;
  for (const WebhookSpec& now : fresh.webhooks) {
    const auto before =
        std::find_if(running.webhooks.begin(), running.webhooks.end(),
                     [&now](const WebhookSpec& one) { return one.name == now.name; });
    if (before != running.webhooks.end() && !now.secret_file.empty() &&
        before->secret_file == now.secret_file && before->secret != now.secret) {
      changed.push_back("webhooks." + now.name + ".secret_file (its content)");
    }
  }
  if (running.nats.enabled && fresh.nats.enabled && !fresh.nats.token_file.empty() &&
      running.nats.token_file == fresh.nats.token_file && running.nats.token != fresh.nats.token) {
    changed.push_back("nats.token_file (its content)");
  }
  return changed;
}

std::string JoinedKeys(const std::vector<std::string>& keys) {
  std::string joined;
  for (const std::string& key : keys) joined += (joined.empty() ? "" : ", ") + key;
  return joined;
}

}  // namespace

void Daemon::NoteKeysWaitingForRestart(const DaemonConfig& fresh) {
  restart_needed_.clear();
  const auto text = ReadRegularFile(config_path_, kMaxConfigFileBytes);
  if (!text.ok() || started_config_text_.empty()) return;
  auto changed = ChangedConfigKeys(started_config_text_, *text);
  if (!changed.ok()) return;  // LoadDaemonConfig has just read it: a race with an editor
  for (std::string& key : *changed) {
    if (key != "log_level") restart_needed_.push_back(std::move(key));
  }
  // Secrets read from files change without the config's text changing.
  for (std::string& key : ChangedSecretFiles(config_, fresh)) {
    if (std::find(restart_needed_.begin(), restart_needed_.end(), key) == restart_needed_.end()) {
      restart_needed_.push_back(std::move(key));
    }
  }
  if (!restart_needed_.empty()) {
    spdlog::warn(
        "reload: {} changed in {} since the start; a reload applies targets and "
        "log_level only: restart policyd to apply them",
        JoinedKeys(restart_needed_), config_path_.string());
  }
}

void Daemon::ReadTargetsOnPool(ReloadWaiters waiters, int overtaken) {
  // The catalog outlives the pool's work (~Daemon joins the pool first).
  asio::post(workers_, [this, generation = catalog_->generation(), waiters = std::move(waiters),
                        overtaken]() mutable {
    Result<TargetCatalog::Snapshot> read = catalog_->Read(generation);
    asio::post(io_,
               [this, read = std::move(read), waiters = std::move(waiters), overtaken]() mutable {
                 AdoptTargets(std::move(read), std::move(waiters), overtaken);
               });
  });
}

void Daemon::AdoptTargets(Result<TargetCatalog::Snapshot> read, ReloadWaiters waiters,
                          int overtaken) {
  if (stopping_) {
    reload_running_ = false;
    for (auto& done : waiters) done(Status::Busy("policyd is stopping"));
    ReleaseHeldTargetChanges();
    return;
  }
  Status result;
  if (!read.ok()) {
    result = read.status();
  } else if (Status adopted = catalog_->Adopt(std::move(*read));
             adopted.code() == Status::Code::kBusy) {
    ++overtaken;
    if (overtaken >= kReloadReadsBeforeHolding && !holding_target_changes_) {
      holding_target_changes_ = true;
      spdlog::info("reload: {} ({} times); reading them again, add and remove wait for it",
                   adopted.message(), overtaken);
    } else {
      spdlog::info("reload: {}; reading them again", adopted.message());
    }
    return ReadTargetsOnPool(std::move(waiters), overtaken);
  } else if (Status applied = ApplyCatalog(); !applied.ok()) {
    result = applied;
  }
  FinishReload(result, std::move(waiters));
}

void Daemon::FinishReload(const Status& result, ReloadWaiters waiters) {
  if (!result.ok()) spdlog::error("reload: {} (keeping the running targets)", result.message());
  systemd::NotifyReady(StatusLine());
  ArmScheduleTimer();
  reload_running_ = false;
  for (auto& done : waiters) done(result);
  // Before a reload asked for meanwhile: these were asked for before it.
  ReleaseHeldTargetChanges();
  if (reload_asked_) StartReload();
}

bool Daemon::HoldTargetChange(const nlohmann::json& request,
                              std::function<void(nlohmann::json)>* respond) {
  if (!holding_target_changes_) return false;
  if (held_target_changes_.size() >= config_.max_control_clients) {
    (*respond)(ControlError("busy", "a reload is applying the target files; try again"));
  } else {
    held_target_changes_.push_back({request, std::move(*respond)});
  }
  return true;
}

void Daemon::ReleaseHeldTargetChanges() {
  holding_target_changes_ = false;
  for (auto& [request, respond] : std::exchange(held_target_changes_, {})) {
    if (stopping_) {
      respond(ControlError("busy", "policyd is stopping"));
      continue;
    }
    // As the control server does for a request it hands over: a handler bug is answered.
    try {
      HandleControl(request, respond);
    } catch (const std::exception& e) {
      spdlog::error("control: held command '{}' failed: {}", request.value("cmd", ""), e.what());
      respond(ControlError("internal", e.what()));
    }
  }
}

// ---------------------------------------------------------------------------------------
// Scheduling and checks

void Daemon::ArmScheduleTimer(milliseconds min_delay) {
  NoteFleetScheduler();
  if (stopping_) return;
  // A parked check handed its host's free slot is due now. While parked checks are at their
  // bound nothing more is taken from the schedule: each finished check dispatches again.
  std::optional<int64_t> next;
  if (dispatch_gate_.HasReady()) {
    next = 0;
  } else if (dispatch_gate_.CanPark()) {
    next = scheduler_.NextDueMs();
  }
  if (!next) {
    schedule_timer_.cancel();
    return;
  }
  const int64_t delay = std::max<int64_t>(min_delay.count(), *next - NowUnixMillis());
  schedule_timer_.expires_after(milliseconds(delay));
  schedule_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) DispatchDue();
  });
}

void Daemon::DispatchDue() {
  // While the store refuses writes, checks would only fail: they wait for its recovery.
  if (stopping_ || storage_episode_.has_value()) return;
  NoteWallClock();
  const std::size_t limit = MaxOutstanding(config_);
  const std::size_t max_processing = MaxProcessing(config_);
  // The pool has its backlog: OnProcessed calls again when a check is committed.
  if (processing_ >= max_processing || outstanding_ >= limit) return;
  // Start no more than the pool can take now; fetches in flight are not counted, so a slow
  // network still fills up to max_concurrency over a few ramp steps.
  const std::size_t budget = std::min(limit - outstanding_, max_processing - processing_);
  std::size_t started = 0;
  // Parked checks that got their host's slot first: they were due before anything the
  // schedule holds now.
  while (started < budget) {
    const std::optional<std::string> ready = dispatch_gate_.TakeReady();
    if (!ready) break;
    if (const Document* doc = documents_.Find(*ready)) {
      Dispatch(*doc);
      ++started;
    } else {
      dispatch_gate_.Finish(*ready);
    }
  }
  std::size_t popped = 0;
  // While parked checks fit their bound: beyond it, due checks wait in the schedule (16 bytes
  // each) rather than in the gate.
  while (started < budget && popped < kMaxPopsPerDispatch && dispatch_gate_.CanPark()) {
    const std::vector<DocHandle> due = scheduler_.PopDue(NowUnixMillis(), budget - started);
    if (due.empty()) break;
    popped += due.size();
    for (const DocHandle handle : due) {
      const Document& doc = documents_.at(handle);
      if (dispatch_gate_.Admit(DispatchHostOf(*doc.spec), doc.spec->id) ==
          DispatchGate::Admission::kParked) {
        continue;  // its host's share is taken: it gets the host's next free slot
      }
      Dispatch(doc);
      ++started;
    }
  }
  NoteFleetScheduler();
  // When the limit is reached, OnProcessed re-arms the timer as checks finish.
  if (outstanding_ >= limit) return;
  ArmScheduleTimer(started == budget || popped >= kMaxPopsPerDispatch ? kDispatchRampDelay
                                                                      : milliseconds(0));
}

void Daemon::Dispatch(const Document& doc) {
  if (fleet_) {
    AskFleet(doc.spec->id);  // StartCheck once this member owns it and holds its lease
  } else {
    StartCheck(doc.handle);
  }
}

void Daemon::StartCheck(DocHandle handle) {
  Document& doc = documents_.at(handle);
  const std::string& doc_id = doc.spec->id;
  if (checks_in_flight_.contains(doc_id)) {
    // A check of this id started before it was removed and added again is still running:
    // two at once would judge the same page against the same stored state, and store and
    // announce one change twice. This one waits for it.
    scheduler_.Complete(handle, NowUnixMillis() + kCheckInFlightRetry.count());
    return;
  }
  checks_in_flight_[doc_id] = {std::chrono::steady_clock::now(), doc.spec};
  ++outstanding_;
  if (RecordInterruption(doc)) return;
  const std::size_t page_count = 1 + doc.spec->extra_urls.size();
  if (page_count == 1) {
    FetchRequest request;
    request.url = doc.spec->url;
    request.ignore_robots = doc.spec->ignore_robots;
    // Validators only make sense when we hold the version they describe, and when the page as
    // served is what the version was made of (a rendered page's shell says nothing about it).
    // [fleet] Nor when the fleet holds a later version than this member's. And a page is
    // fetched whole once per full_fetch_interval, whatever its server says to validators,
    // and whole when its URL or extraction settings are not those they were taken under.
    if (const DocState state = doc.state();
        !state.last_text_hash.empty() && doc.spec->render != RenderMode::kBrowser &&
        state.render_choice != RenderChoice::kBrowser &&
        !FleetRecordAhead(FleetRecordOf(doc_id), state) &&
        MaySendValidators(state, *doc.spec, config_.full_fetch_interval, NowUnixMillis())) {
      request.if_none_match = state.etag;
      request.if_modified_since = state.last_modified;
      request.validators_url = state.validators_url;
    }
    NoteCheckFetch(doc_id,
                   fetcher_->Fetch(std::move(request), [this, doc_id](FetchResponse response) {
                     std::vector<FetchResponse> pages;
                     pages.push_back(std::move(response));
                     OnFetched(doc_id, std::move(pages));
                   }));
    return;
  }
  // A multi-page document: every page is fetched (each behind its host's politeness gate)
  // and the check proceeds once all have answered. No validators: a 304 for one page says
  // nothing about the combined text. A URL named twice (OTA's `combine` of parts of one page,
  // each inheriting the declaration's `fetch`) is fetched once, its response given to each of
  // its pages: one request for the site, and every part cut from the same capture.
  struct Gather {
    std::vector<FetchResponse> pages;
    std::size_t remaining;
  };
  std::vector<std::vector<std::size_t>> pages_of_url;  // per distinct URL, its pages in order
  std::map<std::string_view, std::size_t> distinct;
  for (std::size_t i = 0; i < page_count; ++i) {
    const std::string& url = i == 0 ? doc.spec->url : doc.spec->extra_urls[i - 1];
    const auto [it, fresh] = distinct.try_emplace(url, pages_of_url.size());
    if (fresh) pages_of_url.emplace_back();
    pages_of_url[it->second].push_back(i);
  }
  auto gather =
      std::make_shared<Gather>(Gather{std::vector<FetchResponse>(page_count), pages_of_url.size()});
  for (std::vector<std::size_t>& pages : pages_of_url) {
    FetchRequest request;
    request.url = pages.front() == 0 ? doc.spec->url : doc.spec->extra_urls[pages.front() - 1];
    request.ignore_robots = doc.spec->ignore_robots;
    NoteCheckFetch(doc_id, fetcher_->Fetch(std::move(request),
                                           [this, doc_id, gather,
                                            pages = std::move(pages)](FetchResponse response) {
                                             for (std::size_t k = 1; k < pages.size(); ++k)
                                               gather->pages[pages[k]] = response;
                                             gather->pages[pages.front()] = std::move(response);
                                             if (--gather->remaining == 0)
                                               OnFetched(doc_id, std::move(gather->pages));
                                           }));
  }
}

void Daemon::OnFetched(const std::string& doc_id, std::vector<FetchResponse> pages) {
  Document* doc = documents_.Find(doc_id);
  const bool aborted = std::any_of(pages.begin(), pages.end(), [](const FetchResponse& page) {
    return page.error == FetchError::kAborted;
  });
  for (const FetchResponse& page : pages) {
    if (page.error != FetchError::kAborted) metrics_->CountFetch(page.elapsed);
  }
  if (stopping_ || aborted || doc == nullptr) {
    AbandonCheck(doc_id);
    return;
  }
  NoteMovedPermanently(doc_id, pages.front());
  if (RendersFirst(*doc)) {
    RenderPages(doc_id, std::move(pages),
                doc->spec->render == RenderMode::kBrowser ? RenderTrigger::kTarget
                                                          : RenderTrigger::kRemembered);
    return;
  }
  PostCheck(doc_id, MakeCheckInput(*doc, std::move(pages)));
}

void Daemon::AbandonCheck(const std::string& doc_id) {
  // Not a check: shutting down, or the document was removed meanwhile. Nothing is recorded.
  --outstanding_;
  const bool lease_lost = LeaseLost(doc_id);
  fleet_checks_abandoned_ += lease_lost ? 1 : 0;
  FinishFleetCheck(doc_id, nullptr);
  EndCheckTiming(doc_id);
  check_waiters_.Ended(doc_id, CheckWaitEnd::kAbandoned,
                       stopping_                      ? "the daemon is stopping"
                       : !documents_.Contains(doc_id) ? "the document is no longer watched"
                       : lease_lost ? "the fleet lease was lost: another member checks it"
                                    : "the check was aborted");
  CompleteSchedule(doc_id, NowUnixMillis() + 60'000);
  FinishShutdownIfIdle();
  ArmScheduleTimer();
}

bool Daemon::SpecChangedDuringCheck(const std::string& doc_id) const {
  const auto it = checks_in_flight_.find(doc_id);
  const Document* doc = documents_.Find(doc_id);
  return it != checks_in_flight_.end() && doc != nullptr && it->second.spec != doc->spec &&
         ValidatorsKey(*it->second.spec) != ValidatorsKey(*doc->spec);
}

std::chrono::steady_clock::duration Daemon::EndCheckTiming(const std::string& doc_id) {
  check_fetches_.erase(doc_id);
  const auto it = checks_in_flight_.find(doc_id);
  if (it == checks_in_flight_.end()) return std::chrono::steady_clock::duration::zero();
  const auto took = std::chrono::steady_clock::now() - it->second.started;
  checks_in_flight_.erase(it);
  return took;
}

void Daemon::CompleteSchedule(const std::string& doc_id, int64_t next_due_ms) {
  dispatch_gate_.Finish(doc_id);  // its host's slot goes to the host's next parked check
  if (const Document* doc = documents_.Find(doc_id)) scheduler_.Complete(doc->handle, next_due_ms);
}

bool Daemon::CheckNow(const std::string& doc_id, int64_t now_ms) {
  const Document* doc = documents_.Find(doc_id);
  return doc != nullptr && scheduler_.CheckNow(doc->handle, now_ms);
}

CheckInput Daemon::MakeCheckInput(const Document& doc, std::vector<FetchResponse> pages) const {
  CheckInput input;
  // The spec the pages were fetched under: a reload that edited the URL or the extraction
  // settings meanwhile applies from the next check (OnProcessed asks for it at once).
  const auto in_flight = checks_in_flight_.find(doc.spec->id);
  input.spec = in_flight != checks_in_flight_.end() ? in_flight->second.spec : doc.spec;
  input.state = doc.state();
  input.response = std::move(pages.front());
  input.extra_pages.assign(std::make_move_iterator(pages.begin() + 1),
                           std::make_move_iterator(pages.end()));
  input.interval = IntervalOf(*input.spec);
  input.failure_threshold = config_.failure_threshold;
  input.shrink_guard = config_.shrink_guard;
  input.shrink_confirmations = config_.shrink_confirmations;
  input.schedule = schedule_options_;
  input.render_retest_interval = config_.render_retest_interval;
  if (const DocumentRecord* fleet = FleetRecordOf(input.spec->id)) input.fleet_record = *fleet;
  input.may_render = browser_ != nullptr &&
                     MayRenderShell(input.state, NowUnixMillis(), config_.render_retest_interval);
  return input;
}

bool Daemon::RecordInterruption(const Document& doc) {
  const auto found = interrupted_processings_.find(doc.spec->id);
  if (found == interrupted_processings_.end() || found->second.count < kInterruptionsToHold ||
      found->second.recorded) {
    return false;
  }
  found->second.recorded = true;
  std::vector<FetchResponse> nothing_fetched(1);
  nothing_fetched.front().url = doc.spec->url;
  CheckInput input = MakeCheckInput(doc, std::move(nothing_fetched));
  input.interrupted_processings = found->second.count;
  PostCheck(doc.spec->id, std::move(input));
  return true;
}

void Daemon::PostCheck(const std::string& doc_id, CheckInput input) {
  ++processing_;
  processing_peak_ = std::max(processing_peak_, processing_);
  const auto posted_at = std::chrono::steady_clock::now();
  // The mark's count: the processings of this page the daemon's end interrupted in a row
  // before this one. None for the check that records them (it processes no page).
  std::optional<int> interrupted_before;
  if (input.interrupted_processings == 0) {
    interrupted_before = 0;
    if (const auto found = interrupted_processings_.find(doc_id);
        found != interrupted_processings_.end()) {
      interrupted_before = found->second.count;
      interrupted_processings_.erase(found);
    }
  }
  asio::post(workers_,
             [this, doc_id, posted_at, interrupted_before, input = std::move(input)]() mutable {
               ProcessOnWorker(doc_id, std::move(input), posted_at, interrupted_before);
             });
}

void Daemon::ProcessOnWorker(const std::string& doc_id, CheckInput input,
                             std::chrono::steady_clock::time_point posted_at,
                             std::optional<int> interrupted_before) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  const auto started_at = std::chrono::steady_clock::now();
  // [fleet]: a check whose lease is gone stores and publishes nothing (another member may
  // be checking the document now).
  if (!StillHoldsLease(doc_id)) {
    asio::post(io_, [this, doc_id] {
      --processing_;
      lease_lost_checks_.insert(doc_id);
      AbandonCheck(doc_id);
    });
    return;
  }
  // Not synced, and a failed write only costs the guard for this one check. The check's commit
  // deletes the mark in its own batch; the ClearProcessing after it is for a check that
  // committed nothing (a page going to the browser, an interstitial page being followed, a failed
  // commit).
  const bool marked =
      interrupted_before.has_value() && store_->MarkProcessing(doc_id, *interrupted_before).ok();
  input.processing_marked = marked;
  CheckOutcome outcome = ProcessCheck(*store_, std::move(input), SystemCheckClock(), rng);
  if (marked) (void)store_->ClearProcessing(doc_id);
  outcome.times.pool_wait_us =
      std::chrono::duration_cast<std::chrono::microseconds>(started_at - posted_at).count();
  const auto committed_at = std::chrono::steady_clock::now();
  asio::post(io_, [this, doc_id, committed_at, outcome = std::move(outcome)]() mutable {
    OnProcessed(doc_id, std::move(outcome), committed_at);
  });
}

void Daemon::OnProcessed(const std::string& doc_id, CheckOutcome outcome,
                         std::chrono::steady_clock::time_point committed_at) {
  --processing_;
  if (outcome.wants_browser) {
    // An `auto` page that is an app shell: the check goes on in the browser.
    if (!stopping_ && documents_.Contains(doc_id) && !LeaseLost(doc_id)) {
      RenderPages(doc_id, std::move(outcome.pages), RenderTrigger::kAppShell);
      return;
    }
    AbandonCheck(doc_id);
    return;
  }
  if (!outcome.follow_url.empty()) {
    if (!stopping_ && documents_.Contains(doc_id) && !LeaseLost(doc_id)) {
      FollowRedirectStub(doc_id, std::move(outcome));
      return;
    }
    AbandonCheck(doc_id);
    return;
  }
  --outstanding_;
  ++checks_done_;
  FinishFleetCheck(doc_id, &outcome);
  const bool spec_changed = SpecChangedDuringCheck(doc_id);
  const std::chrono::steady_clock::duration took = EndCheckTiming(doc_id);
  Document* doc = documents_.Find(doc_id);
  if (!outcome.status.ok()) {
    // Nothing was stored; the document is tried again after a short pause, or, when the store
    // is in a storage error, as soon as it has recovered.
    CompleteSchedule(doc_id, NowUnixMillis() + 60'000);
    check_waiters_.Ended(doc_id, CheckWaitEnd::kNotRecorded, outcome.status.ToString());
    check_log_.RecordNotRecorded();
    if (!NoteStorageFailure(doc_id)) {
      spdlog::error("{}: cannot record the check: {}", doc_id, outcome.status.ToString());
    }
  } else {
    if (doc != nullptr) {
      LogFailureReport(*doc, outcome.state, outcome.check);
      doc->SetState(outcome.state);
      first_pass_checked_ += !doc->checked_since_start && !doc->checked_before;
      first_pass_left_to_others_ -= std::exchange(doc->left_to_other_member, false);
      doc->checked_since_start = true;
      check_waiters_.Finished(doc_id, outcome.check, std::chrono::duration_cast<milliseconds>(took),
                              outcome.not_requested);
      NoteFirstPassProgress();
    }
    metrics_->CountCheck(outcome.check, outcome.events.size(),
                         doc != nullptr ? took : std::chrono::steady_clock::duration::zero(),
                         outcome.not_requested);
    for (const auto& event : outcome.events) feed_->Publish(event);
    if (!outcome.events.empty()) webhooks_->Notify();
    if (nats_ && !outcome.events.empty()) nats_->Notify();
    AddStageTimes(outcome.times, std::chrono::duration_cast<std::chrono::microseconds>(
                                     std::chrono::steady_clock::now() - committed_at)
                                     .count());
    LogCheck(doc_id, outcome.check, outcome.not_requested);
    CompleteSchedule(doc_id, outcome.state.next_due_ms);
    // Judged under the spec it was fetched with: the edited URL or settings are read now.
    if (spec_changed) CheckNow(doc_id, NowUnixMillis());
  }
  if (stopping_) {
    FinishShutdownIfIdle();
    return;
  }
  DispatchDue();
}

void Daemon::NoteFirstPassProgress() {
  if (first_pass_done_ms_ != 0 ||
      first_pass_checked_ + first_pass_left_to_others_ < documents_.size()) {
    return;
  }
  first_pass_done_ms_ = NowUnixMillis();
  // Nothing to pass over (no documents, or every one checked before): complete, nothing to say.
  if (first_pass_checked_before_ == documents_.size()) return;
  const std::string took = FormatDuration(milliseconds(first_pass_done_ms_ - started_ms_));
  const std::string elsewhere = first_pass_left_to_others_ == 0
                                    ? ""
                                    : fmt::format(", {} left to the members that own their sites",
                                                  first_pass_left_to_others_);
  if (first_pass_checked_before_ == 0) {
    spdlog::info("first pass complete: {} documents checked{} in {}", first_pass_checked_,
                 elsewhere, took);
  } else {
    spdlog::info("first pass complete: {} documents checked ({} before this start){} in {}",
                 first_pass_checked_, first_pass_checked_before_, elsewhere, took);
  }
}

void Daemon::NoteLeftToOtherMember(Document& doc) {
  if (doc.checked_since_start || doc.checked_before || doc.left_to_other_member) return;
  doc.left_to_other_member = true;
  ++first_pass_left_to_others_;
  NoteFirstPassProgress();
}

void Daemon::FollowRedirectStub(const std::string& doc_id, CheckOutcome outcome) {
  const Document& doc = *documents_.Find(doc_id);  // OnProcessed made sure it is watched
  spdlog::debug("{}: following a redirect stub to {}", doc_id, outcome.follow_url);
  FetchRequest request;
  request.url = outcome.follow_url;
  request.ignore_robots = doc.spec->ignore_robots;
  auto pages = std::make_shared<std::vector<FetchResponse>>(std::move(outcome.pages));
  const Fetcher::FetchId fetch =
      fetcher_->Fetch(std::move(request), [this, doc_id, pages, index = outcome.follow_page,
                                           hops = outcome.redirect_hops](FetchResponse response) {
        const Document* followed = documents_.Find(doc_id);
        if (stopping_ || response.error == FetchError::kAborted || followed == nullptr) {
          AbandonCheck(doc_id);
          return;
        }
        (*pages)[index] = std::move(response);
        CheckInput input = MakeCheckInput(*followed, std::move(*pages));
        input.redirect_hops = hops;
        PostCheck(doc_id, std::move(input));
      });
  NoteCheckFetch(doc_id, fetch);
}

void Daemon::AddStageTimes(const StageTimes& times, int64_t publish_us) {
  stage_totals_.queue_us += times.queue_us;
  stage_totals_.fetch_us += times.fetch_us;
  stage_totals_.decode_us += times.decode_us;
  stage_totals_.parse_us += times.parse_us;
  stage_totals_.extract_us += times.extract_us;
  stage_totals_.hash_us += times.hash_us;
  stage_totals_.diff_us += times.diff_us;
  stage_totals_.store_us += times.store_us;
  stage_totals_.pool_wait_us += times.pool_wait_us;
  publish_us_total_ += publish_us;
  ++stage_samples_;
}

// ---------------------------------------------------------------------------------------
// Lifecycle

void Daemon::OnSignal(int signal_number) {
  if (signal_number == SIGHUP) {
    Reload(nullptr);  // errors are logged; the running set is kept
  } else {
    spdlog::info("received {}, stopping", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
    BeginShutdown();
  }
  if (!finished_) {
    signals_.async_wait([this](const boost::system::error_code& ec, int next_signal) {
      if (!ec) OnSignal(next_signal);
    });
  }
}

void Daemon::IgnoreStopSignalsFromNowOn() {
  // The stop is done but the store and the pool still close: a repeated SIGTERM or a second
  // Ctrl-C must not kill the process then. Asio puts back the default action (death) when
  // its set goes, so the set lets go of them first and they are ignored from here on.
  boost::system::error_code ignored;
  signals_.clear(ignored);
  for (const int signal_number : {SIGTERM, SIGINT, SIGHUP}) std::signal(signal_number, SIG_IGN);
}

void Daemon::BeginShutdown() {
  if (stopping_) return;
  stopping_ = true;
  systemd::NotifyStopping("stopping: aborting transfers, finishing commits");
  schedule_timer_.cancel();
  // Answered before their connections close: the checks they wait for end unrecorded.
  check_waiters_.EndAll(CheckWaitEnd::kAbandoned, "the daemon is stopping");
  control_->Shutdown();
  if (web_) web_->Shutdown();
  fetcher_->Shutdown();                // in-flight transfers end with kAborted; nothing half-stored
  webhooks_->Shutdown();               // requests in flight are aborted; cursors are saved
  if (nats_) nats_->RequestStop();     // its thread leaves its window; joined at destruction
  if (browser_) browser_->Shutdown();  // pages being rendered end with kAborted too
  // Bound the whole stop: whatever is still running after this is abandoned (commits are
  // atomic, so an abandoned one leaves no trace).
  shutdown_deadline_.expires_after(std::chrono::seconds(10));
  shutdown_deadline_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    spdlog::warn("stop deadline reached; exiting with work pending");
    io_.stop();
  });
  FinishShutdownIfIdle();
}

void Daemon::FinishShutdownIfIdle() {
  if (!stopping_ || finished_ || processing_ > 0) return;
  finished_ = true;
  // Subscribers get the rest of their events and a shutdown notice; once the last is closed,
  // io_.run() has nothing left but the deadline, which bounds it.
  feed_->Shutdown([this] { shutdown_deadline_.cancel(); });
  watchdog_timer_.cancel();
  status_timer_.cancel();
  wait_timer_.cancel();
  check_waiters_.Clear();  // answered at BeginShutdown; none is added since
  summary_timer_.cancel();
  LogCheckSummary();
  gc_timer_.cancel();
  storage_timer_.cancel();
  signals_.cancel();
  spdlog::info("stopped after {} checks; last event {}", checks_done_, store_->LastSequence());
}

void Daemon::ArmWatchdog(std::chrono::microseconds period) {
  // Fed from the event loop: if the loop stalls, systemd notices and restarts us.
  systemd::NotifyWatchdog();
  watchdog_timer_.expires_after(period);
  watchdog_timer_.async_wait([this, period](const boost::system::error_code& ec) {
    if (!ec) ArmWatchdog(period);
  });
}

void Daemon::NoteWallClock() {
  const int64_t now = NowUnixMillis();
  if (last_wall_clock_ms_ - now > kClockStepTolerance.count()) {
    // Due times are wall-clock times: after a step back, every due time and last check is
    // "in the future" by the step. Capped from now, or no check would run for that long.
    spdlog::warn("the system clock went back by {}; due times are counted from now",
                 FormatDuration(milliseconds(last_wall_clock_ms_ - now)));
    for (const Document& doc : documents_) {
      scheduler_.Upsert(doc.handle, IntervalOf(*doc.spec), scheduler_.DueMs(doc.handle).value_or(0),
                        doc.packed_state().last_check_ms(), now);
    }
    ArmScheduleTimer();
  }
  last_wall_clock_ms_ = now;
}

void Daemon::NoteStoreHealth() {
  if (storage_episode_.has_value() || stopping_) return;
  if (auto error = store_->CurrentStorageError()) BeginStorageEpisode(std::move(*error));
}

void Daemon::ArmStatusTimer() {
  status_timer_.expires_after(std::chrono::seconds(30));
  status_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    NoteWallClock();
    // A storage error no commit has met yet (a failed background flush, retention's deletes).
    NoteStoreHealth();
    systemd::NotifyStatus(StatusLine());
    ArmStatusTimer();
  });
}

void Daemon::LogCheck(const std::string& doc_id, const CheckRecord& check, bool not_requested) {
  const Document* doc = documents_.Find(doc_id);
  // Grouped as politeness groups them (host:port): sites sharing an address stay apart.
  const std::string host = doc != nullptr ? DispatchHostOf(*doc->spec) : std::string();
  const LogFields fields{doc_id, check.reason, check.http_status};
  switch (check_log_.Record(doc_id, host, check, not_requested)) {
    case CheckLogDigest::Level::kWarn:
      LogWithFields(spdlog::level::warn, fields,
                    fmt::format("{}: check failed ({}): {}", doc_id, check.reason, check.message));
      break;
    case CheckLogDigest::Level::kInfo:
      LogWithFields(
          spdlog::level::info, fields,
          fmt::format("{}: {} version {}", doc_id, check.outcome, check.text_hash.substr(0, 12)));
      break;
    case CheckLogDigest::Level::kDebug:
      if (!spdlog::should_log(spdlog::level::debug)) break;
      LogWithFields(spdlog::level::debug, fields,
                    check.reason.empty()
                        ? fmt::format("{}: {}", doc_id, check.outcome)
                        : fmt::format("{}: check failed ({}): {} (repeated; counted in the "
                                      "summary)",
                                      doc_id, check.reason, check.message));
      break;
  }
}

void Daemon::NoteMovedPermanently(const std::string& doc_id, const FetchResponse& page) {
  // A URL that moved for good costs its site a redirect at every check, and the target file
  // goes stale: said once per run, so that the operator can name the new URL.
  if (page.moved_permanently_to.empty() || !told_moved_.insert(doc_id).second) return;
  LogWithFields(
      spdlog::level::warn, {doc_id, "", page.moved_permanently_status},
      fmt::format("{}: {} has moved permanently (HTTP {}) to {}; each check costs its "
                  "site a redirect until the target names the new URL",
                  doc_id, page.url, page.moved_permanently_status, page.moved_permanently_to));
}

void Daemon::LogFailureReport(const Document& doc, const DocState& after,
                              const CheckRecord& check) {
  const std::string& id = doc.spec->id;
  const bool was_reported = doc.packed_state().failure_reported();
  if (!was_reported && after.failure_reported) {
    LogWithFields(spdlog::level::warn, {id, check.reason, check.http_status},
                  fmt::format("{}: reported failing (document.fetch_failed) after {} failed "
                              "check(s) in a row ({}): {}; its URL {} is set in {}",
                              id, after.consecutive_failures, check.reason, check.message,
                              doc.spec->url, doc.spec->source_file.string()));
  } else if (was_reported && !after.failure_reported) {
    spdlog::info("{}: recovered (document.recovered) after {} failed check(s) in a row", id,
                 doc.packed_state().consecutive_failures());
  }
}

void Daemon::ArmSummaryTimer() {
  summary_timer_.expires_after(config_.log_summary_interval);
  summary_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    LogCheckSummary();
    ArmSummaryTimer();
  });
}

void Daemon::LogCheckSummary() {
  for (const auto& line : check_log_.Summarize(std::chrono::steady_clock::now())) {
    spdlog::info("{}", line);
  }
}

void Daemon::ArmGcTimer() {
  if (config_.gc_interval.count() <= 0) return;
  gc_timer_.expires_after(config_.gc_interval);
  gc_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    GcOptions options;
    options.check_retention_ms = config_.check_retention.count();
    // Re-armed only when the run is over, so two runs never overlap.
    asio::post(workers_, [this, options] {
      const Result<GcReport> report = store_->CollectGarbage(options);
      if (report.ok()) {
        spdlog::info(
            "retention: {} check record(s) older than {} and {} unreferenced blob(s) "
            "deleted, {} bytes freed",
            report->checks_deleted, FormatDuration(config_.check_retention), report->blobs_deleted,
            report->bytes_freed);
      } else {
        spdlog::error("retention: {}", report.status().ToString());
      }
      asio::post(io_, [this] {
        if (!stopping_) ArmGcTimer();
      });
    });
  });
}

std::string Daemon::StatusLine() const {
  std::size_t failing = 0;
  for (const Document& doc : documents_) {
    failing += doc.packed_state().consecutive_failures() > 0;
  }
  std::string storage;
  if (storage_episode_.has_value()) {
    storage = "STORAGE ERROR since " + FormatTimestamp(storage_episode_->error.since_ms) + " (" +
              std::to_string(storage_episode_->failed_commits) +
              " commits failed, checks paused, recovering): " + storage_episode_->error.message +
              "; ";
  }
  std::string nats;
  if (nats_) {
    const NatsStatus status = nats_->CurrentStatus();
    nats = "; nats " + std::string(NatsStateName(status.state)) + ", " +
           std::to_string(status.lag()) + " to publish";
  }
  return storage + std::to_string(documents_.size()) + " documents, " + std::to_string(failing) +
         " failing, " + std::to_string(outstanding_) + " checks in progress, last event " +
         std::to_string(store_ ? store_->LastSequence() : 0) + nats;
}

}  // namespace policyd

#include "fleet_agent.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <random>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include "policyd/backoff.h"
#include "policyd/clock.h"
#include "policyd/fleet_status.h"

namespace policyd {
namespace {

// The longest the fleet thread sleeps: requests wake it sooner.
constexpr int64_t kMaxSleepMs = 1'000;

// Differs at every start of a process with one member id: the start time with random low bits.
uint64_t NewIncarnation(int64_t now_ms) {
  std::random_device random;
  return (static_cast<uint64_t>(now_ms) << 16) | (random() & 0xffff);
}

// An error as `status` and `policyctl fleet` keep it after a recovery: with when it happened,
// so that an old error does not read as the present one.
std::string Dated(const std::string& error) {
  return error + " (at " + FormatTimestamp(NowUnixMillis()) + ")";
}

}  // namespace

// The bucket of the moment: kUnavailable while there is none or its connection is closed
// (the agent then opens another one).
class FleetAgent::ReconnectingKv final : public FleetKv {
 public:
  std::unique_ptr<JetStreamKv> current;
  std::string last_error;

  KvOutcome Get(std::string_view key, KvEntry* out) override {
    return Usable() ? Noted(current->Get(key, out)) : KvOutcome::kUnavailable;
  }
  KvWrite Create(std::string_view key, std::string_view value) override {
    if (!Usable()) return {};
    const KvWrite write = current->Create(key, value);
    Noted(write.outcome);
    return write;
  }
  KvWrite Update(std::string_view key, std::string_view value, uint64_t revision) override {
    if (!Usable()) return {};
    const KvWrite write = current->Update(key, value, revision);
    Noted(write.outcome);
    return write;
  }
  KvOutcome Delete(std::string_view key) override {
    return Usable() ? Noted(current->Delete(key)) : KvOutcome::kUnavailable;
  }
  KvOutcome List(std::string_view prefix,
                 std::vector<std::pair<std::string, KvEntry>>* out) override {
    return Usable() ? Noted(current->List(prefix, out)) : KvOutcome::kUnavailable;
  }

 private:
  bool Usable() const { return current != nullptr && !current->closed(); }
  KvOutcome Noted(KvOutcome outcome) {
    if (outcome == KvOutcome::kUnavailable) last_error = Dated(current->last_error());
    return outcome;
  }
};

FleetAgent::FleetAgent(const NatsConfig& nats, const FleetConfig& fleet, std::string member_id,
                       boost::asio::io_context& io, std::function<void()> on_ownership_change,
                       std::function<void(const std::string&)> on_lease_lost)
    : nats_(nats),
      fleet_(fleet),
      member_id_(std::move(member_id)),
      io_(io),
      on_ownership_change_(std::move(on_ownership_change)),
      on_lease_lost_(std::move(on_lease_lost)),
      kv_(std::make_unique<ReconnectingKv>()),
      documents_(std::make_unique<FleetDocumentBucket>(nats, fleet, member_id_)),
      orphans_(member_id_) {
  const int64_t now = NowUnixMillis();
  started_ms_ = now;
  member_ =
      std::make_unique<FleetMember>(member_id_, NewIncarnation(now), fleet_.timing, kv_.get(), now);
  PublishSnapshot();
}

FleetAgent::~FleetAgent() {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void FleetAgent::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "policyd-fleet");
    Run();
  });
}

void FleetAgent::Post(Task task) {
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    tasks_.push_back(std::move(task));
  }
  wake_.notify_all();
}

void FleetAgent::SetDocuments(std::vector<uint64_t> key_hashes) {
  Post([this, hashes = std::move(key_hashes)]() mutable {
    key_hashes_ = std::move(hashes);
    PublishSnapshot();
  });
}

void FleetAgent::RequestStart(
    std::string document_id, uint64_t key_hash, std::chrono::milliseconds interval,
    std::function<void(StartAnswer, std::optional<DocumentRecord>)> done) {
  Post([this, document_id = std::move(document_id), key_hash, interval, done = std::move(done)] {
    StartAnswer answer = member_->TryStart(document_id, key_hash, task_now_ms_);
    std::optional<DocumentRecord> record;
    if (answer.outcome == StartOutcome::kNotOwner) answer = StartIfOrphaned(document_id, interval);
    if (answer.outcome == StartOutcome::kStarted) {
      lost_.erase(document_id);
      record = documents_->Read(document_id, task_now_ms_);  // under the lease: current
    }
    boost::asio::post(io_, [done, answer, record = std::move(record)] { done(answer, record); });
  });
}

StartAnswer FleetAgent::StartIfOrphaned(const std::string& document_id,
                                        std::chrono::milliseconds interval) {
  if (!orphans_.MayRead(task_now_ms_)) return {StartOutcome::kNotOwner, "", 0, 0};
  const std::optional<DocumentRecord> record = documents_->Read(document_id, task_now_ms_);
  const OrphanVerdict verdict = orphans_.Judge(document_id, record, interval, task_now_ms_);
  if (verdict == OrphanVerdict::kOwnerChecks) return {StartOutcome::kNotOwner, "", 0, 0};
  if (verdict == OrphanVerdict::kOrphaned) {
    spdlog::warn(
        "fleet: {}: checked by this member, though another member owns its site: {}; the "
        "members' target files differ (docs/SCALE.md)",
        document_id,
        record ? "the fleet's last check of it was at " + FormatTimestamp(record->checked_ms) +
                     ", by " + record->by
               : std::string("no member has checked it since this one began to wait for it"));
  }
  return member_->TryStartUnowned(document_id, task_now_ms_);
}

void FleetAgent::RecordCheck(std::string document_id, DocumentRecord record) {
  Post([this, document_id = std::move(document_id), record = std::move(record)] {
    documents_->Write(document_id, record, task_now_ms_);
  });
}

bool FleetAgent::StillHolds(const std::string& document_id) {
  auto answer = std::make_shared<std::promise<bool>>();
  std::future<bool> holds = answer->get_future();
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (stop_) return false;
    tasks_.push_back([this, document_id, answer] {
      const bool kept = lost_.count(document_id) == 0 &&
                        member_->Continue(document_id, task_now_ms_) == ContinueOutcome::kContinue;
      answer->set_value(kept);
    });
  }
  wake_.notify_all();
  return holds.get();  // the thread answers every task before it ends
}

void FleetAgent::Finish(std::string document_id) {
  Post([this, document_id = std::move(document_id)] {
    member_->Finish(document_id);
    lost_.erase(document_id);
  });
}

void FleetAgent::Run() {
  while (true) {
    const int64_t now = NowUnixMillis();
    EnsureBucket(now);
    TickIfDue(now);
    RenewLeases(now);
    RunTasks();
    const int64_t wake_at = std::min(next_tick_ms_, NowUnixMillis() + kMaxSleepMs);
    std::unique_lock<std::mutex> lock(mutex_);
    if (stop_) break;
    if (tasks_.empty()) {
      const int64_t sleep_ms = std::max<int64_t>(wake_at - NowUnixMillis(), 1);
      wake_.wait_for(lock, std::chrono::milliseconds(sleep_ms),
                     [this] { return stop_ || !tasks_.empty(); });
    }
  }
  RunTasks();  // answered before the leases go
  member_->Leave();
  spdlog::info("fleet: member {} left", member_id_);
}

void FleetAgent::RunTasks() {
  while (true) {
    Task task;
    {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (tasks_.empty()) return;
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    // A heartbeat that is due goes first, and the task runs at the same instant: the member
    // becomes joined at a heartbeat time, so a TryStart never sees it joined with the view of
    // the heartbeat before (which may lack members that wrote their first one since).
    task_now_ms_ = NowUnixMillis();
    TickIfDue(task_now_ms_);
    task();
  }
}

void FleetAgent::EnsureBucket(int64_t now_ms) {
  if (kv_->current != nullptr && !kv_->current->closed()) return;
  if (now_ms < next_open_ms_) return;
  JetStreamKvOptions options;
  options.bucket = fleet_.bucket;
  options.max_age = FleetBucketMaxAge(fleet_.timing);
  options.timeout = std::clamp(fleet_.timing.heartbeat_interval, std::chrono::milliseconds(200),
                               std::chrono::milliseconds(5'000));
  options.client_name = "policyd fleet " + member_id_;
  auto opened = JetStreamKv::Open(nats_, options);
  if (opened.ok()) {
    kv_->current = std::move(opened).value();
    spdlog::info("fleet: member {} uses bucket {} at {}", member_id_, fleet_.bucket,
                 kv_->current->url());
    open_failures_ = 0;
    next_tick_ms_ = 0;  // heartbeat at once
    return;
  }
  kv_->current.reset();
  kv_->last_error = Dated(opened.status().ToString());
  if (open_failures_++ == 0) spdlog::warn("fleet: {}", opened.status().ToString());
  thread_local std::mt19937_64 rng{std::random_device{}()};
  next_open_ms_ =
      now_ms +
      BackoffDelay(nats_.retry_min, nats_.retry_max, open_failures_, std::nullopt, rng).count();
  PublishSnapshot();
}

void FleetAgent::TickIfDue(int64_t now_ms) {
  if (now_ms < next_tick_ms_) return;
  next_tick_ms_ = now_ms + fleet_.timing.heartbeat_interval.count();
  MemberStats stats;
  for (const uint64_t hash : key_hashes_) stats.owned += member_->Owns(hash) ? 1 : 0;
  stats.lag_ms = LagMs(now_ms);
  const TickAnswer answer = member_->Tick(now_ms, stats);
  heartbeat_failures_ += answer.heartbeat == HeartbeatOutcome::kWritten ? 0 : 1;
  view_changes_ += answer.view_changed ? 1 : 0;
  if (answer.heartbeat == HeartbeatOutcome::kDuplicateId) {
    kv_->last_error = Dated("member id " + member_id_ + " is in use by another live daemon");
  }
  const bool joined = member_->Joined(now_ms);
  if (answer.view_changed || joined != was_joined_) {
    was_joined_ = joined;
    spdlog::info("fleet: member {} {}, {} live members", member_id_,
                 joined ? "joined" : "not joined", member_->view().live().members().size());
    boost::asio::post(io_, on_ownership_change_);
  }
  PublishSnapshot();
}

void FleetAgent::RenewLeases(int64_t now_ms) {
  // The documents whose renewal is due; Continue() renews (or says the lease is gone).
  for (const std::string& held : member_->HeldDocuments()) {
    const auto renewal = member_->NextRenewal(held);
    if (renewal && *renewal <= now_ms && lost_.count(held) == 0 &&
        member_->Continue(held, now_ms) == ContinueOutcome::kStop) {
      lost_.insert(held);
      ++leases_lost_;
      spdlog::warn("fleet: lost the lease of {}: its check stops and stores nothing", held);
      boost::asio::post(io_, [lost = on_lease_lost_, held] { lost(held); });
    }
  }
}

void FleetAgent::PublishSnapshot() {
  const int64_t now = NowUnixMillis();
  std::size_t owned = 0;
  for (const uint64_t hash : key_hashes_) owned += member_->Owns(hash) ? 1 : 0;
  nlohmann::json snapshot = {
      {"member_id", member_id_},
      {"bucket", fleet_.bucket},
      {"connected", kv_->current != nullptr && !kv_->current->closed()},
      {"joined", member_->Joined(now)},
      {"live_members", member_->view().live().members()},
      {"documents_owned", owned},
      {"leases_held", member_->checks_in_flight()},
      {"documents", documents_->StatusJson()},
      {"last_error", kv_->last_error.empty() ? nlohmann::json() : nlohmann::json(kv_->last_error)}};
  Snapshot values{.incarnation = member_->incarnation(),
                  .started_ms = started_ms_,
                  .connected = snapshot["connected"].get<bool>(),
                  .joined = snapshot["joined"].get<bool>(),
                  .live = member_->view().live().members(),
                  .records = member_->view().records(),
                  .documents = key_hashes_.size(),
                  .documents_owned = owned,
                  .leases_held = member_->checks_in_flight(),
                  .checks_in_flight = checks_in_flight_.load(std::memory_order_relaxed),
                  .lag_ms = LagMs(now),
                  .leases_lost = leases_lost_,
                  .view_changes = view_changes_,
                  .heartbeat_failures = heartbeat_failures_,
                  .last_error = kv_->last_error};
  snapshot["lag_ms"] = values.lag_ms;
  const std::lock_guard<std::mutex> lock(mutex_);
  snapshot_ = std::move(snapshot);
  values_ = std::move(values);
}

nlohmann::json FleetAgent::StatusJson() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return snapshot_;
}

FleetAgent::Snapshot FleetAgent::CurrentSnapshot() const {
  Snapshot values;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    values = values_;
  }
  // The io thread's count of the moment, not the one at the last heartbeat.
  values.checks_in_flight = checks_in_flight_.load(std::memory_order_relaxed);
  return values;
}

void FleetAgent::SetSchedulerState(std::optional<int64_t> earliest_due_ms,
                                   std::size_t checks_in_flight) {
  earliest_due_ms_.store(earliest_due_ms.value_or(INT64_MAX), std::memory_order_relaxed);
  checks_in_flight_.store(checks_in_flight, std::memory_order_relaxed);
}

int64_t FleetAgent::LagMs(int64_t now_ms) const {
  const int64_t earliest = earliest_due_ms_.load(std::memory_order_relaxed);
  return FleetLagMs(earliest == INT64_MAX ? std::nullopt : std::optional<int64_t>(earliest),
                    now_ms);
}

}  // namespace policyd

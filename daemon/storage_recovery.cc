// The daemon's side of storage faults (see daemon.h): one episode from the first commit the
// store refuses to its recovery. While it lasts no check is dispatched (each would only fail),
// the error shows in `status` and the sd_notify STATUS line, and Store::Recover is tried with
// backoff: the timer runs on the io thread, the attempt (which may flush or reopen the
// database) on the worker pool. Once the store takes writes again, every document whose commit
// failed is checked at once: the check that failed left nothing behind (no state, no sequence
// number), so its version and event are produced then, exactly once.
#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <set>
#include <string_view>
#include <vector>

#include "daemon.h"
#include "policyd/clock.h"
#include "policyd/json_text.h"
#include "state_reader.h"
#include "systemd_notify.h"

namespace policyd {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

// The first attempt comes soon (space is often freed within seconds); later ones back off to
// one a minute: an attempt writes a 64 KiB probe file, cheap but not free.
constexpr milliseconds kFirstRecoveryDelay(1000);
constexpr milliseconds kMaxRecoveryDelay(60'000);
// Events a reopen may replay are read back in one go (a group commit holds far fewer); past
// this the feed reads the rest from the store itself.
constexpr std::size_t kMaxReplayedEvents = 4096;

const char* MethodName(RecoveryOutcome outcome) {
  switch (outcome) {
    case RecoveryOutcome::kReopened:
      return "reopen";
    case RecoveryOutcome::kHealthy:
      return "none";
    case RecoveryOutcome::kFailed:
      break;
  }
  return "failed";
}

std::string Quoted(const std::string& text) { return JsonText(nlohmann::json(text)); }

}  // namespace

struct Daemon::StorageRecoveryReport {
  RecoveryResult result;
  // After a reopen: the events it replayed (written before their sync failed, so committed
  // after all).
  std::vector<StoredEvent> replayed;
  Status read_error;  // reading them failed
};

bool Daemon::NoteStorageFailure(const std::string& doc_id) {
  if (!storage_episode_.has_value()) {
    std::optional<StorageError> error = store_->CurrentStorageError();
    if (!error.has_value()) return false;
    BeginStorageEpisode(std::move(*error));
  }
  ++storage_episode_->failed_commits;
  storage_episode_->recheck.insert(doc_id);
  spdlog::debug("{}: check not recorded (storage error); checked again once the store recovers",
                doc_id);
  return true;
}

void Daemon::BeginStorageEpisode(StorageError error) {
  storage_episode_.emplace();
  storage_episode_->error = std::move(error);
  const bool soon_after_the_last =
      storage_recovered_ms_ > 0 &&
      NowUnixMillis() - storage_recovered_ms_ < kMaxRecoveryDelay.count();
  storage_episode_->backoff = soon_after_the_last
                                  ? std::min(storage_last_backoff_ * 2, kMaxRecoveryDelay)
                                  : kFirstRecoveryDelay;
  // Once per episode, whatever the number of commits it refuses.
  spdlog::error(
      "daemon.storage_error since={} error={} checks=paused (the store refuses writes; "
      "recovering with backoff, failed checks are repeated once it takes writes again)",
      FormatTimestamp(storage_episode_->error.since_ms), Quoted(storage_episode_->error.message));
  systemd::NotifyStatus(StatusLine());
  EndWaitsForPausedChecks();
  ArmStorageRecovery();
}

void Daemon::EndWaitsForPausedChecks() {
  for (const std::string& id : check_waiters_.WaitedDocuments()) {
    const Document* doc = documents_.Find(id);
    const bool running =
        doc != nullptr && scheduler_.InFlight(doc->handle) && !dispatch_gate_.IsParked(id);
    if (!running) check_waiters_.Ended(id, CheckWaitEnd::kNotRecorded, PausedCheckMessage());
  }
  ArmWaitTimer();
}

std::string Daemon::PausedCheckMessage() const {
  return "checks are paused by a storage error since " +
         FormatTimestamp(storage_episode_->error.since_ms) + " (" +
         storage_episode_->error.message + "); this check runs once the store takes writes again";
}

void Daemon::ArmStorageRecovery() {
  if (stopping_ || !storage_episode_.has_value()) return;
  storage_episode_->next_attempt_ms = NowUnixMillis() + storage_episode_->backoff.count();
  storage_timer_.expires_after(storage_episode_->backoff);
  storage_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) AttemptStorageRecovery();
  });
}

void Daemon::AttemptStorageRecovery() {
  if (stopping_ || !storage_episode_.has_value()) return;
  ++storage_episode_->attempts;
  storage_episode_->next_attempt_ms = 0;  // running
  asio::post(workers_, [this] {
    StorageRecoveryReport report;
    report.result = store_->Recover();
    if (report.result.outcome == RecoveryOutcome::kReopened) {
      const RecoveryResult& r = report.result;
      if (r.last_sequence_after > r.last_sequence_before) {
        auto events = store_->ReadEvents(
            r.last_sequence_before,
            std::min<uint64_t>(r.last_sequence_after - r.last_sequence_before, kMaxReplayedEvents));
        if (events.ok()) report.replayed = std::move(*events);
        if (!events.ok()) report.read_error = events.status();
      }
    }
    asio::post(io_, [this, report = std::move(report)]() mutable {
      OnStorageRecoveryAttempt(std::move(report));
    });
  });
}

void Daemon::OnStorageRecoveryAttempt(StorageRecoveryReport report) {
  if (stopping_ || !storage_episode_.has_value()) return;
  if (report.result.outcome != RecoveryOutcome::kFailed) {
    EndStorageEpisode(report);
    return;
  }
  StorageEpisode& episode = *storage_episode_;
  episode.last_attempt_error = report.result.error.message();
  episode.backoff = std::min(episode.backoff * 2, kMaxRecoveryDelay);
  spdlog::warn("daemon.storage_recovery_failed attempt={} error={} next_in_ms={}", episode.attempts,
               Quoted(episode.last_attempt_error), episode.backoff.count());
  ArmStorageRecovery();
}

void Daemon::EndStorageEpisode(const StorageRecoveryReport& report) {
  const StorageEpisode episode = std::move(*storage_episode_);
  storage_episode_.reset();
  storage_timer_.cancel();
  if (!report.read_error.ok()) {
    spdlog::error("after reopening the store: {}", report.read_error.ToString());
  }
  // What a reopen replayed is committed: subscribers get it, and the documents whose commit
  // it was are compared with it when checked again (so no version is announced twice).
  for (const StoredEvent& event : report.replayed) feed_->Publish(event);
  if (!report.replayed.empty()) webhooks_->Notify();
  if (nats_ && !report.replayed.empty()) nats_->Notify();
  const int64_t now = NowUnixMillis();
  if (report.result.outcome == RecoveryOutcome::kReopened) AdoptStoredStates(episode.recheck, now);
  storage_recovered_ms_ = now;
  storage_last_backoff_ = episode.backoff;
  std::size_t rechecks = 0;
  for (const std::string& doc_id : episode.recheck) rechecks += CheckNow(doc_id, now);
  spdlog::info(
      "daemon.storage_recovered since={} duration_ms={} failed_commits={} rechecks={} "
      "attempts={} method={} replayed_events={}",
      FormatTimestamp(episode.error.since_ms), now - episode.error.since_ms, episode.failed_commits,
      rechecks, episode.attempts, MethodName(report.result.outcome), report.replayed.size());
  systemd::NotifyStatus(StatusLine());
  ArmScheduleTimer();
}

void Daemon::AdoptStoredStates(const std::set<std::string>& doc_ids, int64_t now_ms) {
  // Read here, when the episode ends, rather than with the reopen on the pool: a commit that
  // failed before the reopen may be noted after the reopen began, and its document too must
  // be compared with what the reopen replayed. Few documents (those whose commit failed: the
  // checks in flight when the episode began), one pass over their sorted ids; an unreadable
  // record of another document is skipped, and theirs is repaired.
  const std::vector<std::string_view> ids(doc_ids.begin(), doc_ids.end());
  auto states = ReadStoredStates(*store_, ids, 1, now_ms);
  if (!states.ok()) {
    spdlog::error("after reopening the store: {} (the rechecks compare with what the daemon holds)",
                  states.status().ToString());
    return;
  }
  for (std::size_t i = 0; i < ids.size(); ++i) {
    Document* doc = documents_.Find(ids[i]);
    if (doc != nullptr && !(*states)[i].empty()) doc->SetState(std::move((*states)[i]));
  }
}

nlohmann::json Daemon::StorageErrorJson() const {
  if (!storage_episode_.has_value()) return nullptr;
  const StorageEpisode& episode = *storage_episode_;
  return {{"message", episode.error.message},
          {"since", FormatTimestamp(episode.error.since_ms)},
          {"failed_commits", episode.failed_commits},
          {"documents_to_recheck", episode.recheck.size()},
          {"recovery_attempts", episode.attempts},
          {"last_attempt_error", episode.last_attempt_error.empty()
                                     ? nlohmann::json()
                                     : nlohmann::json(episode.last_attempt_error)},
          {"next_attempt", episode.next_attempt_ms > 0
                               ? nlohmann::json(FormatTimestamp(episode.next_attempt_ms))
                               : nlohmann::json()}};
}

}  // namespace policyd

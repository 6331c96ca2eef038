// The daemon's side of a [fleet] (fleet_agent.h runs the member): which due documents this
// daemon checks, and the lease around each check. io thread, except StillHoldsLease.
#include <unistd.h>

#include <algorithm>
#include <array>

#include <spdlog/spdlog.h>

#include "daemon.h"
#include "policyd/clock.h"
#include "policyd/fleet_baseline.h"
#include "policyd/fleet_options.h"
#include "policyd/fleet_plan.h"
#include "policyd/rendezvous.h"

namespace policyd {

void Daemon::StartFleet() {
  std::string member_id = config_.fleet.member_id;
  if (member_id.empty()) {
    std::array<char, 256> host{};
    if (::gethostname(host.data(), host.size() - 1) != 0) host[0] = '\0';
    member_id =
        DefaultFleetMemberId(host.data(), std::filesystem::absolute(config_.state_dir / "db"));
  }
  fleet_ = std::make_unique<FleetAgent>(
      config_.nats, config_.fleet, member_id, io_, [this] { OnFleetOwnershipChange(); },
      [this](const std::string& doc_id) { OnFleetLeaseLost(doc_id); });
  SyncFleetDocuments();
  fleet_->Start();
  spdlog::info("fleet: member {} of bucket {}", member_id, config_.fleet.bucket);
}

uint64_t Daemon::FleetKeyHash(const DocumentSpec& spec) {
  return FleetHash(FleetKeyOfUrl(spec.url));
}

void Daemon::SyncFleetDocuments() {
  if (!fleet_) return;
  std::vector<uint64_t> hashes;
  hashes.reserve(documents_.size());
  for (const Document& doc : documents_) hashes.push_back(doc.fleet_key_hash);
  fleet_->SetDocuments(std::move(hashes));
}

void Daemon::AskFleet(const std::string& doc_id) {
  // Counted as a check until the answer: the budget of DispatchDue holds, and a shutdown
  // waits for it.
  ++outstanding_;
  const Document* doc = documents_.Find(doc_id);
  fleet_->RequestStart(doc_id, doc->fleet_key_hash, IntervalOf(*doc->spec),
                       [this, doc_id](StartAnswer answer, std::optional<DocumentRecord> record) {
                         OnFleetAnswer(doc_id, answer, std::move(record));
                       });
}

void Daemon::OnFleetAnswer(const std::string& doc_id, const StartAnswer& answer,
                           std::optional<DocumentRecord> record) {
  --outstanding_;
  const Document* doc = documents_.Find(doc_id);
  const int64_t now = NowUnixMillis();
  if (stopping_ || doc == nullptr) {
    if (answer.outcome == StartOutcome::kStarted) fleet_->Finish(doc_id);
    CompleteSchedule(doc_id, now + 60'000);
    FinishShutdownIfIdle();
    return;
  }
  // Asked for by the operator (policyctl check). Kept across a retry (lease held, bucket
  // unavailable) until the check starts or another member is found to own the document.
  const bool asked = operator_checks_.contains(doc_id);
  if (answer.outcome != StartOutcome::kLeaseHeld && answer.outcome != StartOutcome::kUnavailable) {
    operator_checks_.erase(doc_id);
  }
  switch (answer.outcome) {
    case StartOutcome::kStarted: {
      left_to_owners_.erase(doc_id);
      // Checked by another member since this member's own last check (a document moved
      // here): due when the fleet's last check makes it due, not by this member's schedule;
      // unless the operator asked for a check now.
      const bool by_another = record && record->by != fleet_->member_id();
      const std::optional<int64_t> due =
          FleetDueLater(by_another ? &*record : nullptr, IntervalOf(*doc->spec), now);
      if (due && !asked) {
        fleet_->Finish(doc_id);
        CompleteSchedule(doc_id, *due);
        break;
      }
      if (record) {
        fleet_records_.insert_or_assign(doc_id, std::move(*record));
      } else {
        fleet_records_.erase(doc_id);
      }
      StartCheck(doc->handle);
      return;
    }
    case StartOutcome::kNotOwner:
      NoteLeftToOtherMember(*documents_.Find(doc_id));
      [[fallthrough]];
    case StartOutcome::kNotJoined:
      // Its owner checks it. Its schedule goes on here; when the ownership changes it is
      // asked about again (OnFleetOwnershipChange), at once if it is due by then.
      left_to_owners_[doc_id] = {std::max(doc->packed_state().next_due_ms(), now),
                                 answer.outcome == StartOutcome::kNotOwner};
      CompleteSchedule(doc_id, now + IntervalOf(*doc->spec).count());
      // An operator waiting for the check hears so now, not at the wait's deadline.
      if (asked) check_waiters_.Ended(doc_id, CheckWaitEnd::kNotOwner, NotCheckedHereWhy(answer));
      break;
    case StartOutcome::kLeaseHeld:
      ++fleet_lease_waits_;
      [[fallthrough]];
    case StartOutcome::kUnavailable:
      CompleteSchedule(doc_id, std::max(answer.retry_at_ms, now + 1));
      break;
  }
  ArmScheduleTimer();
}

std::string Daemon::NotCheckedHereWhy(const StartAnswer& answer) const {
  if (answer.outcome == StartOutcome::kNotOwner) {
    return "another member of the fleet owns its site and checks it (this member checks it "
           "itself if the fleet's record shows that nobody does)";
  }
  const FleetAgent::Snapshot fleet = fleet_->CurrentSnapshot();
  if (!fleet.connected) {
    // Not "not joined yet": a member that was joined for hours says why it is not now.
    return "this member is not part of the fleet while it cannot reach the fleet's bucket" +
           (fleet.last_error.empty() ? std::string() : " (" + fleet.last_error + ")") +
           "; it checks what it owns once it is back";
  }
  return "this member has not joined the fleet yet";
}

void Daemon::OnFleetOwnershipChange() {
  if (stopping_ || !fleet_) return;
  const int64_t now = NowUnixMillis();
  for (const auto& [doc_id, left] : left_to_owners_) {
    CheckNow(doc_id, std::max(now, left.due_ms));
  }
  left_to_owners_.clear();
  ArmScheduleTimer();
}

const DocumentRecord* Daemon::FleetRecordOf(const std::string& doc_id) const {
  const auto it = fleet_records_.find(doc_id);
  return it == fleet_records_.end() ? nullptr : &it->second;
}

void Daemon::NoteCheckFetch(const std::string& doc_id, Fetcher::FetchId fetch) {
  if (fetch != 0) check_fetches_[doc_id].push_back(fetch);
}

void Daemon::OnFleetLeaseLost(const std::string& doc_id) {
  const auto fetches = check_fetches_.find(doc_id);
  if (stopping_ || fetches == check_fetches_.end()) return;  // not fetching: the commit asks
  lease_lost_checks_.insert(doc_id);
  // Stopped where they are: their handlers see kAborted and abandon the check. Those that
  // completed already are not stopped again.
  for (const Fetcher::FetchId fetch : fetches->second) fetcher_->Cancel(fetch);
}

bool Daemon::LeaseLost(const std::string& doc_id) const {
  return lease_lost_checks_.contains(doc_id);
}

void Daemon::FinishFleetCheck(const std::string& doc_id, const CheckOutcome* committed) {
  if (!fleet_) return;
  fleet_records_.erase(doc_id);
  check_fetches_.erase(doc_id);
  lease_lost_checks_.erase(doc_id);
  // Only a check that read a usable text says which version is current, and when: a failed
  // one leaves the record (its next owner checks it at the record's due time, as here).
  if (committed != nullptr && committed->status.ok() && !committed->state.last_text_hash.empty() &&
      committed->state.last_success_ms == committed->state.last_check_ms) {
    fleet_->RecordCheck(
        doc_id, DocumentRecord{committed->state.last_text_hash, committed->state.last_check_ms,
                               fleet_->member_id()});
  }
  fleet_->Finish(doc_id);  // after the record: the next holder of the lease reads it
}

bool Daemon::StillHoldsLease(const std::string& doc_id) {
  return !fleet_ || fleet_->StillHolds(doc_id);
}

}  // namespace policyd

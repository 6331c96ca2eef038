#include "policyd/fleet_orphans.h"

#include <algorithm>
#include <utility>

namespace policyd {

OrphanVerdict OrphanWatch::Judge(const std::string& document_id,
                                 const std::optional<DocumentRecord>& record,
                                 std::chrono::milliseconds interval, int64_t now_ms) {
  auto entry = unrecorded_since_.find(document_id);
  const bool said_before = entry != unrecorded_since_.end() && entry->second.said;
  bool orphaned = false;
  if (record) {
    const bool overdue = now_ms - record->checked_ms > kOverdueIntervals * interval.count();
    // Its last check was this member's own, as an orphan: it stays this member's to check.
    orphaned = overdue || (said_before && record->by == member_id_);
    if (!orphaned) {
      if (entry != unrecorded_since_.end()) unrecorded_since_.erase(entry);
      return OrphanVerdict::kOwnerChecks;
    }
  }
  if (entry == unrecorded_since_.end()) {
    if (unrecorded_since_.size() >= kMaxTracked) unrecorded_since_.clear();
    entry = unrecorded_since_.emplace(document_id, Entry{}).first;
  }
  if (!record) {
    if (!entry->second.unrecorded_since_ms) entry->second.unrecorded_since_ms = now_ms;
    orphaned = now_ms - *entry->second.unrecorded_since_ms >= interval.count();
  }
  if (!orphaned) return OrphanVerdict::kOwnerChecks;
  return std::exchange(entry->second.said, true) ? OrphanVerdict::kStillOrphaned
                                                 : OrphanVerdict::kOrphaned;
}

bool OrphanWatch::MayRead(int64_t now_ms) {
  if (now_ms > refilled_ms_) {
    // kReadsPerSecond reads a second is that many thousandths of a read a millisecond.
    read_budget_milli_ =
        std::min(kReadBurst * 1000, read_budget_milli_ + (now_ms - refilled_ms_) * kReadsPerSecond);
    refilled_ms_ = now_ms;
  }
  if (read_budget_milli_ < 1000) return false;
  read_budget_milli_ -= 1000;
  return true;
}

void OrphanWatch::Forget(const std::string& document_id) { unrecorded_since_.erase(document_id); }

}  // namespace policyd

#include "policyd/fleet_baseline.h"

#include <algorithm>

namespace policyd {

const char* FleetBaselineName(FleetBaseline baseline) {
  switch (baseline) {
    case FleetBaseline::kLocal:
      return "local";
    case FleetBaseline::kAdopt:
      return "adopt";
    case FleetBaseline::kChangedElsewhere:
      return "changed_elsewhere";
  }
  return "local";
}

bool FleetRecordAhead(const DocumentRecord* fleet, const DocState& state) {
  if (fleet == nullptr || fleet->version == state.last_text_hash) return false;
  return state.last_text_hash.empty() || state.last_success_ms < fleet->checked_ms;
}

FleetBaseline ChooseFleetBaseline(const DocumentRecord* fleet, const DocState& state,
                                  const std::string& text_hash, bool not_modified) {
  // A 304 answers this member's own validators: there is no text to hold against the fleet's.
  if (not_modified || !FleetRecordAhead(fleet, state)) return FleetBaseline::kLocal;
  return text_hash == fleet->version ? FleetBaseline::kAdopt : FleetBaseline::kChangedElsewhere;
}

std::optional<int64_t> FleetDueLater(const DocumentRecord* fleet,
                                     std::chrono::milliseconds interval, int64_t now_ms) {
  if (fleet == nullptr) return std::nullopt;
  const int64_t due = fleet->checked_ms + interval.count();
  if (due <= now_ms) return std::nullopt;
  // A record from a clock far ahead never postpones the check by more than one interval.
  return std::min(due, now_ms + interval.count());
}

}  // namespace policyd

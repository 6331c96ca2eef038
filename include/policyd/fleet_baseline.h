// What a fleet member's check compares its text with, and when a document handed over to it is
// due (docs/SCALE.md, "Handing documents over"). Pure: the fleet's record of the document
// (policyd/fleet_records.h, read from the fleet's bucket by the daemon) and the clock are
// passed in.
//
// A member that takes a document over (its owner died, it joined, or it returned) holds only
// its own history of it: none, or a version older than the one the fleet's stream announced
// last. The fleet's record says which version that is, when it was last checked and by whom:
//  - the text is the fleet's version: it becomes this member's baseline with no event (the
//    stream holds that version's event already): kAdopt;
//  - the text is another: document.changed from the fleet's version, whose text this member
//    does not hold (the event says so and names the member that does): kChangedElsewhere;
//  - anything else: this member's own version is the baseline, exactly as without a fleet:
//    kLocal.
#ifndef POLICYD_FLEET_BASELINE_H_
#define POLICYD_FLEET_BASELINE_H_

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "policyd/fleet_records.h"
#include "policyd/store.h"

namespace policyd {

enum class FleetBaseline {
  kLocal,             // this member's own current version (also: no [fleet], no readable record)
  kAdopt,             // the text is the fleet's version: store it as the baseline, no event
  kChangedElsewhere,  // the text is new, the fleet's version is held elsewhere: changed from it
};
const char* FleetBaselineName(FleetBaseline baseline);  // "local", "adopt", "changed_elsewhere"

// `fleet`: the document's record, nullptr when there is no [fleet] or the record is absent or
// unreadable. `state`: this member's state of the document when the check started.
// `text_hash`: the checked text's SHA-256; `not_modified`: the answer was a 304 to this
// member's own validators (no text).
//
// The fleet's record is ahead of this member when its version is not this member's current
// one and this member either holds no version or last read a usable text before the fleet's
// last check (last_success_ms < checked_ms). A record behind this member's own check (its
// write failed, or it came from a clock far behind) leaves the local baseline.
// Whether the fleet's record is ahead of this member (as above); false without a record. While
// it is, this member's own validators (ETag, Last-Modified) describe a stale version and are
// not sent.
bool FleetRecordAhead(const DocumentRecord* fleet, const DocState& state);

FleetBaseline ChooseFleetBaseline(const DocumentRecord* fleet, const DocState& state,
                                  const std::string& text_hash, bool not_modified);

// When the fleet's last completed check makes the document due again (checked_ms +
// interval), when that is after `now_ms`, and never more than one interval from now (a clock
// far ahead); nullopt when it is due now or there is no record (then the member checks now,
// as without a fleet).
std::optional<int64_t> FleetDueLater(const DocumentRecord* fleet,
                                     std::chrono::milliseconds interval, int64_t now_ms);

}  // namespace policyd

#endif  // POLICYD_FLEET_BASELINE_H_

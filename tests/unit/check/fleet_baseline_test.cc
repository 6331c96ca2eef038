// ChooseFleetBaseline and FleetDueLater (policyd/fleet_baseline.h): what a fleet member's
// check compares its text with, and when a document handed over to it is due.
#include "policyd/fleet_baseline.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace policyd {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;

const std::string kOld(64, '1');    // a version this member holds
const std::string kFleet(64, '2');  // the version the fleet announced last
const std::string kNew(64, '3');    // a text nobody announced yet

DocState Local(const std::string& hash, int64_t last_success_ms) {
  DocState state;
  state.last_text_hash = hash;
  state.last_success_ms = last_success_ms;
  state.last_check_ms = last_success_ms;
  return state;
}

TEST(FleetBaselineTest, TheFleetsRecordDecidesOnlyWhenItIsAheadOfThisMember) {
  const DocumentRecord fleet{kFleet, 5'000, "m2"};
  struct Case {
    const char* what;
    std::optional<DocumentRecord> record;
    DocState state;
    std::string text_hash;
    bool not_modified;
    FleetBaseline expected;
  };
  const std::vector<Case> cases = {
      // No [fleet], or the record absent or unreadable: exactly as without a fleet.
      {"no record, no local version", std::nullopt, DocState{}, kNew, false, FleetBaseline::kLocal},
      {"no record, local version", std::nullopt, Local(kOld, 1'000), kNew, false,
       FleetBaseline::kLocal},
      // No local version (a new owner): the fleet's version is the baseline.
      {"no local, same text", fleet, DocState{}, kFleet, false, FleetBaseline::kAdopt},
      {"no local, changed text", fleet, DocState{}, kNew, false, FleetBaseline::kChangedElsewhere},
      // A local version older than the fleet's last check (a member back after a while).
      {"local older, the fleet's text", fleet, Local(kOld, 1'000), kFleet, false,
       FleetBaseline::kAdopt},
      {"local older, a new text", fleet, Local(kOld, 1'000), kNew, false,
       FleetBaseline::kChangedElsewhere},
      {"local older, back to the local text", fleet, Local(kOld, 1'000), kOld, false,
       FleetBaseline::kChangedElsewhere},
      {"local older, 304 to its own validators", fleet, Local(kOld, 1'000), kOld, true,
       FleetBaseline::kLocal},
      // The same version here and in the fleet: the local comparison is the same one.
      {"local same version", fleet, Local(kFleet, 1'000), kNew, false, FleetBaseline::kLocal},
      // This member's own check is the later one (the record's write failed): local.
      {"local later", fleet, Local(kOld, 6'000), kNew, false, FleetBaseline::kLocal},
      {"local at the same instant", fleet, Local(kOld, 5'000), kFleet, false,
       FleetBaseline::kLocal},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(
        ChooseFleetBaseline(c.record ? &*c.record : nullptr, c.state, c.text_hash, c.not_modified),
        c.expected)
        << c.what;
  }
  EXPECT_STREQ(FleetBaselineName(FleetBaseline::kChangedElsewhere), "changed_elsewhere");
}

TEST(FleetBaselineTest, AMovedDocumentIsDueWhenTheFleetsLastCheckMakesItDue) {
  const DocumentRecord fleet{kFleet, 10'000, "m2"};
  const milliseconds interval(60'000);
  EXPECT_EQ(FleetDueLater(&fleet, interval, 10'000), 70'000);
  EXPECT_EQ(FleetDueLater(&fleet, interval, 69'999), 70'000);
  EXPECT_EQ(FleetDueLater(&fleet, interval, 70'000), std::nullopt);  // due now
  EXPECT_EQ(FleetDueLater(nullptr, interval, 0), std::nullopt);      // no record: check now
  // A record from a clock far ahead postpones the check by one interval at most.
  const DocumentRecord ahead{kFleet, 10'000'000, "m2"};
  EXPECT_EQ(FleetDueLater(&ahead, interval, 20'000), 80'000);
  EXPECT_EQ(FleetDueLater(&fleet, hours(24), 10'000), 10'000 + 86'400'000);
}

}  // namespace
}  // namespace policyd

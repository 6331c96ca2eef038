#include "policyd/fleet_options.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

std::string ProblemKey(const FleetTiming& timing) {
  const std::optional<FleetTimingProblem> problem = CheckFleetTiming(timing);
  return problem ? problem->key : "";
}

TEST(FleetOptionsTest, DefaultsAreUsable) {
  EXPECT_EQ(CheckFleetTiming(FleetTiming{}), std::nullopt);
  EXPECT_EQ(FleetBucketMaxAge(FleetTiming{}), seconds(40));
}

TEST(FleetOptionsTest, TimingRulesNameTheKeyAtFault) {
  FleetTiming timing;
  timing.heartbeat_interval = milliseconds(0);
  EXPECT_EQ(ProblemKey(timing), "heartbeat_interval");

  timing = FleetTiming{};
  timing.member_ttl = seconds(10);  // = 2 × 5 s: not longer
  EXPECT_EQ(ProblemKey(timing), "ttl");
  timing.member_ttl = milliseconds(10'001);
  EXPECT_EQ(ProblemKey(timing), "");

  timing = FleetTiming{};
  timing.heartbeat_interval = seconds(1);
  timing.member_ttl = seconds(3);
  timing.max_clock_skew = seconds(2);  // 1 s + 2 s = ttl: a live member could look dead
  EXPECT_EQ(ProblemKey(timing), "ttl");

  timing = FleetTiming{};
  timing.lease_ttl = seconds(3);
  timing.max_clock_skew = seconds(1);  // a third of lease_ttl: no margin left
  EXPECT_EQ(ProblemKey(timing), "max_clock_skew");
  timing.max_clock_skew = milliseconds(999);
  EXPECT_EQ(ProblemKey(timing), "");
  timing.max_clock_skew = milliseconds(-1);
  EXPECT_EQ(ProblemKey(timing), "max_clock_skew");

  timing = FleetTiming{};
  timing.member_ttl = seconds(10);
  const std::optional<FleetTimingProblem> problem = CheckFleetTiming(timing);
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->reason.find("twice 'heartbeat_interval' (5s)"), std::string::npos)
      << problem->reason;
}

TEST(FleetOptionsTest, MemberIds) {
  EXPECT_TRUE(IsValidFleetMemberId("web1"));
  EXPECT_TRUE(IsValidFleetMemberId("Web_1-a"));
  EXPECT_TRUE(IsValidFleetMemberId(std::string(64, 'a')));
  EXPECT_FALSE(IsValidFleetMemberId(std::string(65, 'a')));
  EXPECT_FALSE(IsValidFleetMemberId(""));
  EXPECT_FALSE(IsValidFleetMemberId("a.b"));
  EXPECT_FALSE(IsValidFleetMemberId("a b"));
  EXPECT_FALSE(IsValidFleetMemberId("a/b"));
}

TEST(FleetOptionsTest, DefaultMemberIdIsHostAndDatabaseAndStable) {
  const std::string id = DefaultFleetMemberId("Web1.Example.COM", "/var/lib/policyd/db");
  EXPECT_TRUE(IsValidFleetMemberId(id)) << id;
  EXPECT_TRUE(id.starts_with("web1-example-com-")) << id;
  EXPECT_EQ(id.size(), std::string("web1-example-com-").size() + 8);
  EXPECT_EQ(id, DefaultFleetMemberId("Web1.Example.COM", "/var/lib/policyd/./db/"));
  EXPECT_NE(id, DefaultFleetMemberId("Web1.Example.COM", "/srv/policyd/db"));
  EXPECT_TRUE(DefaultFleetMemberId("", "/db").starts_with("policyd-"));
  EXPECT_TRUE(IsValidFleetMemberId(DefaultFleetMemberId(std::string(200, 'h'), "/db")));
}

}  // namespace
}  // namespace policyd

#include "policyd/fleet_membership.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace policyd {
namespace {

MemberRecord Heartbeat(const std::string& id, int64_t at_ms) { return {id, 1, at_ms, 0}; }

TEST(MembershipViewTest, LiveWhileTheLastHeartbeatIsYoungerThanTheTtl) {
  MembershipView view(std::chrono::seconds(20));
  EXPECT_TRUE(view.Update({Heartbeat("b", 100'000), Heartbeat("a", 85'000)}, 100'000));
  EXPECT_EQ(view.live().members(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(view.generation(), 1u);

  // a's heartbeat is 20 s old at 105 s: dead; b is 5 s old.
  EXPECT_TRUE(view.Refresh(105'000));
  EXPECT_EQ(view.live().members(), (std::vector<std::string>{"b"}));
  EXPECT_FALSE(view.IsLive("a"));
  ASSERT_NE(view.Find("a"), nullptr);  // its record is still known
  EXPECT_EQ(view.Find("a")->heartbeat_ms, 85'000);
  EXPECT_EQ(view.Find("z"), nullptr);
  EXPECT_EQ(view.generation(), 2u);

  // Nothing changed: no new generation.
  EXPECT_FALSE(view.Refresh(106'000));
  EXPECT_EQ(view.generation(), 2u);
}

TEST(MembershipViewTest, AHeartbeatFromBeyondTheTtlInTheFutureIsIgnored) {
  MembershipView view(std::chrono::seconds(20));
  view.Update({Heartbeat("near", 115'000), Heartbeat("far", 121'000)}, 100'000);
  EXPECT_EQ(view.live().members(), (std::vector<std::string>{"near"}));
}

TEST(MembershipViewTest, SameRecordsSameViewWhateverTheirOrder) {
  MembershipView one(std::chrono::seconds(20));
  MembershipView two(std::chrono::seconds(20));
  one.Update({Heartbeat("m2", 20'000), Heartbeat("m0", 20'000), Heartbeat("m1", 1)}, 30'000);
  two.Update({Heartbeat("m1", 1), Heartbeat("m0", 20'000), Heartbeat("m2", 20'000)}, 30'000);
  EXPECT_EQ(one.live().members(), two.live().members());
  EXPECT_EQ(one.live().members(), (std::vector<std::string>{"m0", "m2"}));
}

TEST(MembershipViewTest, AReturningMemberIsLiveAgain) {
  MembershipView view(std::chrono::seconds(20));
  view.Update({Heartbeat("a", 0), Heartbeat("b", 0)}, 0);
  view.Update({Heartbeat("a", 0), Heartbeat("b", 30'000)}, 30'000);
  EXPECT_EQ(view.live().members(), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(view.Update({Heartbeat("a", 31'000), Heartbeat("b", 30'000)}, 31'000));
  EXPECT_EQ(view.live().members(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(view.generation(), 3u);
}

}  // namespace
}  // namespace policyd

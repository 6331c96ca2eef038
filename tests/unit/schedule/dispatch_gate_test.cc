#include "policyd/dispatch_gate.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace policyd {
namespace {

using Admission = DispatchGate::Admission;

constexpr char kSlow[] = "slow.example:443";
constexpr char kOther[] = "other.example:443";

std::vector<std::string> TakeAllReady(DispatchGate& gate) {
  std::vector<std::string> taken;
  while (std::optional<std::string> doc = gate.TakeReady()) taken.push_back(*doc);
  return taken;
}

TEST(DispatchGateTest, AHostOverItsShareParksWhileAnotherHostStarts) {
  DispatchGate gate(2);
  EXPECT_EQ(gate.Admit(kSlow, "s1"), Admission::kStart);
  EXPECT_EQ(gate.Admit(kSlow, "s2"), Admission::kStart);
  EXPECT_EQ(gate.Admit(kSlow, "s3"), Admission::kParked);
  EXPECT_EQ(gate.Admit(kSlow, "s4"), Admission::kParked);
  EXPECT_EQ(gate.Admit(kOther, "o1"), Admission::kStart);
  EXPECT_EQ(gate.outstanding(), 3u);
  EXPECT_EQ(gate.parked(), 2u);
  EXPECT_TRUE(gate.IsParked("s3"));
  EXPECT_FALSE(gate.IsParked("s1"));
  EXPECT_EQ(gate.TakeReady(), std::nullopt);
}

TEST(DispatchGateTest, AFinishedCheckHandsItsSlotToTheHostsParkedChecksInDueOrder) {
  DispatchGate gate(1);
  gate.Admit(kSlow, "s1");
  gate.Admit(kSlow, "s2");
  gate.Admit(kSlow, "s3");
  gate.Finish("s1");
  EXPECT_EQ(TakeAllReady(gate), std::vector<std::string>{"s2"});
  // s3 waits for s2's slot, not for any other host's.
  gate.Admit(kOther, "o1");
  gate.Finish("o1");
  EXPECT_EQ(gate.TakeReady(), std::nullopt);
  gate.Finish("s2");
  EXPECT_EQ(TakeAllReady(gate), std::vector<std::string>{"s3"});
  gate.Finish("s3");
  EXPECT_EQ(gate.outstanding(), 0u);
  EXPECT_EQ(gate.parked(), 0u);
}

TEST(DispatchGateTest, ANewCheckQueuesBehindTheHostsParkedOnesEvenWhenASlotIsReady) {
  DispatchGate gate(1);
  gate.Admit(kSlow, "s1");
  gate.Admit(kSlow, "s2");
  gate.Finish("s1");  // s2 is handed the slot, not yet taken
  EXPECT_EQ(gate.Admit(kSlow, "s3"), Admission::kParked);
  EXPECT_EQ(TakeAllReady(gate), std::vector<std::string>{"s2"});
}

TEST(DispatchGateTest, ADocumentAlreadyOutIsNotCountedTwice) {
  DispatchGate gate(1);
  gate.Admit(kSlow, "s1");
  // Removed and added back while its check is out: the caller's in-flight guard decides.
  EXPECT_EQ(gate.Admit(kSlow, "s1"), Admission::kStart);
  EXPECT_EQ(gate.outstanding(), 1u);
  gate.Finish("s1");
  gate.Finish("s1");  // a second end is a no-op
  EXPECT_EQ(gate.Admit(kSlow, "s2"), Admission::kStart);
  EXPECT_EQ(gate.Admit(kSlow, "s3"), Admission::kParked);
}

TEST(DispatchGateTest, ForgettingAParkedCheckDropsItFromTheOrder) {
  DispatchGate gate(1);
  gate.Admit(kSlow, "s1");
  gate.Admit(kSlow, "s2");
  gate.Admit(kSlow, "s3");
  gate.Forget("s2");
  EXPECT_EQ(gate.parked(), 1u);
  gate.Finish("s1");
  EXPECT_EQ(TakeAllReady(gate), std::vector<std::string>{"s3"});
}

TEST(DispatchGateTest, ForgettingAReadyCheckPassesItsSlotOn) {
  DispatchGate gate(1);
  gate.Admit(kSlow, "s1");
  gate.Admit(kSlow, "s2");
  gate.Admit(kSlow, "s3");
  gate.Finish("s1");  // s2 is ready
  gate.Forget("s2");
  EXPECT_EQ(TakeAllReady(gate), std::vector<std::string>{"s3"});
}

TEST(DispatchGateTest, ADocumentForgottenAndParkedAgainIsReadyOnce) {
  DispatchGate gate(1);
  gate.Admit(kSlow, "s1");
  gate.Admit(kSlow, "s2");
  gate.Forget("s2");
  gate.Admit(kSlow, "s2");  // added back, due again: parked anew
  gate.Admit(kSlow, "s3");
  gate.Finish("s1");
  EXPECT_EQ(TakeAllReady(gate), std::vector<std::string>{"s2"});
  gate.Finish("s2");
  EXPECT_EQ(TakeAllReady(gate), std::vector<std::string>{"s3"});
  gate.Finish("s3");
  EXPECT_EQ(gate.outstanding(), 0u);
  EXPECT_EQ(gate.parked(), 0u);
}

TEST(DispatchGateTest, ADocumentMovedToAnotherHostIsParkedThere) {
  DispatchGate gate(1);
  gate.Admit(kSlow, "s1");
  gate.Admit(kSlow, "d");
  gate.Forget("d");
  gate.Admit(kOther, "o1");
  EXPECT_EQ(gate.Admit(kOther, "d"), Admission::kParked);
  gate.Finish("s1");  // d's stale entry on the slow host is skipped
  EXPECT_EQ(gate.TakeReady(), std::nullopt);
  gate.Finish("o1");
  EXPECT_EQ(TakeAllReady(gate), std::vector<std::string>{"d"});
}

TEST(DispatchGateTest, ParkedChecksAreBounded) {
  DispatchGate gate(1, /*max_parked=*/2);
  gate.Admit(kSlow, "s1");
  EXPECT_TRUE(gate.CanPark());
  gate.Admit(kSlow, "s2");
  gate.Admit(kSlow, "s3");
  EXPECT_FALSE(gate.CanPark());  // s2 and s3 parked: the caller stops taking due checks
  EXPECT_EQ(gate.Admit(kOther, "o1"), Admission::kStart);  // a start is no parking
  gate.Finish("s1");
  EXPECT_EQ(gate.TakeReady(), std::optional<std::string>("s2"));
  EXPECT_TRUE(gate.CanPark());
}

TEST(DispatchGateTest, ALimitOfZeroIsOne) {
  DispatchGate gate(0);
  EXPECT_EQ(gate.Admit(kSlow, "s1"), Admission::kStart);
  EXPECT_EQ(gate.Admit(kSlow, "s2"), Admission::kParked);
}

}  // namespace
}  // namespace policyd

#include "gzip_members.h"

#include <string>

#include <gtest/gtest.h>

#include "support/gzip.h"

namespace policyd {
namespace {

using testing::Gzip;

TEST(GzipMembers, OneMemberWithoutStrayBytes) {
  const Gunzipped decoded = GunzipMembers(Gzip("We collect your email address."), 1024);
  EXPECT_EQ(decoded.outcome, GunzipOutcome::kDecoded);
  EXPECT_EQ(decoded.bytes, "We collect your email address.");
  EXPECT_EQ(decoded.members, 1);
  EXPECT_EQ(decoded.stray_bytes, 0u);
}

TEST(GzipMembers, EveryMemberInTurnThenStrayBytesIgnored) {
  const Gunzipped decoded =
      GunzipMembers(Gzip("first, ") + Gzip("second, ") + Gzip("third") + "\r\n0\r\n\r\n", 1024);
  EXPECT_EQ(decoded.outcome, GunzipOutcome::kDecoded);
  EXPECT_EQ(decoded.bytes, "first, second, third");
  EXPECT_EQ(decoded.members, 3);
  EXPECT_EQ(decoded.stray_bytes, 7u);
  // An empty member is a member.
  EXPECT_EQ(GunzipMembers(Gzip("") + Gzip("text"), 1024).bytes, "text");
}

TEST(GzipMembers, ADamagedOrCutMemberIsAnError) {
  const std::string whole = Gzip("We keep your data for one year, then delete it.");
  std::string damaged = whole;
  damaged[whole.size() - 6] ^= 0x01;  // the CRC-32 of the trailer
  Gunzipped decoded = GunzipMembers(damaged, 1024);
  EXPECT_EQ(decoded.outcome, GunzipOutcome::kDamaged);
  EXPECT_TRUE(decoded.bytes.empty());
  EXPECT_EQ(decoded.problem, "the gzip data is damaged (incorrect data check)");

  decoded = GunzipMembers(whole.substr(0, whole.size() - 3), 1024);
  EXPECT_EQ(decoded.outcome, GunzipOutcome::kDamaged);
  EXPECT_EQ(decoded.problem, "the gzip data is cut short");

  // A second member that starts but ends too soon: the page would lose its end.
  decoded = GunzipMembers(whole + whole.substr(0, 12), 1024);
  EXPECT_EQ(decoded.outcome, GunzipOutcome::kDamaged);
  EXPECT_EQ(decoded.problem, "gzip member 2 is cut short");

  decoded = GunzipMembers("<p>not gzip</p>", 1024);
  EXPECT_EQ(decoded.outcome, GunzipOutcome::kDamaged);
  EXPECT_EQ(decoded.problem, "it does not start with gzip's magic bytes");
}

// The cap holds across members: a bomb split in parts stops at max_bytes too.
TEST(GzipMembers, TheDecodedCapHoldsOverAllMembers) {
  const std::string part(600, 'x');
  EXPECT_EQ(GunzipMembers(Gzip(part), 1000).outcome, GunzipOutcome::kDecoded);
  const Gunzipped two = GunzipMembers(Gzip(part) + Gzip(part), 1000);
  EXPECT_EQ(two.outcome, GunzipOutcome::kTooLarge);
  EXPECT_TRUE(two.bytes.empty());
  EXPECT_EQ(GunzipMembers(Gzip(std::string(1000, 'x')), 1000).outcome, GunzipOutcome::kDecoded);
  EXPECT_EQ(GunzipMembers(Gzip(std::string(1001, 'x')), 1000).outcome, GunzipOutcome::kTooLarge);
}

}  // namespace
}  // namespace policyd

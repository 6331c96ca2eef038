#include "policyd/rendezvous.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "policyd/fleet_plan.h"

namespace policyd {
namespace {

std::vector<std::string> Ids(const std::string& prefix, int count) {
  std::vector<std::string> ids;
  for (int i = 0; i < count; ++i) ids.push_back(prefix + std::to_string(i));
  return ids;
}

std::vector<std::string> Keys(int count) {
  std::vector<std::string> keys;
  for (int i = 0; i < count; ++i) keys.push_back("site" + std::to_string(i) + ".example");
  return keys;
}

// The specification in rendezvous.h, pinned: values computed outside this code base from its
// text (Python's hashlib and 64-bit arithmetic). A change here splits a fleet of mixed builds.
TEST(RendezvousTest, HashAndScoresAreTheSpecifiedOnes) {
  EXPECT_EQ(FleetHash("abc"), 0xba7816bf8f01cfeaULL);
  EXPECT_EQ(FleetHash(""), 0xe3b0c44298fc1c14ULL);
  EXPECT_EQ(RendezvousScore(FleetHash("m0"), FleetHash("example.com")), 0x405f72b07df0891fULL);
  const Rendezvous members({"m0", "m1", "m2", "m3", "m4"});
  const std::map<std::string, std::string> expected = {
      {"example.com", "m2"},      {"example.co.uk", "m1"}, {"b.github.io", "m0"},
      {"xn--bcher-kva.de", "m0"}, {"127.0.0.1", "m3"},     {"[::1]", "m1"},
      {"localhost", "m3"},        {"coursera.org", "m2"}};
  for (const auto& [key, owner] : expected) {
    ASSERT_NE(members.OwnerOf(key), nullptr);
    EXPECT_EQ(*members.OwnerOf(key), owner) << key;
  }
}

TEST(RendezvousTest, MemberOrderAndDuplicatesDoNotMatter) {
  const Rendezvous a({"m2", "m0", "m1"});
  const Rendezvous b({"m1", "m2", "m0", "m1"});
  EXPECT_EQ(a.members(), (std::vector<std::string>{"m0", "m1", "m2"}));
  EXPECT_EQ(b.members(), a.members());
  for (const std::string& key : Keys(1000)) EXPECT_EQ(*a.OwnerOf(key), *b.OwnerOf(key));
  EXPECT_EQ(a.IndexOf("m1"), 1u);
  EXPECT_EQ(a.IndexOf("m9"), std::nullopt);
}

TEST(RendezvousTest, NoMembersNoOwner) {
  const Rendezvous none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.OwnerOf("example.com"), nullptr);
  EXPECT_EQ(none.OwnerIndex(FleetHash("example.com")), std::nullopt);
}

TEST(RendezvousTest, KeysSpreadEvenlyOverTheMembers) {
  const Rendezvous members(Ids("member-", 10));
  std::map<std::string, int> counts;
  for (const std::string& key : Keys(100000)) ++counts[*members.OwnerOf(key)];
  ASSERT_EQ(counts.size(), 10u);
  for (const auto& [member, count] : counts) {
    EXPECT_NEAR(count, 10000, 500) << member;  // within 5% of the fair share
  }
}

// A join takes about 1/(N+1) of the keys, all to the newcomer; a departure moves only the
// keys of the one that left.
TEST(RendezvousTest, MembershipChangesMoveOnlyTheirShare) {
  const std::vector<std::string> keys = Keys(50000);
  std::vector<std::string> ids = Ids("m", 10);
  const Rendezvous before(ids);
  ids.push_back("newcomer");
  const Rendezvous after_join(ids);
  int moved = 0;
  for (const std::string& key : keys) {
    const std::string& old_owner = *before.OwnerOf(key);
    const std::string& new_owner = *after_join.OwnerOf(key);
    if (old_owner != new_owner) {
      ++moved;
      EXPECT_EQ(new_owner, "newcomer");
    }
  }
  EXPECT_NEAR(moved, 50000 / 11, 50000 / 11 / 10);  // 1/11, within 10% of it

  const Rendezvous after_leave(Ids("m", 10));  // the newcomer leaves again
  std::vector<std::string> without_m3 = Ids("m", 10);
  without_m3.erase(without_m3.begin() + 3);
  const Rendezvous after_crash(without_m3);
  for (const std::string& key : keys) {
    EXPECT_EQ(*after_leave.OwnerOf(key), *before.OwnerOf(key)) << key;
    if (*before.OwnerOf(key) != "m3") {
      EXPECT_EQ(*after_crash.OwnerOf(key), *before.OwnerOf(key));
    }
  }
}

TEST(FleetPlanTest, OwnersAreTheRendezvousOwnersOfEachDocumentsDomain) {
  const std::vector<std::string> urls = {
      "https://www.example.co.uk/privacy", "https://legal.example.co.uk/terms",
      "https://a.github.io/privacy",       "https://b.github.io/privacy",
      "http://127.0.0.1:8080/x",           "not a url"};
  std::vector<std::string> keys;
  for (const std::string& url : urls) keys.push_back(FleetKeyOfUrl(url));
  EXPECT_EQ(keys, (std::vector<std::string>{"example.co.uk", "example.co.uk", "a.github.io",
                                            "b.github.io", "127.0.0.1", "not a url"}));
  const FleetPlan plan(keys);
  EXPECT_EQ(plan.documents(), 6u);
  EXPECT_EQ(plan.distinct_keys(), 5u);
  EXPECT_EQ(plan.KeyHash(1), FleetHash("example.co.uk"));

  const Rendezvous members(Ids("m", 4));
  const std::vector<uint32_t> owners = plan.Owners(members);
  ASSERT_EQ(owners.size(), keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(members.members()[owners[i]], *members.OwnerOf(keys[i])) << keys[i];
  }
  EXPECT_EQ(owners[0], owners[1]);  // one site, one owner

  EXPECT_EQ(plan.Owners(Rendezvous()), std::vector<uint32_t>(6, FleetPlan::kNoOwner));
}

}  // namespace
}  // namespace policyd

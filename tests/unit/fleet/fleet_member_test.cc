#include "policyd/fleet_member.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "policyd/in_memory_kv.h"
#include "policyd/rendezvous.h"
#include "support/switchable_kv.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

FleetTiming Timing() {
  FleetTiming timing;
  timing.heartbeat_interval = seconds(1);
  timing.member_ttl = seconds(3);
  timing.lease_ttl = seconds(3);
  timing.max_clock_skew = milliseconds(500);
  return timing;
}

// Members on one in-memory bucket, each behind its own switch, with one clock.
class FleetMemberTest : public ::testing::Test {
 protected:
  FleetMember& Add(const std::string& id, uint64_t incarnation = 1) {
    switches_.push_back(std::make_unique<testing::SwitchableKv>(&kv_));
    members_.push_back(
        std::make_unique<FleetMember>(id, incarnation, Timing(), switches_.back().get(), now_));
    return *members_.back();
  }
  void TickAll(const std::vector<FleetMember*>& members) {
    for (FleetMember* member : members) member->Tick(now_);
  }
  // Two rounds of heartbeats a heartbeat_interval apart: every view whole, every member joined.
  void JoinAll(const std::vector<FleetMember*>& members) {
    TickAll(members);
    now_ += 1'000;
    TickAll(members);
  }
  // A key owned by `owner` among `members` (and, if given, not by `not_before` before).
  uint64_t KeyOwnedBy(const std::vector<std::string>& members, const std::string& owner,
                      const std::vector<std::string>& before = {},
                      const std::string& before_owner = "") {
    const Rendezvous now_set(members);
    const Rendezvous before_set(before);
    for (int i = 0;; ++i) {
      const uint64_t hash = FleetHash("site" + std::to_string(i) + ".example");
      if (now_set.members()[*now_set.OwnerIndex(hash)] != owner) continue;
      if (!before_owner.empty() &&
          before_set.members()[*before_set.OwnerIndex(hash)] != before_owner) {
        continue;
      }
      return hash;
    }
  }

  int64_t now_ = 1'000'000;
  InMemoryKv kv_{[this] { return now_; }, FleetBucketMaxAge(Timing())};
  std::vector<std::unique_ptr<testing::SwitchableKv>> switches_;
  std::vector<std::unique_ptr<FleetMember>> members_;
};

TEST_F(FleetMemberTest, JoinedMembersSeeOneAnotherAndOwnEveryKeyExactlyOnce) {
  FleetMember& a = Add("a");
  FleetMember& b = Add("b");
  FleetMember& c = Add("c");
  EXPECT_FALSE(a.Joined(now_));
  EXPECT_EQ(a.TryStart("doc", 1, now_).outcome, StartOutcome::kNotJoined);
  TickAll({&a, &b, &c});
  EXPECT_EQ(a.view().live().members(), (std::vector<std::string>{"a"}));  // b, c came later
  now_ += 1'000;
  const TickAnswer answer = a.Tick(now_);
  EXPECT_EQ(answer.heartbeat, HeartbeatOutcome::kWritten);
  EXPECT_TRUE(answer.view_changed);
  TickAll({&b, &c});
  for (FleetMember* member : {&a, &b, &c}) {
    EXPECT_TRUE(member->Joined(now_));
    EXPECT_EQ(member->view().live().members(), (std::vector<std::string>{"a", "b", "c"}));
  }
  for (int i = 0; i < 1000; ++i) {
    const uint64_t hash = FleetHash("site" + std::to_string(i));
    EXPECT_EQ(int(a.Owns(hash)) + int(b.Owns(hash)) + int(c.Owns(hash)), 1) << i;
  }
  const uint64_t of_b = KeyOwnedBy({"a", "b", "c"}, "b");
  EXPECT_EQ(a.TryStart("doc", of_b, now_).outcome, StartOutcome::kNotOwner);
  const StartAnswer started = b.TryStart("doc", of_b, now_);
  EXPECT_EQ(started.outcome, StartOutcome::kStarted);
  EXPECT_EQ(started.deadline_ms, now_ + 3'000 - 500);
  EXPECT_EQ(b.checks_in_flight(), 1u);
}

// A join: the old owner starts nothing more for the moved keys, finishes what runs; the
// newcomer waits for that lease, then checks.
TEST_F(FleetMemberTest, OnAJoinTheNewOwnerWaitsForTheOldOwnersCheckInFlight) {
  FleetMember& a = Add("a");
  FleetMember& b = Add("b");
  JoinAll({&a, &b});
  const uint64_t moving = KeyOwnedBy({"a", "b", "c"}, "c", {"a", "b"}, "a");
  ASSERT_EQ(a.TryStart("doc", moving, now_).outcome, StartOutcome::kStarted);

  now_ += 500;
  FleetMember& c = Add("c");
  TickAll({&c, &a, &b});  // every view has c now; c waits one heartbeat before it checks
  EXPECT_EQ(c.TryStart("doc", moving, now_).outcome, StartOutcome::kNotJoined);
  now_ += 1'000;
  TickAll({&c, &a, &b});
  EXPECT_EQ(a.TryStart("doc-2", moving, now_).outcome, StartOutcome::kNotOwner);
  const StartAnswer waiting = c.TryStart("doc", moving, now_);
  EXPECT_EQ(waiting.outcome, StartOutcome::kLeaseHeld);
  EXPECT_EQ(waiting.holder, "a");
  EXPECT_GT(waiting.retry_at_ms, now_);
  EXPECT_LE(waiting.retry_at_ms, now_ + 1'000);

  EXPECT_EQ(a.Continue("doc", now_), ContinueOutcome::kContinue);  // its check goes on
  a.Finish("doc");
  EXPECT_EQ(c.TryStart("doc", moving, waiting.retry_at_ms).outcome, StartOutcome::kStarted);
}

// A crash: no release, no more heartbeats. The others drop the member after ttl and take its
// check in flight when that lease expires: within ttl + one heartbeat of the crash.
TEST_F(FleetMemberTest, ACrashedMembersDocumentsAreTakenWithinTtlAndAHeartbeat) {
  FleetMember& a = Add("a");
  FleetMember& b = Add("b");
  JoinAll({&a, &b});
  const uint64_t of_a = KeyOwnedBy({"a", "b"}, "a");
  ASSERT_EQ(a.TryStart("doc", of_a, now_).outcome, StartOutcome::kStarted);
  a.Continue("doc", now_ + 1'000);  // renewed once? not yet due (every 1 s): no matter
  const int64_t crash = now_;

  int64_t taken_at = -1;
  for (int64_t t = crash; t <= crash + 10'000 && taken_at < 0; t += 100) {
    now_ = t;
    if ((t - crash) % 1'000 == 0) b.Tick(now_);  // b's heartbeat every second
    if (b.TryStart("doc", of_a, now_).outcome == StartOutcome::kStarted) taken_at = t;
  }
  ASSERT_GE(taken_at, 0);
  EXPECT_LE(taken_at - crash, 3'000 + 1'000);
  EXPECT_GE(taken_at - crash, 3'000);  // a's lease lasted 3 s
  EXPECT_EQ(b.view().live().members(), (std::vector<std::string>{"b"}));
}

// A partition: the cut-off member abandons its check at its deadline, before the others may
// take the lease, and stops being joined; the others take over after the lease expires.
TEST_F(FleetMemberTest, APartitionedMemberStopsBeforeItsLeaseCanBeTaken) {
  FleetMember& a = Add("a");
  FleetMember& b = Add("b");
  JoinAll({&a, &b});
  const uint64_t of_a = KeyOwnedBy({"a", "b"}, "a");
  const StartAnswer started = a.TryStart("doc", of_a, now_);
  ASSERT_EQ(started.outcome, StartOutcome::kStarted);
  switches_[0]->set_reachable(false);
  const int64_t cut = now_;

  int64_t a_stopped = -1;
  int64_t b_took = -1;
  for (int64_t t = cut; t <= cut + 10'000; t += 100) {
    now_ = t;
    if ((t - cut) % 1'000 == 0) {
      a.Tick(now_);
      b.Tick(now_);
    }
    if (a_stopped < 0 && a.Continue("doc", now_) == ContinueOutcome::kStop) a_stopped = t;
    if (b_took < 0 && b.TryStart("doc", of_a, now_).outcome == StartOutcome::kStarted) {
      b_took = t;
    }
  }
  EXPECT_EQ(a_stopped, started.deadline_ms);
  ASSERT_GE(b_took, 0);
  EXPECT_GE(b_took, a_stopped + 500);  // the skew margin between them
  EXPECT_FALSE(a.Joined(now_));
  EXPECT_EQ(a.TryStart("doc-3", of_a, now_).outcome, StartOutcome::kNotJoined);
  // Its view aged out too: it owns nothing.
  EXPECT_TRUE(a.view().live().empty());

  // The partition heals: a is back in the views at its next heartbeat, gets its keys back and
  // checks again one heartbeat later.
  switches_[0]->set_reachable(true);
  a.Finish("doc");
  TickAll({&a, &b});
  EXPECT_FALSE(a.Joined(now_));
  now_ += 1'000;
  TickAll({&a, &b});
  EXPECT_TRUE(a.Joined(now_));
  EXPECT_TRUE(a.Owns(of_a));
  EXPECT_FALSE(b.Owns(of_a));
}

TEST_F(FleetMemberTest, ACleanLeaveHandsOverAtTheNextHeartbeatNotAfterTtl) {
  FleetMember& a = Add("a");
  FleetMember& b = Add("b");
  JoinAll({&a, &b});
  const uint64_t of_a = KeyOwnedBy({"a", "b"}, "a");
  ASSERT_EQ(a.TryStart("doc", of_a, now_).outcome, StartOutcome::kStarted);
  a.Leave();
  now_ += 1'000;
  EXPECT_TRUE(b.Tick(now_).view_changed);
  EXPECT_EQ(b.view().live().members(), (std::vector<std::string>{"b"}));
  EXPECT_EQ(b.TryStart("doc", of_a, now_).outcome, StartOutcome::kStarted);  // released
  EXPECT_FALSE(a.Joined(now_));
}

TEST_F(FleetMemberTest, AnIdInUseIsRefusedUntilItsHeartbeatGoesStale) {
  FleetMember& first = Add("same", 1);
  FleetMember& second = Add("same", 2);
  ASSERT_EQ(first.Tick(now_).heartbeat, HeartbeatOutcome::kWritten);
  EXPECT_EQ(second.Tick(now_).heartbeat, HeartbeatOutcome::kDuplicateId);
  EXPECT_FALSE(second.Joined(now_));
  now_ += 1'000;
  EXPECT_EQ(first.Tick(now_).heartbeat, HeartbeatOutcome::kWritten);

  // The first dies; the second (a restart, say) takes the id once the heartbeat is 3 s old.
  now_ += 2'999;
  EXPECT_EQ(second.Tick(now_).heartbeat, HeartbeatOutcome::kDuplicateId);
  now_ += 1;
  EXPECT_EQ(second.Tick(now_).heartbeat, HeartbeatOutcome::kWritten);
  now_ += 1'000;
  EXPECT_EQ(second.Tick(now_).heartbeat, HeartbeatOutcome::kWritten);
  EXPECT_TRUE(second.Joined(now_));
  // The first comes back (it was only paused): its key is another's now. It stops.
  EXPECT_EQ(first.Tick(now_).heartbeat, HeartbeatOutcome::kDuplicateId);
  EXPECT_FALSE(first.Joined(now_));
  EXPECT_TRUE(second.Joined(now_));
}

// A member starts checking one heartbeat_interval after its first heartbeat, when every live
// member's heartbeat is in its view: after a NATS outage the first member back must not own,
// and start, everything that fell due.
TEST_F(FleetMemberTest, AMemberChecksOnlyOneHeartbeatAfterItJoinsOrComesBack) {
  FleetMember& a = Add("a");
  const uint64_t key = FleetHash("example.com");
  a.Tick(now_);
  EXPECT_TRUE(a.Owns(key));  // alone in its view
  EXPECT_FALSE(a.Joined(now_));
  EXPECT_EQ(a.TryStart("doc", key, now_ + 999).outcome, StartOutcome::kNotJoined);
  EXPECT_TRUE(a.Joined(now_ + 1'000));

  // A heartbeat missed now and then does not make it wait again; a gap past ttl − skew does.
  now_ += 2'000;
  a.Tick(now_);
  EXPECT_TRUE(a.Joined(now_));
  switches_[0]->set_reachable(false);
  now_ += 2'500;  // 2.5 s since its last heartbeat: the others may have dropped it
  a.Tick(now_);
  EXPECT_FALSE(a.Joined(now_));
  switches_[0]->set_reachable(true);
  a.Tick(now_);
  EXPECT_FALSE(a.Joined(now_));
  EXPECT_TRUE(a.Joined(now_ + 1'000));
}

TEST_F(FleetMemberTest, HeartbeatsCarryTheStatsForPeople) {
  FleetMember& a = Add("a", 77);
  a.Tick(now_, MemberStats{1234, 56});
  a.Tick(now_);
  const MemberRecord* record = a.view().Find("a");
  ASSERT_NE(record, nullptr);
  EXPECT_EQ(record->incarnation, 77u);
  EXPECT_EQ(record->started_ms, 1'000'000);
  a.Tick(now_, MemberStats{1234, 56});
  ASSERT_NE(a.view().Find("a"), nullptr);
  EXPECT_EQ(a.view().Find("a")->owned, 1234u);
  EXPECT_EQ(a.view().Find("a")->lag_ms, 56);
}

}  // namespace
}  // namespace policyd

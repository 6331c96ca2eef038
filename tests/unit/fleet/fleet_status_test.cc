#include "policyd/fleet_status.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace policyd {
namespace {

FleetMemberReport Reply(const std::string& id, uint64_t owned) {
  FleetMemberReport report;
  report.member_id = id;
  report.incarnation = 42;
  report.started_ms = 1'000;
  report.connected = true;
  report.joined = true;
  report.live_members = {"a", "b"};
  report.live_member_count = 2;
  report.documents = 30;
  report.documents_owned = owned;
  report.checks_in_flight = 2;
  report.leases_held = 1;
  report.lag_ms = 250;
  report.publish_lag = 3;
  report.publish_state = "connected";
  report.last_error = "cannot connect: No server available";
  report.version = "0.1.0";
  report.now_ms = 5'000;
  return report;
}

MemberRecord Heartbeat(const std::string& id, int64_t heartbeat_ms, uint64_t owned) {
  MemberRecord record;
  record.member_id = id;
  record.incarnation = 7;
  record.heartbeat_ms = heartbeat_ms;
  record.owned = owned;
  record.in_flight = 1;
  record.lag_ms = 90;
  return record;
}

TEST(FleetStatusSubjectTest, NamesTheBucketAndStaysOutOfTheDefaultEventsStream) {
  EXPECT_EQ(FleetStatusSubject("policyd-fleet"), "policyd.fleet.policyd-fleet.status");
  const std::string subject = FleetStatusSubject("policyd-fleet");
  EXPECT_FALSE(FleetStatusSubjectClashes(subject, "policyd.events"));
  EXPECT_FALSE(FleetStatusSubjectClashes(subject, "policyd.fle"));  // a token, not a prefix
  EXPECT_TRUE(FleetStatusSubjectClashes(subject, "policyd"));
  EXPECT_TRUE(FleetStatusSubjectClashes(subject, "policyd.fleet"));
  EXPECT_TRUE(FleetStatusSubjectClashes(subject, subject));
}

TEST(FleetLagTest, IsHowLateTheEarliestWaitingDocumentIs) {
  EXPECT_EQ(FleetLagMs(std::nullopt, 10'000), 0);  // nothing waits
  EXPECT_EQ(FleetLagMs(12'000, 10'000), 0);        // due later
  EXPECT_EQ(FleetLagMs(10'000, 10'000), 0);        // due now: not late yet
  EXPECT_EQ(FleetLagMs(7'500, 10'000), 2'500);
}

TEST(FleetReplyTest, RoundTripsEveryField) {
  const FleetMemberReport sent = Reply("web1-3fa2b9c1", 12);
  const std::optional<FleetMemberReport> got = DecodeFleetReply(EncodeFleetReply(sent));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->member_id, "web1-3fa2b9c1");
  EXPECT_EQ(got->incarnation, 42u);
  EXPECT_EQ(got->started_ms, 1'000);
  EXPECT_TRUE(got->connected);
  EXPECT_TRUE(got->joined);
  EXPECT_EQ(got->live_members, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(got->live_member_count, 2u);
  EXPECT_EQ(got->documents, 30u);
  EXPECT_EQ(got->documents_owned, 12u);
  EXPECT_EQ(got->checks_in_flight, 2u);
  EXPECT_EQ(got->leases_held, 1u);
  EXPECT_EQ(got->lag_ms, 250);
  EXPECT_EQ(got->publish_lag, 3u);
  EXPECT_EQ(got->publish_state, "connected");
  EXPECT_EQ(got->last_error, "cannot connect: No server available");
  EXPECT_EQ(got->version, "0.1.0");
  EXPECT_EQ(got->now_ms, 5'000);
}

TEST(FleetReplyTest, NoOutboxAndNoErrorAreNulls) {
  FleetMemberReport sent = Reply("m", 1);
  sent.publish_lag.reset();
  sent.publish_state.clear();
  sent.last_error.clear();
  const std::string body = EncodeFleetReply(sent);
  EXPECT_NE(body.find("\"publish_lag\":null"), std::string::npos) << body;
  EXPECT_NE(body.find("\"last_error\":null"), std::string::npos) << body;
  const auto got = DecodeFleetReply(body);
  ASSERT_TRUE(got.has_value());
  EXPECT_FALSE(got->publish_lag.has_value());
  EXPECT_EQ(got->last_error, "");
}

TEST(FleetReplyTest, IsBoundedWhateverTheMemberHolds) {
  FleetMemberReport sent = Reply("m", 1);
  sent.live_members.clear();
  for (int i = 0; i < 500; ++i)
    sent.live_members.push_back(std::string(60, 'x') + std::to_string(i));
  sent.live_member_count = 500;
  sent.last_error = std::string(100'000, '\x01');  // every byte escaped as \u0001
  const std::string body = EncodeFleetReply(sent);
  EXPECT_LE(body.size(), kMaxFleetReplyBytes);
  const auto got = DecodeFleetReply(body);
  ASSERT_TRUE(got.has_value()) << body.substr(0, 200);
  EXPECT_EQ(got->live_members.size(), kMaxFleetReplyLiveMembers);
  EXPECT_EQ(got->live_member_count, 500u);  // the count stays whole
  EXPECT_LE(got->last_error.size(), kMaxFleetReplyErrorBytes);
}

TEST(FleetReplyTest, RefusesWhatIsNotAReply) {
  EXPECT_FALSE(DecodeFleetReply("").has_value());
  EXPECT_FALSE(DecodeFleetReply("not json").has_value());
  EXPECT_FALSE(DecodeFleetReply("[1, 2]").has_value());
  EXPECT_FALSE(DecodeFleetReply("{}").has_value());  // no member id
  EXPECT_FALSE(DecodeFleetReply(R"({"member_id": "has.dot"})").has_value());
  EXPECT_FALSE(DecodeFleetReply(R"({"member_id": "m", "documents_owned": -1})").has_value());
  EXPECT_FALSE(DecodeFleetReply(R"({"member_id": "m", "joined": "yes"})").has_value());
  EXPECT_FALSE(DecodeFleetReply(R"({"member_id": "m", "lag_ms": -5})").has_value());
  EXPECT_FALSE(DecodeFleetReply(R"({"member_id": "m", "live_members": [[[[1]]]]})").has_value());
  EXPECT_FALSE(DecodeFleetReply(R"({"member_id": "m", "pad": ")" +
                                std::string(kMaxFleetReplyBytes, 'x') + "\"}")
                   .has_value());
  // The least a member may send: its id.
  const auto minimal = DecodeFleetReply(R"({"member_id": "m"})");
  ASSERT_TRUE(minimal.has_value());
  EXPECT_EQ(minimal->documents_owned, 0u);
}

TEST(FleetGatherTest, IsCompleteOnceEveryLiveMemberAnswered) {
  FleetGather gather({Heartbeat("a", 9'000, 10), Heartbeat("b", 9'500, 20)}, {"b", "a"});
  EXPECT_FALSE(gather.Complete());
  EXPECT_TRUE(gather.Offer(EncodeFleetReply(Reply("a", 11))));
  EXPECT_FALSE(gather.Complete());
  EXPECT_FALSE(gather.Offer(EncodeFleetReply(Reply("a", 99))));  // heard already: first wins
  EXPECT_FALSE(gather.Offer("garbage"));
  EXPECT_TRUE(gather.Offer(EncodeFleetReply(Reply("b", 19))));
  EXPECT_TRUE(gather.Complete());

  const FleetReport report = gather.Report(10'000);
  EXPECT_TRUE(report.complete);
  EXPECT_EQ(report.live, 2u);
  EXPECT_EQ(report.answered, 2u);
  EXPECT_EQ(report.documents_owned, 30u);  // 11 + 19, from the replies
  EXPECT_EQ(report.checks_in_flight, 4u);
  EXPECT_EQ(report.leases_held, 2u);
  EXPECT_EQ(report.max_lag_ms, 250);
  EXPECT_EQ(report.rejected_replies, 2u);
  ASSERT_EQ(report.members.size(), 2u);
  EXPECT_EQ(report.members[0].member_id, "a");
  EXPECT_EQ(report.members[0].heartbeat_age_ms, 1'000);
  EXPECT_EQ(report.members[0].reply->documents_owned, 11u);
  EXPECT_EQ(report.members[1].heartbeat_age_ms, 500);
}

TEST(FleetGatherTest, NamesTheLiveMembersThatDidNotAnswerAndTheDroppedOnes) {
  // "c" died: its heartbeat is still in the bucket but it is no longer live; "b" is live and
  // silent; "d" answered though the asker's view does not have it yet (it just joined).
  FleetGather gather(
      {Heartbeat("a", 9'000, 10), Heartbeat("b", 9'000, 20), Heartbeat("c", 1'000, 5)}, {"a", "b"});
  gather.Offer(EncodeFleetReply(Reply("a", 10)));
  gather.Offer(EncodeFleetReply(Reply("d", 3)));
  EXPECT_FALSE(gather.Complete());
  const FleetReport report = gather.Report(10'000);
  EXPECT_FALSE(report.complete);
  EXPECT_EQ(report.not_answering, (std::vector<std::string>{"b"}));
  EXPECT_EQ(report.live, 2u);
  EXPECT_EQ(report.answered, 2u);
  EXPECT_EQ(report.documents_owned, 13u);
  ASSERT_EQ(report.members.size(), 4u);
  const nlohmann::json json = ToJson(report);
  EXPECT_EQ(json["not_answering"], nlohmann::json::array({"b"}));
  const nlohmann::json& b = json["members"][1];
  EXPECT_EQ(b["member_id"], "b");
  EXPECT_EQ(b["live"], true);
  EXPECT_EQ(b["answered"], false);
  EXPECT_EQ(b["documents_owned"], 20);  // from its heartbeat
  EXPECT_EQ(b["lag_ms"], 90);
  EXPECT_TRUE(b["publish_lag"].is_null());
  const nlohmann::json& c = json["members"][2];
  EXPECT_EQ(c["member_id"], "c");
  EXPECT_EQ(c["live"], false);
  EXPECT_EQ(c["heartbeat_age_ms"], 9'000);
  const nlohmann::json& d = json["members"][3];
  EXPECT_EQ(d["live"], false);
  EXPECT_EQ(d["answered"], true);
  EXPECT_TRUE(d["heartbeat_age_ms"].is_null());
  EXPECT_EQ(json["totals"]["documents_owned"], 13);
}

TEST(FleetGatherTest, AnEmptyViewWaitsForTheTimeoutAndListsWhoAnswered) {
  FleetGather gather({}, {});
  EXPECT_FALSE(gather.Complete());
  EXPECT_TRUE(gather.Report(0).members.empty());
  gather.Offer(EncodeFleetReply(Reply("a", 3)));
  EXPECT_FALSE(gather.Complete());  // others may still answer
  const FleetReport report = gather.Report(0);
  ASSERT_EQ(report.members.size(), 1u);
  EXPECT_EQ(report.members[0].member_id, "a");
  EXPECT_FALSE(report.members[0].live);
  EXPECT_TRUE(report.complete);  // no live member went unheard
}

}  // namespace
}  // namespace policyd

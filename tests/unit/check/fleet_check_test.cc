// ProcessCheck with the fleet's record of the document (CheckInput::fleet_record): a member
// that takes a document over adopts the fleet's version without an event, or announces a
// change from it once; without a record it behaves exactly as without a fleet.
#include <gtest/gtest.h>

#include <string>

#include "check_fixture.h"
#include "policyd/check.h"
#include "policyd/http_url.h"
#include "policyd/sha256.h"

namespace policyd {
namespace {

std::string Page(const std::string& sharing) {
  return "<html><body><main><h1>Privacy</h1><p>We collect your name and email address.</p>"
         "<h2>Sharing</h2><p>" +
         sharing + "</p></main></body></html>";
}

class FleetCheckTest : public CheckFixture {
 protected:
  CheckOutcome Check(const std::string& body, std::optional<DocumentRecord> fleet) {
    CheckInput input;
    input.spec = std::make_shared<const DocumentSpec>(spec_);
    input.state = state_;
    input.response.http_status = 200;
    input.response.content_type = "text/html; charset=utf-8";
    input.response.final_url = spec_.url;
    input.response.body = body;
    input.interval = std::chrono::hours(24);
    input.fleet_record = std::move(fleet);
    CheckOutcome outcome = ProcessCheck(*store_, std::move(input), clock_, rng_);
    EXPECT_TRUE(outcome.status.ok()) << outcome.status.ToString();
    if (outcome.status.ok()) state_ = outcome.state;
    clock_.now_ms += 1'000;
    return outcome;
  }

  // The hash the check gives the text of `body` (as the member that announced it did).
  std::string TextHash(const std::string& body) {
    FetchResponse response;
    response.http_status = 200;
    response.content_type = "text/html; charset=utf-8";
    response.final_url = spec_.url;
    response.body = body;
    return Sha256Hex(ExtractDocumentText(spec_, {&response}, ResolveHttpUrl).text);
  }

  void ExpectVerifies() {
    const auto report = store_->Verify();
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_TRUE(report->ok()) << ToJson(*report).dump();
  }

  static nlohmann::json Event(const CheckOutcome& outcome, std::size_t i = 0) {
    return nlohmann::json::parse(outcome.events.at(i).json);
  }
};

TEST_F(FleetCheckTest, ANewOwnerAdoptsTheFleetsVersionWithoutAnEvent) {
  const std::string page = Page("We share nothing.");
  const CheckOutcome adopted = Check(page, DocumentRecord{TextHash(page), clock_.now_ms, "m2"});
  EXPECT_EQ(adopted.check.outcome, "adopted");
  EXPECT_TRUE(adopted.events.empty());  // the fleet's stream holds m2's first_seen
  EXPECT_EQ(state_.last_text_hash, TextHash(page));
  EXPECT_EQ(state_.version_count, 1u);
  const auto version = store_->GetLatestVersion(spec_.id);
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(version->adopted_from, "m2");
  EXPECT_EQ(version->event_seq, 0u);
  // Its next check compares with it as usual: unchanged, then a change from it.
  EXPECT_EQ(Check(page, std::nullopt).check.outcome, "unchanged");
  const CheckOutcome changed = Check(Page("We share with partners."), std::nullopt);
  EXPECT_EQ(changed.check.outcome, "changed");
  EXPECT_EQ(Event(changed)["old_hash"], TextHash(page));
  EXPECT_FALSE(Event(changed).contains("diff_unavailable"));
  ExpectVerifies();
}

TEST_F(FleetCheckTest, ANewOwnerAnnouncesAChangeFromTheFleetsVersionItDoesNotHold) {
  const std::string before = Page("We share nothing.");
  const std::string after = Page("We share with partners.");
  const CheckOutcome changed = Check(after, DocumentRecord{TextHash(before), 1'000, "m2"});
  EXPECT_EQ(changed.check.outcome, "changed");
  ASSERT_EQ(changed.events.size(), 1u);
  const nlohmann::json event = Event(changed);
  EXPECT_EQ(event["type"], "document.changed");
  EXPECT_EQ(event["old_hash"], TextHash(before));
  EXPECT_EQ(event["new_hash"], TextHash(after));
  EXPECT_EQ(event["diff_unavailable"], true);
  EXPECT_EQ(event["previous_member"], "m2");
  EXPECT_EQ(event["lines_added"], 0);
  EXPECT_TRUE(event["sections"].empty());
  EXPECT_EQ(state_.version_count, 1u);
  ExpectVerifies();
}

TEST_F(FleetCheckTest, AReturningMemberJudgesAgainstTheFleetsLaterVersionNotItsOwn) {
  const std::string first = Page("We share nothing.");
  const std::string second = Page("We share with partners.");
  ASSERT_EQ(Check(first, std::nullopt).check.outcome, "first_seen");
  // Away: another member announced `second` after this member's last check.
  const DocumentRecord fleet{TextHash(second), clock_.now_ms + 5'000, "m2"};
  clock_.now_ms += 10'000;
  const CheckOutcome adopted = Check(second, fleet);
  EXPECT_EQ(adopted.check.outcome, "adopted");
  EXPECT_TRUE(adopted.events.empty());  // no second announcement of first -> second
  EXPECT_EQ(state_.version_count, 2u);
  ExpectVerifies();
}

TEST_F(FleetCheckTest, APageBackToWhatAReturningMemberHeldIsAChangeFromTheFleetsVersion) {
  const std::string first = Page("We share nothing.");
  const std::string second = Page("We share with partners.");
  ASSERT_EQ(Check(first, std::nullopt).check.outcome, "first_seen");
  const DocumentRecord fleet{TextHash(second), clock_.now_ms + 5'000, "m2"};
  clock_.now_ms += 10'000;
  const CheckOutcome reverted = Check(first, fleet);
  EXPECT_EQ(reverted.check.outcome, "changed");
  ASSERT_EQ(reverted.events.size(), 1u);
  EXPECT_EQ(Event(reverted)["old_hash"], TextHash(second));
  EXPECT_EQ(Event(reverted)["new_hash"], TextHash(first));
  ExpectVerifies();  // the same text twice in a row here, announced as a change: not a problem
}

TEST_F(FleetCheckTest, ARecordNotAheadOfThisMemberChangesNothing) {
  const std::string first = Page("We share nothing.");
  const std::string second = Page("We share with partners.");
  // No record (absent, unreadable, no [fleet]): a first_seen, as without a fleet.
  const CheckOutcome seen = Check(first, std::nullopt);
  EXPECT_EQ(seen.check.outcome, "first_seen");
  // The record is this member's own last check: unchanged, then changed as usual.
  const DocumentRecord own{TextHash(first), state_.last_success_ms, "m1"};
  EXPECT_EQ(Check(first, own).check.outcome, "unchanged");
  const CheckOutcome changed = Check(second, own);
  EXPECT_EQ(changed.check.outcome, "changed");
  EXPECT_FALSE(Event(changed).contains("diff_unavailable"));
  EXPECT_GT(Event(changed)["lines_added"].get<int>(), 0);
  // A record older than this member's last check (its write failed): the local baseline.
  const DocumentRecord stale{TextHash(first), 1'000, "m2"};
  EXPECT_EQ(Check(second, stale).check.outcome, "unchanged");
  ExpectVerifies();
}

}  // namespace
}  // namespace policyd

// `check --wait` (issue 17 item 4): each waiting client is answered once, with one outcome per
// document, when its checks end or at its deadline.
#include "check_waiters.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace policyd {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const CheckWaiters::TimePoint kStart{seconds(1000)};

CheckRecord Record(const std::string& outcome, const std::string& text_hash,
                   const std::string& reason = "", const std::string& message = "") {
  CheckRecord check;
  check.time_ms = 1'700'000'000'000;
  check.outcome = outcome;
  check.text_hash = text_hash;
  check.reason = reason;
  check.message = message;
  check.http_status = reason.empty() ? 200 : 500;
  return check;
}

class CheckWaitersTest : public ::testing::Test {
 protected:
  // Adds a wait whose answers land in answers_.
  void Wait(std::vector<std::string> docs, seconds timeout) {
    waiters_.Add(std::move(docs), kStart + timeout, {{"scheduled", 1}},
                 [this](nlohmann::json result) { answers_.push_back(std::move(result)); });
  }

  CheckWaiters waiters_;
  std::vector<nlohmann::json> answers_;
};

TEST_F(CheckWaitersTest, AnswersOnceEveryDocumentHasAnOutcomeInTheOrderAsked) {
  Wait({"b/terms", "a/privacy", "c/cookies"}, seconds(60));
  waiters_.Finished("a/privacy", Record("changed", "aa11"), milliseconds(120));
  waiters_.Finished("b/terms", Record("failed", "", "http_5xx", "HTTP 500"), milliseconds(30));
  EXPECT_TRUE(answers_.empty());
  waiters_.Finished("unrelated/doc", Record("changed", "ff"), milliseconds(1));
  EXPECT_TRUE(answers_.empty());
  waiters_.Finished("c/cookies", Record("unchanged", "cc33"), milliseconds(5));
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0], nlohmann::json::parse(R"({
    "scheduled": 1, "complete": true, "outcomes": [
      {"doc": "b/terms", "result": "failed", "reason": "http_5xx", "message": "HTTP 500",
       "http_status": 500, "duration_ms": 30, "time": "2023-11-14T22:13:20.000Z"},
      {"doc": "a/privacy", "result": "changed", "version": "aa11", "text_hash": "aa11",
       "http_status": 200, "duration_ms": 120, "time": "2023-11-14T22:13:20.000Z"},
      {"doc": "c/cookies", "result": "unchanged", "text_hash": "cc33",
       "http_status": 200, "duration_ms": 5, "time": "2023-11-14T22:13:20.000Z"}]})"));
  EXPECT_EQ(waiters_.size(), 0u);
  // A later check of the same documents answers nobody again.
  waiters_.Finished("a/privacy", Record("unchanged", "aa11"), milliseconds(1));
  EXPECT_EQ(answers_.size(), 1u);
}

// A check its host's rest held is a failed record that was never requested: the outcome says
// so, for policyctl's summary to count it apart.
TEST_F(CheckWaitersTest, AnOutcomeSaysWhenTheCheckWasNotRequested) {
  Wait({"a/privacy", "b/terms"}, seconds(60));
  waiters_.Finished("a/privacy", Record("failed", "", "connect", "not requested: rests"),
                    milliseconds(0), /*not_requested=*/true);
  waiters_.Finished("b/terms", Record("failed", "", "connect", "refused"), milliseconds(2),
                    /*not_requested=*/false);
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0]["outcomes"][0]["not_requested"], true);
  EXPECT_FALSE(answers_[0]["outcomes"][1].contains("not_requested"));
}

TEST_F(CheckWaitersTest, TwoWaitsOnOneDocumentShareItsCheck) {
  Wait({"a/privacy"}, seconds(60));
  Wait({"a/privacy", "b/terms"}, seconds(60));
  waiters_.Finished("a/privacy", Record("first_seen", "aa11"), milliseconds(7));
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0]["outcomes"][0]["result"], "first_seen");
  EXPECT_EQ(answers_[0]["outcomes"][0]["version"], "aa11");
  waiters_.Ended("b/terms", CheckWaitEnd::kNotRecorded, "disk full");
  ASSERT_EQ(answers_.size(), 2u);
  EXPECT_EQ(answers_[1]["complete"], true);
  EXPECT_EQ(answers_[1]["outcomes"][0]["result"], "first_seen");
  EXPECT_EQ(
      answers_[1]["outcomes"][1],
      nlohmann::json({{"doc", "b/terms"}, {"result", "not_recorded"}, {"message", "disk full"}}));
}

TEST_F(CheckWaitersTest, DeadlineAnswersWithWhatEndedAndTheRestTimedOut) {
  Wait({"a/privacy", "b/terms"}, seconds(10));
  Wait({"c/cookies"}, seconds(30));
  EXPECT_EQ(waiters_.NextDeadline(), kStart + seconds(10));
  waiters_.Finished("a/privacy", Record("unchanged", "aa11"), milliseconds(3));
  waiters_.ExpireDue(kStart + seconds(9));
  EXPECT_TRUE(answers_.empty());
  waiters_.ExpireDue(kStart + seconds(10));
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0]["complete"], false);
  EXPECT_EQ(answers_[0]["outcomes"][0]["result"], "unchanged");
  EXPECT_EQ(answers_[0]["outcomes"][1],
            nlohmann::json({{"doc", "b/terms"},
                            {"result", "timed_out"},
                            {"message", "the check had not ended when the wait timed out"}}));
  EXPECT_EQ(waiters_.NextDeadline(), kStart + seconds(30));
  // The expired wait no longer listens for b/terms; the other one still waits for c/cookies.
  waiters_.Finished("b/terms", Record("changed", "bb22"), milliseconds(3));
  EXPECT_EQ(answers_.size(), 1u);
  waiters_.Ended("c/cookies", CheckWaitEnd::kAbandoned, "the document is no longer watched");
  ASSERT_EQ(answers_.size(), 2u);
  EXPECT_EQ(answers_[1]["outcomes"][0]["result"], "abandoned");
  EXPECT_EQ(waiters_.NextDeadline(), std::nullopt);
}

TEST_F(CheckWaitersTest, BoundedInWaitsAndMessageSize) {
  Wait({}, seconds(10));  // nothing to wait for: answered at once
  ASSERT_EQ(answers_.size(), 1u);
  EXPECT_EQ(answers_[0]["complete"], true);
  EXPECT_EQ(answers_[0]["outcomes"], nlohmann::json::array());

  for (std::size_t i = 0; i < CheckWaiters::kMaxWaits; ++i) {
    EXPECT_FALSE(waiters_.Full());
    Wait({"a/privacy"}, seconds(10));
  }
  EXPECT_TRUE(waiters_.Full());
  waiters_.Finished("a/privacy", Record("failed", "", "error_page", std::string(10'000, 'x')),
                    milliseconds(1));
  EXPECT_FALSE(waiters_.Full());
  EXPECT_EQ(waiters_.size(), 0u);
  ASSERT_EQ(answers_.size(), 1 + CheckWaiters::kMaxWaits);
  EXPECT_LE(answers_.back()["outcomes"][0]["message"].get<std::string>().size(),
            CheckWaiters::kMaxMessageBytes);
  // Clear drops waits unanswered.
  Wait({"a/privacy"}, seconds(10));
  waiters_.Clear();
  waiters_.Finished("a/privacy", Record("unchanged", "aa11"), milliseconds(1));
  EXPECT_EQ(answers_.size(), 1 + CheckWaiters::kMaxWaits);
}

}  // namespace
}  // namespace policyd

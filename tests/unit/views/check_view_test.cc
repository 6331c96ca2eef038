#include "check_view.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(RenderCheckOutcomes, OneLinePerDocumentAndASummary) {
  const nlohmann::json result = nlohmann::json::parse(R"({
    "scheduled": 3, "joined": 0, "complete": true, "outcomes": [
      {"doc": "acme/privacy-policy", "result": "changed", "version": "9f2c4b1a0d3e77",
       "text_hash": "9f2c4b1a0d3e77", "http_status": 200, "duration_ms": 412},
      {"doc": "hooli/privacy-policy", "result": "failed", "reason": "http_5xx",
       "message": "HTTP status 500", "http_status": 500, "duration_ms": 35},
      {"doc": "initech/privacy-policy", "result": "unchanged", "text_hash": "51ab",
       "http_status": 200, "duration_ms": 192000}]})");
  EXPECT_EQ(RenderCheckOutcomes(result),
            "DOCUMENT                OUTCOME    DETAIL                     DURATION\n"
            "acme/privacy-policy     changed    new version 9f2c4b1a0d3e   412ms\n"
            "hooli/privacy-policy    failed     http_5xx: HTTP status 500  35ms\n"
            "initech/privacy-policy  unchanged  -                          3m 12s\n"
            "3 documents: 1 changed, 1 unchanged, 1 failed\n");
}

// A check its host's rest held was never requested: the table and the summary say so apart
// from failures, as the log's summary and the metrics do (HOSTILE.md).
TEST(RenderCheckOutcomes, ChecksNotRequestedAreCountedApartFromFailures) {
  const nlohmann::json result = nlohmann::json::parse(R"({
    "complete": true, "outcomes": [
      {"doc": "a/terms", "result": "failed", "reason": "connect", "message": "refused",
       "http_status": 0, "duration_ms": 3},
      {"doc": "b/terms", "result": "failed", "reason": "connect", "not_requested": true,
       "message": "not requested: rests", "http_status": 0, "duration_ms": 0},
      {"doc": "c/terms", "result": "failed", "reason": "connect", "not_requested": true,
       "message": "not requested: rests", "http_status": 0, "duration_ms": 0}]})");
  EXPECT_EQ(RenderCheckOutcomes(result),
            "DOCUMENT  OUTCOME        DETAIL                         DURATION\n"
            "a/terms   failed         connect: refused               3ms\n"
            "b/terms   not requested  connect: not requested: rests  0ms\n"
            "c/terms   not requested  connect: not requested: rests  0ms\n"
            "3 documents: 1 failed, 2 not requested (their host held)\n");
}

TEST(RenderCheckOutcomes, ATimedOutWaitSaysTheChecksStillRun) {
  const nlohmann::json result = nlohmann::json::parse(R"({
    "complete": false, "outcomes": [
      {"doc": "a/terms", "result": "timed_out",
       "message": "the check had not ended when the wait timed out"},
      {"doc": "b/terms", "result": "first_seen", "version": "abc", "duration_ms": 5},
      {"doc": "c/terms", "result": "abandoned", "message": "the document is no longer watched"},
      {"doc": "d/terms", "result": "archived"}]})");
  EXPECT_EQ(RenderCheckOutcomes(result),
            "DOCUMENT  OUTCOME     DETAIL                             DURATION\n"
            "a/terms   timed_out   still running                      -\n"
            "b/terms   first_seen  new version abc                    5ms\n"
            "c/terms   abandoned   the document is no longer watched  -\n"
            "d/terms   archived    -                                  -\n"
            "4 documents: 1 first seen, 1 timed out, 1 abandoned, 1 archived\n"
            "timed out before every check ended; those still run (see `policyctl show DOC`)\n");
  EXPECT_EQ(RenderCheckOutcomes({{"complete", true}, {"outcomes", nlohmann::json::array()}}),
            "no documents to check\n");
}

}  // namespace
}  // namespace policyd

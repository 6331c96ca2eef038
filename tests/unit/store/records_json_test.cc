#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policyd/store.h"

namespace policyd {
namespace {

using nlohmann::json;

TEST(RecordsJsonTest, DocStateRoundTrip) {
  DocState state;
  state.last_text_hash = "abc";
  state.etag = "\"etag\"";
  state.last_modified = "Wed, 21 Oct 2015 07:28:00 GMT";
  state.validators_url = "https://example.com/legal/privacy";
  state.next_due_ms = 1700000000123;
  state.last_check_ms = 1700000000001;
  state.last_success_ms = 1700000000002;
  state.last_change_ms = 1700000000003;
  state.consecutive_failures = 4;
  state.failure_reported = true;
  state.last_error = "timeout: no answer";
  state.version_count = 12;
  state.render_choice = RenderChoice::kBrowser;
  state.render_tested_ms = 1700000000004;
  const json j = ToJson(state);
  EXPECT_EQ(j["render_choice"], "browser");
  EXPECT_EQ(j["next_due_ms"], 1700000000123);
  EXPECT_EQ(j["failure_reported"], true);
  const DocState back = DocStateFromJson(json::parse(j.dump()));
  EXPECT_EQ(back.last_text_hash, state.last_text_hash);
  EXPECT_EQ(back.etag, state.etag);
  EXPECT_EQ(back.last_modified, state.last_modified);
  EXPECT_EQ(back.validators_url, state.validators_url);
  EXPECT_EQ(back.next_due_ms, state.next_due_ms);
  EXPECT_EQ(back.last_check_ms, state.last_check_ms);
  EXPECT_EQ(back.last_success_ms, state.last_success_ms);
  EXPECT_EQ(back.last_change_ms, state.last_change_ms);
  EXPECT_EQ(back.consecutive_failures, state.consecutive_failures);
  EXPECT_EQ(back.failure_reported, state.failure_reported);
  EXPECT_EQ(back.last_error, state.last_error);
  EXPECT_EQ(back.version_count, state.version_count);
  EXPECT_EQ(back.render_choice, RenderChoice::kBrowser);
  EXPECT_EQ(back.render_tested_ms, state.render_tested_ms);
}

TEST(RecordsJsonTest, CheckRecordRoundTrip) {
  CheckRecord check;
  check.time_ms = 42;
  check.outcome = "failed";
  check.reason = "http_5xx";
  check.message = "503 Service Unavailable";
  check.http_status = 503;
  check.raw_hash = "r";
  check.text_hash = "t";
  check.duration_ms = 1234;
  const CheckRecord back = CheckRecordFromJson(json::parse(ToJson(check).dump()));
  EXPECT_EQ(back.time_ms, 42);
  EXPECT_EQ(back.outcome, "failed");
  EXPECT_EQ(back.reason, "http_5xx");
  EXPECT_EQ(back.message, "503 Service Unavailable");
  EXPECT_EQ(back.http_status, 503);
  EXPECT_EQ(back.raw_hash, "r");
  EXPECT_EQ(back.text_hash, "t");
  EXPECT_EQ(back.duration_ms, 1234);
}

TEST(RecordsJsonTest, VersionRecordRoundTrip) {
  VersionRecord version;
  version.time_ms = 7;
  version.text_hash = "t";
  version.raw_hash = "r";
  version.http_status = 200;
  version.url = "https://example.com/privacy";
  version.final_url = "https://www.example.com/privacy";
  version.headers = {{"content-type", "text/html"}, {"etag", "W/\"1\""}};
  version.event_seq = 99;
  version.fetcher = FetcherKind::kBrowser;
  version.browser_version = "HeadlessChrome/156.0.8078.114";
  version.lang = "fr";
  const json j = ToJson(version);
  EXPECT_EQ(j["headers"]["content-type"], "text/html");
  EXPECT_EQ(j["fetcher"], "browser");
  const VersionRecord back = VersionRecordFromJson(json::parse(j.dump()));
  EXPECT_EQ(back.time_ms, 7);
  EXPECT_EQ(back.text_hash, "t");
  EXPECT_EQ(back.raw_hash, "r");
  EXPECT_EQ(back.http_status, 200);
  EXPECT_EQ(back.url, version.url);
  EXPECT_EQ(back.final_url, version.final_url);
  EXPECT_EQ(back.headers, version.headers);
  EXPECT_EQ(back.event_seq, 99u);
  EXPECT_EQ(back.fetcher, FetcherKind::kBrowser);
  EXPECT_EQ(back.browser_version, version.browser_version);
  EXPECT_EQ(back.lang, "fr");
}

TEST(RecordsJsonTest, MissingAndMistypedFieldsKeepDefaults) {
  const DocState state = DocStateFromJson(json::parse(
      R"({"etag": "x", "next_due_ms": "soon", "failure_reported": 1, "unknown": [1]})"));
  EXPECT_EQ(state.etag, "x");
  EXPECT_EQ(state.next_due_ms, 0);
  EXPECT_FALSE(state.failure_reported);
  EXPECT_EQ(state.version_count, 0u);

  const VersionRecord version =
      VersionRecordFromJson(json::parse(R"({"headers": {"a": "1", "b": 2}})"));
  EXPECT_EQ(version.headers, (std::map<std::string, std::string>{{"a", "1"}}));
  // Records written before the browser fetcher existed were all plain HTTP captures.
  EXPECT_EQ(version.fetcher, FetcherKind::kHttp);
  EXPECT_EQ(state.render_choice, RenderChoice::kUndecided);

  // Not even an object: all defaults, no exception.
  EXPECT_EQ(CheckRecordFromJson(json::array({1, 2})).outcome, "");
  EXPECT_EQ(CheckRecordFromJson(json()).time_ms, 0);
}

}  // namespace
}  // namespace policyd

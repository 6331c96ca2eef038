// AdoptValidators: which validators the next conditional request carries (RFC 9110 §13.1).
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "policyd/check.h"

namespace policyd {
namespace {

constexpr int64_t kNowMs = 1'445'412'480'000;  // Wed, 21 Oct 2015 07:28:00 GMT
constexpr char kUrl[] = "https://acme.example/privacy";

DocumentSpec Spec(std::string url = kUrl) {
  DocumentSpec spec;
  spec.id = "acme/privacy-policy";
  spec.url = std::move(url);
  return spec;
}

FetchResponse Response(long status, std::string etag, std::string last_modified, std::string date) {
  FetchResponse response;
  response.http_status = status;
  response.url = kUrl;
  response.final_url = kUrl;
  response.etag = std::move(etag);
  response.last_modified = std::move(last_modified);
  if (!date.empty()) response.headers["date"] = std::move(date);
  return response;
}

// The response came from the document's URL itself.
void Adopt(const FetchResponse& response, int64_t now_ms, DocState* state) {
  AdoptValidators(response, Spec(), /*via_interstitial=*/false, now_ms, state);
}

DocState Held(std::string etag, std::string last_modified) {
  DocState state;
  state.etag = std::move(etag);
  state.last_modified = std::move(last_modified);
  return state;
}

TEST(AdoptValidators, ALastModifiedAMinuteBeforeTheDateIsKept) {
  DocState state;
  Adopt(Response(200, "\"v2\"", "Wed, 21 Oct 2015 07:27:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
        kNowMs, &state);
  EXPECT_EQ(state.etag, "\"v2\"");
  EXPECT_EQ(state.last_modified, "Wed, 21 Oct 2015 07:27:00 GMT");
}

TEST(AdoptValidators, ALastModifiedWithinAMinuteOfTheDateIsWeakAndDropped) {
  DocState state = Held("\"v1\"", "Tue, 20 Oct 2015 10:00:00 GMT");
  Adopt(Response(200, "", "Wed, 21 Oct 2015 07:27:01 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"), kNowMs,
        &state);
  EXPECT_EQ(state.etag, "");  // the new version came without one
  EXPECT_EQ(state.last_modified, "");
}

TEST(AdoptValidators, WithoutADateOurClockIsTheServers) {
  DocState state;
  Adopt(Response(200, "", "Wed, 21 Oct 2015 07:27:30 GMT", ""), kNowMs, &state);
  EXPECT_EQ(state.last_modified, "");
  Adopt(Response(200, "", "Wed, 21 Oct 2015 07:26:00 GMT", ""), kNowMs, &state);
  EXPECT_EQ(state.last_modified, "Wed, 21 Oct 2015 07:26:00 GMT");
  // The obsolete forms a server may still send are read too (RFC 9110 §5.6.7).
  Adopt(Response(200, "", "Wednesday, 21-Oct-15 07:20:00 GMT", ""), kNowMs, &state);
  EXPECT_EQ(state.last_modified, "Wednesday, 21-Oct-15 07:20:00 GMT");
}

TEST(AdoptValidators, ALastModifiedThatDoesNotParseIsNotTrusted) {
  DocState state;
  Adopt(Response(200, "", "yesterday", "Wed, 21 Oct 2015 07:28:00 GMT"), kNowMs, &state);
  EXPECT_EQ(state.last_modified, "");
}

// A page reached through a followed redirect stub was fetched apart, without validators.
TEST(AdoptValidators, APageBehindARedirectStubLeavesNoValidators) {
  DocState state = Held("\"v1\"", "Tue, 20 Oct 2015 10:00:00 GMT");
  state.validators_url = "https://acme.example/legal/privacy";
  AdoptValidators(
      Response(200, "\"target\"", "Tue, 20 Oct 2015 11:00:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
      Spec(), /*via_interstitial=*/true, kNowMs, &state);
  EXPECT_EQ(state.etag, "");
  EXPECT_EQ(state.last_modified, "");
  EXPECT_EQ(state.validators_key, 0u);
  EXPECT_EQ(state.validators_url, "");
}

// Through an HTTP redirect, the validators are the final URL's, and say so; from the document's
// URL itself (again), they are its own.
TEST(AdoptValidators, ValidatorsThroughARedirectAreKeptWithTheUrlTheyCameFrom) {
  DocState state;
  FetchResponse redirected =
      Response(200, "\"target\"", "Tue, 20 Oct 2015 11:00:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT");
  redirected.final_url = "https://acme.example/en/legal/privacy";
  redirected.redirects = 2;
  Adopt(redirected, kNowMs, &state);
  EXPECT_EQ(state.etag, "\"target\"");
  EXPECT_EQ(state.last_modified, "Tue, 20 Oct 2015 11:00:00 GMT");
  EXPECT_EQ(state.validators_key, ValidatorsKey(Spec()));
  EXPECT_EQ(state.validators_url, "https://acme.example/en/legal/privacy");
  // A 304 at the same place keeps them there.
  FetchResponse not_modified = redirected;
  not_modified.http_status = 304;
  not_modified.etag.clear();
  Adopt(not_modified, kNowMs, &state);
  EXPECT_EQ(state.etag, "\"target\"");
  EXPECT_EQ(state.validators_url, "https://acme.example/en/legal/privacy");
  // The redirect is gone: the page's own validators replace them.
  Adopt(Response(200, "\"own\"", "", ""), kNowMs, &state);
  EXPECT_EQ(state.etag, "\"own\"");
  EXPECT_EQ(state.validators_url, "");
  // A redirect that comes back to the document's URL (a cookie check) is its own URL too.
  FetchResponse round_trip = Response(200, "\"own2\"", "", "");
  round_trip.redirects = 2;
  Adopt(round_trip, kNowMs, &state);
  EXPECT_EQ(state.validators_url, "");
}

// Kept validators say which URL and settings they were taken under, so that they are never
// sent after either changed.
TEST(AdoptValidators, KeptValidatorsAreKeyedByTheirUrlAndSettings) {
  DocState state;
  Adopt(Response(200, "\"v2\"", "", ""), kNowMs, &state);
  EXPECT_EQ(state.validators_key, ValidatorsKey(Spec()));
  EXPECT_NE(ValidatorsKey(Spec()), ValidatorsKey(Spec("https://acme.example/legal/privacy")));
  EXPECT_NE(ValidatorsKey(Spec("")), 0u);
  std::vector<DocumentSpec> edited(7, Spec());
  edited[0].select = {"main"};
  edited[1].remove = {"nav"};
  edited[2].select_ranges = {{.start_before = "#a", .end_before = "#b"}};
  edited[3].remove_ranges = {{.start_before = "#a", .end_before = "#b"}};
  edited[4].ignore_lines = {"^Updated"};
  edited[5].include_link_urls = true;
  edited[6].select_ranges = {{.start_after = "#a", .end_before = "#b"}};
  std::set<uint64_t> keys = {ValidatorsKey(Spec())};
  for (const DocumentSpec& spec : edited) keys.insert(ValidatorsKey(spec));
  EXPECT_EQ(keys.size(), 8u);
  // What the text is not made from does not change the key.
  DocumentSpec renamed = Spec();
  renamed.platform = "Acme Inc.";
  renamed.interval = std::chrono::hours(1);
  EXPECT_EQ(ValidatorsKey(renamed), ValidatorsKey(Spec()));
}

TEST(AdoptValidators, ANotModifiedRefreshesWhatItCarriesAndKeepsTheRest) {
  DocState state = Held("\"v1\"", "Tue, 20 Oct 2015 10:00:00 GMT");
  Adopt(Response(304, "", "", "Wed, 21 Oct 2015 07:28:00 GMT"), kNowMs, &state);
  EXPECT_EQ(state.etag, "\"v1\"");
  EXPECT_EQ(state.last_modified, "Tue, 20 Oct 2015 10:00:00 GMT");
  Adopt(Response(304, "\"v1b\"", "Tue, 20 Oct 2015 11:00:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
        kNowMs, &state);
  EXPECT_EQ(state.etag, "\"v1b\"");
  EXPECT_EQ(state.last_modified, "Tue, 20 Oct 2015 11:00:00 GMT");
}

}  // namespace
}  // namespace policyd

namespace policyd {
namespace {

constexpr int64_t kDayMs = 24 * 3600 * 1000;

// Daily checks for four weeks, each one a success: which of them go out without validators.
std::vector<int> WholeFetchDays(const std::string& doc_id, std::chrono::milliseconds period) {
  DocumentSpec spec = Spec();
  spec.id = doc_id;
  DocState state;
  state.etag = "\"v1\"";
  state.validators_key = ValidatorsKey(Spec());
  state.last_success_ms = kNowMs;
  std::vector<int> days;
  for (int day = 1; day <= 28; ++day) {
    const int64_t now_ms = kNowMs + day * kDayMs;
    if (!MaySendValidators(state, spec, period, now_ms)) days.push_back(day);
    state.last_success_ms = now_ms;
  }
  return days;
}

TEST(MaySendValidators, OneWholeFetchInEachPeriod) {
  const std::vector<int> days = WholeFetchDays("acme/privacy-policy", std::chrono::days(7));
  ASSERT_EQ(days.size(), 4u);
  for (std::size_t i = 1; i < days.size(); ++i) EXPECT_EQ(days[i] - days[i - 1], 7);
}

TEST(MaySendValidators, DocumentsFetchWholeOnDifferentDays) {
  std::set<int> first_days;
  for (const char* doc : {"acme/privacy-policy", "acme/terms-of-service", "hooli/privacy-policy",
                          "initech/privacy-policy", "globex/cookie-policy"}) {
    first_days.insert(WholeFetchDays(doc, std::chrono::days(7)).front());
  }
  EXPECT_GT(first_days.size(), 1u);
}

TEST(MaySendValidators, NeverWithoutASuccessOrWhenTheIntervalIsZero) {
  DocState state;
  state.etag = "\"v1\"";
  state.validators_key = ValidatorsKey(Spec());
  EXPECT_FALSE(MaySendValidators(state, Spec(), std::chrono::days(7), kNowMs));
  state.last_success_ms = kNowMs - 1000;
  EXPECT_FALSE(MaySendValidators(state, Spec(), std::chrono::milliseconds(0), kNowMs));
  // A success in the future (a clock set back) is another window: the fetch is whole.
  state.last_success_ms = kNowMs + 30 * kDayMs;
  EXPECT_FALSE(MaySendValidators(state, Spec(), std::chrono::days(7), kNowMs));
}

// Validators go only with the spec they were taken under: not to a URL edited since (by a
// reload, while the daemon was stopped, or while the check was in flight), nor after an edit
// of the extraction settings, nor, when that spec is not known (a state stored before
// validators were keyed), at all.
TEST(MaySendValidators, OnlyWithTheSpecTheyWereTakenUnder) {
  DocState state;
  state.etag = "\"v1\"";
  state.last_success_ms = kNowMs - 1000;
  const std::chrono::days week(7);
  EXPECT_FALSE(MaySendValidators(state, Spec(), week, kNowMs));
  state.validators_key = ValidatorsKey(Spec());
  EXPECT_TRUE(MaySendValidators(state, Spec(), week, kNowMs));
  EXPECT_FALSE(MaySendValidators(state, Spec("https://acme.example/legal/privacy"), week, kNowMs));
  DocumentSpec reselected = Spec();
  reselected.select = {"#privacy"};
  EXPECT_FALSE(MaySendValidators(state, reselected, week, kNowMs));
  // With none kept (the server sent neither), there is nothing to send.
  state.etag.clear();
  EXPECT_FALSE(MaySendValidators(state, Spec(), week, kNowMs));
}

}  // namespace
}  // namespace policyd

// AdoptValidators: which validators the next conditional request carries (RFC 9110 §13.1).
#include <gtest/gtest.h>

#include "policyd/check.h"

namespace policyd {
namespace {

constexpr int64_t kNowMs = 1'445'412'480'000;  // Wed, 21 Oct 2015 07:28:00 GMT

FetchResponse Response(long status, std::string etag, std::string last_modified, std::string date) {
  FetchResponse response;
  response.http_status = status;
  response.etag = std::move(etag);
  response.last_modified = std::move(last_modified);
  if (!date.empty()) response.headers["date"] = std::move(date);
  return response;
}

DocState Held(std::string etag, std::string last_modified) {
  DocState state;
  state.etag = std::move(etag);
  state.last_modified = std::move(last_modified);
  return state;
}

TEST(AdoptValidators, ALastModifiedAMinuteBeforeTheDateIsKept) {
  DocState state;
  AdoptValidators(
      Response(200, "\"v2\"", "Wed, 21 Oct 2015 07:27:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
      kNowMs, &state);
  EXPECT_EQ(state.etag, "\"v2\"");
  EXPECT_EQ(state.last_modified, "Wed, 21 Oct 2015 07:27:00 GMT");
}

TEST(AdoptValidators, ALastModifiedWithinAMinuteOfTheDateIsWeakAndDropped) {
  DocState state = Held("\"v1\"", "Tue, 20 Oct 2015 10:00:00 GMT");
  AdoptValidators(
      Response(200, "", "Wed, 21 Oct 2015 07:27:01 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"), kNowMs,
      &state);
  EXPECT_EQ(state.etag, "");  // the new version came without one
  EXPECT_EQ(state.last_modified, "");
}

TEST(AdoptValidators, WithoutADateOurClockIsTheServers) {
  DocState state;
  AdoptValidators(Response(200, "", "Wed, 21 Oct 2015 07:27:30 GMT", ""), kNowMs, &state);
  EXPECT_EQ(state.last_modified, "");
  AdoptValidators(Response(200, "", "Wed, 21 Oct 2015 07:26:00 GMT", ""), kNowMs, &state);
  EXPECT_EQ(state.last_modified, "Wed, 21 Oct 2015 07:26:00 GMT");
  // The obsolete forms a server may still send are read too (RFC 9110 §5.6.7).
  AdoptValidators(Response(200, "", "Wednesday, 21-Oct-15 07:20:00 GMT", ""), kNowMs, &state);
  EXPECT_EQ(state.last_modified, "Wednesday, 21-Oct-15 07:20:00 GMT");
}

TEST(AdoptValidators, ALastModifiedThatDoesNotParseIsNotTrusted) {
  DocState state;
  AdoptValidators(Response(200, "", "yesterday", "Wed, 21 Oct 2015 07:28:00 GMT"), kNowMs, &state);
  EXPECT_EQ(state.last_modified, "");
}

TEST(AdoptValidators, ANotModifiedRefreshesWhatItCarriesAndKeepsTheRest) {
  DocState state = Held("\"v1\"", "Tue, 20 Oct 2015 10:00:00 GMT");
  AdoptValidators(Response(304, "", "", "Wed, 21 Oct 2015 07:28:00 GMT"), kNowMs, &state);
  EXPECT_EQ(state.etag, "\"v1\"");
  EXPECT_EQ(state.last_modified, "Tue, 20 Oct 2015 10:00:00 GMT");
  AdoptValidators(
      Response(304, "\"v1b\"", "Tue, 20 Oct 2015 11:00:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
      kNowMs, &state);
  EXPECT_EQ(state.etag, "\"v1b\"");
  EXPECT_EQ(state.last_modified, "Tue, 20 Oct 2015 11:00:00 GMT");
}

}  // namespace
}  // namespace policyd

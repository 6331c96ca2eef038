// The Fetcher follows page redirects itself, one hop at a time, each hop admitted like a new
// request: robots.txt of the hop's origin, the hop's host queue and crawl-delay, no validators.
// Loopback servers only: 127.0.0.1 plays the first host, 127.0.0.2 the redirect target and
// 127.0.0.3 another first host.
#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include "fetcher_loop_test.h"
#include "policyd/fetcher.h"
#include "support/http_test_server.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;
using testing::HttpTestServer;
using testing::RecordedRequest;
using testing::TestResponse;
using Clock = std::chrono::steady_clock;

TestResponse Text(std::string body) {
  return TestResponse{.headers = {{"Content-Type", "text/plain"}}, .body = std::move(body)};
}

TestResponse Redirect(int status, std::string location) {
  return TestResponse{.status = status, .headers = {{"Location", std::move(location)}}};
}

// Arrival times of `server`'s requests for `path`.
std::vector<Clock::time_point> Arrivals(const HttpTestServer& server, const std::string& path) {
  std::vector<Clock::time_point> arrivals;
  for (const RecordedRequest& request : server.RequestsFor(path)) {
    arrivals.push_back(request.arrival);
  }
  return arrivals;
}

class FetcherRedirectTest : public FetcherLoopTest {
 protected:
  static FetcherOptions Options() {
    FetcherOptions options;
    options.allow_private_addresses = true;
    options.per_host_delay = milliseconds(0);
    options.per_host_concurrency = 4;
    options.connect_timeout = milliseconds(3000);
    options.total_timeout = milliseconds(5000);
    options.low_speed_time = milliseconds(5000);
    options.user_agent = "policyd/0.1 (test)";
    options.respect_robots = true;
    return options;
  }

  FetchResponse FetchOne(const FetcherOptions& options, FetchRequest request) {
    Fetcher fetcher(io_, options);
    return FetchAll(fetcher, {std::move(request)})[0];
  }

  HttpTestServer first_{"127.0.0.1"};
  HttpTestServer target_{"127.0.0.2"};
};

// The watched URL's own 301 or 308 is a move for good, which the daemon tells the operator
// of: the response names it. A temporary redirect (302, 307) or a move further down the chain
// is not the watched URL's.
TEST_F(FetcherRedirectTest, AFirstRequestAnsweredMovedPermanentlyIsNamed) {
  first_.Set("/robots.txt", Text("User-agent: *\nAllow: /\n"));
  first_.Set("/old", Redirect(301, "/new"));
  first_.Set("/old-308", Redirect(308, "/new"));
  first_.Set("/temporary", Redirect(302, "/old"));
  first_.Set("/new", Text("policy"));
  const FetchResponse moved = FetchOne(Options(), {.url = first_.Url("/old")});
  EXPECT_EQ(moved.body, "policy");
  EXPECT_EQ(moved.moved_permanently_status, 301);
  EXPECT_EQ(moved.moved_permanently_to, first_.Url("/new"));
  EXPECT_EQ(FetchOne(Options(), {.url = first_.Url("/old-308")}).moved_permanently_status, 308);
  const FetchResponse temporary = FetchOne(Options(), {.url = first_.Url("/temporary")});
  EXPECT_EQ(temporary.body, "policy");
  EXPECT_EQ(temporary.moved_permanently_status, 0);  // the 301 came second
  EXPECT_EQ(temporary.moved_permanently_to, "");
  EXPECT_EQ(FetchOne(Options(), {.url = first_.Url("/new")}).moved_permanently_to, "");
}

TEST_F(FetcherRedirectTest, ASameHostRedirectIntoADisallowedPathIsRefused) {
  first_.Set("/robots.txt", Text("User-agent: *\nDisallow: /secret/\n"));
  first_.Set("/privacy", Redirect(301, "/secret/privacy"));
  first_.Set("/secret/privacy", Text("secret"));
  const FetchResponse response = FetchOne(Options(), {.url = first_.Url("/privacy")});
  EXPECT_EQ(response.error, FetchError::kRobotsDisallowed) << response.error_message;
  EXPECT_NE(response.error_message.find("/secret/privacy"), std::string::npos)
      << response.error_message;
  EXPECT_EQ(response.url, first_.Url("/privacy"));
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(first_.RequestCount("/secret/privacy"), 0u);
  EXPECT_EQ(first_.RequestCount("/robots.txt"), 1u);  // cached for the hop
}

TEST_F(FetcherRedirectTest, ACrossHostRedirectObeysTheTargetsRobotsTxt) {
  first_.Set("/robots.txt", Text("User-agent: *\nAllow: /\n"));
  first_.Set("/privacy", Redirect(302, target_.Url("/privacy")));
  target_.Set("/robots.txt", Text("User-agent: *\nDisallow: /\nCrawl-delay: 20\n"));
  target_.Set("/privacy", Text("elsewhere"));
  const FetchResponse response = FetchOne(Options(), {.url = first_.Url("/privacy")});
  EXPECT_EQ(response.error, FetchError::kRobotsDisallowed) << response.error_message;
  EXPECT_EQ(response.url, first_.Url("/privacy"));
  EXPECT_EQ(target_.RequestCount("/robots.txt"), 1u);
  EXPECT_EQ(target_.RequestCount("/privacy"), 0u);
}

TEST_F(FetcherRedirectTest, ACrossHostRedirectToAnAllowedPageIsFetched) {
  first_.Set("/robots.txt", Text("User-agent: *\nAllow: /\n"));
  first_.Set("/privacy", TestResponse{.status = 301,
                                      .headers = {{"Location", target_.Url("/legal/privacy")},
                                                  {"ETag", "\"redirect\""}},
                                      .body = "moved"});
  target_.Set("/robots.txt", Text("User-agent: *\nDisallow: /admin\n"));
  target_.Set("/legal/privacy", Text("the policy"));
  const FetchResponse response = FetchOne(Options(), {.url = first_.Url("/privacy")});
  EXPECT_EQ(response.error, FetchError::kNone) << response.error_message;
  EXPECT_EQ(response.http_status, 200);
  EXPECT_EQ(response.body, "the policy");
  EXPECT_EQ(response.url, first_.Url("/privacy"));
  EXPECT_EQ(response.final_url, target_.Url("/legal/privacy"));
  EXPECT_EQ(response.redirects, 1);
  EXPECT_EQ(response.etag, "");  // the redirect's, not the page's
  EXPECT_EQ(response.headers.count("location"), 0u);
  EXPECT_EQ(response.content_type, "text/plain");
  EXPECT_EQ(target_.RequestCount("/robots.txt"), 1u);
  EXPECT_EQ(target_.RequestCount("/legal/privacy"), 1u);
}

// A relative Location is resolved against the hop's URL, every followed status is a GET, and
// 300 (a choice, not a redirect) is a final response.
TEST_F(FetcherRedirectTest, FollowsTheRedirectStatusesOnly) {
  FetcherOptions options = Options();
  options.respect_robots = false;
  first_.Set("/dir/page", Text("final"));
  for (const int status : {301, 302, 303, 307, 308}) {
    first_.Set("/dir/from", Redirect(status, "page"));
    const FetchResponse response = FetchOne(options, {.url = first_.Url("/dir/from")});
    EXPECT_EQ(response.error, FetchError::kNone) << status << ": " << response.error_message;
    EXPECT_EQ(response.http_status, 200) << status;
    EXPECT_EQ(response.final_url, first_.Url("/dir/page")) << status;
  }
  for (const RecordedRequest& request : first_.Requests()) EXPECT_EQ(request.method, "GET");
  // Spaces and non-ASCII bytes in a Location are percent-encoded, as curl did when following.
  first_.Set("/dir/a%20b/%c3%bc", Text("encoded"));  // the server routes the raw target
  first_.Set("/dir/raw", Redirect(302, "a b/\xC3\xBC"));
  const FetchResponse encoded = FetchOne(options, {.url = first_.Url("/dir/raw")});
  EXPECT_EQ(encoded.error, FetchError::kNone) << encoded.error_message;
  EXPECT_EQ(encoded.body, "encoded");
  EXPECT_EQ(encoded.final_url, first_.Url("/dir/a%20b/%c3%bc"));
  first_.Set("/choices", Redirect(300, "/dir/page"));
  const FetchResponse choices = FetchOne(options, {.url = first_.Url("/choices")});
  EXPECT_EQ(choices.error, FetchError::kNone) << choices.error_message;
  EXPECT_EQ(choices.http_status, 300);
  EXPECT_EQ(choices.headers.at("location"), "/dir/page");
  EXPECT_EQ(choices.final_url, first_.Url("/choices"));
}

// A hop to an internationalised host goes by its A-label, like a request (.localhost names
// resolve to loopback in curl itself).
TEST_F(FetcherRedirectTest, AHopToAnInternationalisedHostUsesItsALabel) {
  const std::string port = std::to_string(first_.port());
  first_.Set("/from", Redirect(302,
                               "http://b\xC3\xBC"
                               "cher.localhost:" +
                                   port + "/agb"));
  first_.Set("/agb", Text("AGB"));
  FetcherOptions options = Options();
  options.respect_robots = false;
  const FetchResponse response = FetchOne(options, {.url = first_.Url("/from")});
  EXPECT_EQ(response.error, FetchError::kNone) << response.error_message;
  EXPECT_EQ(response.body, "AGB");
  EXPECT_EQ(response.final_url, "http://xn--bcher-kva.localhost:" + port + "/agb");
}

TEST_F(FetcherRedirectTest, FetchesRedirectedToOneHostNeverOverlapThere) {
  HttpTestServer other_first("127.0.0.3");
  first_.Set("/privacy", Redirect(302, target_.Url("/a")));
  other_first.Set("/privacy", Redirect(302, target_.Url("/b")));
  target_.Set("/a", TestResponse{.body = "a", .delay = milliseconds(300)});
  target_.Set("/b", TestResponse{.body = "b", .delay = milliseconds(300)});
  FetcherOptions options = Options();
  options.respect_robots = false;
  options.per_host_concurrency = 1;
  Fetcher fetcher(io_, options);
  const std::vector<FetchResponse> responses =
      FetchAll(fetcher, {{.url = first_.Url("/privacy")}, {.url = other_first.Url("/privacy")}});
  EXPECT_EQ(responses[0].error, FetchError::kNone) << responses[0].error_message;
  EXPECT_EQ(responses[0].body, "a");
  EXPECT_EQ(responses[1].error, FetchError::kNone) << responses[1].error_message;
  EXPECT_EQ(responses[1].body, "b");
  EXPECT_EQ(target_.TotalRequests(), 2u);
  EXPECT_EQ(target_.MaxConcurrent(), 1u);
}

TEST_F(FetcherRedirectTest, ARedirectTargetWaitsOutItsHostsCrawlDelay) {
  HttpTestServer other_first("127.0.0.3");
  first_.Set("/robots.txt", Text(""));
  other_first.Set("/robots.txt", Text(""));
  first_.Set("/privacy", Redirect(302, target_.Url("/a")));
  other_first.Set("/privacy", Redirect(302, target_.Url("/b")));
  target_.Set("/robots.txt", Text("User-agent: *\nCrawl-delay: 20\n"));
  target_.Set("/a", Text("a"));
  target_.Set("/b", Text("b"));
  FetcherOptions options = Options();
  options.max_crawl_delay = milliseconds(400);  // caps the 20 s
  Fetcher fetcher(io_, options);
  const std::vector<FetchResponse> responses =
      FetchAll(fetcher, {{.url = first_.Url("/privacy")}, {.url = other_first.Url("/privacy")}});
  EXPECT_EQ(responses[0].error, FetchError::kNone) << responses[0].error_message;
  EXPECT_EQ(responses[1].error, FetchError::kNone) << responses[1].error_message;
  EXPECT_EQ(target_.RequestCount("/robots.txt"), 1u);
  std::vector<Clock::time_point> pages = Arrivals(target_, "/a");
  const std::vector<Clock::time_point> b = Arrivals(target_, "/b");
  pages.insert(pages.end(), b.begin(), b.end());
  ASSERT_EQ(pages.size(), 2u);
  std::sort(pages.begin(), pages.end());
  // 400 ms apart on the client's side; the server stamps arrivals with some jitter.
  EXPECT_GE(pages[1] - pages[0], milliseconds(300));
}

// A redirect's body is read and dropped: the connection serves the next hop, and a body beyond
// max_body_bytes does not fail the fetch.
TEST_F(FetcherRedirectTest, RedirectBodiesAreDroppedAndTheConnectionReused) {
  first_.Set("/moved", TestResponse{.status = 301,
                                    .headers = {{"Location", "/here"}},
                                    .body = "<a href=/here>moved</a>"});
  first_.Set("/huge", TestResponse{.status = 302,
                                   .headers = {{"Location", "/here"}},
                                   .body = std::string(5000, 'm'),
                                   .chunked = true});
  first_.Set("/here", Text("here"));
  FetcherOptions options = Options();
  options.respect_robots = false;
  options.max_body_bytes = 1000;
  Fetcher fetcher(io_, options);
  const std::vector<FetchResponse> moved = FetchAll(fetcher, {{.url = first_.Url("/moved")}});
  EXPECT_EQ(moved[0].error, FetchError::kNone) << moved[0].error_message;
  EXPECT_EQ(moved[0].body, "here");
  EXPECT_EQ(first_.Connections(), 1u);
  const std::vector<FetchResponse> huge = FetchAll(fetcher, {{.url = first_.Url("/huge")}});
  EXPECT_EQ(huge[0].error, FetchError::kNone) << huge[0].error_message;
  EXPECT_EQ(huge[0].body, "here");
}

// The validators describe the first URL's resource: sent to the target, a 304 there would
// hide a changed page.
TEST_F(FetcherRedirectTest, ValidatorsAreNotSentToTheRedirectTarget) {
  first_.Set("/old", Redirect(301, "/new"));
  first_.SetHandler("/new", [](const RecordedRequest& request) {
    if (request.headers.contains("if-none-match") ||
        request.headers.contains("if-modified-since")) {
      return TestResponse{.status = 304};
    }
    return Text("changed");
  });
  FetcherOptions options = Options();
  options.respect_robots = false;
  const FetchResponse response =
      FetchOne(options, {.url = first_.Url("/old"),
                         .if_none_match = "\"v1\"",
                         .if_modified_since = "Tue, 01 Oct 2024 10:00:00 GMT"});
  EXPECT_EQ(response.error, FetchError::kNone) << response.error_message;
  EXPECT_EQ(response.http_status, 200);
  EXPECT_EQ(response.body, "changed");
  const std::vector<RecordedRequest> old_requests = first_.RequestsFor("/old");
  ASSERT_EQ(old_requests.size(), 1u);
  EXPECT_EQ(old_requests[0].headers.at("if-none-match"), "\"v1\"");
  const std::vector<RecordedRequest> new_requests = first_.RequestsFor("/new");
  ASSERT_EQ(new_requests.size(), 1u);
  EXPECT_EQ(new_requests[0].headers.count("if-none-match"), 0u);
  EXPECT_EQ(new_requests[0].headers.count("if-modified-since"), 0u);
}

// Credentials a redirect's Location carries (http://user:pass@host/) are neither sent nor
// kept: the final URL went into the store, events and logs with them, which the config
// refuses for a target's own URL for that reason.
TEST_F(FetcherRedirectTest, CredentialsInARedirectTargetAreDropped) {
  std::string target = first_.Url("/ok");
  target.insert(target.find("//") + 2, "user:secret@");
  first_.Set("/old", Redirect(302, target));
  first_.Set("/ok", Text("the policy"));
  FetcherOptions options = Options();
  options.respect_robots = false;
  const FetchResponse response = FetchOne(options, {.url = first_.Url("/old")});
  EXPECT_EQ(response.error, FetchError::kNone) << response.error_message;
  EXPECT_EQ(response.final_url, first_.Url("/ok"));
  const std::vector<RecordedRequest> requests = first_.RequestsFor("/ok");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.count("authorization"), 0u);
}

// Each hop waits out its host's delay like a new request; the chain still ends after
// max_redirects hops, before the next one is requested.
TEST_F(FetcherRedirectTest, MoreThanMaxRedirectsHopsFailWithEachHopQueued) {
  first_.Set("/r0", Redirect(302, "/r1"));
  first_.Set("/r1", Redirect(302, "/r2"));
  first_.Set("/r2", Redirect(302, "/r3"));
  first_.Set("/r3", Text("end"));
  FetcherOptions options = Options();
  options.respect_robots = false;
  options.per_host_delay = milliseconds(150);
  options.max_redirects = 2;
  const FetchResponse response = FetchOne(options, {.url = first_.Url("/r0")});
  EXPECT_EQ(response.error, FetchError::kTooManyRedirects) << response.error_message;
  EXPECT_NE(response.error_message.find("more than 2 redirects"), std::string::npos)
      << response.error_message;
  EXPECT_EQ(response.url, first_.Url("/r0"));
  EXPECT_EQ(response.final_url, first_.Url("/r2"));
  EXPECT_EQ(response.http_status, 302);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(first_.RequestCount("/r3"), 0u);
  const std::vector<RecordedRequest> seen = first_.Requests();
  ASSERT_EQ(seen.size(), 3u);
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_GE(seen[i].arrival - seen[i - 1].arrival, milliseconds(100)) << i;
  }

  options.max_redirects = 3;  // exactly enough
  const FetchResponse enough = FetchOne(options, {.url = first_.Url("/r0")});
  EXPECT_EQ(enough.error, FetchError::kNone) << enough.error_message;
  EXPECT_EQ(enough.body, "end");
}

// total_timeout bounds the transfers of the whole chain, not each hop.
TEST_F(FetcherRedirectTest, TheChainSharesOneTotalTimeout) {
  first_.Set(
      "/slow1",
      TestResponse{.status = 302, .headers = {{"Location", "/slow2"}}, .delay = milliseconds(350)});
  first_.Set("/slow2", TestResponse{.body = "late", .delay = milliseconds(350)});
  FetcherOptions options = Options();
  options.respect_robots = false;
  options.total_timeout = milliseconds(500);
  const FetchResponse response = FetchOne(options, {.url = first_.Url("/slow1")});
  EXPECT_EQ(response.error, FetchError::kTimeout) << response.error_message;
  EXPECT_EQ(response.url, first_.Url("/slow1"));
  // curl's message times the last hop only ("... after 150 milliseconds ..."): the message
  // says it was the chain's limit, from where, and how long the whole chain took.
  EXPECT_EQ(
      response.error_message.rfind("after 1 redirect(s) from " + first_.Url("/slow1") + ", ", 0),
      0u)
      << response.error_message;
  EXPECT_NE(response.error_message.find(" ms in all (total_timeout 500 ms): "), std::string::npos)
      << response.error_message;
}

// The fetch's time is its whole chain's: a check record's duration and the fetch-duration
// metric of a redirected page count every hop, not the last one only.
TEST_F(FetcherRedirectTest, ElapsedCountsEveryHop) {
  first_.Set(
      "/slow1",
      TestResponse{.status = 302, .headers = {{"Location", "/slow2"}}, .delay = milliseconds(300)});
  first_.Set("/slow2", TestResponse{.body = "late", .delay = milliseconds(300)});
  FetcherOptions options = Options();
  options.respect_robots = false;
  const FetchResponse response = FetchOne(options, {.url = first_.Url("/slow1")});
  EXPECT_EQ(response.error, FetchError::kNone) << response.error_message;
  EXPECT_EQ(response.body, "late");
  EXPECT_GE(response.elapsed, milliseconds(600));
}

TEST_F(FetcherRedirectTest, RedirectsToOtherSchemesOrPrivateAddressesAreRefused) {
  HttpTestServer internal("127.0.0.3");
  internal.Set("/robots.txt", Text(""));
  internal.Set("/admin", Text("internal secret"));
  first_.Set("/robots.txt", Text(""));
  first_.Set("/file", Redirect(302, "file:///etc/passwd"));
  first_.Set("/jump", Redirect(302, internal.Url("/admin")));
  FetcherOptions options = Options();
  options.allow_private_addresses = false;
  options.allowed_addresses = {"127.0.0.1"};
  const FetchResponse file = FetchOne(options, {.url = first_.Url("/file")});
  EXPECT_EQ(file.error, FetchError::kBadUrl) << file.error_message;
  EXPECT_NE(file.error_message.find("file:///etc/passwd"), std::string::npos) << file.error_message;
  const FetchResponse jumped = FetchOne(options, {.url = first_.Url("/jump")});
  EXPECT_EQ(jumped.error, FetchError::kBlockedAddress) << jumped.error_message;
  EXPECT_EQ(internal.TotalRequests(), 0u);  // neither robots.txt nor the page
}

// Cancel(id) of the caller's id reaches the fetch in whichever hop it is.
TEST_F(FetcherRedirectTest, CancelStopsAHopWaitingInItsHostsQueue) {
  target_.Set("/hang", TestResponse{.hang = true});
  target_.Set("/second", Text("second"));
  first_.Set("/first", Redirect(302, target_.Url("/second")));
  FetcherOptions options = Options();
  options.respect_robots = false;
  options.per_host_concurrency = 1;
  Fetcher fetcher(io_, options);
  int calls = 0;
  FetchResponse got;
  const Fetcher::FetchId blocker = fetcher.Fetch({.url = target_.Url("/hang")}, [](auto) {});
  const Fetcher::FetchId id = fetcher.Fetch({.url = first_.Url("/first")}, [&](FetchResponse r) {
    ++calls;
    got = std::move(r);
  });
  // The redirect arrived and its hop waits behind /hang at the target.
  ASSERT_TRUE(RunUntil([&] {
    return first_.RequestCount("/first") == 1 && fetcher.Running() == 1 && fetcher.Queued() == 1;
  }));
  EXPECT_TRUE(fetcher.Cancel(id));
  EXPECT_EQ(fetcher.Queued(), 0u);
  ASSERT_TRUE(RunUntil([&] { return calls == 1; }));
  EXPECT_EQ(got.error, FetchError::kAborted);
  EXPECT_EQ(got.error_message, "cancelled");
  EXPECT_EQ(got.url, first_.Url("/first"));
  EXPECT_TRUE(fetcher.Cancel(blocker));
  ASSERT_TRUE(RunUntil([&] { return fetcher.Running() == 0; }));
  io_.run_for(milliseconds(100));
  EXPECT_EQ(target_.RequestCount("/second"), 0u);
  EXPECT_EQ(calls, 1);
  EXPECT_FALSE(fetcher.Cancel(id));
}

TEST_F(FetcherRedirectTest, CancelStopsAHopParkedBehindItsRobotsTxt) {
  first_.Set("/robots.txt", Text(""));
  first_.Set("/first", Redirect(302, target_.Url("/second")));
  target_.Set("/robots.txt", TestResponse{.body = "", .delay = milliseconds(300)});
  target_.Set("/second", Text("second"));
  Fetcher fetcher(io_, Options());
  int calls = 0;
  FetchResponse got;
  const Fetcher::FetchId id = fetcher.Fetch({.url = first_.Url("/first")}, [&](FetchResponse r) {
    ++calls;
    got = std::move(r);
  });
  ASSERT_TRUE(RunUntil([&] { return target_.RequestCount("/robots.txt") == 1; }));
  EXPECT_TRUE(fetcher.Cancel(id));
  ASSERT_TRUE(RunUntil([&] { return calls == 1; }));
  EXPECT_EQ(got.error, FetchError::kAborted);
  ASSERT_TRUE(RunUntil([&] { return fetcher.Running() == 0 && fetcher.Queued() == 0; }));
  io_.run_for(milliseconds(100));
  EXPECT_EQ(target_.RequestCount("/second"), 0u);
  EXPECT_EQ(calls, 1);
}

TEST_F(FetcherRedirectTest, CancelStopsARunningHop) {
  first_.Set("/first", Redirect(302, target_.Url("/second")));
  target_.Set("/second", TestResponse{.hang = true});
  FetcherOptions options = Options();
  options.respect_robots = false;
  Fetcher fetcher(io_, options);
  int calls = 0;
  FetchResponse got;
  const Fetcher::FetchId id = fetcher.Fetch({.url = first_.Url("/first")}, [&](FetchResponse r) {
    ++calls;
    got = std::move(r);
  });
  ASSERT_TRUE(RunUntil([&] { return target_.RequestCount("/second") == 1; }));
  EXPECT_EQ(fetcher.Running(), 1u);
  EXPECT_TRUE(fetcher.Cancel(id));
  EXPECT_EQ(fetcher.Running(), 0u);
  ASSERT_TRUE(RunUntil([&] { return calls == 1; }, milliseconds(1000)));  // not the timeout
  EXPECT_EQ(got.error, FetchError::kAborted);
  EXPECT_EQ(got.error_message, "cancelled");
  io_.run_for(milliseconds(50));
  EXPECT_EQ(calls, 1);
}

// A cookie check (a common bot-manager and consent pattern): the page answers a request
// without its cookie with Set-Cookie and a redirect to itself. The chain carries the cookies
// its hops set, so the page is reached; a hop to another host does not receive them; and the
// next fetch starts with none (nothing is kept between fetches).
TEST_F(FetcherRedirectTest, CookiesSetOnAHopAreSentOnTheChainsLaterHopsToTheirHost) {
  first_.SetHandler("/privacy", [this](const RecordedRequest& request) {
    const auto cookie = request.headers.find("cookie");
    if (cookie == request.headers.end() || cookie->second != "cookie_check=1") {
      return TestResponse{
          .status = 302,
          .headers = {{"Set-Cookie", "cookie_check=1; Path=/"}, {"Location", "/privacy"}}};
    }
    return TestResponse{.status = 302, .headers = {{"Location", target_.Url("/legal")}}};
  });
  target_.Set("/legal", Text("the policy"));
  FetcherOptions options = Options();
  options.respect_robots = false;
  Fetcher fetcher(io_, options);
  const std::vector<FetchResponse> responses = FetchAll(fetcher, {{.url = first_.Url("/privacy")}});
  ASSERT_EQ(responses[0].error, FetchError::kNone) << responses[0].error_message;
  EXPECT_EQ(responses[0].body, "the policy");
  EXPECT_EQ(responses[0].redirects, 2);
  const std::vector<RecordedRequest> checks = first_.RequestsFor("/privacy");
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].headers.count("cookie"), 0u);
  EXPECT_EQ(checks[1].headers.at("cookie"), "cookie_check=1");
  const std::vector<RecordedRequest> legal = target_.RequestsFor("/legal");
  ASSERT_EQ(legal.size(), 1u);
  EXPECT_EQ(legal[0].headers.count("cookie"), 0u);  // another host: not its cookie

  first_.ResetStats();
  const std::vector<FetchResponse> again = FetchAll(fetcher, {{.url = first_.Url("/privacy")}});
  ASSERT_EQ(again[0].error, FetchError::kNone) << again[0].error_message;
  EXPECT_EQ(again[0].redirects, 2);
  const std::vector<RecordedRequest> rechecks = first_.RequestsFor("/privacy");
  ASSERT_EQ(rechecks.size(), 2u);
  EXPECT_EQ(rechecks[0].headers.count("cookie"), 0u);  // a new fetch starts without cookies
}

}  // namespace
}  // namespace policyd

// The Fetcher's robots.txt handling, crawl-delay and early content-type refusal, against a
// loopback HTTP server (never the network).
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

class RobotsFetcherTest : public FetcherLoopTest {
 protected:
  static FetcherOptions Options() {
    FetcherOptions options;
    options.allow_private_addresses = true;
    options.per_host_delay = milliseconds(0);
    options.per_host_concurrency = 4;
    options.connect_timeout = milliseconds(2000);
    options.total_timeout = milliseconds(3000);
    options.user_agent = "policyd/0.1 (test)";
    options.robots_retry_interval = milliseconds(300);
    return options;
  }

  FetchResponse FetchOne(Fetcher& fetcher, const std::string& path, bool ignore_robots = false) {
    FetchRequest request;
    request.url = server_.Url(path);
    request.ignore_robots = ignore_robots;
    return FetchAll(fetcher, {request})[0];
  }

  HttpTestServer server_;
};

TEST_F(RobotsFetcherTest, DisallowedPageIsNeverRequested) {
  server_.Set("/robots.txt", Text("User-agent: *\nDisallow: /private\n"));
  server_.Set("/private/terms", Text("secret"));
  server_.Set("/public", Text("hello"));
  Fetcher fetcher(io_, Options());
  const FetchResponse refused = FetchOne(fetcher, "/private/terms");
  EXPECT_EQ(refused.error, FetchError::kRobotsDisallowed);
  EXPECT_STREQ(FetchErrorName(refused.error), "robots");
  // Which origin's robots.txt: on a redirect hop it is not the document's own.
  std::string origin = server_.Url("/");
  origin.pop_back();
  EXPECT_EQ(refused.error_message,
            "robots.txt of " + origin + ": rule \"disallow: /private\" disallows /private/terms");
  EXPECT_TRUE(refused.body.empty());
  EXPECT_EQ(server_.RequestCount("/private/terms"), 0u);

  const FetchResponse allowed = FetchOne(fetcher, "/public");
  EXPECT_EQ(allowed.error, FetchError::kNone) << allowed.error_message;
  EXPECT_EQ(allowed.body, "hello");
  EXPECT_EQ(server_.RequestCount("/robots.txt"), 1u);
  const std::vector<RecordedRequest> robots = server_.RequestsFor("/robots.txt");
  ASSERT_EQ(robots.size(), 1u);
  EXPECT_EQ(robots[0].headers.at("user-agent"), "policyd/0.1 (test)");
}

TEST_F(RobotsFetcherTest, OwnGroupIsUsedCaseInsensitively) {
  server_.Set("/robots.txt",
              Text("User-agent: *\nDisallow: /\n\nUser-agent: PolicyD\nDisallow: /x\n"));
  server_.Set("/page", Text("ok"));
  Fetcher fetcher(io_, Options());
  EXPECT_EQ(FetchOne(fetcher, "/page").error, FetchError::kNone);
  EXPECT_EQ(FetchOne(fetcher, "/x").error, FetchError::kRobotsDisallowed);
}

TEST_F(RobotsFetcherTest, MissingRobotsTxtAllowsEverything) {
  server_.Set("/page", Text("ok"));  // /robots.txt is a 404
  Fetcher fetcher(io_, Options());
  const FetchResponse response = FetchOne(fetcher, "/page");
  EXPECT_EQ(response.error, FetchError::kNone) << response.error_message;
  EXPECT_EQ(server_.RequestCount("/robots.txt"), 1u);
  EXPECT_EQ(server_.RequestCount("/page"), 1u);
}

TEST_F(RobotsFetcherTest, ForbiddenRobotsTxtAllowsEverything) {
  server_.Set("/robots.txt", TestResponse{.status = 403, .body = "no"});
  server_.Set("/page", Text("ok"));
  Fetcher fetcher(io_, Options());
  EXPECT_EQ(FetchOne(fetcher, "/page").error, FetchError::kNone);
}

TEST_F(RobotsFetcherTest, ServerErrorDisallowsUntilRobotsRecovers) {
  server_.Set("/robots.txt", TestResponse{.status = 503, .body = "down"});
  server_.Set("/page", Text("ok"));
  Fetcher fetcher(io_, Options());
  const FetchResponse refused = FetchOne(fetcher, "/page");
  // The page reports robots.txt's own failure: a 503, not a rule that disallows it.
  EXPECT_TRUE(refused.robots_unavailable);
  EXPECT_EQ(refused.error, FetchError::kNone);
  EXPECT_EQ(refused.http_status, 503);
  EXPECT_EQ(refused.body, "");
  EXPECT_EQ(refused.error_message, "robots.txt unavailable (HTTP 503)");
  EXPECT_EQ(server_.RequestCount("/page"), 0u);

  // Within the retry interval the verdict is cached: no new robots.txt request.
  server_.Set("/robots.txt", Text("User-agent: *\nDisallow:\n"));
  const FetchResponse cached = FetchOne(fetcher, "/page");
  EXPECT_TRUE(cached.robots_unavailable);
  EXPECT_EQ(cached.http_status, 503);
  EXPECT_EQ(server_.RequestCount("/robots.txt"), 1u);

  io_.run_for(milliseconds(400));  // past robots_retry_interval (300 ms)
  const FetchResponse allowed = FetchOne(fetcher, "/page");
  EXPECT_EQ(allowed.error, FetchError::kNone) << allowed.error_message;
  EXPECT_FALSE(allowed.robots_unavailable);
  EXPECT_EQ(allowed.http_status, 200);
  EXPECT_EQ(server_.RequestCount("/robots.txt"), 2u);
  EXPECT_EQ(server_.RequestCount("/page"), 1u);
}

TEST_F(RobotsFetcherTest, TooManyRequestsDisallows) {
  server_.Set(
      "/robots.txt",
      TestResponse{.status = 429, .headers = {{"Retry-After", "120"}}, .body = "slow down"});
  server_.Set("/page", Text("ok"));
  Fetcher fetcher(io_, Options());
  const FetchResponse refused = FetchOne(fetcher, "/page");
  EXPECT_TRUE(refused.robots_unavailable);
  EXPECT_EQ(refused.error, FetchError::kNone);
  EXPECT_EQ(refused.http_status, 429);
  EXPECT_EQ(refused.retry_after, "120");  // robots.txt's, honoured by the backoff
  EXPECT_EQ(refused.error_message, "robots.txt unavailable (HTTP 429)");
  EXPECT_EQ(server_.RequestCount("/page"), 0u);
}

TEST_F(RobotsFetcherTest, RobotsTimeoutDisallows) {
  server_.Set("/robots.txt", TestResponse{.hang = true});
  server_.Set("/page", Text("ok"));
  FetcherOptions options = Options();
  options.total_timeout = milliseconds(700);
  Fetcher fetcher(io_, options);
  const FetchResponse refused = FetchOne(fetcher, "/page");
  EXPECT_TRUE(refused.robots_unavailable);
  EXPECT_EQ(refused.error, FetchError::kTimeout);
  EXPECT_EQ(refused.error_message.rfind("robots.txt unavailable (timeout: ", 0), 0u)
      << refused.error_message;
  EXPECT_EQ(server_.RequestCount("/page"), 0u);
}

TEST_F(RobotsFetcherTest, UnreachableHostDisallows) {
  FetcherOptions options = Options();
  Fetcher fetcher(io_, options);
  HttpTestServer gone;
  const std::string url = gone.Url("/page");
  gone.Stop();
  FetchRequest request;
  request.url = url;
  const FetchResponse refused = FetchAll(fetcher, {request})[0];
  EXPECT_TRUE(refused.robots_unavailable);
  EXPECT_EQ(refused.error, FetchError::kConnect);
  EXPECT_EQ(refused.error_message.rfind("robots.txt unavailable (connect: ", 0), 0u)
      << refused.error_message;
}

TEST_F(RobotsFetcherTest, FetchedOncePerOriginForManyRequests) {
  server_.Set("/robots.txt", TestResponse{.headers = {{"Content-Type", "text/plain"}},
                                          .body = "User-agent: *\nDisallow: /no\n",
                                          .delay = milliseconds(200)});
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 12; ++i) {
    const std::string path = "/doc" + std::to_string(i);
    server_.Set(path, Text("text " + std::to_string(i)));
    FetchRequest request;
    request.url = server_.Url(path);
    requests.push_back(request);
  }
  FetchRequest refused;
  refused.url = server_.Url("/no");
  requests.push_back(refused);
  Fetcher fetcher(io_, Options());
  const std::vector<FetchResponse> responses = FetchAll(fetcher, requests);
  for (std::size_t i = 0; i + 1 < responses.size(); ++i) {
    EXPECT_EQ(responses[i].error, FetchError::kNone) << i << ": " << responses[i].error_message;
  }
  EXPECT_EQ(responses.back().error, FetchError::kRobotsDisallowed);
  EXPECT_EQ(server_.RequestCount("/robots.txt"), 1u);
  // And later requests use the cache.
  EXPECT_EQ(FetchOne(fetcher, "/doc0").error, FetchError::kNone);
  EXPECT_EQ(server_.RequestCount("/robots.txt"), 1u);
}

TEST_F(RobotsFetcherTest, RedirectedRobotsTxtIsFollowed) {
  server_.Set("/robots.txt",
              TestResponse{.status = 301, .headers = {{"Location", "/real-robots.txt"}}});
  server_.Set("/real-robots.txt", Text("User-agent: *\nDisallow: /x\n"));
  server_.Set("/y", Text("ok"));
  Fetcher fetcher(io_, Options());
  EXPECT_EQ(FetchOne(fetcher, "/x").error, FetchError::kRobotsDisallowed);
  EXPECT_EQ(FetchOne(fetcher, "/y").error, FetchError::kNone);
}

// The origin is allowed, but its robots.txt redirects where the address policy (or the scheme
// rule) will not go: its rules cannot be read, so the origin's pages are kept out (RFC 9309
// 2.3.1.4, as for a robots.txt whose host does not resolve), not let in unchecked.
TEST_F(RobotsFetcherTest, RobotsTxtRedirectedWhereWeMayNotGoKeepsPagesOut) {
  HttpTestServer internal("127.0.0.2");
  internal.Set("/robots.txt", Text("User-agent: *\nDisallow: /secret\n"));
  server_.Set("/secret", Text("not for crawlers"));
  FetcherOptions options = Options();
  options.allow_private_addresses = false;
  options.allowed_addresses = {"127.0.0.1"};
  for (const std::string& location :
       {internal.Url("/robots.txt"), std::string("ftp://127.0.0.1/robots.txt")}) {
    SCOPED_TRACE(location);
    server_.Set("/robots.txt", TestResponse{.status = 301, .headers = {{"Location", location}}});
    Fetcher fetcher(io_, options);
    const FetchResponse response = FetchOne(fetcher, "/secret");
    EXPECT_TRUE(response.robots_unavailable)
        << FetchErrorName(response.error) << ": " << response.error_message;
    EXPECT_NE(response.error_message.find("robots.txt unavailable (its redirect to " + location +
                                          " was refused"),
              std::string::npos)
        << response.error_message;
    EXPECT_EQ(server_.RequestCount("/secret"), 0u);
  }
  EXPECT_EQ(internal.RequestCount("/robots.txt"), 0u);
}

TEST_F(RobotsFetcherTest, IgnoreRobotsSkipsTheCheck) {
  server_.Set("/robots.txt", Text("User-agent: *\nDisallow: /\n"));
  server_.Set("/page", Text("ok"));
  Fetcher fetcher(io_, Options());
  const FetchResponse response = FetchOne(fetcher, "/page", /*ignore_robots=*/true);
  EXPECT_EQ(response.error, FetchError::kNone) << response.error_message;
  EXPECT_EQ(server_.RequestCount("/robots.txt"), 0u);
}

TEST_F(RobotsFetcherTest, RespectRobotsOffSkipsTheCheck) {
  server_.Set("/robots.txt", Text("User-agent: *\nDisallow: /\n"));
  server_.Set("/page", Text("ok"));
  FetcherOptions options = Options();
  options.respect_robots = false;
  Fetcher fetcher(io_, options);
  EXPECT_EQ(FetchOne(fetcher, "/page").error, FetchError::kNone);
  EXPECT_EQ(server_.RequestCount("/robots.txt"), 0u);
}

// Gaps between the arrivals of the page requests (robots.txt excluded).
std::vector<milliseconds> PageGaps(const std::vector<RecordedRequest>& requests) {
  std::vector<milliseconds> gaps;
  const RecordedRequest* previous = nullptr;
  for (const RecordedRequest& request : requests) {
    if (request.path == "/robots.txt") continue;
    if (previous != nullptr) {
      gaps.push_back(std::chrono::duration_cast<milliseconds>(request.arrival - previous->arrival));
    }
    previous = &request;
  }
  return gaps;
}

TEST_F(RobotsFetcherTest, CrawlDelaySpacesRequests) {
  server_.Set("/robots.txt", Text("User-agent: *\nCrawl-delay: 0.3\n"));
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 3; ++i) {
    server_.Set("/p" + std::to_string(i), Text("x"));
    FetchRequest request;
    request.url = server_.Url("/p" + std::to_string(i));
    requests.push_back(request);
  }
  Fetcher fetcher(io_, Options());
  for (const FetchResponse& response : FetchAll(fetcher, requests)) {
    EXPECT_EQ(response.error, FetchError::kNone) << response.error_message;
  }
  const std::vector<milliseconds> gaps = PageGaps(server_.Requests());
  ASSERT_EQ(gaps.size(), 2u);
  for (const milliseconds gap : gaps) EXPECT_GE(gap.count(), 280);
  // The first page also waits out the delay after robots.txt.
  const std::vector<RecordedRequest> all = server_.Requests();
  ASSERT_EQ(all[0].path, "/robots.txt");
  EXPECT_GE(std::chrono::duration_cast<milliseconds>(all[1].arrival - all[0].arrival).count(), 280);
}

TEST_F(RobotsFetcherTest, CrawlDelayIsCapped) {
  server_.Set("/robots.txt", Text("User-agent: *\nCrawl-delay: 3600\n"));
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 3; ++i) {
    server_.Set("/p" + std::to_string(i), Text("x"));
    FetchRequest request;
    request.url = server_.Url("/p" + std::to_string(i));
    requests.push_back(request);
  }
  FetcherOptions options = Options();
  options.max_crawl_delay = milliseconds(250);
  Fetcher fetcher(io_, options);
  const Clock::time_point start = Clock::now();
  for (const FetchResponse& response : FetchAll(fetcher, requests)) {
    EXPECT_EQ(response.error, FetchError::kNone) << response.error_message;
  }
  EXPECT_LT(Clock::now() - start, milliseconds(3000));
  const std::vector<milliseconds> gaps = PageGaps(server_.Requests());
  ASSERT_EQ(gaps.size(), 2u);
  for (const milliseconds gap : gaps) {
    EXPECT_GE(gap.count(), 230);
    EXPECT_LT(gap.count(), 1000);
  }
}

TEST_F(RobotsFetcherTest, PerHostDelayWinsOverASmallerCrawlDelay) {
  server_.Set("/robots.txt", Text("User-agent: *\nCrawl-delay: 0.05\n"));
  std::vector<FetchRequest> requests;
  for (int i = 0; i < 2; ++i) {
    server_.Set("/p" + std::to_string(i), Text("x"));
    FetchRequest request;
    request.url = server_.Url("/p" + std::to_string(i));
    requests.push_back(request);
  }
  FetcherOptions options = Options();
  options.per_host_delay = milliseconds(300);
  Fetcher fetcher(io_, options);
  FetchAll(fetcher, requests);
  const std::vector<milliseconds> gaps = PageGaps(server_.Requests());
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_GE(gaps[0].count(), 280);
}

TEST_F(RobotsFetcherTest, ShutdownAbortsParkedRequests) {
  server_.Set("/robots.txt", TestResponse{.hang = true});
  auto fetcher = std::make_unique<Fetcher>(io_, Options());
  int aborted = 0;
  for (int i = 0; i < 3; ++i) {
    FetchRequest request;
    request.url = server_.Url("/p");
    fetcher->Fetch(request, [&](FetchResponse response) {
      if (response.error == FetchError::kAborted) ++aborted;
    });
  }
  EXPECT_EQ(fetcher->Queued(), 3u);   // parked behind robots.txt
  EXPECT_EQ(fetcher->Running(), 1u);  // robots.txt itself
  io_.run_for(milliseconds(100));
  fetcher->Shutdown();
  EXPECT_TRUE(RunUntil([&] { return aborted == 3; }));
}

TEST_F(RobotsFetcherTest, UnacceptedContentTypeStopsEarly) {
  server_.Set("/image", TestResponse{.headers = {{"Content-Type", "image/png"}},
                                     .body = std::string(2 << 20, 'x'),
                                     .drip_bytes = 64 * 1024,
                                     .drip_interval = milliseconds(50)});
  server_.Set("/page", TestResponse{.headers = {{"Content-Type", "Text/HTML; charset=utf-8"}},
                                    .body = "<p>ok</p>"});
  server_.Set(
      "/missing",
      TestResponse{.status = 404, .headers = {{"Content-Type", "image/png"}}, .body = "nope"});
  FetcherOptions options = Options();
  options.respect_robots = false;
  options.accepted_content_types = {"text/html", "application/xhtml+xml", "text/plain"};
  Fetcher fetcher(io_, options);
  const Clock::time_point start = Clock::now();
  const FetchResponse image = FetchOne(fetcher, "/image");
  EXPECT_EQ(image.error, FetchError::kContentType);
  EXPECT_STREQ(FetchErrorName(image.error), "content_type");
  EXPECT_NE(image.error_message.find("image/png"), std::string::npos) << image.error_message;
  EXPECT_TRUE(image.body.empty());
  EXPECT_LT(Clock::now() - start, milliseconds(1000));  // the whole drip would take 1.6 s
  EXPECT_EQ(FetchOne(fetcher, "/page").error, FetchError::kNone);
  const FetchResponse missing = FetchOne(fetcher, "/missing");
  EXPECT_EQ(missing.error, FetchError::kNone);
  EXPECT_EQ(missing.http_status, 404);
}

}  // namespace
}  // namespace policyd

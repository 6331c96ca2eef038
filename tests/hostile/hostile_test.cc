// Hostile servers against the real daemon (docs/HOSTILE.md lists the cases and outcomes).
//
// Every case follows the same script: a "hostile" document (on 127.0.0.1) and a "healthy" one
// (on another host, 127.0.0.2) get a good first version; then the hostile server misbehaves
// and both are checked. Whatever the hostile server does, the daemon must
//   - keep checking the healthy document on time (its check completes while the hostile one
//     still hangs),
//   - keep its memory bounded (VmHWM of the daemon),
//   - record the hostile check with the expected outcome and reason,
//   - store no new version and raise no document.changed for it,
//   - process a later good response normally (outcome "unchanged").
// The daemon runs with small limits (1 MiB body, 3 s total, 1 s below 1000 B/s) so that the
// whole suite runs in well under two minutes.
#include <unistd.h>
#include <chrono>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "daemon_harness.h"
#include "support/guard_pages.h"
#include "support/gzip.h"
#include "support/http_test_server.h"
#include "support/pdf_writer.h"

namespace policyd::testing {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr char kHostileDoc[] = "hostile/privacy-policy";
constexpr char kHealthyDoc[] = "healthy/privacy-policy";
constexpr long kMaxMemoryKiB = 300 * 1024;  // the daemon's peak resident set

// A policy page; `filler` goes where extraction must drop it (head, script, comment).
std::string PolicyHtml(const std::string& title, const std::string& filler = "",
                       const std::string& between_paragraphs = "") {
  return "<!DOCTYPE html><html><head><title>" + title + "</title>" + "<script>var junk = \"" +
         filler + "\";</script></head><body>" + "<nav><a href=\"/\">Home</a></nav><main><h1>" +
         title + "</h1>" + "<p>We collect the data you give us when you create an account.</p>" +
         between_paragraphs + "<p>We never sell your personal data to anyone, for any reason.</p>" +
         between_paragraphs +
         "<h2>Your rights</h2><p>You may ask us to delete your data at any time by writing to "
         "privacy@example.org.</p><p>We answer every request within thirty days.</p>"
         "<p>This policy applies to every service we operate.</p></main>"
         "<footer>Copyright 2026</footer></body></html>";
}

TestResponse Html(std::string body, std::string content_type = "text/html; charset=utf-8") {
  return TestResponse{.headers = {{"Content-Type", std::move(content_type)}},
                      .body = std::move(body)};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A "VmHWM:   12345 kB" style field of /proc/<pid>/status, in KiB; -1 if absent.
long ProcStatusKiB(pid_t pid, const std::string& field) {
  const std::string status = ReadFile("/proc/" + std::to_string(pid) + "/status");
  const std::size_t at = status.find(field + ":");
  if (at == std::string::npos) return -1;
  return std::stol(status.substr(at + field.size() + 1));
}

// The smaller limits of the suite, replacing the harness's own values where it sets them.
void UseSuiteLimits(DaemonHarness& harness, bool allow_private_addresses = true) {
  std::string config = ReadFile(harness.config_path());
  const auto replace = [&config](const std::string& from, const std::string& to) {
    const std::size_t at = config.find(from);
    ASSERT_NE(at, std::string::npos) << from;
    config.replace(at, from.size(), to);
  };
  replace("connect_timeout = \"5s\"", "connect_timeout = \"2s\"");
  replace("total_timeout = \"10s\"", "total_timeout = \"3s\"");
  if (!allow_private_addresses) {
    replace("allow_private_addresses = true", "allow_private_addresses = false");
  }
  config +=
      "max_body_bytes = 1048576\n"
      "low_speed_time = \"1s\"\n"
      "low_speed_limit_bytes = 1000\n"
      "failure_threshold = 1\n";
  std::ofstream(harness.config_path(), std::ios::trunc) << config;
}

std::string Target(const std::string& name, const std::string& url) {
  return "name = \"" + name + "\"\n[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" + url +
         "\"\n";
}

class HostileTest : public ::testing::Test {
 protected:
  HostileTest() : healthy_("127.0.0.2") {}

  void SetUp() override {
    UseSuiteLimits(harness_);
    hostile_.Set("/policy", Html(PolicyHtml("Hostile Privacy")));
    healthy_.Set("/policy", Html(PolicyHtml("Healthy Privacy")));
    harness_.WriteTarget("hostile", Target("Hostile", hostile_.Url("/policy")));
    harness_.WriteTarget("healthy", Target("Healthy", healthy_.Url("/policy")));
  }

  // Starts the daemon and waits for both first versions; subscribes after them.
  void StartWithGoodVersions() {
    ASSERT_TRUE(harness_.Start()) << harness_.log();
    ASSERT_TRUE(harness_.WaitForChecks(2, std::chrono::seconds(20))) << harness_.log();
    const nlohmann::json shown = Show(kHostileDoc);
    ASSERT_EQ(shown["recent_checks"][0]["outcome"], "first_seen") << shown.dump();
    good_hash_ = shown["current_hash"].get<std::string>();
    const uint64_t last_seq = harness_.Control({{"cmd", "status"}})["result"]["last_seq"];
    events_.emplace(harness_.events_socket(), last_seq);
  }

  nlohmann::json Show(const std::string& doc) {
    return harness_.Control({{"cmd", "show"}, {"doc", doc}})["result"];
  }

  // time_ms of the document's latest check record, 0 if none.
  int64_t LatestCheck(const std::string& doc) {
    const nlohmann::json checks = Show(doc)["recent_checks"];
    return checks.empty() ? 0 : checks[0]["time_ms"].get<int64_t>();
  }

  // Asks for a check of `doc` and returns a marker for WaitForCheckAfter.
  int64_t RequestCheck(const std::string& doc) {
    const int64_t before = LatestCheck(doc);
    EXPECT_EQ(harness_.Control({{"cmd", "check"}, {"doc", doc}})["ok"], true);
    return before;
  }

  // Waits until `doc` has a check record newer than `before`; returns it.
  std::optional<nlohmann::json> WaitForCheckAfter(const std::string& doc, int64_t before,
                                                  milliseconds timeout) {
    const Clock::time_point deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      const nlohmann::json checks = Show(doc)["recent_checks"];
      if (!checks.empty() && checks[0]["time_ms"].get<int64_t>() != before) return checks[0];
      std::this_thread::sleep_for(milliseconds(50));
    }
    return std::nullopt;
  }

  // Checks the healthy document and expects it done within `limit` (less than the hostile
  // server's hang), with outcome "unchanged".
  void ExpectHealthyCheckedWithin(milliseconds limit) {
    const int64_t before = RequestCheck(kHealthyDoc);
    const Clock::time_point start = Clock::now();
    const auto check = WaitForCheckAfter(kHealthyDoc, before, limit);
    ASSERT_TRUE(check) << "healthy document not checked within " << limit.count() << " ms\n"
                       << harness_.log();
    EXPECT_EQ((*check)["outcome"], "unchanged") << check->dump();
    EXPECT_LT(Clock::now() - start, limit);
  }

  void ExpectMemoryBounded() {
    const pid_t pid = harness_.Control({{"cmd", "status"}})["result"]["pid"].get<pid_t>();
    const long peak = ProcStatusKiB(pid, "VmHWM");
    ASSERT_GT(peak, 0);
    EXPECT_LT(peak, kMaxMemoryKiB) << "daemon peak RSS " << peak << " KiB";
    EXPECT_LT(ProcStatusKiB(pid, "VmRSS"), kMaxMemoryKiB);
  }

  // No document.changed / first_seen since subscribing (fetch_failed / recovered are fine).
  void ExpectNoNewVersion() {
    while (const auto event = events_->Next(milliseconds(300))) {
      const std::string type = (*event)["type"];
      EXPECT_NE(type, "document.changed") << event->dump();
      EXPECT_NE(type, "document.first_seen") << event->dump();
    }
    const nlohmann::json shown = Show(kHostileDoc);
    EXPECT_EQ(shown["current_hash"], good_hash_);
    EXPECT_EQ(shown["versions"], 1);
  }

  // The hostile check, run while the healthy document is checked alongside. With `slow`,
  // the hostile server stalls, and the healthy check must complete while the hostile one is
  // still running. Returns the hostile document's check record.
  nlohmann::json CheckHostile(bool slow = false) {
    const milliseconds limit(15'000);
    const int64_t before = RequestCheck(kHostileDoc);
    std::this_thread::sleep_for(milliseconds(100));  // the hostile fetch is under way
    ExpectHealthyCheckedWithin(milliseconds(2500));  // below the 3 s total timeout
    if (slow) {
      EXPECT_EQ(LatestCheck(kHostileDoc), before) << "the hostile check ended too early to show "
                                                     "that the healthy one did not wait for it";
    }
    const auto check = WaitForCheckAfter(kHostileDoc, before, limit);
    EXPECT_TRUE(check) << harness_.log();
    return check.value_or(nlohmann::json::object());
  }

  // The common script: serve `response`, check, expect a failure with `reason`; then serve
  // the good page again and expect "unchanged".
  void ExpectFailure(TestResponse response, const std::string& reason, bool slow = false) {
    StartWithGoodVersions();
    if (HasFatalFailure()) return;
    hostile_.Set("/policy", std::move(response));
    const nlohmann::json check = CheckHostile(slow);
    EXPECT_EQ(check.value("outcome", ""), "failed") << check.dump();
    EXPECT_EQ(check.value("reason", ""), reason) << check.dump();
    ExpectMemoryBounded();
    ExpectNoNewVersion();
    ExpectRecovers();
  }

  // Same page text with harmless defects: not a failure, not a change.
  void ExpectUnchanged(TestResponse response) {
    StartWithGoodVersions();
    if (HasFatalFailure()) return;
    hostile_.Set("/policy", std::move(response));
    const nlohmann::json check = CheckHostile();
    EXPECT_EQ(check.value("outcome", ""), "unchanged") << check.dump();
    ExpectMemoryBounded();
    ExpectNoNewVersion();
  }

  void ExpectRecovers() {
    hostile_.Set("/policy", Html(PolicyHtml("Hostile Privacy")));
    const int64_t before = RequestCheck(kHostileDoc);
    const auto check = WaitForCheckAfter(kHostileDoc, before, milliseconds(10'000));
    ASSERT_TRUE(check) << harness_.log();
    EXPECT_EQ((*check)["outcome"], "unchanged") << check->dump();
    EXPECT_EQ(Show(kHostileDoc)["current_hash"], good_hash_);
  }

  HttpTestServer hostile_;
  HttpTestServer healthy_;
  DaemonHarness harness_;
  std::optional<EventSubscriber> events_;
  std::string good_hash_;
};

// --- Slow and silent servers ------------------------------------------------------------

TEST_F(HostileTest, SlowDripOneBytePerSecond) {
  ExpectFailure(TestResponse{.headers = {{"Content-Type", "text/html"}},
                             .body = PolicyHtml("Hostile Privacy"),
                             .drip_bytes = 1,
                             .drip_interval = milliseconds(1000)},
                "timeout", /*slow=*/true);
}

TEST_F(HostileTest, AcceptsAndNeverAnswers) {
  ExpectFailure(TestResponse{.hang = true}, "timeout", /*slow=*/true);
}

TEST_F(HostileTest, ResetMidBody) {
  ExpectFailure(TestResponse{.headers = {{"Content-Type", "text/html"}},
                             .body = PolicyHtml("Hostile Privacy"),
                             .reset_after_bytes = 100},
                "protocol");
}

// --- Oversized bodies -------------------------------------------------------------------

TEST_F(HostileTest, GzipBomb) {
  const std::string bomb = Gzip(std::string(64 << 20, ' '));  // 64 MiB of spaces, ~64 KiB
  ExpectFailure(
      TestResponse{.headers = {{"Content-Type", "text/html"}, {"Content-Encoding", "gzip"}},
                   .body = bomb},
      "too_large");
}

// The same page gzipped in two members with a stray CRLF after them: browsers show it, so it
// is the same text (curl alone refused it: every check failed as protocol).
TEST_F(HostileTest, GzipInTwoMembersWithStrayBytes) {
  const std::string page = PolicyHtml("Hostile Privacy");
  const std::size_t half = page.size() / 2;
  ExpectUnchanged(
      TestResponse{.headers = {{"Content-Type", "text/html"}, {"Content-Encoding", "gzip"}},
                   .body = Gzip(page.substr(0, half)) + Gzip(page.substr(half)) + "\r\n"});
}

TEST_F(HostileTest, EndlessChunkedBody) {
  // No Content-Length, far more than the cap: must stop at 1 MiB, not read it all.
  ExpectFailure(TestResponse{.headers = {{"Content-Type", "text/html"}},
                             .body = std::string(24 << 20, 'a'),
                             .chunked = true},
                "too_large");
}

TEST_F(HostileTest, FiftyMegabyteSingleLine) {
  ExpectFailure(Html("<html><body><p>" + std::string(50 << 20, 'x') + "</p></body></html>"),
                "too_large");
}

TEST_F(HostileTest, LongSingleLineUnderTheCap) {
  // 900 KB on one line, inside a script: extraction drops it, the text is unchanged.
  ExpectUnchanged(Html(PolicyHtml("Hostile Privacy", std::string(900'000, 'y'))));
  EXPECT_TRUE(harness_.running());
}

TEST_F(HostileTest, HundredThousandNestedElements) {
  std::string nested;
  for (int i = 0; i < 100'000; ++i) nested += "<i>";
  StartWithGoodVersions();
  ASSERT_FALSE(HasFatalFailure());
  hostile_.Set("/policy", Html(PolicyHtml("Hostile Privacy", "", nested)));
  const nlohmann::json check = CheckHostile();
  EXPECT_FALSE(check.value("outcome", "").empty()) << check.dump();  // recorded, any outcome
  ExpectMemoryBounded();
  ExpectHealthyCheckedWithin(milliseconds(2500));  // still up and responsive
  EXPECT_EQ(harness_.Control({{"cmd", "status"}})["ok"], true);
}

// 3000 distinct unclosed <b> before 3000 paragraphs (56 KB): the tree builder re-opened them
// in every paragraph, 9 million elements, and the daemon passed 1.2 GB (its unit's MemoryMax
// is 1G: killed, and killed again at every restart).
TEST_F(HostileTest, FormattingElementsReopenedInEveryParagraph) {
  std::string page = "<!DOCTYPE html><html><body><main><h1>Privacy</h1><p>";
  for (int i = 0; i < 3000; ++i) page += "<b id=b" + std::to_string(i) + ">";
  for (int i = 0; i < 3000; ++i) page += "<p>x</p>";
  StartWithGoodVersions();
  ASSERT_FALSE(HasFatalFailure());
  hostile_.Set("/policy", Html(page));
  const nlohmann::json check = CheckHostile();
  EXPECT_FALSE(check.value("outcome", "").empty()) << check.dump();
  ExpectMemoryBounded();
  ExpectHealthyCheckedWithin(milliseconds(2500));
}

// Too many elements to parse within bounds (two million "<p>x" of an 8 MB page took 1.3 GB;
// here 200,001 under the suite's 1 MiB body limit).
TEST_F(HostileTest, MoreElementsThanTheParseBound) {
  std::string page = "<!DOCTYPE html><html><body>";
  for (int i = 0; i <= 200'000; ++i) page += "<p>x";
  ExpectFailure(Html(page), "too_large");
}

// The page served once as text/plain is the same page, not its markup as a new text.
TEST_F(HostileTest, HtmlLabelledTextPlain) {
  ExpectUnchanged(Html(PolicyHtml("Hostile Privacy"), "text/plain; charset=utf-8"));
}

// --- Redirects and addresses ------------------------------------------------------------

TEST_F(HostileTest, RedirectLoop) {
  hostile_.Set("/loop-a", TestResponse{.status = 302, .headers = {{"Location", "/loop-b"}}});
  hostile_.Set("/loop-b", TestResponse{.status = 302, .headers = {{"Location", "/loop-a"}}});
  ExpectFailure(TestResponse{.status = 302, .headers = {{"Location", "/loop-a"}}},
                "too_many_redirects");
}

TEST_F(HostileTest, RedirectToFileUrl) {
  ExpectFailure(TestResponse{.status = 302, .headers = {{"Location", "file:///etc/passwd"}}},
                "bad_url");
}

TEST_F(HostileTest, PrivateAddressRefusedWhenNotAllowed) {
  // Loopback is the only reachable place in a test, so this daemon blocks private addresses
  // and the target on 127.0.0.1 itself plays the internal service a redirect would aim at.
  DaemonHarness strict;
  UseSuiteLimits(strict, /*allow_private_addresses=*/false);
  strict.WriteTarget("hostile", Target("Hostile", hostile_.Url("/policy")));
  strict.WriteTarget("metadata", Target("Metadata", "http://169.254.169.254/latest/meta-data/"));
  ASSERT_TRUE(strict.Start()) << strict.log();
  ASSERT_TRUE(strict.WaitForChecks(2, std::chrono::seconds(20))) << strict.log();
  for (const char* doc : {kHostileDoc, "metadata/privacy-policy"}) {
    const nlohmann::json shown = strict.Control({{"cmd", "show"}, {"doc", doc}})["result"];
    ASSERT_FALSE(shown["recent_checks"].empty()) << shown.dump();
    EXPECT_EQ(shown["recent_checks"][0]["outcome"], "failed") << shown.dump();
    EXPECT_EQ(shown["recent_checks"][0]["reason"], "blocked_address") << shown.dump();
    EXPECT_EQ(shown["versions"], 0);
  }
  EXPECT_EQ(hostile_.TotalRequests(), 0u);  // neither robots.txt nor the page
  EXPECT_EQ(strict.Stop(), 0);
}

TEST_F(HostileTest, RedirectToPrivateAddress) {
  // The hostile host is the one non-public address this daemon may reach (allowed_addresses);
  // it redirects to an internal service (127.0.0.3), which must never see a request.
  HttpTestServer internal("127.0.0.3");
  internal.Set("/admin", Html(PolicyHtml("Internal admin console")));
  DaemonHarness strict;
  UseSuiteLimits(strict, /*allow_private_addresses=*/false);
  std::ofstream(strict.config_path(), std::ios::app) << "allowed_addresses = [\"127.0.0.1\"]\n";
  strict.WriteTarget("hostile", Target("Hostile", hostile_.Url("/policy")));
  ASSERT_TRUE(strict.Start()) << strict.log();
  ASSERT_TRUE(strict.WaitForChecks(1, std::chrono::seconds(20))) << strict.log();
  EXPECT_EQ(strict.Control({{"cmd", "show"}, {"doc", kHostileDoc}})["result"]["versions"], 1);
  hostile_.Set("/policy",
               TestResponse{.status = 302, .headers = {{"Location", internal.Url("/admin")}}});
  ASSERT_EQ(strict.Control({{"cmd", "check"}, {"doc", kHostileDoc}})["ok"], true);
  ASSERT_TRUE(strict.WaitForChecks(2, std::chrono::seconds(20))) << strict.log();
  const nlohmann::json shown = strict.Control({{"cmd", "show"}, {"doc", kHostileDoc}})["result"];
  EXPECT_EQ(shown["recent_checks"][0]["outcome"], "failed") << shown.dump();
  EXPECT_EQ(shown["recent_checks"][0]["reason"], "blocked_address") << shown.dump();
  EXPECT_EQ(shown["versions"], 1);
  EXPECT_EQ(internal.TotalRequests(), 0u);
  EXPECT_EQ(strict.Stop(), 0);
}

// --- HTTP status games ------------------------------------------------------------------

// The host asked to be left alone for an hour: its pages are not requested until then (even
// on the operator's `check`), each check says why, and the other host is not held.
TEST_F(HostileTest, TooManyRequestsWithRetryAfter) {
  StartWithGoodVersions();
  ASSERT_FALSE(HasFatalFailure());
  hostile_.Set("/policy",
               TestResponse{.status = 429, .headers = {{"Retry-After", "3600"}}, .body = "slow"});
  const nlohmann::json check = CheckHostile();
  EXPECT_EQ(check.value("reason", ""), "http_429") << check.dump();
  EXPECT_EQ(check.value("http_status", 0), 429) << check.dump();
  const std::size_t requests = hostile_.RequestCount("/policy");
  hostile_.Set("/policy", Html(PolicyHtml("Hostile Privacy")));
  const int64_t before = RequestCheck(kHostileDoc);
  const auto held = WaitForCheckAfter(kHostileDoc, before, milliseconds(10'000));
  ASSERT_TRUE(held) << harness_.log();
  EXPECT_EQ((*held)["reason"], "http_429") << held->dump();
  EXPECT_NE((*held)["message"].get<std::string>().find("not requested: " + hostile_.Url("/policy") +
                                                       " was answered 429 with Retry-After 3600"),
            std::string::npos)
      << held->dump();
  EXPECT_EQ(hostile_.RequestCount("/policy"), requests);
  ExpectHealthyCheckedWithin(milliseconds(2500));
  ExpectMemoryBounded();
  ExpectNoNewVersion();
}

TEST_F(HostileTest, ServiceUnavailableStorm) {
  StartWithGoodVersions();
  ASSERT_FALSE(HasFatalFailure());
  hostile_.Set("/policy", TestResponse{.status = 503, .body = "<html><body>Down</body></html>"});
  for (int round = 0; round < 3; ++round) {
    const nlohmann::json check = CheckHostile();
    EXPECT_EQ(check.value("outcome", ""), "failed") << check.dump();
    EXPECT_EQ(check.value("reason", ""), "http_5xx") << check.dump();
  }
  ExpectMemoryBounded();
  // One fetch_failed for the streak, nothing else.
  int failed_events = 0;
  while (const auto event = events_->Next(milliseconds(300))) {
    EXPECT_EQ((*event)["type"], "document.fetch_failed") << event->dump();
    ++failed_events;
  }
  EXPECT_EQ(failed_events, 1);
  EXPECT_EQ(Show(kHostileDoc)["current_hash"], good_hash_);
  ExpectRecovers();
}

// --- Content --------------------------------------------------------------------------

TEST_F(HostileTest, ImageInsteadOfHtml) {
  ExpectFailure(TestResponse{.headers = {{"Content-Type", "image/png"}},
                             .body = "\x89PNG\r\n\x1a\n" + std::string(500'000, '\x01')},
                "content_type");
}

// PDFs are converted by poppler-utils in bounded child processes: a hostile one fails the
// check with its reason and the daemon (and the other document) carry on.
TEST_F(HostileTest, PdfWithAHugePageTree) {
  ExpectFailure(
      TestResponse{.headers = {{"Content-Type", "application/pdf"}},
                   .body = AssemblePdf({"<< /Type /Catalog /Pages 2 0 R >>",
                                        "<< /Type /Pages /Kids [3 0 R] /Count 100000000 >>",
                                        "<< /Type /Page /Parent 2 0 R >>"})},
      "pdf_malformed");
}

TEST_F(HostileTest, PdfWithDeeplyNestedArrays) {
  const std::string nested = std::string(200'000, '[') + std::string(200'000, ']');
  ExpectFailure(
      TestResponse{.headers = {{"Content-Type", "application/pdf"}},
                   .body = AssemblePdf({"<< /Type /Catalog /Pages 2 0 R /X " + nested + " >>",
                                        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                                        "<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
                                        "<< /Length 200000 >>\nstream\n" +
                                            std::string(200'000, '[') + "\nendstream"})},
      "pdf_no_text");
}

TEST_F(HostileTest, MislabelledCharset) {
  // ASCII text under a bogus header charset and a contradicting meta: same text either way.
  std::string page = PolicyHtml("Hostile Privacy");
  page.insert(page.find("<title>"), "<meta charset=\"utf-16\">");
  ExpectUnchanged(Html(page, "text/html; charset=x-no-such-charset"));
}

TEST_F(HostileTest, InvalidUtf8) {
  // Invalid sequences where extraction drops them (script, comment): same text.
  std::string page = PolicyHtml("Hostile Privacy", "\xff\xfe\xc3\x28\xa0\xa1\xe2\x28");
  page.insert(page.find("<main>"), "<!-- \xc0\xaf\xed\xa0\x80\xf8\x88\x80\x80\x80 -->");
  ExpectUnchanged(Html(page));
}

TEST_F(HostileTest, NulBytes) {
  // NUL bytes between elements and inside a script (HTML parsing ignores them there).
  std::string page =
      PolicyHtml("Hostile Privacy", std::string("a\0b\0c", 5), std::string("\0\0\0", 3));
  ExpectUnchanged(Html(page));
  EXPECT_TRUE(harness_.running());
}

TEST_F(HostileTest, BotChallengePage) {
  ExpectFailure(
      Html("<!DOCTYPE html><html lang=\"en-US\"><head><title>Just a moment...</title>"
           "<meta http-equiv=\"refresh\" content=\"390\"></head><body>"
           "<div class=\"main-wrapper\"><h1>example.org</h1>"
           "<h2 id=\"challenge-running\">Checking your browser before accessing example.org."
           "</h2><p>This process is automatic. Your browser will redirect to your requested "
           "content shortly.</p><noscript>Enable JavaScript and cookies to continue"
           "</noscript></div><script>window._cf_chl_opt={cvId: '2',cType: 'managed'};"
           "</script><form id=\"challenge-form\" action=\"/policy?__cf_chl_f_tk=abc\">"
           "</form></body></html>"),
      "challenge");
}

// A vendor page as its vendor serves it (status and headers), or with HTTP 200.
TestResponse VendorResponse(const std::string& name, bool as_200 = false) {
  const VendorPage& page = FindVendorPage(name);
  TestResponse response = Html(page.html);
  response.status = as_200 ? 200 : static_cast<int>(page.status);
  for (const auto& header : page.headers) response.headers.push_back(header);
  return response;
}

// Cloudflare's managed challenge comes with 403 and `cf-mitigated: challenge`: the fetcher
// keeps that header and the check says "challenge", not a permanent "http_4xx".
TEST_F(HostileTest, ChallengeServedWith403AndCfMitigated) {
  ExpectFailure(VendorResponse("cloudflare_managed_challenge"), "challenge");
  const nlohmann::json check = Show(kHostileDoc)["recent_checks"][1];
  EXPECT_EQ(check["http_status"], 403) << check.dump();
  EXPECT_EQ(check["message"],
            "HTTP status 403: bot-challenge page (cloudflare: cf-mitigated: challenge)");
}

// Block pages served with HTTP 200 were held back once as a suspicious shrink and stored as a
// version on the second check. Now every check fails, and nothing is announced but the
// failure.
TEST_F(HostileTest, BlockPagesServedWith200StayOutOnTheSecondCheck) {
  StartWithGoodVersions();
  ASSERT_FALSE(HasFatalFailure());
  for (const char* name : {"cloudflare_error_1020", "sucuri_access_denied"}) {
    hostile_.Set("/policy", VendorResponse(name, /*as_200=*/true));
    for (int round = 1; round <= 2; ++round) {
      const nlohmann::json check = CheckHostile();
      EXPECT_EQ(check.value("outcome", ""), "failed") << name << " " << round << check.dump();
      EXPECT_EQ(check.value("reason", ""), "blocked") << name << " " << round << check.dump();
    }
    ExpectNoNewVersion();
  }
  ExpectMemoryBounded();
  ExpectRecovers();
}

// A whole policy that carries Cloudflare's passive challenge-platform script and captcha
// widgets is a version, and so is its next revision.
TEST_F(HostileTest, PolicyCarryingVendorScriptsIsStored) {
  hostile_.Set("/policy", Html(PolicyWithVendorScripts(1)));
  StartWithGoodVersions();
  ASSERT_FALSE(HasFatalFailure());
  hostile_.Set("/policy", Html(PolicyWithVendorScripts(2)));
  const nlohmann::json check = CheckHostile();
  EXPECT_EQ(check.value("outcome", ""), "changed") << check.dump();
  EXPECT_EQ(Show(kHostileDoc)["versions"], 2);
}

TEST_F(HostileTest, PageSuddenlyEmpties) {
  ExpectFailure(Html("<!DOCTYPE html><html><head><title></title></head><body></body></html>"),
                "empty");
}

TEST_F(HostileTest, PageSuddenlyShrinksIsHeldBackUntilSeenTwice) {
  // Most of the text disappears: held back as "suspicious" (no version, no event) until the
  // look the hold scheduled (an hour later, or after the interval when it is shorter: 3 s
  // here) sees the same shrunken text: then it is believed and announced exactly once.
  harness_.WriteTarget("hostile",
                       Target("Hostile", hostile_.Url("/policy")) + "interval = \"3s\"\n");
  StartWithGoodVersions();
  ASSERT_FALSE(HasFatalFailure());
  hostile_.Set("/policy", Html("<html><body><main><h1>Hostile Privacy</h1><p>We collect the "
                               "data you give us.</p></main></body></html>"));
  const nlohmann::json first = CheckHostile();
  EXPECT_EQ(first.value("reason", ""), "suspicious") << first.dump();
  ExpectNoNewVersion();
  const Clock::time_point deadline = Clock::now() + milliseconds(15'000);
  while (Show(kHostileDoc)["versions"] != 2 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  const nlohmann::json second = Show(kHostileDoc)["recent_checks"][0];
  EXPECT_EQ(second.value("outcome", ""), "changed") << second.dump();
  int changed = 0;
  while (const auto event = events_->Next(milliseconds(300))) {
    if ((*event)["type"] == "document.changed") ++changed;
  }
  EXPECT_EQ(changed, 1);
  ExpectMemoryBounded();
}

// --- robots.txt ---------------------------------------------------------------------------

TEST_F(HostileTest, RobotsTxtTimesOut) {
  // A host whose robots.txt never answers: keep out, never fetch the page, and do not hold up
  // other hosts. The check reports the real failure (a timeout), not "robots", so that a
  // subscriber filtering on timeouts sees it.
  HttpTestServer blackhole("127.0.0.3");
  blackhole.Set("/robots.txt", TestResponse{.hang = true});
  blackhole.Set("/policy", Html(PolicyHtml("Blackhole Privacy")));
  harness_.WriteTarget("blackhole", Target("Blackhole", blackhole.Url("/policy")));
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  ASSERT_TRUE(harness_.WaitForChecks(3, std::chrono::seconds(20))) << harness_.log();
  const nlohmann::json shown = Show("blackhole/privacy-policy");
  ASSERT_FALSE(shown["recent_checks"].empty()) << shown.dump();
  const nlohmann::json& check = shown["recent_checks"][0];
  EXPECT_EQ(check["outcome"], "failed") << check.dump();
  EXPECT_EQ(check["reason"], "timeout") << check.dump();
  EXPECT_EQ(check["message"].get<std::string>().rfind("robots.txt unavailable (timeout: ", 0), 0u)
      << check.dump();
  EXPECT_EQ(shown["versions"], 0);
  EXPECT_EQ(blackhole.RequestCount("/policy"), 0u);
  EXPECT_EQ(Show(kHealthyDoc)["recent_checks"][0]["outcome"], "first_seen");
  ExpectHealthyCheckedWithin(milliseconds(2500));
  ExpectMemoryBounded();
  EXPECT_EQ(harness_.Stop(), 0);
}

TEST_F(HostileTest, RobotsTxtDisallowsThePage) {
  HttpTestServer closed("127.0.0.3");
  closed.Set("/robots.txt", Html("User-agent: *\nDisallow: /policy\n", "text/plain"));
  closed.Set("/policy", Html(PolicyHtml("Closed Privacy")));
  harness_.WriteTarget("closed", Target("Closed", closed.Url("/policy")));
  ASSERT_TRUE(harness_.Start()) << harness_.log();
  ASSERT_TRUE(harness_.WaitForChecks(3, std::chrono::seconds(20))) << harness_.log();
  const nlohmann::json check = Show("closed/privacy-policy")["recent_checks"][0];
  EXPECT_EQ(check["outcome"], "failed") << check.dump();
  EXPECT_EQ(check["reason"], "robots") << check.dump();
  EXPECT_EQ(closed.RequestCount("/policy"), 0u);
  EXPECT_EQ(closed.RequestCount("/robots.txt"), 1u);
  EXPECT_EQ(harness_.Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing

// Conditional requests through the real daemon, against an origin server that answers
// If-None-Match and If-Modified-Since the way common servers do: the validators policyd sends
// must never make it miss a change (RFC 9110 §8.8.2.2, §13.1), and must still spare the
// server a full answer when the page did not change.
#include <gtest/gtest.h>

#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "daemon_harness.h"
#include "policyd/sha256.h"
#include "support/http_test_server.h"
#include "support/test_pages.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

constexpr char kDoc[] = "acme/privacy-policy";

std::string HttpDate(std::time_t when) {
  std::tm parts{};
  gmtime_r(&when, &parts);
  char text[64];
  std::strftime(text, sizeof text, "%a, %d %b %Y %H:%M:%S GMT", &parts);
  return text;
}

// A policy long enough that a page of one paragraph is a suspicious shrink of it.
std::string LongPolicy() {
  std::string sections;
  for (int i = 0; i < 20; ++i) {
    sections += "<h2>Section " + std::to_string(i) +
                "</h2><p>We process personal data for purpose number " + std::to_string(i) +
                " under the applicable law.</p>";
  }
  return "<html><body><main><h1>Privacy</h1>" + sections + "</main></body></html>";
}

// Pages as an origin server holds them: each with its bytes, when it was last modified (to the
// second, as Last-Modified says it), the server's clock (Date), and whether it sends an ETag
// (made from the bytes, as nginx and Apache make theirs from the file). A request whose
// If-None-Match names the current ETag, or (without If-None-Match) whose If-Modified-Since is
// the current Last-Modified, is answered 304 (nginx's default, "exact").
class OriginServer {
 public:
  void Publish(std::string body, std::time_t modified, std::time_t now, bool etag,
               const std::string& path = "/privacy") {
    const std::lock_guard lock(mutex_);
    Page& page = pages_[path];
    page.body = std::move(body);
    page.modified = modified;
    page.now = now;
    page.etag = etag ? "\"" + Sha256Hex(page.body).substr(0, 16) + "\"" : "";
    server_.SetHandler(
        path, [this, path](const RecordedRequest& request) { return Answer(path, request); });
  }

  // From now on, `path` answers with a permanent redirect to `to_path` on this server.
  void Redirect(const std::string& path, const std::string& to_path) {
    server_.SetHandler(path, [to_path](const RecordedRequest&) {
      TestResponse response;
      response.status = 301;
      response.headers.emplace_back("Location", to_path);
      return response;
    });
  }

  // From now on, `path` answers only after `delay` (a slow page, to edit targets meanwhile).
  void SlowDown(const std::string& path, std::chrono::milliseconds delay) {
    const std::lock_guard lock(mutex_);
    pages_.at(path).delay = delay;
  }

  // From now on, every conditional request is answered 304, whatever the page (a server whose
  // Last-Modified comes from a template's file, a stale cache, a static page whose
  // Last-Modified is older than any date it is asked about).
  void AnswerEveryConditionalRequestWith304() {
    const std::lock_guard lock(mutex_);
    always_not_modified_ = true;
  }

  std::vector<RecordedRequest> Requests(const std::string& path = "/privacy") const {
    return server_.RequestsFor(path);
  }
  std::string Url(const std::string& path = "/privacy") const { return server_.Url(path); }

 private:
  struct Page {
    std::string body;
    std::time_t modified = 0;
    std::time_t now = 0;
    std::string etag;
    std::chrono::milliseconds delay{0};
  };

  TestResponse Answer(const std::string& path, const RecordedRequest& request) const {
    const std::lock_guard lock(mutex_);
    const Page& page = pages_.at(path);
    TestResponse response = HtmlResponse(page.body);
    response.delay = page.delay;
    response.headers.emplace_back("Date", HttpDate(page.now));
    response.headers.emplace_back("Last-Modified", HttpDate(page.modified));
    if (!page.etag.empty()) response.headers.emplace_back("ETag", page.etag);
    const auto none_match = request.headers.find("if-none-match");
    const auto modified_since = request.headers.find("if-modified-since");
    const bool conditional =
        none_match != request.headers.end() || modified_since != request.headers.end();
    const bool not_modified = none_match != request.headers.end()
                                  ? !page.etag.empty() && none_match->second == page.etag
                                  : modified_since != request.headers.end() &&
                                        modified_since->second == HttpDate(page.modified);
    if (not_modified || (always_not_modified_ && conditional)) {
      response.status = 304;
      response.body.clear();
    }
    return response;
  }

  HttpTestServer server_;
  mutable std::mutex mutex_;
  std::map<std::string, Page> pages_;
  bool always_not_modified_ = false;
};

class ConditionalRequestsTest : public ::testing::Test {
 protected:
  // Starts the daemon on the page as published, and waits for its first check.
  void StartWatching(const std::string& extra_config = "") {
    harness_.emplace(extra_config);
    harness_->WriteTarget("acme", PrivacyPolicyTarget("Acme", origin_.Url()));
    ASSERT_TRUE(harness_->Start()) << harness_->log();
    ASSERT_TRUE(harness_->WaitForChecks(1)) << harness_->log();
  }

  // Checks the document now and answers its outcome ("changed", "not_modified"...).
  std::string CheckNow() {
    const auto answer =
        harness_->Control({{"cmd", "check"}, {"doc", kDoc}, {"wait", true}}, kWaitForAnswer);
    if (answer["ok"] != true || answer["result"]["outcomes"].size() != 1) return answer.dump();
    return answer["result"]["outcomes"][0]["result"];
  }

  // The validators policyd sent with its last request.
  std::string LastHeader(const std::string& name) const {
    const std::vector<RecordedRequest> requests = origin_.Requests();
    if (requests.empty()) return "(no request)";
    const auto found = requests.back().headers.find(name);
    return found == requests.back().headers.end() ? "" : found->second;
  }

  const std::time_t t0_ = 1'780'000'000;  // a Saturday in 2026
  OriginServer origin_;
  std::optional<DaemonHarness> harness_;
};

// A page edited twice within one second keeps its Last-Modified: the second edit is only seen
// if policyd does not trust a Last-Modified as recent as the response that carried it.
TEST_F(ConditionalRequestsTest, AnEditWithinTheSecondOfTheLastFetchIsNotMissed) {
  origin_.Publish(SharingPolicyPage("Privacy", "We share nothing."), t0_, t0_, false);
  StartWatching();
  origin_.Publish(SharingPolicyPage("Privacy", "We share your email with partners."), t0_, t0_,
                  false);
  EXPECT_EQ(CheckNow(), "changed");
  EXPECT_EQ(LastHeader("if-modified-since"), "");

  // Once the page's Last-Modified is a minute older than the server's clock, it is a strong
  // validator: the next check asks with it, and the server need not send the page.
  origin_.Publish(SharingPolicyPage("Privacy", "We share your email with partners."), t0_,
                  t0_ + 3600, false);
  EXPECT_EQ(CheckNow(), "unchanged");
  EXPECT_EQ(LastHeader("if-modified-since"), "");
  EXPECT_EQ(CheckNow(), "not_modified");
  EXPECT_EQ(LastHeader("if-modified-since"), HttpDate(t0_));
  EXPECT_EQ(harness_->Stop(), 0);
}

// A drastic shrink is held until it is seen again, by the look the hold scheduled (an hour
// later, or after the interval when it is shorter: 3 s here); a check asked for sooner does not
// confirm it. Its ETag must not be what policyd asks with next: the server would answer 304,
// and the shorter policy would never be confirmed. Nor is the confirming response's: a body cut
// short carries the whole page's, so the next request asks for the whole page.
TEST_F(ConditionalRequestsTest, AShrunkPageIsConfirmedAlthoughItsServerSendsETags) {
  origin_.Publish(LongPolicy(), t0_, t0_ + 3600, true);
  StartWatching("default_interval = \"3s\"\ninterval_jitter = 0\n");
  const std::string long_etag = "\"" + Sha256Hex(LongPolicy()).substr(0, 16) + "\"";
  EXPECT_EQ(CheckNow(), "not_modified");
  EXPECT_EQ(LastHeader("if-none-match"), long_etag);

  const std::string short_page = SharingPolicyPage("Privacy", "This policy is all there is now.");
  origin_.Publish(short_page, t0_ + 7200, t0_ + 7300, true);
  EXPECT_EQ(CheckNow(), "suspicious");
  EXPECT_EQ(CheckNow(), "suspicious");  // asked for before the hold's next look
  const auto versions = [&] {
    return harness_->Control({{"cmd", "history"}, {"doc", kDoc}})["result"]["versions"].size();
  };
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (versions() < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(versions(), 2u) << harness_->log();
  const std::size_t confirmed = origin_.Requests().size();
  EXPECT_EQ(LastHeader("if-none-match"), long_etag);  // the confirming request

  // The next request asks for the whole page; the one after it with the page's own ETag.
  while (origin_.Requests().size() < confirmed + 2 &&
         std::chrono::steady_clock::now() < deadline + std::chrono::seconds(10)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const std::vector<RecordedRequest> requests = origin_.Requests();
  ASSERT_GE(requests.size(), confirmed + 2) << harness_->log();
  EXPECT_EQ(requests[confirmed].headers.count("if-none-match"), 0u);
  EXPECT_EQ(requests[confirmed + 1].headers.at("if-none-match"),
            "\"" + Sha256Hex(short_page).substr(0, 16) + "\"");
  EXPECT_EQ(versions(), 2u);
  EXPECT_EQ(harness_->Stop(), 0);
}

// A page served without an ETag is not asked about with the ETag of an earlier page: that
// validator describes a version policyd no longer holds.
TEST_F(ConditionalRequestsTest, AnETagIsForgottenWhenTheNewVersionCameWithout) {
  origin_.Publish(SharingPolicyPage("Privacy", "We share nothing."), t0_, t0_ + 3600, true);
  StartWatching();
  origin_.Publish(SharingPolicyPage("Privacy", "We share your email."), t0_ + 7200, t0_ + 9000,
                  false);
  EXPECT_EQ(CheckNow(), "changed");
  EXPECT_EQ(CheckNow(), "not_modified");
  EXPECT_EQ(LastHeader("if-none-match"), "");
  EXPECT_EQ(LastHeader("if-modified-since"), HttpDate(t0_ + 7200));
  EXPECT_EQ(harness_->Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing

namespace policyd::testing {
namespace {

// A server that answers 304 to every conditional request cannot hide a change for longer than
// full_fetch_interval: the first check of each period goes out without validators.
TEST_F(ConditionalRequestsTest, AServerThatAlways304sCannotHideAChangeBeyondTheFullFetchInterval) {
  origin_.Publish(SharingPolicyPage("Privacy", "We share nothing."), t0_, t0_ + 3600, true);
  StartWatching("full_fetch_interval = \"2s\"\n");
  origin_.AnswerEveryConditionalRequestWith304();
  origin_.Publish(SharingPolicyPage("Privacy", "We share your email."), t0_ + 7200, t0_ + 9000,
                  true);
  std::vector<std::string> outcomes;
  for (int i = 0; i < 40 && (outcomes.empty() || outcomes.back() != "changed"); ++i) {
    outcomes.push_back(CheckNow());
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  ASSERT_EQ(outcomes.back(), "changed") << ::testing::PrintToString(outcomes);
  EXPECT_EQ(LastHeader("if-none-match"), "");
  for (std::size_t i = 0; i + 1 < outcomes.size(); ++i) EXPECT_EQ(outcomes[i], "not_modified");
  EXPECT_EQ(harness_->Stop(), 0);
}

// "0s": never a conditional request.
TEST_F(ConditionalRequestsTest, AFullFetchIntervalOfZeroSendsNoValidators) {
  origin_.Publish(SharingPolicyPage("Privacy", "We share nothing."), t0_, t0_ + 3600, true);
  StartWatching("full_fetch_interval = \"0s\"\n");
  EXPECT_EQ(CheckNow(), "unchanged");
  EXPECT_EQ(CheckNow(), "unchanged");
  EXPECT_EQ(LastHeader("if-none-match"), "");
  EXPECT_EQ(LastHeader("if-modified-since"), "");
  EXPECT_EQ(harness_->Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing

namespace policyd::testing {
namespace {

// A same-site redirect stub is followed to the policy; the policy's validators describe the
// policy, not the stub, and are never sent to the stub's URL (a static stub, older than any
// date it is asked about, would answer 304 for ever and hide every later edit).
TEST_F(ConditionalRequestsTest, AFollowedStubIsNotAskedWithThePolicysValidators) {
  const std::string stub =
      "<html><head><meta http-equiv='refresh' content='0; url=/legal/privacy'></head><body>"
      "<p>You should be redirected quickly, if not <a href='/legal/privacy'>click here</a>."
      "</p></body></html>";
  origin_.Publish(stub, t0_, t0_ + 3600, false);
  origin_.Publish(SharingPolicyPage("Privacy", "We share nothing."), t0_ + 60, t0_ + 3600, true,
                  "/legal/privacy");
  origin_.AnswerEveryConditionalRequestWith304();
  StartWatching();
  origin_.Publish(SharingPolicyPage("Privacy", "We share your email."), t0_ + 7200, t0_ + 9000,
                  true, "/legal/privacy");
  EXPECT_EQ(CheckNow(), "changed");
  EXPECT_EQ(LastHeader("if-none-match"), "");
  EXPECT_EQ(LastHeader("if-modified-since"), "");
  EXPECT_EQ(harness_->Stop(), 0);
}

// A target file whose URL is edited: the old page's validators are not sent to the new URL.
TEST_F(ConditionalRequestsTest, ANewUrlIsNotAskedWithTheOldPagesValidators) {
  origin_.Publish(SharingPolicyPage("Privacy", "We share nothing."), t0_, t0_ + 3600, true);
  origin_.Publish(SharingPolicyPage("Privacy", "Our new policy: we share your email."), t0_,
                  t0_ + 3600, true, "/legal/privacy");
  origin_.AnswerEveryConditionalRequestWith304();
  StartWatching();
  harness_->WriteTarget("acme", PrivacyPolicyTarget("Acme", origin_.Url("/legal/privacy")));
  ASSERT_EQ(harness_->Control({{"cmd", "reload"}}, kWaitForAnswer)["ok"], true);
  EXPECT_EQ(CheckNow(), "changed");
  const std::vector<RecordedRequest> requests = origin_.Requests("/legal/privacy");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.count("if-none-match"), 0u);
  EXPECT_EQ(requests[0].headers.count("if-modified-since"), 0u);
  EXPECT_EQ(harness_->Stop(), 0);
}

// The same edit made (and reloaded) while a check of the old URL is fetching: that check is
// the old URL's (it answered 304 to the old page's validators), and the new URL is read at
// once and whole. The answer used to be taken as the new URL's: its validators were adopted
// for it, so the new page was asked with them, and not before the interval (a week here).
TEST_F(ConditionalRequestsTest, AUrlEditedDuringACheckIsReadAtOnceAndWhole) {
  origin_.Publish(SharingPolicyPage("Privacy", "We share nothing."), t0_, t0_ + 3600, true);
  origin_.Publish(SharingPolicyPage("Privacy", "Our new policy: we share your email."), t0_,
                  t0_ + 3600, true, "/legal/privacy");
  origin_.AnswerEveryConditionalRequestWith304();
  StartWatching();
  origin_.SlowDown("/privacy", std::chrono::milliseconds(2000));
  ASSERT_EQ(harness_->Control({{"cmd", "check"}, {"doc", kDoc}})["ok"], true);
  for (int i = 0; i < 200 && origin_.Requests().size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_EQ(origin_.Requests().size(), 2u);
  harness_->WriteTarget("acme", PrivacyPolicyTarget("Acme", origin_.Url("/legal/privacy")));
  ASSERT_EQ(harness_->Control({{"cmd", "reload"}}, kWaitForAnswer)["ok"], true);
  ASSERT_TRUE(harness_->WaitForChecks(3, std::chrono::seconds(10))) << harness_->log();
  const std::vector<RecordedRequest> requests = origin_.Requests("/legal/privacy");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.count("if-none-match"), 0u);
  EXPECT_EQ(requests[0].headers.count("if-modified-since"), 0u);
  const auto history = harness_->Control({{"cmd", "history"}, {"doc", kDoc}});
  ASSERT_EQ(history["result"]["versions"].size(), 2u) << history.dump();
  EXPECT_EQ(history["result"]["versions"][1]["url"], origin_.Url("/legal/privacy"));
  EXPECT_EQ(harness_->Stop(), 0);
}

// The same edit made while the daemon is stopped: the stored validators are known to be the
// old URL's although no reload saw the URL change.
TEST_F(ConditionalRequestsTest, AUrlEditedWhileStoppedIsNotAskedWithTheOldPagesValidators) {
  origin_.Publish(SharingPolicyPage("Privacy", "We share nothing."), t0_, t0_ + 3600, true);
  origin_.Publish(SharingPolicyPage("Privacy", "Our new policy: we share your email."), t0_,
                  t0_ + 3600, true, "/legal/privacy");
  origin_.AnswerEveryConditionalRequestWith304();
  StartWatching();
  ASSERT_EQ(harness_->Stop(), 0);
  harness_->WriteTarget("acme", PrivacyPolicyTarget("Acme", origin_.Url("/legal/privacy")));
  ASSERT_TRUE(harness_->Start()) << harness_->log();
  EXPECT_EQ(CheckNow(), "changed");
  const std::vector<RecordedRequest> requests = origin_.Requests("/legal/privacy");
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().headers.count("if-none-match"), 0u);
  EXPECT_EQ(requests.back().headers.count("if-modified-since"), 0u);
  EXPECT_EQ(harness_->Stop(), 0);
}

// The operator fixes a document's `select`: its page did not change, so its server would answer
// the old validators 304, and the fix would wait for the page's next edit. The request after
// the edit goes out whole, and the new reading is stored as a reread.
TEST_F(ConditionalRequestsTest, AnExtractionSettingEditIsAppliedAlthoughThePageAnswers304) {
  const std::string page =
      "<html><body><main><section id='cookies'><h1>Cookies</h1><p>We set two cookies.</p>"
      "</section><section id='privacy'><h1>Privacy</h1><p>We share your email with partners."
      "</p></section></main></body></html>";
  origin_.Publish(page, t0_, t0_ + 3600, true);
  const auto target = [&](const std::string& selector) {
    return PrivacyPolicyTarget("Acme", origin_.Url()) + "select = [\"" + selector + "\"]\n";
  };
  harness_.emplace();
  harness_->WriteTarget("acme", target("#cookies"));
  ASSERT_TRUE(harness_->Start()) << harness_->log();
  ASSERT_TRUE(harness_->WaitForChecks(1)) << harness_->log();
  EXPECT_EQ(CheckNow(), "not_modified");

  harness_->WriteTarget("acme", target("#privacy"));
  ASSERT_EQ(harness_->Control({{"cmd", "reload"}}, kWaitForAnswer)["ok"], true);
  EXPECT_EQ(CheckNow(), "reread");
  EXPECT_EQ(LastHeader("if-none-match"), "");
  const auto show = harness_->Control({{"cmd", "history"}, {"doc", kDoc}});
  ASSERT_EQ(show["result"]["versions"].size(), 2u) << show.dump();
  // An analyst citing the human evidence sees that this version is no change of the page.
  const CommandResult evidence = harness_->Policyctl({"show", "--evidence", kDoc});
  // No change class beside it: a reread is no change of the page ("substantive" was printed).
  EXPECT_NE(evidence.out.find("(document.reread)"), std::string::npos) << evidence.out;
  EXPECT_NE(evidence.out.find("the page did not change"), std::string::npos) << evidence.out;
  // So does the diff the docs point to for "the change": it said "change: substantive, 6
  // word(s) added, 4 removed", which a journalist would report as words the site changed.
  const CommandResult diff = harness_->Policyctl({"diff", kDoc});
  EXPECT_EQ(diff.out.substr(0, diff.out.find('\n')),
            "change: reread: the page did not change, policyd reads it differently now (the "
            "text: substantive, 6 word(s) added, 4 removed)")
      << diff.out;
  const auto diff_json = harness_->Control({{"cmd", "diff"}, {"doc", kDoc}});
  EXPECT_EQ(diff_json["result"]["reread"], true) << diff_json.dump();
  EXPECT_EQ(diff_json["result"]["change_class"], "substantive") << diff_json.dump();
  // And the page is asked about with its validators again.
  EXPECT_EQ(CheckNow(), "not_modified");
  EXPECT_EQ(LastHeader("if-none-match"), "\"" + Sha256Hex(page).substr(0, 16) + "\"");
  EXPECT_EQ(harness_->Stop(), 0);
}

// A policy URL that redirects (to https, to /legal/privacy, to a locale) is common. The
// validators describe the page at the redirect's end: they are sent there, also after a
// restart, so that its server answers 304 while it is unchanged, and never to the redirect
// itself (a static redirect, older than any date it is asked about, could answer 304 for ever).
// They used to be dropped, so such a page was downloaded whole at every check.
TEST_F(ConditionalRequestsTest, ARedirectedPageIsAskedWithItsValidatorsWhereItIs) {
  const std::string page = SharingPolicyPage("Privacy", "We share nothing.");
  origin_.Publish(page, t0_, t0_ + 3600, true, "/legal/privacy");
  origin_.Redirect("/privacy", "/legal/privacy");
  StartWatching();
  const std::string etag = "\"" + Sha256Hex(page).substr(0, 16) + "\"";
  EXPECT_EQ(CheckNow(), "not_modified");
  ASSERT_EQ(harness_->Stop(), 0);
  ASSERT_TRUE(harness_->Start()) << harness_->log();
  EXPECT_EQ(CheckNow(), "not_modified");
  const std::vector<RecordedRequest> page_requests = origin_.Requests("/legal/privacy");
  ASSERT_EQ(page_requests.size(), 3u);
  EXPECT_EQ(page_requests[0].headers.count("if-none-match"), 0u);
  for (const std::size_t i : {1u, 2u}) {
    const auto sent = page_requests[i].headers.find("if-none-match");
    ASSERT_NE(sent, page_requests[i].headers.end()) << "request " << i;
    EXPECT_EQ(sent->second, etag) << "request " << i;
  }
  const std::vector<RecordedRequest> redirect_requests = origin_.Requests("/privacy");
  ASSERT_EQ(redirect_requests.size(), 3u);
  for (const RecordedRequest& request : redirect_requests) {
    EXPECT_EQ(request.headers.count("if-none-match"), 0u);
    EXPECT_EQ(request.headers.count("if-modified-since"), 0u);
  }
  // And an edit of the page is seen.
  origin_.Publish(SharingPolicyPage("Privacy", "We share your email."), t0_ + 7200, t0_ + 9000,
                  true, "/legal/privacy");
  EXPECT_EQ(CheckNow(), "changed");
  EXPECT_EQ(harness_->Stop(), 0);
}

// The redirect moves to another address with the same text: no version, but each check
// records where its fetch ended, so the move is in the evidence (`show`, its JSON too).
// Before, only versions kept a final URL: an unchanged check from a new address left no trace.
TEST_F(ConditionalRequestsTest, EachCheckRecordsWhereItsRedirectsEnded) {
  const std::string page = SharingPolicyPage("Privacy", "We share nothing.");
  origin_.Publish(page, t0_, t0_ + 3600, true, "/legal/privacy");
  origin_.Publish(page, t0_, t0_ + 3600, true, "/legal/privacy-v2");
  origin_.Redirect("/privacy", "/legal/privacy");
  StartWatching();
  origin_.Redirect("/privacy", "/legal/privacy-v2");
  EXPECT_EQ(CheckNow(), "unchanged");
  const nlohmann::json shown = harness_->Control({{"cmd", "show"}, {"doc", kDoc}});
  const nlohmann::json& checks = shown["result"]["recent_checks"];
  ASSERT_GE(checks.size(), 2u) << shown.dump();
  EXPECT_EQ(checks[0]["outcome"], "unchanged");
  EXPECT_EQ(checks[0]["final_url"], origin_.Url("/legal/privacy-v2")) << checks[0].dump();
  EXPECT_EQ(checks[1]["outcome"], "first_seen");
  EXPECT_EQ(checks[1]["final_url"], origin_.Url("/legal/privacy")) << checks[1].dump();
  const CommandResult text = harness_->Policyctl({"show", kDoc});
  EXPECT_NE(text.out.find("redirected to " + origin_.Url("/legal/privacy-v2")), std::string::npos)
      << text.out;
  // A check that was not redirected records none.
  origin_.Publish(page, t0_, t0_ + 3600, true);
  EXPECT_EQ(CheckNow(), "unchanged");
  const nlohmann::json direct = harness_->Control({{"cmd", "show"}, {"doc", kDoc}});
  EXPECT_FALSE(direct["result"]["recent_checks"][0].contains("final_url")) << direct.dump();
  EXPECT_EQ(harness_->Stop(), 0);
}

// The redirect now leads to another page: the old page's validators are not sent there.
TEST_F(ConditionalRequestsTest, ARedirectToAnotherPageIsNotAskedWithTheOldPagesValidators) {
  origin_.Publish(SharingPolicyPage("Privacy", "We share nothing."), t0_, t0_ + 3600, true,
                  "/legal/privacy");
  origin_.Publish(SharingPolicyPage("Privacy", "Our new policy: we share your email."), t0_,
                  t0_ + 3600, true, "/legal/privacy-2026");
  origin_.Redirect("/privacy", "/legal/privacy");
  origin_.AnswerEveryConditionalRequestWith304();
  StartWatching();
  origin_.Redirect("/privacy", "/legal/privacy-2026");
  EXPECT_EQ(CheckNow(), "changed");
  const std::vector<RecordedRequest> requests = origin_.Requests("/legal/privacy-2026");
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].headers.count("if-none-match"), 0u);
  EXPECT_EQ(requests[0].headers.count("if-modified-since"), 0u);
  EXPECT_EQ(harness_->Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing

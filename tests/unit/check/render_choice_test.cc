// ProcessCheck's half of `render = "auto"`: when a check is handed back for the browser, and
// what the document's state remembers about its page (DocState::render_choice).
#include <gtest/gtest.h>

#include <filesystem>

#include "check_fixture.h"
#include "policyd/check.h"
#include "policyd/clock.h"

namespace policyd {
namespace {

constexpr const char* kShell =
    "<!doctype html><html><body><noscript>Please enable JavaScript.</noscript>"
    "<div id=\"root\"></div><script src=\"/app.js\"></script></body></html>";

std::string RenderedPolicy(const std::string& sharing) {
  std::string html = "<html><body><div id=\"root\"><main><h1>Privacy Policy</h1>";
  for (int i = 0; i < 8; ++i) {
    html += "<p>We process personal data for purpose " + std::to_string(i) + ".</p>";
  }
  return html + "<h2>Sharing</h2><p>" + sharing + "</p></main></div></body></html>";
}

class RenderChoiceTest : public CheckFixture {
 protected:
  CheckInput Input(std::string body) {
    CheckInput input;
    input.spec = std::make_shared<const DocumentSpec>(spec_);
    input.state = state_;
    input.response.http_status = 200;
    input.response.content_type = "text/html";
    input.response.final_url = spec_.url;
    input.response.body = std::move(body);
    input.interval = std::chrono::hours(24);
    input.may_render = true;
    return input;
  }
  CheckOutcome Run(CheckInput input) {
    CheckOutcome outcome = ProcessCheck(*store_, std::move(input), clock_, rng_);
    if (!outcome.wants_browser) {
      EXPECT_TRUE(outcome.status.ok()) << outcome.status.ToString();
      state_ = outcome.state;
    }
    return outcome;
  }
  CheckInput Rendered(std::string html, RenderTrigger trigger) {
    CheckInput input = Input(std::move(html));
    input.fetcher = FetcherKind::kBrowser;
    input.render_trigger = trigger;
    input.browser_version = "HeadlessChrome/156.0.8078.114";
    input.may_render = false;
    return input;
  }
  std::size_t ChecksStored() { return store_->GetChecks(spec_.id, 100)->size(); }
};

TEST_F(RenderChoiceTest, AnAppShellIsHandedBackWithItsPagesAndNothingStored) {
  CheckOutcome outcome = Run(Input(kShell));
  ASSERT_TRUE(outcome.wants_browser);
  ASSERT_EQ(outcome.pages.size(), 1u);
  EXPECT_EQ(outcome.pages[0].body, kShell);  // the body travels on to the browser
  EXPECT_EQ(ChecksStored(), 0u);
}

TEST_F(RenderChoiceTest, TheBrowsersTextBecomesAVersionAndTheChoiceIsRemembered) {
  const CheckOutcome outcome =
      Run(Rendered(RenderedPolicy("We never sell data."), RenderTrigger::kAppShell));
  ASSERT_FALSE(outcome.wants_browser);
  EXPECT_EQ(outcome.check.outcome, "first_seen");
  EXPECT_EQ(state_.render_choice, RenderChoice::kBrowser);
  EXPECT_GT(state_.render_tested_ms, 0);
  const auto history = store_->GetHistory(spec_.id);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].fetcher, FetcherKind::kBrowser);
  EXPECT_EQ((*history)[0].browser_version, "HeadlessChrome/156.0.8078.114");

  // A remembered render does not count as a test of the page as served.
  const int64_t tested = state_.render_tested_ms;
  Run(Rendered(RenderedPolicy("We never sell data."), RenderTrigger::kRemembered));
  EXPECT_EQ(state_.render_tested_ms, tested);
  EXPECT_EQ(state_.render_choice, RenderChoice::kBrowser);
}

TEST_F(RenderChoiceTest, AServedPageWithTextIsStaticAndNeverHandedBack) {
  const CheckOutcome outcome = Run(Input(RenderedPolicy("We never sell data.")));
  EXPECT_FALSE(outcome.wants_browser);
  EXPECT_EQ(outcome.check.outcome, "first_seen");
  EXPECT_EQ(state_.render_choice, RenderChoice::kStatic);
  EXPECT_EQ((*store_->GetHistory(spec_.id))[0].fetcher, FetcherKind::kHttp);
}

TEST_F(RenderChoiceTest, StaticDocumentsAndUnavailableBrowsersJudgeTheShellAsServed) {
  spec_.render = RenderMode::kStatic;
  CheckOutcome outcome = Run(Input(kShell));
  EXPECT_FALSE(outcome.wants_browser);
  EXPECT_EQ(outcome.check.reason, "empty");

  spec_.render = RenderMode::kAuto;
  CheckInput no_browser = Input(kShell);
  no_browser.may_render = false;  // disabled, or its render failed in this check
  outcome = Run(std::move(no_browser));
  EXPECT_FALSE(outcome.wants_browser);
  EXPECT_EQ(outcome.check.reason, "empty");
  EXPECT_EQ(state_.render_choice, RenderChoice::kUndecided);
}

// An `auto` document whose render failed in this check is judged as served; when that fails
// too ("empty"), the message says what the browser ran into, which the log alone told.
TEST_F(RenderChoiceTest, AnAutoChecksFailedRenderIsNamedWhenTheServedPageFailsToo) {
  CheckInput input = Input(kShell);
  input.may_render = false;
  input.failed_render = "browser_timeout: not settled within 30000 ms (1 requests in flight)";
  const CheckOutcome outcome = Run(std::move(input));
  EXPECT_EQ(outcome.check.reason, "empty");
  EXPECT_NE(outcome.check.message.find("(the browser's render failed first: browser_timeout: "
                                       "not settled within 30000 ms (1 requests in flight))"),
            std::string::npos)
      << outcome.check.message;
}

// A framework's shell with a redirect it only takes sometimes (old browsers, no JavaScript)
// is a shell first: it was judged a redirect stub, the redirect's page stored as the policy.
// A page that is only a redirect (no mount point to fill) is still followed as served.
TEST_F(RenderChoiceTest, AShellWithAConditionalRedirectIsRenderedNotFollowed) {
  for (const char* redirect :
       {"<script>if (/MSIE |Trident\\//.test(navigator.userAgent)) { window.location.href = "
        "'/unsupported.html'; }</script>",
        "<noscript><meta http-equiv=\"refresh\" content=\"0; url=/nojs.html\"></noscript>"}) {
    const std::string shell = std::string("<!doctype html><html><head>") + redirect +
                              "</head><body><div id=\"root\"></div>"
                              "<script src=\"/app.js\"></script></body></html>";
    const CheckOutcome outcome = Run(Input(shell));
    EXPECT_TRUE(outcome.wants_browser) << redirect << ": " << outcome.check.reason;
  }
  const CheckOutcome only_a_redirect =
      Run(Input("<html><body><p>Redirecting...</p><script>location.replace('/privacy-v2');"
                "</script></body></html>"));
  EXPECT_FALSE(only_a_redirect.wants_browser);
  EXPECT_EQ(only_a_redirect.follow_url, "https://acme.example/privacy-v2");
}

TEST_F(RenderChoiceTest, AChallengeIsNeverSentToTheBrowser) {
  // Little text and scripts, like a shell, but the site is saying no: no browser to get past it.
  const CheckOutcome outcome =
      Run(Input("<html><head><title>Just a moment...</title></head><body><div id=\"root\"></div>"
                "<noscript>Enable JavaScript and cookies to continue</noscript>"
                "<script src=\"/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1\"></script>"
                "</body></html>"));
  EXPECT_FALSE(outcome.wants_browser);
  EXPECT_EQ(outcome.check.reason, "challenge");
}

TEST_F(RenderChoiceTest, AShellTheBrowserCannotFillEitherIsNotRenderedEveryCheck) {
  CheckInput input = Rendered(kShell, RenderTrigger::kAppShell);
  input.blocked_requests = {"http://10.0.0.5/app.js", "http://10.0.0.5/data.json"};
  const CheckOutcome outcome = Run(std::move(input));
  EXPECT_EQ(outcome.check.reason, "empty");
  // The operator learns the browser was tried, and why its render may be empty.
  EXPECT_NE(outcome.check.message.find("(rendered in HeadlessChrome/156.0.8078.114; 2 "
                                       "request(s) of the page refused (a non-public address, "
                                       "or a name that did not resolve), the first "
                                       "http://10.0.0.5/app.js)"),
            std::string::npos)
      << outcome.check.message;
  // Text a script adds after the network is quiet is missed: the message says what helps.
  EXPECT_TRUE(outcome.check.message.ends_with(
      "; if the text appears late, a select naming it makes the browser wait"))
      << outcome.check.message;
  EXPECT_EQ(state_.render_choice, RenderChoice::kNeither);
  EXPECT_GT(state_.render_tested_ms, 0);
}

TEST_F(RenderChoiceTest, ABrowserDocumentWhoseRenderFailedFailsWithTheBrowsersReason) {
  spec_.render = RenderMode::kBrowser;
  CheckInput input = Input(kShell);
  input.render_error = FailureReason::kBrowserTimeout;
  input.render_message = "not settled within 30 s";
  const CheckOutcome outcome = Run(std::move(input));
  EXPECT_EQ(outcome.check.outcome, "failed");
  EXPECT_EQ(outcome.check.reason, "browser_timeout");
  EXPECT_EQ(outcome.check.message, "not settled within 30 s");
  EXPECT_TRUE(IsTransientFailure(FailureReason::kBrowserTimeout));
  EXPECT_TRUE(IsTransientFailure(FailureReason::kBrowserCrashed));
  EXPECT_EQ(state_.render_choice, RenderChoice::kUndecided);  // only `auto` remembers
}

TEST(RenderDecisionTest, RememberedBrowserChoiceIsRetestedAsServedAfterTheInterval) {
  const std::chrono::milliseconds week = std::chrono::hours(24 * 7);
  const int64_t tested = 1'700'000'000'000;
  DocState state;
  state.render_choice = RenderChoice::kBrowser;
  state.render_tested_ms = tested;
  EXPECT_TRUE(RendersFirst(RenderMode::kAuto, state, true, tested + 1000, week));
  EXPECT_FALSE(RendersFirst(RenderMode::kAuto, state, true, tested + week.count(), week));
  EXPECT_FALSE(RendersFirst(RenderMode::kAuto, state, false, tested + 1000, week));
  EXPECT_FALSE(RendersFirst(RenderMode::kStatic, state, true, tested + 1000, week));
  // `browser` documents always go to the browser (and fail clearly without one).
  EXPECT_TRUE(RendersFirst(RenderMode::kBrowser, DocState{}, false, tested, week));
  EXPECT_FALSE(RendersFirst(RenderMode::kAuto, DocState{}, true, tested, week));
}

// A shell the browser could not fill waits before it is rendered again, but an hour at most:
// one empty render (its API answered 503 that moment) kept a new document blind for the whole
// retest interval, 7 days, each check failing as empty without a render.
TEST(RenderDecisionTest, AShellTheBrowserCouldNotFillWaitsAnHourAtMost) {
  const std::chrono::milliseconds week = std::chrono::hours(24 * 7);
  const std::chrono::milliseconds hour = std::chrono::hours(1);
  const int64_t tested = 1'700'000'000'000;
  DocState state;
  EXPECT_TRUE(MayRenderShell(state, tested, week));
  state.render_choice = RenderChoice::kNeither;
  state.render_tested_ms = tested;
  EXPECT_FALSE(MayRenderShell(state, tested + hour.count() - 1, week));
  EXPECT_TRUE(MayRenderShell(state, tested + hour.count(), week));
  // A shorter retest interval stays the bound.
  EXPECT_TRUE(MayRenderShell(state, tested + 60'000, std::chrono::minutes(1)));
}

}  // namespace
}  // namespace policyd

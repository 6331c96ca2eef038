// render = "auto": when a document's pages go to the browser, and what a check teaches about
// that choice.
#include <algorithm>

#include "check_internal.h"
#include "policyd/check.h"
#include "policyd/extract.h"
#include "policyd/text_bounds.h"

namespace policyd {

bool RendersFirst(RenderMode mode, const DocState& state, bool browser_enabled, int64_t now_ms,
                  std::chrono::milliseconds retest) {
  if (mode == RenderMode::kBrowser) return true;
  if (!browser_enabled || mode != RenderMode::kAuto) return false;
  return state.render_choice == RenderChoice::kBrowser &&
         now_ms - state.render_tested_ms < retest.count();
}

bool MayRenderShell(const DocState& state, int64_t now_ms, std::chrono::milliseconds retest) {
  // One empty render may be the moment's (the page's API answered 503): the shell is tried in
  // the browser again within the hour, not after the whole retest interval (7 days).
  const std::chrono::milliseconds wait = std::min(retest, kShellRetest);
  return state.render_choice != RenderChoice::kNeither ||
         now_ms - state.render_tested_ms >= wait.count();
}

// The pages as served look like the shell of a script-built application, and the browser may
// render them: the check is handed back to the daemon instead of judging the shell.
bool WantsBrowser(const CheckInput& input, const DocumentText& extracted,
                  const std::vector<const FetchResponse*>& pages) {
  if (!input.may_render || input.fetcher != FetcherKind::kHttp ||
      input.spec->render != RenderMode::kAuto || !extracted.extracted) {
    return false;
  }
  // A challenge, block page or login wall is the site saying no: a browser must not try to
  // get past it. Only a usable or empty text may be a shell, or a redirect stub that is a
  // framework's shell with a redirect it takes only sometimes (an old browser's, a <noscript>
  // refresh for clients without JavaScript): the browser runs the page and sees which.
  const bool judged_redirect = extracted.reason == FailureReason::kRedirectStub;
  if (extracted.reason != FailureReason::kNone && extracted.reason != FailureReason::kEmpty &&
      !judged_redirect) {
    return false;
  }
  if (extracted.text.size() > kAppShellMaxTextBytes * pages.size()) return false;
  return std::any_of(pages.begin(), pages.end(), [judged_redirect](const FetchResponse* page) {
    if (IsPdf(*page)) return false;
    const AppShellSignals shell = ReadAppShellSignals(page->body, page->content_type);
    // A page that is only a redirect has no mount point to fill: followed as served.
    return shell.LooksLikeAppShell() && (!judged_redirect || shell.empty_mount_points > 0);
  });
}

// A failure of a rendered page says so: "(rendered in Chrome/156...; 3 request(s) of the page
// refused (...), the first https://10.0.0.5/app.js)".
std::string RenderedNote(const CheckInput& input) {
  std::string note =
      " (rendered in " + (input.browser_version.empty() ? "the browser" : input.browser_version);
  if (!input.blocked_requests.empty()) {
    note += "; " + std::to_string(input.blocked_requests.size()) +
            " request(s) of the page refused (a non-public address, or a name that did not "
            "resolve), the first " +
            TruncateUtf8(input.blocked_requests.front(), 256);  // a page chooses its URLs
  }
  return note + ")";
}

// What RenderMode::kAuto learns from this check about the document's page (DocState).
void UpdateRenderChoice(const CheckInput& input, FailureReason reason, int64_t now_ms,
                        DocState* state) {
  if (input.spec->render != RenderMode::kAuto) return;
  const bool tried_as_served = input.render_trigger != RenderTrigger::kRemembered;
  if (input.fetcher == FetcherKind::kHttp) {
    // As served it gave the text (or a 304 for the text it gave before).
    if (reason == FailureReason::kNone) {
      state->render_choice = RenderChoice::kStatic;
      state->render_tested_ms = now_ms;
    }
    return;
  }
  if (reason == FailureReason::kNone) {
    state->render_choice = RenderChoice::kBrowser;
    if (tried_as_served) state->render_tested_ms = now_ms;
  } else if (reason == FailureReason::kEmpty && input.render_trigger == RenderTrigger::kAppShell) {
    // A shell as served and nothing in the browser either: not worth a browser on every check.
    state->render_choice = RenderChoice::kNeither;
    state->render_tested_ms = now_ms;
  }
}

}  // namespace policyd

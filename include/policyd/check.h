// CheckProcessor: the worker-pool half of one check. Takes the fetcher's response for a
// document and turns it into exactly one store commit: the check record, the document's new
// state (with its next due time, so schedules survive restarts), and when the text is new the
// version and its event. Runs on a worker thread; touches nothing owned by the network thread.
#ifndef POLICYD_DAEMON_CHECK_PROCESSOR_H_
#define POLICYD_DAEMON_CHECK_PROCESSOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/config.h"
#include "policyd/fetcher.h"
#include "policyd/scheduler.h"
#include "policyd/store.h"

namespace policyd {

// Why a check's pages were rendered in the browser.
enum class RenderTrigger {
  kNone,        // not rendered
  kTarget,      // render = "browser"
  kRemembered,  // render = "auto", and an earlier check found the page needs the browser
  kAppShell,    // render = "auto", and this check's page as served was an app shell
};

struct CheckInput {
  // Shared with the daemon's document table (never null): the network thread hands a check
  // to the pool without copying the spec's strings and selector lists.
  std::shared_ptr<const DocumentSpec> spec;
  DocState state;          // the document's state when the check started
  FetchResponse response;  // never kAborted (aborted checks are not recorded)
  // The responses for spec.extra_urls, in order (multi-page documents): their texts are
  // combined after the first page's; any failing page fails the check.
  std::vector<FetchResponse> extra_pages;
  std::chrono::milliseconds interval{0};
  int failure_threshold = 3;
  double shrink_guard = 0.5;     // see DaemonConfig::shrink_guard
  int shrink_confirmations = 2;  // see DaemonConfig::shrink_confirmations
  ScheduleOptions schedule;

  // The browser (RenderMode, BrowserFetcher). `pages` are the plain fetch's responses unless
  // `fetcher` is kBrowser: then their bodies are the rendered DOMs.
  FetcherKind fetcher = FetcherKind::kHttp;
  RenderTrigger render_trigger = RenderTrigger::kNone;  // why the pages were rendered
  std::string browser_version;
  // Requests the rendered pages made that the browser's address gate refused (RenderResult::
  // blocked_urls, first few), named in the message if the check fails: a page whose scripts
  // could not load is why a render comes out empty.
  std::vector<std::string> blocked_requests;
  // A browser available to `auto` documents whose page turns out to be an app shell: when
  // false (disabled, or its render failed in this check), the page is judged as served.
  bool may_render = false;
  // The render failed: the check fails with this reason (a RenderErrorName) and message,
  // unless the document is `auto` (then the plain pages are judged as served).
  std::string render_error;
  std::string render_message;
  std::chrono::milliseconds render_retest_interval{0};  // DaemonConfig::render_retest_interval
};

// Microseconds spent in each stage of one check (0 for stages the check did not reach).
struct StageTimes {
  int64_t queue_us = 0;    // waiting in the fetcher's host queue
  int64_t fetch_us = 0;    // the HTTP transfer
  int64_t decode_us = 0;   // charset decision and transcoding
  int64_t parse_us = 0;    // Gumbo
  int64_t extract_us = 0;  // main content, Markdown, normalisation
  int64_t hash_us = 0;     // SHA-256 of the raw body and the text
  int64_t diff_us = 0;     // the change summary against the previous version
  int64_t store_us = 0;    // the RocksDB commit
  // Waiting in the worker pool's queue (post to start of the job). Filled by the daemon.
  int64_t pool_wait_us = 0;
};

struct CheckOutcome {
  Status status;   // the commit's status; on error nothing was stored
  DocState state;  // the state now stored (valid when status is OK)
  CheckRecord check;
  std::vector<StoredEvent> events;  // committed events, in sequence order
  StageTimes times;
  // Nothing was committed: the document is `auto`, its page as served is an app shell, and the
  // browser may render it. `pages` gives the responses back for that (then the check goes on).
  bool wants_browser = false;
  std::vector<FetchResponse> pages;
};

// What the pages of a document become before hashing: the text a version would hold, or why
// the check fails. The one implementation of that decision, behind ProcessCheck and
// `policyctl extract`, so the tool prints exactly what the daemon would store.
struct DocumentText {
  std::string reason;  // "" = `text` is usable (or the first page is a 304: nothing to extract)
  std::string message;
  std::size_t failing_page = 0;  // index of the page `reason` is about
  bool extracted = false;        // the pages were usable responses and were extracted
  std::string text;              // the pages' texts joined in order (even when refused)
  std::string charset;           // of the last page extracted
  int64_t decode_us = 0;
  int64_t parse_us = 0;
  int64_t extract_us = 0;
};

// Classifies each response (ClassifyResponse: transport errors, HTTP status, content type,
// sniffed binary bodies), then extracts each page: a PDF (Content-Type application/pdf or a
// body starting with "%PDF-") with ExtractPdfText (policyd/pdf.h; its failures are the check's
// reason: `pdf_encrypted`, `pdf_no_text`, `pdf_malformed`, `pdf_too_large`, `pdf_timeout`,
// `pdf_unavailable`), anything else with spec.extraction (compiled when the target was loaded),
// refusing what the error-page guard recognises in a web page (`challenge`, `blocked`,
// `error_page`, `login_wall`); empty texts, of web pages and PDFs alike, fail as `empty`.
// A PDF's text is the whole document's: the spec's select/remove/ranges/ignore_lines are
// for web pages and do not apply to it.
// `pages` are the responses for spec.url then spec.extra_urls; never empty.
DocumentText ExtractDocumentText(const DocumentSpec& spec,
                                 const std::vector<const FetchResponse*>& pages);

// render = "auto"'s memory, for the daemon (pure: the clock is passed in):
// True when the document's pages go to the browser before they are judged: render =
// "browser", or `auto` remembering that its page needs the browser and last tried as served
// less than `retest` ago (sites change their stack: a remembered choice is re-tested).
bool RendersFirst(RenderMode mode, const DocState& state, bool browser_enabled, int64_t now_ms,
                  std::chrono::milliseconds retest);
// False while a shell whose render was empty too (RenderChoice::kNeither) waits for its
// retest: the browser is not tried on every check of such a page.
bool MayRenderShell(const DocState& state, int64_t now_ms, std::chrono::milliseconds retest);

// Classifies, extracts, hashes, compares and commits. Thread-safe (Store is). Takes `input`
// by value so that the body of a new version is moved into the store, not copied.
CheckOutcome ProcessCheck(Store& store, CheckInput input, std::mt19937_64& rng);

// The failure reason class of a response that is not a usable page, or "" when it is usable.
// ("dns", "timeout", ..., "http_4xx", "http_429", "http_5xx", "content_type": a media type
// other than HTML, XHTML, plain text or PDF, or a body that SniffBody finds is binary but not
// a PDF). A PDF is usable here: whether it converts is ExtractDocumentText's decision.
std::string ClassifyResponse(const FetchResponse& response);

// True when a failure of class `reason` may go away by itself soon, so the document is
// retried with exponential backoff (from about a minute, capped by its interval): DNS,
// connect, TLS, timeout, protocol errors, 429, 5xx (on the page or on its robots.txt: an
// unavailable robots.txt reports its own failure), bot challenges, block pages, error pages
// served as 2xx, empty renders, a PDF conversion that timed out (`pdf_timeout`: a loaded
// machine) and missing poppler-utils (`pdf_unavailable`: an install away). Everything else
// (4xx, too large, content type, bad URL, blocked address, redirect loops, `robots`: a
// robots.txt rule disallowing the page, a login wall, a PDF that is encrypted, has no text
// layer, is malformed or too large) is permanent until someone changes the site or the target:
// the next check waits for the document's interval, as after a success.
bool IsTransientFailure(std::string_view reason);

// Retry-After as a delay (delta-seconds or HTTP-date relative to `now_ms`), if parsable.
std::optional<std::chrono::milliseconds> ParseRetryAfter(const std::string& value, int64_t now_ms);

}  // namespace policyd

#endif  // POLICYD_DAEMON_CHECK_PROCESSOR_H_

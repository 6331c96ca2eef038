// The check: the worker-pool half of checking one document, as a component without I/O of its
// own. It takes the fetcher's responses for a document and turns them into exactly one store
// commit: the check record, the document's new state (with its next due time, so schedules
// survive restarts), and when the text is new the version and its event. Runs on a worker
// thread; touches nothing owned by the network thread; reads the wall clock only through the
// CheckClock it is given.
//
// The road of one check (ProcessCheck, src/check/process_check.cc), phase by phase:
//   1. classify each response (transport error, HTTP status, content type: ClassifyResponse);
//   2. extract each page (HTML with the document's compiled extraction, a PDF with poppler)
//      and refuse what is not the document (ErrorPageGuard: challenges, block, error and
//      login pages; redirect stubs; empty renders): ExtractDocumentText
//      (policyd/document_text.h, with FailureReason and ClassifyResponse);
//   3. a failure counts toward the document's failure streak and its event; a success ends it;
//   4. a new text is compared with the current version. When the current version's raw
//      capture, extracted again now, gives the new text, the page did not change, only
//      policyd's reading of it did: a version all the same (the record stays exact), announced
//      as document.reread, never as a change. Otherwise a suspicious shrink is held back, and
//      anything else becomes a version with its document.first_seen / document.changed event.
//      [fleet]: when the fleet's record of the document is ahead of this member's history,
//      the text is judged against the fleet's version instead (policyd/fleet_baseline.h):
//      adopted without an event when it is that version, else document.changed from it.
//      The response's validators are kept for the next conditional request only once its
//      text is the current version (AdoptValidators);
//   5. the next due time is scheduled (backoff after transient failures, Retry-After honoured);
//   6. one atomic commit.
#ifndef POLICYD_CHECK_H_
#define POLICYD_CHECK_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/config.h"
#include "policyd/document_text.h"
#include "policyd/fetcher.h"
#include "policyd/fleet_baseline.h"
#include "policyd/pdf.h"
#include "policyd/retry_after.h"
#include "policyd/scheduler.h"
#include "policyd/store.h"

namespace policyd {

// What one check concluded. Stored by name (CheckResultName: CheckRecord::outcome).
enum class CheckResult {
  kFirstSeen,    // "first_seen": the document's first version
  kChanged,      // "changed": a new version
  kUnchanged,    // "unchanged": the text is the current version's
  kNotModified,  // "not_modified": HTTP 304 to a conditional request
  kReread,       // "reread": a new version because policyd reads the same page differently
                 // now (an upgraded extractor, new extraction settings): document.reread
  kAdopted,      // "adopted": [fleet] the text is the version another member announced last;
                 // stored as this member's baseline without an event (policyd/fleet_baseline.h)
  kSuspicious,   // "suspicious": a drastic shrink, held back until it is seen again
  kFailed,       // "failed": see FailureReason
};
std::string_view CheckResultName(CheckResult result);

// The wall clock a check reads: when it is judged (the time of its records and events) and the
// instant its commit is stamped (`commit_us` in events, for subscribers' latency). Tests pass
// a fixed one.
class CheckClock {
 public:
  virtual ~CheckClock() = default;
  virtual int64_t NowUnixMillis() const = 0;
  virtual int64_t NowUnixMicros() const = 0;
};
// The system clock.
const CheckClock& SystemCheckClock();

// Why a check's pages were rendered in the browser.
enum class RenderTrigger {
  kNone,        // not rendered
  kTarget,      // render = "browser"
  kRemembered,  // render = "auto", and an earlier check found the page needs the browser
  kAppShell,    // render = "auto", and this check's page as served was an app shell
};

// A held-back shrink (kSuspicious) is looked at again this long after (the document's interval
// when shorter), each further confirmation twice as long after the one before: long enough
// for a maintenance window or an outage page the error-page guard does not know to be over,
// short enough that a real, shorter policy is announced the same day.
inline constexpr std::chrono::milliseconds kShrinkConfirmationDelay = std::chrono::hours(1);

// A document whose processing the daemon's end interrupted this many times in a row is held
// back (CheckInput::interrupted_processings): once can be an operator's kill -9 or a host's
// reboot at the wrong moment, and the page is checked again at once.
inline constexpr int kInterruptionsToHold = 2;
inline constexpr std::chrono::milliseconds kInterruptedHold = std::chrono::hours(1);

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
  int shrink_confirmations = 2;  // see DaemonConfig::shrink_confirmations, kShrinkConfirmationDelay
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
  // The render failed: the check fails with this reason and message, unless the document is
  // `auto` (then the plain pages are judged as served).
  FailureReason render_error = FailureReason::kNone;
  std::string render_message;
  // An `auto` document whose render failed in this check ("browser_timeout: ..."): its pages
  // are judged as served, and a failure of theirs names this too.
  std::string failed_render;
  std::chrono::milliseconds render_retest_interval{0};  // DaemonConfig::render_retest_interval

  // [fleet]: the fleet's record of the document, read when the check's lease was taken;
  // nullopt without [fleet] or when absent or unreadable. Chooses what the text is compared
  // with (ChooseFleetBaseline).
  std::optional<DocumentRecord> fleet_record;

  // Redirect stubs this check has followed already (src/check/redirect_stub.h): the daemon
  // counts them as it re-posts the check with the stub's target fetched in its place.
  int redirect_hops = 0;

  // The daemon ended (crashed or was killed) this many times in a row while a worker
  // processed this document's page (Store::TakeProcessingMarks). When 2 or more, the pages
  // are not judged (there are none: nothing is fetched): the check fails as kInterrupted,
  // reported at once, and the document is next checked kInterruptedHold·2^(n-2) later, never
  // past its interval, so that a page that takes the daemon down cannot do so at every start.
  int interrupted_processings = 0;
  // The daemon marked this processing (Store::MarkProcessing): the check's commit deletes the
  // mark with everything else it stores (CheckCommit::clears_processing_mark).
  bool processing_marked = false;
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
  // A failed check whose page was not requested: its host was held (a 429's or a Retry-After's
  // hold, a struggling server's rest; the record's message says which). The log summary and
  // the metrics count it apart from the failures of its reason.
  bool not_requested = false;
  // Nothing was committed: the document is `auto`, its page as served is an app shell, and the
  // browser may render it. `pages` gives the responses back for that (then the check goes on).
  bool wants_browser = false;
  // Nothing was committed: page `follow_page` is a redirect stub pointing to `follow_url` on the
  // same site, to be fetched in its place (with redirect_hops + 1) before the check goes on.
  // `pages` gives the responses back for that.
  std::string follow_url;
  std::size_t follow_page = 0;
  int redirect_hops = 0;
  std::vector<FetchResponse> pages;
};

// render = "auto"'s memory, for the daemon (pure: the clock is passed in):
// True when the document's pages go to the browser before they are judged: render =
// "browser", or `auto` remembering that its page needs the browser and last tried as served
// less than `retest` ago (sites change their stack: a remembered choice is re-tested).
bool RendersFirst(RenderMode mode, const DocState& state, bool browser_enabled, int64_t now_ms,
                  std::chrono::milliseconds retest);
// False while a shell whose render was empty too (RenderChoice::kNeither) waits for its
// retest: the browser is not tried on every check of such a page.
bool MayRenderShell(const DocState& state, int64_t now_ms, std::chrono::milliseconds retest);
// How long a shell that rendered empty waits before the browser tries it again, at most.
inline constexpr std::chrono::milliseconds kShellRetest = std::chrono::hours(1);

// Classifies, extracts, hashes, compares and commits (the phases in this file's opening
// comment). Thread-safe (Store is). Takes `input` by value so that the body of a new version
// is moved into the store, not copied. `rng` jitters the next due time.
CheckOutcome ProcessCheck(Store& store, CheckInput input, const CheckClock& clock,
                          std::mt19937_64& rng);

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
bool IsTransientFailure(FailureReason reason);

// The validators (`etag`, `last_modified`) the document's next conditional request carries,
// taken from `response` once its text is the document's current version (RFC 9110 §13.1): a
// held-back shrink or a failure must not be what the server is asked about, or its 304 would
// hide the page. A 200 replaces both (one it lacks is dropped); a 304 refreshes what it
// carries. Last-Modified is kept only when it is at least 60 s before the response's Date
// (§8.8.2.2: else weak, and a second edit within its second would be answered 304). When the
// document's URL redirected (`response.redirects`), they are the final URL's, and kept with it
// (`validators_url`): the next request sends them to that hop only. Both are dropped when the
// page came through a followed interstitial ("you are being redirected": `via_interstitial`;
// fetched apart, without validators). Kept validators are keyed by `spec` (the document's spec the
// check ran with: `validators_key` = ValidatorsKey(spec)).
void AdoptValidators(const FetchResponse& response, const DocumentSpec& spec, bool via_interstitial,
                     int64_t now_ms, DocState* state);

// Drops `state`'s validators: the next request for the document asks for the whole page.
void ForgetValidators(DocState* state);

// Whether the document's request at `now_ms` may carry its validators. Only while its spec has
// the key they were taken under (`validators_key`): not after its URL changed (a reload, an
// edit made while the daemon was stopped or during the check: the new URL's server could
// answer 304), nor after its extraction settings changed (the page's 304 would keep the text
// read with the old settings until the page's next edit). Not in the first successful check of
// each `full_fetch_interval` period (periods offset per document by a hash of its id, so that
// the whole fetches spread out): a server that answers 304 wrongly (a Last-Modified taken
// from a template's file, a stale cache) then hides a change for at most one period and one
// interval. Never when `full_fetch_interval` is 0.
bool MaySendValidators(const DocState& state, const DocumentSpec& spec,
                       std::chrono::milliseconds full_fetch_interval, int64_t now_ms);

// The key DocState::validators_key holds for `spec`: Sha256Prefix64 of its URL and of the
// settings its text is extracted with (MakeExtractOptions: select, remove, their ranges,
// ignore_lines, include_link_urls), never 0 (which means none known).
uint64_t ValidatorsKey(const DocumentSpec& spec);

}  // namespace policyd

#endif  // POLICYD_CHECK_H_

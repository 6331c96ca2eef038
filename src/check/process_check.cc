#include "check_processor.h"

#include <curl/curl.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>

#include "error_page_guard.h"
#include "event_bounds.h"
#include "policyd/ascii.h"
#include "policyd/clock.h"
#include "policyd/diff.h"
#include "policyd/extract.h"
#include "policyd/pdf.h"
#include "policyd/text_bounds.h"

namespace policyd {
namespace {

bool IsAcceptedMediaType(const std::string& media_type) {
  // An absent Content-Type is sniffed as HTML by browsers; we do the same.
  return media_type.empty() || media_type == "text/html" || media_type == "application/xhtml+xml" ||
         media_type == "text/plain";
}

// A PDF by its label or by its first bytes ("%PDF-"): converted with ExtractPdfText.
bool IsPdf(const FetchResponse& page) {
  return MediaType(page.content_type) == "application/pdf" ||
         SniffBody(page.body, page.content_type) == BodySniff::kPdf;
}

nlohmann::json EventBase(const char* type, const DocumentSpec& spec, int64_t now_ms) {
  return {{"type", type},          {"time", FormatTimestamp(now_ms)},
          {"doc", spec.id},        {"platform", spec.platform},
          {"doc_type", spec.type}, {"url", spec.url}};
}

using SteadyClock = std::chrono::steady_clock;

int64_t MicrosSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count();
}

std::size_t CountLines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// Error responses larger than this are not inspected: the vendors' pages are a few KB.
constexpr std::size_t kMaxInspectedErrorBody = 256 * 1024;

// A 401/403/405/429/503 response may be a bot challenge (Cloudflare serves its managed
// challenge with 403, DataDome and PerimeterX too, Vercel's checkpoint with 429, AWS WAF's
// captcha with 405): then the reason is `challenge`, a transient failure, instead of the
// permanent `http_4xx`. Other findings (a block page, an error page) keep the status's reason
// and only say in the message what the page was.
void RefineErrorStatus(const CompiledExtraction* extraction, const FetchResponse& page,
                       std::string* reason, std::string* message) {
  const long status = page.http_status;
  if (status != 401 && status != 403 && status != 405 && status != 429 && status != 503) return;
  if (page.body.size() > kMaxInspectedErrorBody ||
      !IsAcceptedMediaType(MediaType(page.content_type))) {
    return;
  }
  if (extraction == nullptr) return;
  const ExtractResult text = ExtractText(page.body, *extraction, page.content_type);
  const PageFinding finding = InspectPage(status, page.headers, page.body, text.text);
  if (!finding.refused()) return;
  if (finding.verdict == PageVerdict::kChallenge) *reason = VerdictReason(finding.verdict);
  *message += ": " + DescribeFinding(finding);
}

// The message of a `content_type` refusal: the header, or what the body turned out to be.
std::string ContentRefusal(const FetchResponse& page) {
  if (page.error == FetchError::kNone) {
    switch (SniffBody(page.body, page.content_type)) {
      case BodySniff::kPdf:
        return "refused content: the body is a PDF document, not a web page";
      case BodySniff::kBinary:
        return "refused content: the body is binary data, not text";
      case BodySniff::kText:
        break;
    }
  }
  return "refused content type '" + page.content_type + "'";
}

// One raw capture for a multi-page document; the markers say where each page starts.
std::string JoinRawPages(const std::vector<const FetchResponse*>& pages) {
  std::string raw;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    raw += "<!-- policyd page " + std::to_string(i + 1) + ": " + pages[i]->final_url + " -->\n";
    raw += pages[i]->body;
  }
  return raw;
}

}  // namespace

bool RendersFirst(RenderMode mode, const DocState& state, bool browser_enabled, int64_t now_ms,
                  std::chrono::milliseconds retest) {
  if (mode == RenderMode::kBrowser) return true;
  if (!browser_enabled || mode != RenderMode::kAuto) return false;
  return state.render_choice == RenderChoice::kBrowser &&
         now_ms - state.render_tested_ms < retest.count();
}

bool MayRenderShell(const DocState& state, int64_t now_ms, std::chrono::milliseconds retest) {
  return state.render_choice != RenderChoice::kNeither ||
         now_ms - state.render_tested_ms >= retest.count();
}

bool IsTransientFailure(std::string_view reason) {
  for (const char* transient :
       {"dns", "connect", "tls", "timeout", "protocol", "http_429", "http_5xx", "challenge",
        "blocked", "error_page", "empty", "browser_timeout", "browser_crashed",
        "browser_unavailable", "browser_protocol", "pdf_timeout", "pdf_unavailable"}) {
    if (reason == transient) return true;
  }
  return false;
}

std::string ClassifyResponse(const FetchResponse& response) {
  if (response.error != FetchError::kNone) return FetchErrorName(response.error);
  const long status = response.http_status;
  if (status == 304) return "";
  if (status == 429) return "http_429";
  if (status >= 400 && status < 500) return "http_4xx";
  if (status >= 500) return "http_5xx";
  if (status < 200 || status >= 300) return "http_status";
  if (IsPdf(response)) return "";  // converted by ExtractPdfText, which has its own reasons
  if (!IsAcceptedMediaType(MediaType(response.content_type))) return "content_type";
  // An image or other binary data behind an HTML (or missing) label would store garbage.
  if (SniffBody(response.body, response.content_type) != BodySniff::kText) return "content_type";
  return "";
}

std::optional<std::chrono::milliseconds> ParseRetryAfter(const std::string& value, int64_t now_ms) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](unsigned char c) { return std::isdigit(c); })) {
    if (value.size() > 9) return std::nullopt;
    return std::chrono::seconds(std::stol(value));
  }
  const time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::chrono::milliseconds(std::max<int64_t>(0, int64_t{when} * 1000 - now_ms));
}

namespace {

// Records that page `index` of `pages` fails with `reason`; messages about a further page of a
// multi-page document say which page.
void Fail(const std::vector<const FetchResponse*>& pages, std::size_t index, std::string reason,
          const std::string& message, DocumentText* out) {
  out->reason = std::move(reason);
  out->failing_page = index;
  out->message =
      index == 0 ? message
                 : "page " + std::to_string(index + 1) + " (" + pages[index]->url + "): " + message;
}

// Step 1: is every response a usable page at all? False (with the reason) when one is not.
// An error status whose page is a bot challenge says so (RefineErrorStatus, with `extraction`).
bool AllPagesUsable(const CompiledExtraction* extraction,
                    const std::vector<const FetchResponse*>& pages, DocumentText* out) {
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const FetchResponse& page = *pages[i];
    std::string reason = ClassifyResponse(page);
    if (reason.empty()) continue;
    std::string message = page.error_message;
    if (reason.starts_with("http_") && !page.robots_unavailable) {
      message = "HTTP status " + std::to_string(page.http_status);
      RefineErrorStatus(extraction, page, &reason, &message);
    }
    if (reason == "content_type") message = ContentRefusal(page);
    Fail(pages, i, std::move(reason), message, out);
    return false;
  }
  return true;
}

// A PDF page through poppler-utils (policyd/pdf.h); its failures fail the check with their
// own reasons. The conversion's time counts as extraction.
ExtractResult ExtractPdfPage(const std::vector<const FetchResponse*>& pages, std::size_t index,
                             DocumentText* out) {
  PdfText pdf = ExtractPdfText(pages[index]->body);
  ExtractResult result;
  result.render_us = pdf.elapsed_us;
  if (pdf.error != PdfError::kNone) {
    Fail(pages, index, PdfErrorReason(pdf.error), "PDF: " + pdf.message, out);
  } else {
    result.text = std::move(pdf.text);
  }
  return result;
}

// Step 2: extract every page with the compiled settings and join the texts; refuse what is
// not a policy (challenge walls, empty renders).
void ExtractPages(const DocumentSpec& spec, const std::vector<const FetchResponse*>& pages,
                  DocumentText* out) {
  out->extracted = true;
  for (std::size_t i = 0; i < pages.size() && out->reason.empty(); ++i) {
    const FetchResponse& page = *pages[i];
    const bool pdf = IsPdf(page);
    ExtractResult page_text =
        pdf ? ExtractPdfPage(pages, i, out)
            : ExtractText(page.body, *spec.ExtractionOfPage(i), page.content_type);
    out->decode_us += page_text.decode_us;
    out->parse_us += page_text.parse_us;
    out->extract_us += page_text.render_us;
    if (!out->reason.empty()) break;  // a PDF that could not be converted
    // The error-page guard knows web pages; a PDF is a document someone published on purpose.
    if (const PageFinding finding =
            pdf ? PageFinding{}
                : InspectPage(page.http_status, page.headers, page.body, page_text.text);
        finding.refused()) {
      Fail(pages, i, std::string(VerdictReason(finding.verdict)),
           DescribeFinding(finding) + " served with HTTP " + std::to_string(page.http_status) +
               ", not the document",
           out);
    } else if (pages.size() > 1 && IsNearEmpty(page_text.text)) {
      Fail(pages, i, "empty", "no text could be extracted", out);
    }
    if (out->text.empty()) {
      out->text = std::move(page_text.text);
    } else if (!page_text.text.empty()) {
      out->text += "\n";
      out->text += page_text.text;
    }
    out->charset = page_text.charset;
  }
  if (out->reason.empty() && IsNearEmpty(out->text)) {
    // An empty page is an error page or a broken render, never a new version.
    Fail(pages, 0, "empty",
         "no text could be extracted (" + std::to_string(out->text.size()) + " bytes)", out);
  }
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
  // get past it. Only a usable or empty text may be a shell.
  if (!extracted.reason.empty() && extracted.reason != "empty") return false;
  if (extracted.text.size() > kAppShellMaxTextBytes * pages.size()) return false;
  return std::any_of(pages.begin(), pages.end(), [](const FetchResponse* page) {
    return !IsPdf(*page) && ReadAppShellSignals(page->body, page->content_type).LooksLikeAppShell();
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
void UpdateRenderChoice(const CheckInput& input, const std::string& reason, int64_t now_ms,
                        DocState* state) {
  if (input.spec->render != RenderMode::kAuto) return;
  const bool tried_as_served = input.render_trigger != RenderTrigger::kRemembered;
  if (input.fetcher == FetcherKind::kHttp) {
    // As served it gave the text (or a 304 for the text it gave before).
    if (reason.empty()) {
      state->render_choice = RenderChoice::kStatic;
      state->render_tested_ms = now_ms;
    }
    return;
  }
  if (reason.empty()) {
    state->render_choice = RenderChoice::kBrowser;
    if (tried_as_served) state->render_tested_ms = now_ms;
  } else if (reason == "empty" && input.render_trigger == RenderTrigger::kAppShell) {
    // A shell as served and nothing in the browser either: not worth a browser on every check.
    state->render_choice = RenderChoice::kNeither;
    state->render_tested_ms = now_ms;
  }
}

}  // namespace

DocumentText ExtractDocumentText(const DocumentSpec& spec,
                                 const std::vector<const FetchResponse*>& pages) {
  DocumentText out;
  if (!AllPagesUsable(spec.extraction.get(), pages, &out)) return out;
  if (pages.front()->http_status == 304) return out;  // the stored text stands
  if (spec.extraction == nullptr) {
    // Every loader compiles it; a spec that reaches a check without it is a bug, and the
    // check says so rather than parsing selectors on every check.
    Fail(pages, 0, "extract",
         "internal error: the document's extraction settings were not compiled", &out);
    return out;
  }
  ExtractPages(spec, pages, &out);
  return out;
}

CheckOutcome ProcessCheck(Store& store, CheckInput input, std::mt19937_64& rng) {
  const int64_t now_ms = NowUnixMillis();
  const DocumentSpec& spec = *input.spec;
  const FetchResponse& response = input.response;

  CheckCommit commit;
  commit.doc_id = spec.id;
  commit.state = input.state;
  DocState& state = commit.state;
  CheckRecord& check = commit.check;
  check.time_ms = now_ms;
  check.http_status = response.http_status;
  check.duration_ms = response.elapsed.count();
  state.last_check_ms = now_ms;
  std::vector<nlohmann::json> events;
  StageTimes times;
  times.queue_us = std::chrono::duration_cast<std::chrono::microseconds>(response.queued).count();
  times.fetch_us = std::chrono::duration_cast<std::chrono::microseconds>(response.elapsed).count();

  // 1-2. Classify the responses, extract, refuse what is not a policy.
  std::vector<const FetchResponse*> pages = {&response};
  for (const FetchResponse& extra : input.extra_pages) pages.push_back(&extra);
  DocumentText extracted;
  if (!input.render_error.empty()) {
    // render = "browser" and the browser could not render the page: that is the check's
    // failure (an `auto` document's failed render comes here as its plain pages instead).
    extracted.reason = input.render_error;
    extracted.message = input.render_message;
  } else {
    extracted = ExtractDocumentText(spec, pages);
  }
  if (WantsBrowser(input, extracted, pages)) {
    CheckOutcome handed_back;
    handed_back.wants_browser = true;
    handed_back.pages.push_back(std::move(input.response));
    for (FetchResponse& extra : input.extra_pages) handed_back.pages.push_back(std::move(extra));
    return handed_back;
  }
  if (!extracted.reason.empty() && input.fetcher == FetcherKind::kBrowser) {
    extracted.message += RenderedNote(input);
  }
  const std::string& reason = extracted.reason;
  const std::string& message = extracted.message;
  const FetchResponse* failing_page = reason.empty() ? nullptr : pages[extracted.failing_page];
  times.decode_us = extracted.decode_us;
  times.parse_us = extracted.parse_us;
  times.extract_us = extracted.extract_us;
  // What the version keeps as its raw capture: the body itself for a one-page document (not
  // copied), else the pages concatenated with markers.
  std::string raw_bytes;
  if (extracted.extracted) {
    if (pages.size() > 1) raw_bytes = JoinRawPages(pages);
    const auto start = SteadyClock::now();
    check.raw_hash = Sha256Hex(pages.size() == 1 ? response.body : raw_bytes);
    times.hash_us += MicrosSince(start);
  }

  int retry_streak = 0;  // drives the backoff of the next check
  if (!reason.empty()) {
    // 3a. A failed check: count it; report the streak once it reaches the threshold, or at
    // once when robots.txt disallows the page (that will not go away by retrying; an
    // unavailable robots.txt reports its own failure, counted like any other).
    check.outcome = "failed";
    check.reason = reason;
    check.message = message;
    ++state.consecutive_failures;
    state.last_error = reason + (message.empty() ? "" : ": " + message);
    const bool transient = IsTransientFailure(reason);
    retry_streak = transient ? state.consecutive_failures : 0;
    const bool report = state.consecutive_failures >= input.failure_threshold || reason == "robots";
    if (report && !state.failure_reported) {
      state.failure_reported = true;
      nlohmann::json event = EventBase("document.fetch_failed", spec, now_ms);
      event["reason"] = reason;
      event["message"] = message;
      event["http_status"] = response.http_status;
      event["consecutive_failures"] = state.consecutive_failures;
      events.push_back(std::move(event));
    }
  } else {
    // 3b. A usable response: the streak of failures (if any) is over.
    const int failures_before = state.consecutive_failures;
    state.consecutive_failures = 0;
    state.last_error.clear();
    state.last_success_ms = now_ms;
    if (!response.etag.empty()) state.etag = response.etag;
    if (!response.last_modified.empty()) state.last_modified = response.last_modified;
    if (state.failure_reported) {
      state.failure_reported = false;
      nlohmann::json event = EventBase("document.recovered", spec, now_ms);
      event["failures"] = failures_before;
      events.push_back(std::move(event));
    }

    std::string text_hash;
    if (response.http_status == 304) {
      text_hash = state.last_text_hash;
    } else {
      const auto hash_start = SteadyClock::now();
      text_hash = Sha256Hex(extracted.text);
      times.hash_us += MicrosSince(hash_start);
    }
    check.text_hash = text_hash;
    const bool first = state.last_text_hash.empty();

    if (text_hash == state.last_text_hash) {
      check.outcome = response.http_status == 304 ? "not_modified" : "unchanged";
      state.suspect_hash.clear();  // whatever looked wrong before is gone
      state.suspect_count = 0;
    } else {
      // 4. A new text. Compare with the current version: a drastic shrink is held back until
      // it is seen again, so a half-rendered page never becomes a version.
      std::string old_text;
      DiffSummary summary;
      ChangeClassification classification;
      if (!first) {
        const auto diff_start = SteadyClock::now();
        auto stored_text = store.GetBlob(state.last_text_hash);
        if (stored_text.ok()) {
          old_text = std::move(*stored_text);
        } else {
          spdlog::error("{}: previous text {} unreadable: {}", spec.id, state.last_text_hash,
                        stored_text.status().ToString());
        }
        summary = SummarizeDiff(old_text, extracted.text);
        classification = ClassifyChange(old_text, extracted.text);
        times.diff_us = MicrosSince(diff_start);
      }
      bool hold = false;
      if (!first &&
          IsSuspiciousShrink(old_text.size(), extracted.text.size(), input.shrink_guard)) {
        state.suspect_count = state.suspect_hash == text_hash ? state.suspect_count + 1 : 1;
        state.suspect_hash = text_hash;
        hold = state.suspect_count < input.shrink_confirmations;
      }
      if (hold) {
        check.outcome = "suspicious";
        check.reason = "suspicious";
        check.message = "text shrank from " + std::to_string(old_text.size()) + " to " +
                        std::to_string(extracted.text.size()) + " bytes; held until seen on " +
                        std::to_string(input.shrink_confirmations) + " consecutive checks";
        state.last_error = "suspicious: " + check.message;
        retry_streak = state.suspect_count;  // look again soon, not in a day
      } else {
        state.suspect_hash.clear();
        state.suspect_count = 0;
        check.outcome = first ? "first_seen" : "changed";
        nlohmann::json event =
            EventBase(first ? "document.first_seen" : "document.changed", spec, now_ms);
        event["final_url"] = response.final_url;
        const std::string lang = DetectTextLanguage(extracted.text);
        event["lang"] = lang;
        if (first) {
          event["hash"] = text_hash;
          event["lines"] = CountLines(extracted.text);
        } else {
          event["old_hash"] = state.last_text_hash;
          event["new_hash"] = text_hash;
          event["lines_added"] = summary.lines_added;
          event["lines_removed"] = summary.lines_removed;
          event["sections"] = summary.sections;
          event["sections_truncated"] = summary.sections_truncated;
          event["diff_approximate"] = summary.approximate;
          event["change_class"] = ChangeClassName(classification.change_class);
          event["words_added"] = classification.words_added;
          event["words_removed"] = classification.words_removed;
        }
        events.push_back(std::move(event));
        CheckCommit::NewVersion version;
        // Neither is used after this point: moved, and the store reuses our hashes.
        version.text = std::move(extracted.text);
        version.raw_html =
            pages.size() == 1 ? std::move(input.response.body) : std::move(raw_bytes);
        version.text_hash = text_hash;
        version.raw_hash = check.raw_hash;
        version.record.time_ms = now_ms;
        version.record.http_status = response.http_status;
        version.record.url = spec.url;
        version.record.final_url = response.final_url;
        version.record.headers = response.headers;
        version.record.policyd_version = POLICYD_VERSION;
        version.record.fetcher = input.fetcher;
        version.record.browser_version = input.browser_version;
        version.record.lang = lang;
        commit.version = std::move(version);
        state.last_text_hash = text_hash;
        state.last_change_ms = now_ms;
        ++state.version_count;
      }
    }
  }

  std::optional<std::chrono::milliseconds> retry_after;
  if ((reason == "http_429" || reason == "http_5xx") && failing_page != nullptr) {
    retry_after = ParseRetryAfter(failing_page->retry_after, now_ms);
  }
  UpdateRenderChoice(input, reason, now_ms, &state);
  state.next_due_ms =
      NextDueAfterCheck(input.schedule, input.interval, now_ms, retry_streak, retry_after, rng);
  commit.events = std::move(events);

  // Stamped right before the commit, so a subscriber can measure commit -> receipt exactly
  // (`time` is when processing started, and only to the millisecond).
  const int64_t commit_us = std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::system_clock::now().time_since_epoch())
                                .count();
  for (nlohmann::json& event : commit.events) {
    event["commit_us"] = commit_us;
    BoundEventSize(&event);  // whatever the page: an event line stays small (issue 14)
  }

  CheckOutcome outcome;
  const auto store_start = SteadyClock::now();
  auto committed = store.CommitCheck(commit);
  times.store_us = MicrosSince(store_start);
  outcome.times = times;
  outcome.status = committed.status();
  if (committed.ok()) {
    outcome.events = std::move(*committed);
    outcome.state = state;
  }
  outcome.check = check;
  return outcome;
}

}  // namespace policyd

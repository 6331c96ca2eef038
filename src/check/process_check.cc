// ProcessCheck, phase by phase (the phases are listed in include/policyd/check.h).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "check_events.h"
#include "check_internal.h"
#include "error_page_guard.h"
#include "event_bounds.h"
#include "policyd/ascii.h"
#include "policyd/check.h"
#include "policyd/clock.h"
#include "policyd/diff.h"
#include "policyd/extract.h"
#include "policyd/http_url.h"
#include "policyd/media_type.h"
#include "policyd/segments.h"
#include "policyd/version_segments.h"
#include "redirect_stub.h"

namespace policyd {
namespace {

using SteadyClock = std::chrono::steady_clock;

// One raw capture for a multi-page document; the markers say where each page starts and what
// it was served as, so that the very same joined bytes mean the very same pages (IsReread).
std::string JoinRawPages(const std::vector<const FetchResponse*>& pages) {
  std::string raw;
  for (std::size_t i = 0; i < pages.size(); ++i) {
    raw += "<!-- policyd page " + std::to_string(i + 1) + ": " + pages[i]->final_url + " (" +
           pages[i]->content_type + ") -->\n";
    raw += pages[i]->body;
  }
  return raw;
}

int64_t MicrosSince(SteadyClock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - start).count();
}

// What one check builds up before its single commit.
struct CheckWork {
  CheckWork(const CheckInput& input, int64_t now) : now_ms(now) {
    commit.doc_id = input.spec->id;
    commit.clears_processing_mark = input.processing_marked;
    commit.state = input.state;
    commit.state.last_check_ms = now_ms;
    commit.check.time_ms = now_ms;
    commit.check.http_status = input.response.http_status;
    commit.check.duration_ms = input.response.elapsed.count();
    if (!input.response.final_url.empty() && input.response.final_url != input.response.url) {
      commit.check.final_url = input.response.final_url;
    }
    times.queue_us =
        std::chrono::duration_cast<std::chrono::microseconds>(input.response.queued).count();
    times.fetch_us =
        std::chrono::duration_cast<std::chrono::microseconds>(input.response.elapsed).count();
  }

  DocState& state() { return commit.state; }
  CheckRecord& check() { return commit.check; }
  void Conclude(CheckResult result) { commit.check.outcome = CheckResultName(result); }

  const int64_t now_ms;
  CheckCommit commit;
  std::vector<nlohmann::json> events;
  StageTimes times;
  int retry_streak = 0;             // drives the backoff of the next check
  bool not_requested = false;       // CheckOutcome::not_requested
  int shrink_confirmation = 0;      // > 0: a held-back shrink, to be looked at again (its number)
  int64_t confirmation_due_ms = 0;  // > 0: a hold looked at too soon: its next look stays
  int64_t held_since_ms = 0;        // > 0: the new version's text was held back since then
};

// Phases 1-2: classify the responses, extract, refuse what is not the document. A browser
// that failed to render a `browser` document is the check's failure (an `auto` document's
// failed render comes here as its plain pages instead).
DocumentText JudgePages(const CheckInput& input, const std::vector<const FetchResponse*>& pages) {
  if (input.interrupted_processings >= kInterruptionsToHold) {
    DocumentText interrupted;
    interrupted.reason = FailureReason::kInterrupted;
    interrupted.message = "policyd ended " + std::to_string(input.interrupted_processings) +
                          " times in a row while processing this page (a crash, or killed, "
                          "e.g. for memory); it is held back before the next try. If this "
                          "repeats, please report it with the page's URL";
    return interrupted;
  }
  if (input.render_error != FailureReason::kNone) {
    DocumentText failed;
    failed.reason = input.render_error;
    failed.message = input.render_message;
    return failed;
  }
  return ExtractDocumentText(*input.spec, pages, ResolveHttpUrl);
}

// Nothing is committed: the pages go back to the daemon, which goes on with them (the
// browser, or a redirect stub's target fetched in the stub's place).
CheckOutcome HandBack(CheckInput& input) {
  CheckOutcome handed_back;
  handed_back.pages.push_back(std::move(input.response));
  for (FetchResponse& extra : input.extra_pages) handed_back.pages.push_back(std::move(extra));
  return handed_back;
}

// render = "auto" and the pages are an app shell: they go to the browser.
CheckOutcome HandBackForBrowser(CheckInput& input) {
  CheckOutcome handed_back = HandBack(input);
  handed_back.wants_browser = true;
  return handed_back;
}

// A redirect stub on the same site is followed (at most kMaxRedirectStubHops per check): the
// pages go back to the daemon, which fetches the target in the stub's place. Otherwise the
// message says why the stub stays a failure.
bool FollowsRedirectStub(const CheckInput& input, const std::vector<const FetchResponse*>& pages,
                         DocumentText* judged) {
  if (judged->reason != FailureReason::kRedirectStub) return false;
  const FetchResponse& stub_page = *pages[judged->failing_page];
  if (judged->redirect_target.empty()) return false;
  if (input.fetcher != FetcherKind::kHttp) {
    judged->message += " (a rendered page: not followed)";
    return false;
  }
  if (input.redirect_hops >= kMaxRedirectStubHops) {
    judged->message += " (not followed: " + std::to_string(input.redirect_hops) +
                       " redirect stubs followed already in this check)";
    return false;
  }
  const auto from = ParseHttpUrl(stub_page.final_url.empty() ? stub_page.url : stub_page.final_url);
  const auto to = ParseHttpUrl(judged->redirect_target);
  if (!from.ok() || !to.ok() || !SameSite(from->host, to->host)) {
    judged->message += " (not followed: another site)";
    return false;
  }
  if (from->url == to->url) {
    judged->message += " (not followed: it points to itself)";
    return false;
  }
  return true;
}

CheckOutcome HandBackToFollow(CheckInput& input, const DocumentText& judged) {
  CheckOutcome handed_back = HandBack(input);
  handed_back.follow_url = judged.redirect_target;
  handed_back.follow_page = judged.failing_page;
  handed_back.redirect_hops = input.redirect_hops + 1;
  return handed_back;
}

// The raw capture's hash (kept as evidence of what the text came from): the body itself for a
// one-page document, else the pages concatenated with markers (returned, for the version).
std::string HashRawCapture(const std::vector<const FetchResponse*>& pages, CheckWork* work) {
  std::string joined;
  if (pages.size() > 1) joined = JoinRawPages(pages);
  const auto start = SteadyClock::now();
  work->check().raw_hash = Sha256Hex(pages.size() == 1 ? pages.front()->body : joined);
  work->times.hash_us += MicrosSince(start);
  return joined;
}

// Whether a failed check is its page's own failure. One not requested because its host rests
// after fewer trouble answers in a row than the threshold is not: two unrelated one-off errors
// on other pages made the rest, and counting it would report this page failing (with their
// reason) after one failure of its own. Once the host has failed as often as the threshold, the
// rest is an outage and its held checks count, so that the outage is reported.
bool CountsTowardStreak(const CheckInput& input, const FetchResponse& failing) {
  return !failing.host_held || failing.host_rest_streak == 0 ||
         failing.host_rest_streak >= input.failure_threshold;
}

// Phase 3a: a failed check counts toward the streak, reported once it reaches the threshold,
// or at once when robots.txt disallows the page (that will not go away by retrying) or the page
// took the daemon down (the operator must hear of that). A check that does not count is
// recorded all the same (`show` lists it, with why).
void RecordFailure(const CheckInput& input, const DocumentText& judged,
                   const FetchResponse& failing, CheckWork* work) {
  DocState& state = work->state();
  const std::string reason(FailureReasonName(judged.reason));
  work->Conclude(CheckResult::kFailed);
  work->check().reason = reason;
  work->check().message = judged.message;
  work->not_requested = failing.host_held;
  state.last_error = reason + (judged.message.empty() ? "" : ": " + judged.message);
  if (!CountsTowardStreak(input, failing)) {
    // Retried after the rest, as a first failure would be (not at the interval).
    work->retry_streak = std::max(state.consecutive_failures, 1);
    return;
  }
  ++state.consecutive_failures;
  work->retry_streak = IsTransientFailure(judged.reason) ? state.consecutive_failures : 0;
  const bool report = state.consecutive_failures >= input.failure_threshold ||
                      judged.reason == FailureReason::kRobots ||
                      judged.reason == FailureReason::kInterrupted;
  if (report && !state.failure_reported) {
    state.failure_reported = true;
    work->events.push_back(FetchFailedEvent(*input.spec, work->now_ms, judged.reason,
                                            judged.message, input.response.http_status,
                                            state.consecutive_failures));
  }
}

// Phase 3b: a usable response ends the failure streak (and says so if it was reported).
void EndFailureStreak(const CheckInput& input, CheckWork* work) {
  DocState& state = work->state();
  const int failures_before = state.consecutive_failures;
  state.consecutive_failures = 0;
  state.last_error.clear();
  state.last_success_ms = work->now_ms;
  if (state.failure_reported) {
    state.failure_reported = false;
    work->events.push_back(RecoveredEvent(*input.spec, work->now_ms, failures_before));
  }
}

// Whether the page came through a followed interstitial (a "you are being redirected" page,
// the `redirect_stub` reason's kind): fetched apart, its validators never sent.
bool CameThroughInterstitial(const CheckInput& input) { return input.redirect_hops > 0; }

// The version stored last: its record (its raw capture, its segment ids) and its text.
struct CurrentVersion {
  std::optional<VersionRecord> record;  // nullopt: unreadable, or not the state's version
  std::string text;                     // "" when unreadable (logged)

  // The record's raw capture, read from `store` once for the phases that look at it (the
  // reread test and the cut-short test); null when there is none or it cannot be read.
  const std::string* Raw(const Store& store) const {
    if (!raw_read_ && record.has_value() && !record->raw_hash.empty()) {
      if (auto blob = store.GetBlob(record->raw_hash); blob.ok()) raw_ = std::move(*blob);
    }
    raw_read_ = true;
    return raw_ ? &*raw_ : nullptr;
  }

 private:
  mutable bool raw_read_ = false;
  mutable std::optional<std::string> raw_;
};

CurrentVersion ReadCurrent(const Store& store, const DocumentSpec& spec, const DocState& state) {
  CurrentVersion current;
  if (auto text = store.GetBlob(state.last_text_hash); text.ok()) {
    current.text = std::move(*text);
  } else {
    spdlog::error("{}: previous text {} unreadable: {}", spec.id, state.last_text_hash,
                  text.status().ToString());
  }
  if (auto record = store.GetLatestVersion(spec.id);
      record.ok() && record->text_hash == state.last_text_hash) {
    current.record = std::move(*record);
  }
  return current;
}

// Phase 4a: the new text against the current version's (unreadable: compared with nothing;
// the new version is still recorded).
TextComparison CompareWithCurrent(const CurrentVersion& current, const std::string& old_hash,
                                  const std::string& new_text, const std::string& new_hash,
                                  CheckWork* work) {
  TextComparison comparison;
  comparison.old_hash = old_hash;
  comparison.new_hash = new_hash;
  const auto start = SteadyClock::now();
  comparison.summary = SummarizeDiff(current.text, new_text);
  comparison.classification = ClassifyChange(current.text, new_text);
  work->times.diff_us = MicrosSince(start);
  return comparison;
}

// The content type a stored capture was served with, from its kept headers.
std::string StoredContentType(const VersionRecord& version) {
  const auto it = version.headers.find("content-type");
  return it == version.headers.end() ? std::string() : it->second;
}

// Phase 4b: did the page change, or only policyd's reading of it? True when the current
// version's raw capture, extracted now with this build and the document's present settings,
// gives `new_hash` (or when the raw bytes and their Content-Type are the very same). One extraction
// of the stored page per text change; a combined document's joined capture is not split again:
// only the very same pages (bytes, URLs and Content-Types, which its markers carry) are a reread.
bool IsReread(const Store& store, const CheckInput& input, const CurrentVersion& current_version,
              const std::string& new_hash, CheckWork* work) {
  if (!current_version.record.has_value()) return false;
  const DocumentSpec& spec = *input.spec;
  const VersionRecord* current = &*current_version.record;
  if (current->raw_hash.empty()) return false;
  // The very same bytes under the same Content-Type: only policyd's reading changed. Under
  // another one (HTML sent as text/plain, a charset label changed), the server's change
  // made the new text: the stored capture, read with its own header below, tells.
  const bool same_raw = current->raw_hash == work->check().raw_hash;
  if (!input.extra_pages.empty()) return same_raw;  // the markers hold every Content-Type
  if (same_raw && StoredContentType(*current) == input.response.content_type) return true;
  const std::string* raw = current_version.Raw(store);
  if (raw == nullptr) return false;
  const auto start = SteadyClock::now();
  FetchResponse previous;
  previous.http_status = 200;
  previous.url = current->url;
  previous.final_url = current->final_url;
  previous.headers = current->headers;
  previous.content_type = StoredContentType(*current);
  previous.body = *raw;
  const DocumentText again = ExtractDocumentText(spec, {&previous}, ResolveHttpUrl);
  work->times.extract_us += MicrosSince(start);
  return again.reason == FailureReason::kNone && Sha256Hex(again.text) == new_hash;
}

// No text is held back any more.
void ForgetSuspicion(DocState* state) {
  state->suspect_hash.clear();
  state->suspect_count = 0;
  state->suspect_since_ms = 0;
}

// Phase 4c: a drastic shrink, or a page cut short, is held back until it is seen again on
// consecutive checks, each at least the confirmation delay after the last (the look the hold
// scheduled: a check asked for sooner, `policyctl check` run twice, proves nothing and moves
// nothing), so a half-served page never becomes a version. True when this text is held.
bool HoldSuspicious(const CheckInput& input, const std::string& why, const std::string& text_hash,
                    CheckWork* work) {
  DocState& state = work->state();
  const bool seen_before = state.suspect_hash == text_hash && state.suspect_count > 0;
  if (seen_before && work->now_ms < input.state.next_due_ms) {
    work->Conclude(CheckResult::kSuspicious);
    work->check().reason = "suspicious";
    work->check().message =
        why + "; held until seen on " + std::to_string(input.shrink_confirmations) +
        " consecutive checks: a check before " + FormatTimestamp(input.state.next_due_ms) +
        " does not count as seen again";
    state.last_error = "suspicious: " + work->check().message;
    work->confirmation_due_ms = input.state.next_due_ms;
    return true;
  }
  state.suspect_count = seen_before ? state.suspect_count + 1 : 1;
  state.suspect_hash = text_hash;
  if (!seen_before) state.suspect_since_ms = work->now_ms;
  if (state.suspect_count >= input.shrink_confirmations) return false;
  work->Conclude(CheckResult::kSuspicious);
  work->check().reason = "suspicious";
  work->check().message = why + "; held until seen on " +
                          std::to_string(input.shrink_confirmations) + " consecutive checks";
  state.last_error = "suspicious: " + work->check().message;
  work->shrink_confirmation = state.suspect_count;  // look again in an hour, not in a day
  return true;
}

// True when an HTML capture opens a whole page: an <html> or <body> start tag in its first
// `kHeadBytes` (a fragment, a part of a page some archives capture, does not).
bool OpensAPage(std::string_view capture) {
  constexpr std::size_t kHeadBytes = 64 * 1024;
  const std::string head = AsciiLower(capture.substr(0, kHeadBytes));
  return head.find("<html") != std::string::npos || head.find("<body") != std::string::npos;
}

// True when the last `kTailBytes` of an HTML capture hold a closing </body> or </html>.
bool EndsItsPage(std::string_view capture) {
  constexpr std::size_t kTailBytes = 4096;
  const std::string tail =
      AsciiLower(capture.substr(capture.size() - std::min(capture.size(), kTailBytes)));
  return tail.find("</body") != std::string::npos || tail.find("</html") != std::string::npos;
}

// Why this check's text is suspicious, or "" when it is not: it lost more than shrink_guard
// of the current version at once, or its single HTML page ends without the </body> or </html>
// the current version's capture had, though it opens a whole page (a body cut short: a
// connection closed early without a length, a Content-Length shorter than the page, a
// compressed stream ended early).
std::string Suspicion(const Store& store, const CheckInput& input, const CurrentVersion& current,
                      std::size_t new_size) {
  if (input.shrink_guard <= 0) return "";
  if (IsSuspiciousShrink(current.text.size(), new_size, input.shrink_guard)) {
    return "text shrank from " + std::to_string(current.text.size()) + " to " +
           std::to_string(new_size) + " bytes";
  }
  if (!input.extra_pages.empty() || !current.record.has_value() ||
      current.record->raw_hash.empty() || MediaType(input.response.content_type) != "text/html" ||
      !OpensAPage(input.response.body) || EndsItsPage(input.response.body)) {
    return "";
  }
  const std::string* previous = current.Raw(store);
  if (previous == nullptr || !EndsItsPage(*previous)) return "";
  return "the page ends without </body> or </html>, which the last version's capture had: "
         "cut short?";
}

// A text that an earlier version had (`earlier`, the page went back to it): each clause the
// alignment with the current version found new gets the id it had then, unless the new
// version already uses that id. A clause edited once carries its old text's id; removed by the
// version between and back now, it would otherwise come back under its own text's hash, a new
// id, and lose its annotations although its text is the very same. The changes listing it
// name the id it gets.
void ReviveEarlierIds(const Store& store, const VersionRecord& earlier,
                      const std::vector<Segment>& old_segments, const std::string& new_text,
                      std::vector<Segment>* segments, std::vector<SegmentChange>* changes) {
  const std::vector<Segment> then = LoadVersionSegments(store, earlier, new_text);
  if (then.size() != segments->size()) return;  // cannot happen: the same text, the same rules
  std::set<std::string, std::less<>> old_ids;
  for (const Segment& segment : old_segments) old_ids.insert(segment.id);
  std::set<std::string, std::less<>> used;
  for (const Segment& segment : *segments) used.insert(segment.id);
  std::map<std::string, std::string, std::less<>> revived;  // fresh id -> the earlier one
  for (std::size_t i = 0; i < segments->size(); ++i) {
    Segment& segment = (*segments)[i];
    if (old_ids.contains(segment.id) || segment.id == then[i].id || used.contains(then[i].id)) {
      continue;
    }
    revived.emplace(segment.id, then[i].id);
    used.insert(then[i].id);
    segment.id = then[i].id;
  }
  if (revived.empty()) return;
  for (SegmentChange& change : *changes) {
    for (std::string& id : change.new_ids) {
      if (const auto found = revived.find(id); found != revived.end()) id = found->second;
    }
  }
}

// Phase 4d: the new version's segments (policyd/version_segments.h), their ids carried over
// from the current version's by alignment (and from `same_text`, an earlier version with this
// very text, for the clauses new to the current one); the changed segments go into its event.
// Returns the ids to store with the version.
std::string AssignSegments(const Store& store, const CurrentVersion* current,
                           const VersionRecord* same_text, const std::string& new_text,
                           TextComparison* comparison, CheckWork* work) {
  const auto start = SteadyClock::now();
  std::vector<Segment> segments;
  if (current == nullptr) {
    segments = SplitSegments(new_text);
  } else {
    const std::vector<Segment> old_segments =
        current->record.has_value() ? LoadVersionSegments(store, *current->record, current->text)
                                    : SplitSegments(current->text);
    SegmentAlignment alignment = AlignSegments(current->text, old_segments, new_text);
    if (same_text != nullptr) {
      ReviveEarlierIds(store, *same_text, old_segments, new_text, &alignment.segments,
                       &alignment.changes);
    }
    comparison->segment_changes = std::move(alignment.changes);
    comparison->segment_changes_truncated = alignment.changes_truncated;
    comparison->segments_approximate = alignment.approximate;
    segments = std::move(alignment.segments);
  }
  work->times.diff_us += MicrosSince(start);
  return EncodeSegmentIds(segments);
}

// What a new version is, and so which event announces it.
enum class VersionKind {
  kFirst,             // document.first_seen
  kChanged,           // document.changed from this member's current version
  kReread,            // document.reread
  kChangedElsewhere,  // [fleet] document.changed from the fleet's version, held elsewhere
  kAdopted,           // [fleet] the fleet's version: no event (the stream holds its event)
};

CheckResult ResultOf(VersionKind kind) {
  switch (kind) {
    case VersionKind::kFirst:
      return CheckResult::kFirstSeen;
    case VersionKind::kChanged:
    case VersionKind::kChangedElsewhere:
      return CheckResult::kChanged;
    case VersionKind::kReread:
      return CheckResult::kReread;
    case VersionKind::kAdopted:
      return CheckResult::kAdopted;
  }
  return CheckResult::kChanged;
}

// The event announcing a version of `kind` (none for an adopted one).
std::optional<nlohmann::json> VersionEvent(const CheckInput& input, VersionKind kind,
                                           const std::string& lang, const std::string& text_hash,
                                           const std::string& text,
                                           const std::optional<TextComparison>& comparison,
                                           int64_t now_ms) {
  const DocumentSpec& spec = *input.spec;
  const std::string& final_url = input.response.final_url;
  switch (kind) {
    case VersionKind::kFirst:
      return FirstSeenEvent(spec, now_ms, final_url, lang, text_hash, text);
    case VersionKind::kChanged:
    case VersionKind::kReread:
      return ChangedEvent(spec, now_ms, final_url, lang, *comparison, kind == VersionKind::kReread);
    case VersionKind::kChangedElsewhere:
      return ChangedElsewhereEvent(spec, now_ms, final_url, lang, *comparison,
                                   input.fleet_record->by);
    case VersionKind::kAdopted:
      break;
  }
  return std::nullopt;
}

// The newest version of the document whose text is `text_hash`: the page went back to it.
struct EarlierVersion {
  uint64_t index = 0;  // 1 = oldest
  VersionRecord record;
};

// Read only when the text is stored already (content-addressed), so a new text costs one
// lookup; nullopt for a new text or when the history cannot be read.
std::optional<EarlierVersion> EarlierVersionWithText(const Store& store, const DocumentSpec& spec,
                                                     const std::string& text_hash) {
  if (!store.GetBlob(text_hash).ok()) return std::nullopt;
  Result<std::vector<VersionRecord>> history = store.GetHistory(spec.id);
  if (!history.ok()) return std::nullopt;
  for (std::size_t i = history->size(); i-- > 0;) {
    if ((*history)[i].text_hash == text_hash) {
      return EarlierVersion{i + 1, std::move((*history)[i])};
    }
  }
  return std::nullopt;
}

// Phase 4e: the text becomes the document's new version, with its event.
void AddVersion(CheckInput& input, DocumentText& judged, std::string raw_joined,
                const std::string& text_hash, const std::optional<TextComparison>& comparison,
                VersionKind kind, std::string segment_ids, CheckWork* work) {
  const DocumentSpec& spec = *input.spec;
  const FetchResponse& response = input.response;
  DocState& state = work->state();
  work->Conclude(ResultOf(kind));
  const std::string lang = DetectTextLanguage(judged.text);
  if (std::optional<nlohmann::json> event =
          VersionEvent(input, kind, lang, text_hash, judged.text, comparison, work->now_ms)) {
    // Its index in the history (1 = oldest), as policyctl takes it: a text that comes back has
    // the hash of an older version, not its clause ids.
    (*event)["version"] = state.version_count + 1;
    // When the change happened, as closely as the checks can tell (VersionRecord).
    if (state.text_seen_ms > 0 && kind != VersionKind::kFirst) {
      (*event)["previous_seen"] = FormatTimestamp(state.text_seen_ms);
    }
    if (work->held_since_ms > 0) (*event)["held_since"] = FormatTimestamp(work->held_since_ms);
    work->events.push_back(std::move(*event));
  }

  CheckCommit::NewVersion version;
  version.record.time_ms = work->now_ms;
  if (kind != VersionKind::kFirst) version.record.previous_seen_ms = state.text_seen_ms;
  version.record.held_since_ms = work->held_since_ms;
  version.record.http_status = response.http_status;
  version.record.url = spec.url;
  version.record.final_url = response.final_url;
  version.record.headers = response.headers;
  version.record.policyd_version = POLICYD_VERSION;
  version.record.fetcher = input.fetcher;
  version.record.browser_version = input.browser_version;
  version.record.lang = lang;
  version.record.reread = kind == VersionKind::kReread;
  version.record.segment_rules = kSegmentRulesVersion;
  if (kind == VersionKind::kAdopted) version.record.adopted_from = input.fleet_record->by;
  version.segment_ids = std::move(segment_ids);
  // Neither is used after this point: moved, and the store reuses our hashes.
  version.text = std::move(judged.text);
  version.raw_html =
      input.extra_pages.empty() ? std::move(input.response.body) : std::move(raw_joined);
  version.text_hash = text_hash;
  version.raw_hash = work->check().raw_hash;
  work->commit.version = std::move(version);
  state.last_text_hash = text_hash;
  state.text_seen_ms = work->now_ms;
  AdoptValidators(response, *input.spec, CameThroughInterstitial(input), work->now_ms, &state);
  // A reread: the page itself did not change. Adopted: it changed (or not) elsewhere, when
  // this member cannot tell.
  if (kind != VersionKind::kReread && kind != VersionKind::kAdopted) {
    state.last_change_ms = work->now_ms;
  }
  ++state.version_count;
}

// Phase 4 with [fleet], when the fleet's record is ahead of this member's history: the text
// is the fleet's version (adopted, no event) or a change from it. The fleet's version's text
// is held by the member that checked it, not here: no diff, no shrink guard, no segment
// alignment (the new version's segments start afresh).
void JudgeAgainstFleet(CheckInput& input, DocumentText& judged, std::string raw_joined,
                       const std::string& text_hash, FleetBaseline baseline, CheckWork* work) {
  ForgetSuspicion(&work->state());
  std::optional<TextComparison> comparison;
  VersionKind kind = VersionKind::kAdopted;
  if (baseline == FleetBaseline::kChangedElsewhere) {
    kind = VersionKind::kChangedElsewhere;
    comparison.emplace();
    comparison->old_hash = input.fleet_record->version;
    comparison->new_hash = text_hash;
  }
  std::string segment_ids = EncodeSegmentIds(SplitSegments(judged.text));
  AddVersion(input, judged, std::move(raw_joined), text_hash, comparison, kind,
             std::move(segment_ids), work);
}

// Phase 4: a usable text. The same as the current version, held back, or a new version.
void JudgeText(Store& store, CheckInput& input, DocumentText& judged, std::string raw_joined,
               CheckWork* work) {
  DocState& state = work->state();
  const bool not_modified = input.response.http_status == 304;
  std::string text_hash = state.last_text_hash;  // a 304 keeps the current text
  if (!not_modified) {
    const auto start = SteadyClock::now();
    text_hash = Sha256Hex(judged.text);
    work->times.hash_us += MicrosSince(start);
  }
  work->check().text_hash = text_hash;
  // Against the state before this check (its own success is already in `state`).
  const FleetBaseline baseline = ChooseFleetBaseline(
      input.fleet_record ? &*input.fleet_record : nullptr, input.state, text_hash, not_modified);
  if (baseline != FleetBaseline::kLocal) {
    JudgeAgainstFleet(input, judged, std::move(raw_joined), text_hash, baseline, work);
    return;
  }
  if (text_hash == state.last_text_hash) {
    work->Conclude(not_modified ? CheckResult::kNotModified : CheckResult::kUnchanged);
    AdoptValidators(input.response, *input.spec, CameThroughInterstitial(input), work->now_ms,
                    &state);
    ForgetSuspicion(&state);  // whatever looked wrong before is gone
    state.text_seen_ms = work->now_ms;
    return;
  }
  std::optional<TextComparison> comparison;
  std::optional<CurrentVersion> current;
  bool reread = false;
  std::string suspicion;  // why the text looked wrong, when it did and was confirmed
  if (!state.last_text_hash.empty()) {
    current = ReadCurrent(store, *input.spec, state);
    comparison = CompareWithCurrent(*current, state.last_text_hash, judged.text, text_hash, work);
    reread = IsReread(store, input, *current, text_hash, work);
    // A reread is policyd's own doing, proven on the stored page: never held back.
    if (!reread) {
      suspicion = Suspicion(store, input, *current, judged.text.size());
      if (!suspicion.empty() && HoldSuspicious(input, suspicion, text_hash, work)) return;
    }
  }
  // Confirmed after a hold (HoldSuspicious let it through): first read when the hold began.
  if (state.suspect_count > 0 && state.suspect_hash == text_hash) {
    work->held_since_ms = state.suspect_since_ms;
  }
  ForgetSuspicion(&state);
  const VersionKind kind = !comparison ? VersionKind::kFirst
                           : reread    ? VersionKind::kReread
                                       : VersionKind::kChanged;
  // A change or a new reading back to an earlier text (an edit reverted, a settings edit
  // undone): its event names that version, and its clauses get their ids from it.
  const std::optional<EarlierVersion> earlier =
      kind == VersionKind::kChanged || kind == VersionKind::kReread
          ? EarlierVersionWithText(store, *input.spec, text_hash)
          : std::nullopt;
  std::string segment_ids =
      AssignSegments(store, current ? &*current : nullptr, earlier ? &earlier->record : nullptr,
                     judged.text, comparison ? &*comparison : nullptr, work);
  AddVersion(input, judged, std::move(raw_joined), text_hash, comparison, kind,
             std::move(segment_ids), work);
  if (!work->events.empty()) {
    nlohmann::json& event = work->events.back();
    if (earlier) event["same_as_version"] = earlier->index;
    // The operator pointed the document at another URL since the previous version: this
    // change compares two pages, which an analyzer must be able to tell from an edit.
    if (current && current->record && current->record->url != input.spec->url) {
      event["previous_url"] = current->record->url;
    }
  }
  // Confirmed, not proven: a body cut short carries the validators of the whole page the
  // server meant to send. Kept, the server would answer 304 to every later check and the cut
  // page would stay the policy; the next check fetches the page whole instead.
  if (!suspicion.empty()) ForgetValidators(&state);
}

// kShrinkConfirmationDelay·2^(n-1) for the n-th confirmation, up to 10% later so that the
// documents held by one outage are not looked at in step; never past the interval.
int64_t ShrinkConfirmationDelayMs(std::chrono::milliseconds interval, int confirmation,
                                  std::mt19937_64& rng) {
  const int shift = std::clamp(confirmation - 1, 0, 10);
  const int64_t delay = kShrinkConfirmationDelay.count() << shift;
  std::uniform_int_distribution<int64_t> spread(0, delay / 10);
  return std::min<int64_t>(delay + spread(rng), std::max<int64_t>(interval.count(), 1000));
}

// Phase 5: when the document is checked next (backoff after a transient failure, the
// server's Retry-After after a 429 or 5xx), and what `auto` learnt about rendering.
void Schedule(const CheckInput& input, const DocumentText& judged,
              const std::vector<const FetchResponse*>& pages, std::mt19937_64& rng,
              CheckWork* work) {
  // A 429 or 5xx asks for time whatever page it carries (a challenge, a block or an error page
  // recognised as such): its Retry-After counts as a plain one's does.
  std::optional<std::chrono::milliseconds> retry_after;
  const FetchResponse& failing = *pages[judged.failing_page];
  if (judged.reason == FailureReason::kHttp429 || judged.reason == FailureReason::kHttp5xx ||
      (judged.reason != FailureReason::kNone &&
       (failing.http_status == 429 || failing.http_status >= 500))) {
    retry_after = ParseRetryAfter(failing.retry_after, work->now_ms);
  }
  UpdateRenderChoice(input, judged.reason, work->now_ms, &work->state());
  if (judged.reason == FailureReason::kInterrupted) {
    const int shift = std::clamp(input.interrupted_processings - kInterruptionsToHold, 0, 10);
    work->state().next_due_ms =
        work->now_ms + std::min<int64_t>(kInterruptedHold.count() << shift,
                                         std::max<int64_t>(input.interval.count(), 1000));
    return;
  }
  if (work->confirmation_due_ms > 0) {
    work->state().next_due_ms = work->confirmation_due_ms;
    return;
  }
  if (work->shrink_confirmation > 0) {
    work->state().next_due_ms =
        work->now_ms + ShrinkConfirmationDelayMs(input.interval, work->shrink_confirmation, rng);
    return;
  }
  work->state().next_due_ms = NextDueAfterCheck(input.schedule, input.interval, work->now_ms,
                                                work->retry_streak, retry_after, rng);
}

// Phase 6: one atomic commit. Events are stamped right before it, so a subscriber can measure
// commit -> receipt exactly (`time` is when processing started, and only to the millisecond).
CheckOutcome Commit(Store& store, const CheckClock& clock, CheckWork* work) {
  const int64_t commit_us = clock.NowUnixMicros();
  work->commit.events = std::move(work->events);
  for (nlohmann::json& event : work->commit.events) {
    event["commit_us"] = commit_us;
    BoundEventSize(&event);  // whatever the page: an event line stays small (issue 14)
  }
  CheckOutcome outcome;
  const auto start = SteadyClock::now();
  auto committed = store.CommitCheck(work->commit);
  work->times.store_us = MicrosSince(start);
  outcome.times = work->times;
  outcome.status = committed.status();
  if (committed.ok()) {
    outcome.events = std::move(*committed);
    outcome.state = work->commit.state;
  }
  outcome.check = work->commit.check;
  outcome.not_requested = work->not_requested;
  return outcome;
}

}  // namespace

CheckOutcome ProcessCheck(Store& store, CheckInput input, const CheckClock& clock,
                          std::mt19937_64& rng) {
  CheckWork work(input, clock.NowUnixMillis());
  std::vector<const FetchResponse*> pages = {&input.response};
  for (const FetchResponse& extra : input.extra_pages) pages.push_back(&extra);

  DocumentText judged = JudgePages(input, pages);
  if (WantsBrowser(input, judged, pages)) return HandBackForBrowser(input);
  if (FollowsRedirectStub(input, pages, &judged)) return HandBackToFollow(input, judged);
  if (judged.reason != FailureReason::kNone && input.fetcher == FetcherKind::kBrowser) {
    judged.message += RenderedNote(input);
    if (judged.reason == FailureReason::kEmpty && input.spec->select.empty() &&
        input.spec->select_ranges.empty()) {
      // The browser stops once the network is quiet: text a script adds later is missed.
      judged.message += "; if the text appears late, a select naming it makes the browser wait";
    }
  } else if (judged.reason != FailureReason::kNone && !input.failed_render.empty()) {
    judged.message += " (the browser's render failed first: " + input.failed_render + ")";
  }
  work.times.decode_us = judged.decode_us;
  work.times.parse_us = judged.parse_us;
  work.times.extract_us = judged.extract_us;
  std::string raw_joined;
  if (judged.extracted) raw_joined = HashRawCapture(pages, &work);

  if (judged.reason != FailureReason::kNone) {
    RecordFailure(input, judged, *pages[judged.failing_page], &work);
  } else {
    EndFailureStreak(input, &work);
    JudgeText(store, input, judged, std::move(raw_joined), &work);
  }
  Schedule(input, judged, pages, rng, &work);
  return Commit(store, clock, &work);
}

}  // namespace policyd

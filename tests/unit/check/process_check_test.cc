// ProcessCheck against a real store: what one check records, stores and announces.
#include "check_fixture.h"
#include "policyd/check.h"
#include "policyd/diff.h"
#include "policyd/document_status.h"
#include "policyd/feed.h"
#include "policyd/http_url.h"
#include "policyd/segments.h"
#include "policyd/version_segments.h"
#include "redirect_stub.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "policyd/clock.h"
#include "policyd/media_type.h"
#include "support/guard_pages.h"
#include "support/pdf_writer.h"

namespace policyd {
namespace {

std::string Page(const std::string& sections) {
  return "<html><body><nav><a href='/'>Home</a></nav><main><h1>Privacy</h1>" + sections +
         "</main><footer>Footer</footer></body></html>";
}

std::string LongPolicy(const std::string& sharing) {
  std::string sections;
  for (int i = 0; i < 20; ++i) {
    sections += "<h2>Section " + std::to_string(i) +
                "</h2><p>We process personal data for purpose number " + std::to_string(i) +
                " under the applicable law.</p>";
  }
  return Page(sections + "<h2>Sharing</h2><p>" + sharing + "</p>");
}

class CheckProcessorTest : public CheckFixture {
 protected:
  // Runs one check with `response` and keeps the resulting state for the next one.
  CheckInput Input(FetchResponse response, int failure_threshold = 2) const {
    CheckInput input;
    input.spec = std::make_shared<const DocumentSpec>(spec_);
    input.state = state_;
    input.response = std::move(response);
    input.interval = std::chrono::hours(24);
    input.failure_threshold = failure_threshold;
    return input;
  }
  // The page's own one-off server error.
  static FetchResponse ServerError() {
    FetchResponse own;
    own.http_status = 503;
    own.error_message = "HTTP status 503";
    return own;
  }
  // A check not requested because its host rests after `streak` failed requests in a row on
  // other pages (the fetcher's hold, fetcher.h).
  static FetchResponse HeldByRest(int streak) {
    FetchResponse resting;
    resting.error = FetchError::kTimeout;
    resting.host_held = true;
    resting.host_rest_streak = streak;
    resting.retry_after = "28";
    resting.error_message =
        "not requested: the server is struggling: " + std::to_string(streak) +
        " requests in a row failed, the last timeout for https://acme.example/other; the "
        "host's pages wait 28 s more";
    return resting;
  }
  CheckOutcome Check(FetchResponse response, int failure_threshold = 2) {
    CheckOutcome outcome =
        ProcessCheck(*store_, Input(std::move(response), failure_threshold), clock_, rng_);
    EXPECT_TRUE(outcome.status.ok()) << outcome.status.ToString();
    if (outcome.status.ok()) state_ = outcome.state;
    return outcome;
  }

  static FetchResponse Ok(std::string body, long status = 200) {
    FetchResponse response;
    response.http_status = status;
    response.content_type = "text/html; charset=utf-8";
    response.final_url = "https://acme.example/privacy";
    response.body = std::move(body);
    return response;
  }

  VersionRecord GetLatestOrDie() const {
    auto latest = store_->GetLatestVersion(spec_.id);
    EXPECT_TRUE(latest.ok()) << latest.status().ToString();
    return latest.ok() ? *latest : VersionRecord{};
  }

  static std::string TypeOf(const StoredEvent& event) {
    return nlohmann::json::parse(event.json)["type"];
  }
};

TEST_F(CheckProcessorTest, ChangedEventsSayWhatKindOfChangeTheyAre) {
  Check(Ok(LongPolicy("We don't sell data - ever.")));
  // Punctuation only (an en dash for a hyphen; curly quotes no longer change the extracted text):
  // a version all the same (the record stays exact), announced as cosmetic.
  auto cosmetic = Check(Ok(LongPolicy("We don't sell data \u2013 ever.")));
  ASSERT_EQ(cosmetic.events.size(), 1u);
  auto event = nlohmann::json::parse(cosmetic.events[0].json);
  EXPECT_EQ(event["change_class"], "cosmetic");
  EXPECT_EQ(event["words_added"], 0);
  EXPECT_EQ(event["words_removed"], 0);
  EXPECT_EQ(state_.version_count, 2u);

  auto substantive = Check(Ok(LongPolicy("We don't sell or rent data \u2013 ever.")));
  ASSERT_EQ(substantive.events.size(), 1u);
  event = nlohmann::json::parse(substantive.events[0].json);
  EXPECT_EQ(event["change_class"], "substantive");
  EXPECT_EQ(event["words_added"], 2);
  EXPECT_EQ(event["words_removed"], 0);
}

TEST_F(CheckProcessorTest, EachPageOfACombinedDocumentUsesItsOwnParts) {
  // An Open Terms Archive `combine` whose second page selects another part (page_options).
  spec_.select = {".legal"};
  spec_.extra_urls = {"https://acme.example/privacy/2"};
  ExtractOptions second;
  second.select = {"#annex"};
  spec_.page_options = {std::nullopt, second};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  const std::string html =
      "<html><body><div class='legal'><p>Main part of the policy text.</p></div>"
      "<div id='annex'><p>Annex listing every processor we use.</p></div></body></html>";
  FetchResponse first = Ok(html);
  FetchResponse extra = Ok(html);
  const DocumentText text = ExtractDocumentText(spec_, {&first, &extra}, ResolveHttpUrl);
  EXPECT_EQ(text.reason, FailureReason::kNone);
  EXPECT_EQ(text.text, "Main part of the policy text.\n\nAnnex listing every processor we use.\n");
}

TEST(ChangeClassNamesTest, TheFeedKnowsEveryClassTheDaemonAnnounces) {
  std::set<std::string> announced;
  for (const ChangeClass c : {ChangeClass::kSubstantive, ChangeClass::kCosmetic,
                              ChangeClass::kFormatting, ChangeClass::kReorder}) {
    announced.insert(ChangeClassName(c));
  }
  EXPECT_EQ(std::set<std::string>(std::begin(kChangeClassNames), std::end(kChangeClassNames)),
            announced);
}

TEST_F(CheckProcessorTest, FirstSeenThenUnchangedThenChanged) {
  auto first = Check(Ok(LongPolicy("We never sell data.")));
  EXPECT_EQ(first.check.outcome, "first_seen");
  ASSERT_EQ(first.events.size(), 1u);
  EXPECT_EQ(TypeOf(first.events[0]), "document.first_seen");
  EXPECT_EQ(nlohmann::json::parse(first.events[0].json)["lang"], "en");
  EXPECT_EQ((*store_->GetHistory(spec_.id))[0].lang, "en");
  EXPECT_EQ(state_.version_count, 1u);
  EXPECT_GT(state_.next_due_ms, first.check.time_ms + 20 * 3'600'000);  // interval - jitter

  auto same = Check(Ok(LongPolicy("We never sell data.")));
  EXPECT_EQ(same.check.outcome, "unchanged");
  EXPECT_TRUE(same.events.empty());

  auto changed = Check(Ok(LongPolicy("We sell data.")));
  EXPECT_EQ(changed.check.outcome, "changed");
  ASSERT_EQ(changed.events.size(), 1u);
  const auto event = nlohmann::json::parse(changed.events[0].json);
  EXPECT_EQ(event["lines_added"], 1);
  EXPECT_EQ(event["lines_removed"], 1);
  EXPECT_EQ(event["sections"], nlohmann::json({"## Sharing"}));
  const auto history = store_->GetHistory(spec_.id);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[1].policyd_version, POLICYD_VERSION);
  // The raw page is kept with the version.
  EXPECT_EQ(*store_->GetBlob((*history)[1].raw_hash), LongPolicy("We sell data."));
}

// A page that goes back to an earlier text has two versions with one hash, and their clause
// ids differ: the event names its version by index, which `policyctl segments DOC N` takes.
TEST_F(CheckProcessorTest, EventsNameTheirVersionByIndexAlsoWhenATextComesBack) {
  const auto version_of = [](const auto& outcome) {
    return nlohmann::json::parse(outcome.events.at(0).json).value("version", 0);
  };
  EXPECT_EQ(version_of(Check(Ok(LongPolicy("We never sell data.")))), 1);
  EXPECT_EQ(version_of(Check(Ok(LongPolicy("We sell data.")))), 2);
  const auto back = Check(Ok(LongPolicy("We never sell data.")));
  EXPECT_EQ(version_of(back), 3);
  const auto history = store_->GetHistory(spec_.id);
  ASSERT_EQ(history->size(), 3u);
  EXPECT_EQ((*history)[2].event_seq, back.events.at(0).seq);
  EXPECT_EQ((*history)[2].text_hash, (*history)[0].text_hash);
}

// Issue 14: 200 changed sections under 8 KB headings made a 3.2 MB document.changed. The
// event names at most 64 sections of at most 256 bytes, counts the rest exactly, and says
// whether its counts are exact.
TEST_F(CheckProcessorTest, ChangedEventWithTwoHundredHugeSectionsIsCapped) {
  const auto page = [](const std::string& word) {
    std::string sections;
    for (int i = 0; i < 200; ++i) {
      std::string heading = "Section " + std::to_string(i);
      while (heading.size() < 8000) heading += " about the data we process";
      sections += "<h2>" + heading + "</h2><p>We " + word + " data under clause " +
                  std::to_string(i) + ".</p>";
    }
    return Page(sections);
  };
  Check(Ok(page("keep")));
  const CheckOutcome changed = Check(Ok(page("share")));
  ASSERT_EQ(changed.events.size(), 1u);
  EXPECT_LE(changed.events[0].json.size(), 64u * 1024u);
  const auto event = nlohmann::json::parse(changed.events[0].json);
  EXPECT_EQ(event["type"], "document.changed");
  EXPECT_EQ(event["lines_added"], 200);
  EXPECT_EQ(event["lines_removed"], 200);
  EXPECT_EQ(event["diff_approximate"], false);
  ASSERT_EQ(event["sections"].size(), 64u);
  EXPECT_EQ(event["sections_truncated"], 200 - 64);
  for (int i = 0; i < 64; ++i) {
    const std::string section = event["sections"][i];
    EXPECT_TRUE(section.starts_with("## Section " + std::to_string(i) + " about")) << section;
    EXPECT_LE(section.size(), 256u);
    EXPECT_TRUE(section.ends_with("\u2026"));
  }
}

// Events carry the moment of their commit in Unix microseconds (commit -> receipt latency),
// and the version stores exactly the body and text the check hashed (the body is moved into
// the store and the store reuses the check's hashes).
TEST_F(CheckProcessorTest, EventsCarryCommitTimeAndVersionKeepsTheHashedBytes) {
  // The check reads the wall clock only through the clock it is given.
  clock_.now_ms = 1'800'000'000'123;
  const std::string body = LongPolicy("We never sell data.");
  const CheckOutcome outcome = Check(Ok(body));
  ASSERT_EQ(outcome.events.size(), 1u);
  const auto event = nlohmann::json::parse(outcome.events[0].json);
  EXPECT_EQ(event["time"], FormatTimestamp(1'800'000'000'123));
  EXPECT_EQ(event["commit_us"].get<int64_t>(), 1'800'000'000'123'000);
  EXPECT_EQ(outcome.check.time_ms, 1'800'000'000'123);
  EXPECT_EQ(outcome.state.last_check_ms, 1'800'000'000'123);

  EXPECT_EQ(outcome.check.raw_hash, Sha256Hex(body));
  const auto history = store_->GetHistory(spec_.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].raw_hash, Sha256Hex(body));
  EXPECT_EQ((*history)[0].text_hash, outcome.check.text_hash);
  const auto raw = store_->GetBlob((*history)[0].raw_hash);
  ASSERT_TRUE(raw.ok());
  EXPECT_EQ(*raw, body);
  const auto text = store_->GetBlob((*history)[0].text_hash);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(Sha256Hex(*text), outcome.check.text_hash);
  EXPECT_NE(text->find("We never sell data."), std::string::npos);
}

TEST_F(CheckProcessorTest, NotModifiedIsASuccessfulUnchangedCheck) {
  Check(Ok(LongPolicy("A.")));
  FetchResponse not_modified;
  not_modified.http_status = 304;
  not_modified.conditional = true;
  auto outcome = Check(not_modified);
  EXPECT_EQ(outcome.check.outcome, "not_modified");
  EXPECT_EQ(outcome.check.text_hash, state_.last_text_hash);
  EXPECT_TRUE(outcome.events.empty());
}

// A 304 answers a conditional request only. To a request without validators (the first
// check, a whole fetch, a multi-page document) it says nothing about the page: a broken
// server or cache, reported as such, never "not modified" (nor a document with no version
// and no failure).
TEST_F(CheckProcessorTest, NotModifiedToAnUnconditionalRequestIsAFailure) {
  FetchResponse bogus;
  bogus.http_status = 304;
  const CheckOutcome first = Check(bogus);
  EXPECT_EQ(first.check.outcome, "failed");
  EXPECT_EQ(first.check.reason, "http_status");
  EXPECT_NE(first.check.message.find("304"), std::string::npos) << first.check.message;
  EXPECT_EQ(state_.consecutive_failures, 1);
  Check(Ok(LongPolicy("A.")));
  EXPECT_EQ(Check(bogus).check.outcome, "failed");
  EXPECT_EQ(state_.version_count, 1u);
}

TEST_F(CheckProcessorTest, ChallengePageIsAFailureNeverAVersion) {
  Check(Ok(LongPolicy("We never sell data.")));
  auto outcome = Check(
      Ok("<html><head><title>Just a moment...</title></head><body><h1>Checking your browser</h1>"
         "<script>window._cf_chl_opt={};</script></body></html>",
         403));
  // A 403 that is a challenge says so (and is retried soon), rather than a permanent 4xx.
  EXPECT_EQ(outcome.check.reason, "challenge");
  EXPECT_EQ(outcome.check.message,
            "HTTP status 403: bot-challenge page (cloudflare: challenge interstitial)");
  auto disguised = Check(Ok(
      "<html><head><title>Just a moment...</title></head><body><h1>Checking your browser "
      "before accessing acme.example</h1><script>window._cf_chl_opt={};</script></body></html>"));
  EXPECT_EQ(disguised.check.outcome, "failed");
  EXPECT_EQ(disguised.check.reason, "challenge");
  EXPECT_EQ(state_.version_count, 1u);
  // Two failures in a row reach the threshold: one fetch_failed, not more.
  ASSERT_EQ(disguised.events.size(), 1u);
  EXPECT_EQ(TypeOf(disguised.events[0]), "document.fetch_failed");
  EXPECT_TRUE(Check(Ok("<p>Verify you are human</p><div class='h-captcha'></div>")).events.empty());
  EXPECT_EQ(state_.last_error.rfind("challenge", 0), 0u);
}

// Issue 14, item 1: whole policies that carry Cloudflare's passive challenge-platform script,
// its e-mail obfuscation and captcha widgets (as a large share of sites behind Cloudflare do on
// every page) are versions, and their changes are announced.
TEST_F(CheckProcessorTest, FullPolicyCarryingVendorScriptsIsAVersion) {
  FetchResponse page = Ok(testing::PolicyWithVendorScripts(1));
  page.headers = {{"server", "cloudflare"}};
  const CheckOutcome first = Check(std::move(page));
  EXPECT_EQ(first.check.outcome, "first_seen") << first.check.message;
  ASSERT_EQ(first.events.size(), 1u);
  EXPECT_EQ(TypeOf(first.events[0]), "document.first_seen");
  const CheckOutcome changed = Check(Ok(testing::PolicyWithVendorScripts(2)));
  EXPECT_EQ(changed.check.outcome, "changed") << changed.check.message;
  ASSERT_EQ(changed.events.size(), 1u);
  const auto event = nlohmann::json::parse(changed.events[0].json);
  EXPECT_EQ(event["lines_added"], 1);
  EXPECT_EQ(event["lines_removed"], 1);
  EXPECT_EQ(state_.version_count, 2u);
}

// ... and so is a short imprint whose contact form carries an invisible reCAPTCHA.
TEST_F(CheckProcessorTest, ShortImprintWithCaptchaFormIsAVersion) {
  const CheckOutcome first = Check(Ok(testing::ImprintWithCaptchaForm()));
  EXPECT_EQ(first.check.outcome, "first_seen") << first.check.message;
  EXPECT_EQ(state_.version_count, 1u);
}

// Issue 14, item 8: block pages served with HTTP 200 were held back once as a suspicious
// shrink and then stored on the second check (the same bytes twice confirm a shrink). They
// are failed checks, every time: no version, no document.changed.
TEST_F(CheckProcessorTest, BlockPagesServedWith200NeverBecomeVersions) {
  for (const char* name : {"cloudflare_error_1020", "sucuri_access_denied"}) {
    SCOPED_TRACE(name);
    const testing::VendorPage& block = testing::FindVendorPage(name);
    const std::string expected = state_.version_count == 0 ? "first_seen" : "unchanged";
    ASSERT_EQ(Check(Ok(LongPolicy("We never sell data."))).check.outcome, expected);
    const std::string current = state_.last_text_hash;
    for (int check = 1; check <= 3; ++check) {
      const CheckOutcome outcome = Check(Ok(block.html));
      EXPECT_EQ(outcome.check.outcome, "failed") << "check " << check;
      EXPECT_EQ(outcome.check.reason, "blocked") << "check " << check;
      for (const StoredEvent& event : outcome.events) {
        EXPECT_EQ(TypeOf(event), "document.fetch_failed") << "check " << check;
      }
      EXPECT_EQ(state_.last_text_hash, current);
      EXPECT_EQ(state_.version_count, 1u);
    }
  }
  EXPECT_EQ(Check(Ok(testing::FindVendorPage("cloudflare_error_1020").html)).check.message,
            "block page (cloudflare: Error 1020 access denied) served with HTTP 200, not the "
            "document");
  EXPECT_EQ(store_->GetHistory(spec_.id)->size(), 1u);
}

// A block page on the very first check is no first version either.
TEST_F(CheckProcessorTest, BlockPageOnTheFirstCheckIsNoFirstVersion) {
  const CheckOutcome outcome = Check(Ok(testing::FindVendorPage("sucuri_access_denied").html));
  EXPECT_EQ(outcome.check.outcome, "failed");
  EXPECT_EQ(outcome.check.reason, "blocked");
  EXPECT_TRUE(outcome.events.empty());  // one failure, below the threshold of two
  EXPECT_EQ(state_.version_count, 0u);
  EXPECT_TRUE(state_.last_text_hash.empty());
}

// Every vendor page of docs/HOSTILE.md, served with 200 after a good version, fails with its
// reason and stores nothing.
TEST_F(CheckProcessorTest, EveryVendorPageServedWith200IsRefused) {
  Check(Ok(LongPolicy("We never sell data.")));
  for (const testing::VendorPage& page : testing::VendorPages()) {
    FetchResponse response = Ok(page.html);
    response.headers = {page.headers.begin(), page.headers.end()};
    const CheckOutcome outcome = Check(std::move(response));
    EXPECT_EQ(outcome.check.outcome, "failed") << page.name;
    EXPECT_EQ(outcome.check.outcome, "failed") << page.name;
    EXPECT_NE(outcome.check.message.find("(" + page.vendor + ": "), std::string::npos)
        << page.name << ": " << outcome.check.message;
  }
  EXPECT_EQ(state_.version_count, 1u);
}

// A challenge served with its vendor's status is a challenge (transient: retried within
// minutes); a block page with a 4xx keeps the status's reason and says what it was.
TEST_F(CheckProcessorTest, ErrorStatusesSayWhatThePageWas) {
  Check(Ok(LongPolicy("We never sell data.")));
  const testing::VendorPage& challenge = testing::FindVendorPage("cloudflare_managed_challenge");
  FetchResponse response = Ok(challenge.html, challenge.status);
  response.headers = {challenge.headers.begin(), challenge.headers.end()};
  const int64_t before = NowUnixMillis();
  const CheckOutcome refused = Check(std::move(response));
  EXPECT_EQ(refused.check.reason, "challenge");
  EXPECT_EQ(refused.check.message,
            "HTTP status 403: bot-challenge page (cloudflare: cf-mitigated: challenge)");
  EXPECT_LE(state_.next_due_ms - before, int64_t{5} * 60 * 1000);

  const testing::VendorPage& block = testing::FindVendorPage("cloudflare_error_1020");
  const CheckOutcome blocked = Check(Ok(block.html, 403));
  EXPECT_EQ(blocked.check.reason, "http_4xx");
  EXPECT_EQ(blocked.check.message,
            "HTTP status 403: block page (cloudflare: Error 1020 access denied)");
  const CheckOutcome missing = Check(Ok("<html><body>Not found</body></html>", 404));
  EXPECT_EQ(missing.check.message, "HTTP status 404");
  EXPECT_EQ(state_.version_count, 1u);
}

// Issue 14 item 12: a PDF or binary body was extracted as HTML and could become a version.
// A PDF is now converted as a PDF (see the Pdf* tests below), whatever its label; binary data
// stays refused.
TEST_F(CheckProcessorTest, PdfOrBinaryBodyIsNeverExtractedAsHtml) {
  FetchResponse pdf = Ok("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + LongPolicy("x"));
  pdf.content_type = "";  // no header: sniffed
  auto outcome = Check(pdf);
  EXPECT_EQ(outcome.check.outcome, "failed");
  EXPECT_EQ(outcome.check.reason, "pdf_malformed");
  EXPECT_TRUE(outcome.check.message.starts_with("PDF: ")) << outcome.check.message;
  pdf.content_type = "text/html";  // a wrong label does not make it a page
  EXPECT_EQ(Check(pdf).check.reason, "pdf_malformed");
  FetchResponse binary = Ok(std::string("\x1f\x8b\x08\0\0\0\0\0", 8) + LongPolicy("x"));
  binary.content_type = "";
  outcome = Check(binary);
  EXPECT_EQ(outcome.check.reason, "content_type");
  EXPECT_EQ(outcome.check.message, "refused content: the body is binary data, not text");
  EXPECT_EQ(state_.version_count, 0u);
  EXPECT_TRUE(state_.last_text_hash.empty());
  // The same bytes as HTML without a label are a page.
  FetchResponse page = Ok(LongPolicy("We never sell data."));
  page.content_type = "";
  EXPECT_EQ(Check(page).check.outcome, "first_seen");
}

// A policy published as a PDF: two pages with a running header and page numbers.
std::string PdfPolicy(const std::string& sharing) {
  std::vector<testing::PdfPage> pages(2);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    pages[i].texts.push_back({72, 770, 9, "ACME Inc. - Privacy Policy"});
    pages[i].texts.push_back({300, 30, 9, "Page " + std::to_string(i + 1) + " of 2"});
  }
  pages[0].texts.push_back({72, 700, 20, "Privacy Policy"});
  pages[0].texts.push_back({72, 670, 11, "We process personal data only to provide the service."});
  pages[1].texts.push_back({72, 700, 14, "Sharing"});
  pages[1].texts.push_back({72, 675, 11, sharing});
  return testing::WritePdf(pages);
}

TEST_F(CheckProcessorTest, PdfResponseBecomesAVersion) {
  FetchResponse pdf = Ok(PdfPolicy("We never sell data."));
  pdf.content_type = "application/pdf";
  auto first = Check(pdf);
  EXPECT_EQ(first.check.outcome, "first_seen") << first.check.reason << first.check.message;
  const auto history = store_->GetHistory(spec_.id);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(*store_->GetBlob((*history)[0].text_hash),
            "# Privacy Policy\n\nWe process personal data only to provide the service.\n\n"
            "## Sharing\n\nWe never sell data.\n");
  // The raw PDF is kept with the version, as a page's HTML is.
  EXPECT_EQ(*store_->GetBlob((*history)[0].raw_hash), pdf.body);
  // Sniffed without a label, and the same text: unchanged.
  pdf.content_type = "";
  EXPECT_EQ(Check(pdf).check.outcome, "unchanged");
  auto changed = Check(Ok(PdfPolicy("We sell data.")));
  EXPECT_EQ(changed.check.outcome, "changed");
  EXPECT_EQ(state_.version_count, 2u);
}

TEST_F(CheckProcessorTest, EncryptedPdfFailsWithoutAVersion) {
  const std::filesystem::path plain = dir_.string() + "-plain.pdf";
  const std::filesystem::path encrypted = dir_.string() + "-encrypted.pdf";
  std::ofstream(plain, std::ios::binary) << PdfPolicy("We never sell data.");
  const std::string command =
      "qpdf --encrypt secret owner 256 -- '" + plain.string() + "' '" + encrypted.string() + "'";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  std::ifstream in(encrypted, std::ios::binary);
  FetchResponse pdf = Ok(std::string(std::istreambuf_iterator<char>(in), {}));
  std::filesystem::remove(plain);
  std::filesystem::remove(encrypted);
  pdf.content_type = "application/pdf";
  auto outcome = Check(pdf);
  EXPECT_EQ(outcome.check.outcome, "failed");
  EXPECT_EQ(outcome.check.reason, "pdf_encrypted");
  EXPECT_EQ(outcome.check.message, "PDF: the PDF needs a password to open");
  EXPECT_EQ(state_.version_count, 0u);
  EXPECT_TRUE(store_->GetHistory(spec_.id)->empty());
}

TEST_F(CheckProcessorTest, PdfWithoutTextFailsAsPdfNoText) {
  testing::PdfPage scan;
  scan.rects.push_back({50, 50, 500, 700});
  FetchResponse pdf = Ok(testing::WritePdf({scan}));
  pdf.content_type = "application/pdf";
  auto outcome = Check(pdf);
  EXPECT_EQ(outcome.check.reason, "pdf_no_text");
  EXPECT_FALSE(IsTransientFailure(*ParseFailureReason(outcome.check.reason)));
  EXPECT_EQ(state_.version_count, 0u);
}

// Every reason from the first to kLastFailureReason has a name that reads back to it, and
// nothing after the last one is named: a reason appended to the enum must become the last.
TEST(FailureReasonTest, TheLastReasonIsTheLastOneNamed) {
  for (int value = static_cast<int>(FailureReason::kBadUrl);
       value <= static_cast<int>(kLastFailureReason); ++value) {
    const auto reason = static_cast<FailureReason>(value);
    const std::string_view name = FailureReasonName(reason);
    EXPECT_NE(name, "unknown") << value;
    EXPECT_EQ(ParseFailureReason(name), reason) << name;
  }
  EXPECT_EQ(FailureReasonName(static_cast<FailureReason>(static_cast<int>(kLastFailureReason) + 1)),
            "unknown");
}

// A page whose parse would take gigabytes fails as too_large, and the version stands: an 8 MB
// page of two million "<p>x" took the daemon past its MemoryMax, and it died at every restart.
TEST_F(CheckProcessorTest, APageOfTooManyElementsFailsAsTooLarge) {
  const CheckOutcome first = Check(Ok(LongPolicy("We never sell data.")));
  std::string flood = "<html><body>";
  for (int i = 0; i <= 200'000; ++i) flood += "<p>x";
  const CheckOutcome outcome = Check(Ok(flood), 1);
  EXPECT_EQ(outcome.check.outcome, "failed");
  EXPECT_EQ(outcome.check.reason, "too_large");
  EXPECT_EQ(outcome.check.message, "the page has more than 200000 elements, not read");
  EXPECT_EQ(state_.last_text_hash, first.check.text_hash);
}

// A document's ignore_lines apply to a PDF's text as to a page's: a "Generated on" stamp the
// operator told policyd to ignore was kept in PDFs, silently, and changed every version.
TEST_F(CheckProcessorTest, IgnoreLinesApplyToAPdf) {
  spec_.ignore_lines = {"^We never"};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  FetchResponse pdf = Ok(PdfPolicy("We never sell data."));
  pdf.content_type = "application/pdf";
  const DocumentText text = ExtractDocumentText(spec_, {&pdf}, ResolveHttpUrl);
  EXPECT_EQ(text.reason, FailureReason::kNone) << text.message;
  EXPECT_EQ(text.text,
            "# Privacy Policy\n\nWe process personal data only to provide the service.\n\n"
            "## Sharing\n");
}

// A multi-page document whose second page is a PDF: its text follows the first page's.
TEST_F(CheckProcessorTest, PdfAsAnExtraPage) {
  spec_.extra_urls = {"https://acme.example/privacy.pdf"};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  std::vector<const FetchResponse*> pages;
  const FetchResponse html = Ok(LongPolicy("We never sell data."));
  FetchResponse pdf = Ok(PdfPolicy("We share data with processors."));
  pdf.content_type = "application/pdf";
  pages = {&html, &pdf};
  const DocumentText text = ExtractDocumentText(spec_, pages, ResolveHttpUrl);
  EXPECT_EQ(text.reason, FailureReason::kNone);
  EXPECT_TRUE(text.text.ends_with("## Sharing\n\nWe share data with processors.\n")) << text.text;
  pdf.body = "%PDF-1.4 truncated";
  const DocumentText broken = ExtractDocumentText(spec_, pages, ResolveHttpUrl);
  EXPECT_EQ(broken.reason, FailureReason::kPdfMalformed);
  EXPECT_EQ(broken.failing_page, 1u);
  EXPECT_TRUE(broken.message.starts_with("page 2 (")) << broken.message;
}

// A remove range whose end marker the site renamed removed nothing, silently: the promotion
// it had cut came back as a substantive document.changed the policy never made. The check now
// fails as range_unmatched, naming the range, and the version stands.
TEST_F(CheckProcessorTest, ARemoveRangeWhoseBoundaryIsGoneFailsTheCheck) {
  spec_.remove_ranges = {{.start_before = ".promo-start", .end_after = ".promo-end"}};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  auto page = [](const char* end_class) {
    return LongPolicy("We never sell data.") +
           "<div class=promo-start>Premium</div><p>Buy our premium plan now and save a lot of "
           "money every single month!</p><div class=" +
           std::string(end_class) + ">Offer ends soon</div>";
  };
  const CheckOutcome first = Check(Ok(page("promo-end")));
  ASSERT_EQ(first.check.outcome, "first_seen");
  EXPECT_EQ((*store_->GetBlob(first.check.text_hash)).find("premium plan"), std::string::npos);
  const CheckOutcome renamed = Check(Ok(page("promo-stop")), 1);
  EXPECT_EQ(renamed.check.outcome, "failed");
  EXPECT_EQ(renamed.check.reason, "range_unmatched");
  EXPECT_TRUE(renamed.check.message.starts_with(
      "remove range 1 (startBefore \".promo-start\", endAfter \".promo-end\"): no element of "
      "the page matches its end"))
      << renamed.check.message;
  ASSERT_EQ(renamed.events.size(), 1u);
  EXPECT_EQ(TypeOf(renamed.events[0]), "document.fetch_failed");
  EXPECT_EQ(state_.version_count, 1u);
  EXPECT_EQ(state_.last_text_hash, first.check.text_hash);
}

// Whichever page of a combined document fails, its message says which: the first page's used
// to read as if the whole document had failed ("empty: no text could be extracted").
TEST_F(CheckProcessorTest, AFailingFirstPageOfACombinedDocumentIsNamed) {
  spec_.extra_urls = {"https://acme.example/privacy/2"};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  FetchResponse first = Ok("<html><body><h1>Cookies</h1></body></html>");
  first.url = "https://acme.example/privacy";
  const FetchResponse second = Ok(LongPolicy("We never sell data."));
  const DocumentText text = ExtractDocumentText(spec_, {&first, &second}, ResolveHttpUrl);
  EXPECT_EQ(text.reason, FailureReason::kEmpty);
  EXPECT_EQ(text.failing_page, 0u);
  EXPECT_TRUE(text.message.starts_with("page 1 (https://acme.example/privacy): no text could be"))
      << text.message;
  // A one-page document's message names no page.
  spec_.extra_urls.clear();
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  const DocumentText alone = ExtractDocumentText(spec_, {&first}, ResolveHttpUrl);
  EXPECT_TRUE(alone.message.starts_with("no text could be extracted")) << alone.message;
}

// One check of `response` under `spec` instead of the fixture's.
CheckOutcome CheckUnderSpec(DocumentSpec spec, FetchResponse response, Store& store,
                            const CheckClock& clock, std::mt19937_64& rng) {
  CheckInput input;
  input.spec = std::make_shared<const DocumentSpec>(std::move(spec));
  input.interval = std::chrono::hours(24);
  input.response = std::move(response);
  return ProcessCheck(store, std::move(input), clock, rng);
}

TEST_F(CheckProcessorTest, ASpecWhoseExtractionWasNotCompiledFailsLoudly) {
  DocumentSpec spec = spec_;
  spec.extraction = nullptr;
  spec.select = {"main"};
  const CheckOutcome outcome =
      CheckUnderSpec(std::move(spec), Ok(LongPolicy("We never sell data.")), *store_, clock_, rng_);
  ASSERT_TRUE(outcome.status.ok());
  EXPECT_EQ(outcome.check.reason, "extract");
  EXPECT_NE(outcome.check.message.find("not compiled"), std::string::npos);
}

TEST_F(CheckProcessorTest, EmptyPageIsAFailure) {
  Check(Ok(LongPolicy("We never sell data.")));
  auto outcome = Check(Ok("<html><body><nav>Menu</nav><main></main></body></html>"));
  EXPECT_EQ(outcome.check.outcome, "failed");
  EXPECT_EQ(outcome.check.reason, "empty");
  EXPECT_EQ(state_.version_count, 1u);
}

// A site redesign that renames the element the target's `select` names: the page is not empty,
// the selection is. The failure says so, so the operator knows to fix the selector (and does
// not look for an outage).
TEST_F(CheckProcessorTest, ASelectThatMatchesNothingSaysSo) {
  DocumentSpec spec = spec_;
  spec.select = {"#policy-body"};
  ASSERT_TRUE(CompileDocumentExtraction(&spec).ok());
  const CheckOutcome outcome =
      CheckUnderSpec(std::move(spec), Ok(LongPolicy("We never sell data.")), *store_, clock_, rng_);
  ASSERT_TRUE(outcome.status.ok());
  EXPECT_EQ(outcome.check.reason, "empty");
  EXPECT_NE(outcome.check.message.find("select matched no element of the page"), std::string::npos)
      << outcome.check.message;
  // An empty page without a select is only empty.
  const CheckOutcome empty = Check(Ok("<html><body><nav>Menu</nav><main></main></body></html>"));
  EXPECT_EQ(empty.check.message.find("select"), std::string::npos) << empty.check.message;
}

TEST_F(CheckProcessorTest, SuspiciousShrinkIsHeldUntilConfirmed) {
  Check(Ok(LongPolicy("We never sell data.")));
  const std::string short_page = Page("<p>Our policy is being updated, come back later.</p>");
  auto held = Check(Ok(short_page));
  EXPECT_EQ(held.check.outcome, "suspicious");
  EXPECT_EQ(held.check.reason, "suspicious");
  EXPECT_TRUE(held.events.empty());
  EXPECT_EQ(state_.version_count, 1u);
  EXPECT_EQ(state_.consecutive_failures, 0);  // not a transport failure
  // Looked at again in an hour, not in a day, and not in a minute: an outage page the guard
  // does not know (a maintenance window) is most often gone by then. (The check a minute
  // later used to confirm it, and the outage page was stored as the policy.)
  EXPECT_GE(state_.next_due_ms, held.check.time_ms + kShrinkConfirmationDelay.count());
  EXPECT_LT(state_.next_due_ms, held.check.time_ms + kShrinkConfirmationDelay.count() * 5 / 4);

  // The page comes back: the suspicion is dropped, nothing stored.
  EXPECT_EQ(Check(Ok(LongPolicy("We never sell data."))).check.outcome, "unchanged");
  EXPECT_TRUE(state_.suspect_hash.empty());

  // Shrunk twice in a row with the same text, the second time when the hold asked to look
  // again: a real (shorter) policy, recorded normally.
  EXPECT_EQ(Check(Ok(short_page)).check.outcome, "suspicious");
  clock_.now_ms = state_.next_due_ms;
  auto confirmed = Check(Ok(short_page));
  EXPECT_EQ(confirmed.check.outcome, "changed");
  ASSERT_EQ(confirmed.events.size(), 1u);
  EXPECT_EQ(TypeOf(confirmed.events[0]), "document.changed");
  EXPECT_EQ(state_.version_count, 2u);
}

// A journalist dates a change as "between the last check that read the old text and the first
// that read the new one". Both ends are kept in the version itself (the check records that
// show them are pruned, and `show` lists only the newest): `previous_seen_ms`, and, for a
// text held back before it was confirmed, `held_since_ms`. Both are in the event too.
TEST_F(CheckProcessorTest, AVersionRecordsWhenThePreviousTextWasLastSeenAndWhenItsOwnWasFirst) {
  const int64_t t0 = clock_.now_ms;
  Check(Ok(LongPolicy("We never sell data.")));
  EXPECT_EQ(GetLatestOrDie().previous_seen_ms, 0);
  clock_.now_ms = t0 + 1'000;
  EXPECT_EQ(Check(Ok(LongPolicy("We never sell data."))).check.outcome, "unchanged");
  // A failed check in between reads nothing.
  clock_.now_ms = t0 + 2'000;
  FetchResponse unavailable = Ok("", 503);
  EXPECT_EQ(Check(unavailable).check.outcome, "failed");
  clock_.now_ms = t0 + 3'000;
  auto changed = Check(Ok(LongPolicy("We sell data.")));
  ASSERT_EQ(changed.check.outcome, "changed");
  VersionRecord version = GetLatestOrDie();
  EXPECT_EQ(version.time_ms, t0 + 3'000);
  EXPECT_EQ(version.previous_seen_ms, t0 + 1'000);
  EXPECT_EQ(version.held_since_ms, 0);
  ASSERT_EQ(changed.events.size(), 1u);
  auto event = nlohmann::json::parse(changed.events[0].json);
  EXPECT_EQ(event["previous_seen"], FormatTimestamp(t0 + 1'000));
  EXPECT_FALSE(event.contains("held_since"));

  // A drastic shrink is held, then confirmed an hour later: first read at the hold.
  const std::string short_page = Page("<p>Our policy is being updated, come back later.</p>");
  clock_.now_ms = t0 + 4'000;
  EXPECT_EQ(Check(Ok(short_page)).check.outcome, "suspicious");
  const int64_t held_at = clock_.now_ms;
  clock_.now_ms = state_.next_due_ms;
  auto confirmed = Check(Ok(short_page));
  ASSERT_EQ(confirmed.check.outcome, "changed");
  version = GetLatestOrDie();
  EXPECT_EQ(version.time_ms, clock_.now_ms);
  EXPECT_EQ(version.previous_seen_ms, t0 + 3'000);
  EXPECT_EQ(version.held_since_ms, held_at);
  event = nlohmann::json::parse(confirmed.events[0].json);
  EXPECT_EQ(event["held_since"], FormatTimestamp(held_at));
  EXPECT_EQ(event["previous_seen"], FormatTimestamp(t0 + 3'000));
}

// A body cut short (a connection closed early without a length, a Content-Length shorter than
// the page, a gzip stream ended early) ends inside the page, without the </body> or </html>
// the last version's capture had. It is held like a drastic shrink, not stored as a change
// (30% of the page gone was under the shrink guard and was announced, then changed back).
TEST_F(CheckProcessorTest, ABodyCutShortIsHeldUntilConfirmed) {
  const std::string page = LongPolicy("We never sell data.");
  ASSERT_NE(page.find("</html>"), std::string::npos);
  Check(Ok(page));
  const std::string cut = page.substr(0, page.size() * 7 / 10);
  const CheckOutcome held = Check(Ok(cut));
  EXPECT_EQ(held.check.outcome, "suspicious");
  EXPECT_NE(held.check.message.find("ends without </body> or </html>"), std::string::npos)
      << held.check.message;
  EXPECT_TRUE(held.events.empty());
  EXPECT_EQ(state_.version_count, 1u);
  // The whole page again: nothing happened.
  EXPECT_EQ(Check(Ok(page)).check.outcome, "unchanged");
  // A page that really lost its closing tags, seen twice in a row, is recorded.
  EXPECT_EQ(Check(Ok(cut)).check.outcome, "suspicious");
  clock_.now_ms = state_.next_due_ms;
  EXPECT_EQ(Check(Ok(cut)).check.outcome, "changed");
  // A capture that never had them (a fragment) holds nothing back.
  EXPECT_EQ(Check(Ok(cut + "<p>More.</p>")).check.outcome, "changed");
}

// A hold is confirmed by the check it scheduled, an hour later. A check asked for sooner
// (`policyctl check` run twice, a cron job) sees the same half-served page, proves nothing and
// moves nothing: it used to confirm the hold at once and announce the half page.
TEST_F(CheckProcessorTest, ACheckBeforeTheHoldsNextLookDoesNotConfirmIt) {
  Check(Ok(LongPolicy("We never sell data.")));
  const std::string short_page = Page("<p>Our policy is being updated, come back later.</p>");
  ASSERT_EQ(Check(Ok(short_page)).check.outcome, "suspicious");
  const int64_t next_look = state_.next_due_ms;
  clock_.now_ms += 500;
  const CheckOutcome again = Check(Ok(short_page));
  EXPECT_EQ(again.check.outcome, "suspicious");
  EXPECT_TRUE(again.events.empty());
  EXPECT_NE(again.check.message.find("a check before " + FormatTimestamp(next_look) +
                                     " does not count as seen again"),
            std::string::npos)
      << again.check.message;
  EXPECT_EQ(state_.next_due_ms, next_look);  // the look it scheduled stays
  EXPECT_EQ(state_.suspect_count, 1);
  EXPECT_EQ(state_.version_count, 1u);
  clock_.now_ms = next_look;
  EXPECT_EQ(Check(Ok(short_page)).check.outcome, "changed");
  EXPECT_EQ(state_.version_count, 2u);
}

// A confirmed hold is believed, not proven: its response's validators are those of the whole
// page the server meant to send (a body cut short carries them too), so they are not kept.
// Kept, every later check was answered 304 and the cut page stayed the policy for up to
// full_fetch_interval; now the next check fetches the page whole.
TEST_F(CheckProcessorTest, AVersionConfirmedFromAHoldKeepsNoValidators) {
  const std::string page = LongPolicy("We never sell data.");
  FetchResponse whole = Ok(page);
  whole.etag = "\"whole\"";
  whole.last_modified = "Tue, 01 Oct 2024 10:00:00 GMT";
  Check(whole);
  ASSERT_EQ(state_.etag, "\"whole\"");
  FetchResponse cut = whole;
  cut.body = page.substr(0, page.size() * 7 / 10);
  ASSERT_EQ(Check(cut).check.outcome, "suspicious");
  EXPECT_EQ(state_.etag, "\"whole\"");  // held: the current version's validators stay
  clock_.now_ms = state_.next_due_ms;
  ASSERT_EQ(Check(cut).check.outcome, "changed");
  EXPECT_EQ(state_.etag, "");
  EXPECT_EQ(state_.last_modified, "");
  // The next whole fetch is believed as usual and its validators kept.
  clock_.now_ms += 60'000;
  EXPECT_EQ(Check(whole).check.outcome, "changed");
  EXPECT_EQ(state_.etag, "\"whole\"");
}

// An operator pointing a document at another URL (the site moved its policy, or a typo is
// fixed) keeps its history, so the next change compares texts of two pages. Its event names the
// URL the previous version came from: an analyzer tells a move from an edit.
TEST_F(CheckProcessorTest, AChangeAfterAUrlEditNamesThePreviousUrl) {
  spec_.url = "https://acme.example/privacy";
  Check(Ok(LongPolicy("We never sell data.")));
  const auto same_url = Check(Ok(LongPolicy("We sell data to partners.")));
  ASSERT_EQ(same_url.events.size(), 1u);
  EXPECT_FALSE(nlohmann::json::parse(same_url.events[0].json).contains("previous_url"));
  spec_.url = "https://acme.example/legal/privacy";
  const auto moved = Check(Ok(LongPolicy("We sell data to partners and brokers.")));
  ASSERT_EQ(moved.events.size(), 1u);
  const auto event = nlohmann::json::parse(moved.events[0].json);
  EXPECT_EQ(event["type"], "document.changed");
  EXPECT_EQ(event["url"], "https://acme.example/legal/privacy");
  EXPECT_EQ(event["previous_url"], "https://acme.example/privacy");
  // Once a version comes from the new URL, the next change is an ordinary one.
  const auto next = Check(Ok(LongPolicy("We never sell data.")));
  ASSERT_EQ(next.events.size(), 1u);
  EXPECT_FALSE(nlohmann::json::parse(next.events[0].json).contains("previous_url"));
}

// A page that alternates between two deployments is announced at every check (each is a real
// change of what the page says). Its event names the earlier version it went back to, so that
// an analyzer can tell flapping from news.
TEST_F(CheckProcessorTest, AChangeBackToAnEarlierTextNamesThatVersion) {
  Check(Ok(LongPolicy("We never sell data.")));
  const auto changed = Check(Ok(LongPolicy("We sell data to partners.")));
  ASSERT_EQ(changed.events.size(), 1u);
  EXPECT_FALSE(nlohmann::json::parse(changed.events[0].json).contains("same_as_version"));
  const auto back = Check(Ok(LongPolicy("We never sell data.")));
  ASSERT_EQ(back.events.size(), 1u);
  const auto event = nlohmann::json::parse(back.events[0].json);
  EXPECT_EQ(event["version"], 3);
  EXPECT_EQ(event["same_as_version"], 1);
  const auto again = Check(Ok(LongPolicy("We sell data to partners.")));
  EXPECT_EQ(nlohmann::json::parse(again.events[0].json)["same_as_version"], 2);
  const auto newest = Check(Ok(LongPolicy("We never sell data.")));
  EXPECT_EQ(nlohmann::json::parse(newest.events[0].json)["same_as_version"], 3);  // the newest
}

TEST_F(CheckProcessorTest, RecoveryAndChangeAreTwoEventsOfOneCommit) {
  Check(Ok(LongPolicy("A.")));
  FetchResponse down;
  down.error = FetchError::kTimeout;
  down.error_message = "timed out";
  Check(down);
  auto reported = Check(down);
  ASSERT_EQ(reported.events.size(), 1u);
  EXPECT_EQ(nlohmann::json::parse(reported.events[0].json)["reason"], "timeout");
  auto back = Check(Ok(LongPolicy("B.")));
  ASSERT_EQ(back.events.size(), 2u);
  EXPECT_EQ(TypeOf(back.events[0]), "document.recovered");
  EXPECT_EQ(TypeOf(back.events[1]), "document.changed");
  EXPECT_EQ(back.events[1].seq, back.events[0].seq + 1);
  EXPECT_FALSE(state_.failure_reported);
}

TEST_F(CheckProcessorTest, MultiPageDocumentsCombinePagesInOrder) {
  CheckInput input;
  DocumentSpec spec = spec_;
  spec.extra_urls = {"https://acme.example/privacy/2"};
  input.spec = std::make_shared<const DocumentSpec>(std::move(spec));
  input.interval = std::chrono::hours(24);
  input.response = Ok(Page("<h2>Part one</h2><p>We collect your email address.</p>"));
  FetchResponse second = Ok(Page("<h2>Part two</h2><p>We keep it for ninety days.</p>"));
  second.url = "https://acme.example/privacy/2";
  input.extra_pages.push_back(second);
  CheckOutcome outcome = ProcessCheck(*store_, input, clock_, rng_);
  ASSERT_TRUE(outcome.status.ok());
  EXPECT_EQ(outcome.check.outcome, "first_seen");
  const std::string text = *store_->GetBlob(outcome.state.last_text_hash);
  const auto first = text.find("We collect your email address.");
  const auto later = text.find("We keep it for ninety days.");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(later, std::string::npos) << text;
  EXPECT_LT(first, later);
  // The raw capture keeps both pages.
  const auto history = store_->GetHistory(spec_.id);
  const std::string raw = *store_->GetBlob((*history)[0].raw_hash);
  EXPECT_NE(raw.find("policyd page 2: "), std::string::npos);

  // One failing page fails the whole check: a partial document is never a version.
  input.state = outcome.state;
  input.extra_pages[0] = FetchResponse{};
  input.extra_pages[0].url = "https://acme.example/privacy/2";
  input.extra_pages[0].http_status = 404;
  CheckOutcome failed = ProcessCheck(*store_, input, clock_, rng_);
  EXPECT_EQ(failed.check.outcome, "failed");
  EXPECT_EQ(failed.check.reason, "http_4xx");
  EXPECT_NE(failed.check.message.find("page 2 (https://acme.example/privacy/2)"), std::string::npos)
      << failed.check.message;
  EXPECT_EQ(failed.state.version_count, 1u);
}

TEST_F(CheckProcessorTest, RobotsRefusalIsReportedAtOnce) {
  Check(Ok(LongPolicy("A.")));
  FetchResponse refused;
  refused.error = FetchError::kRobotsDisallowed;
  refused.error_message = "disallowed by robots.txt rule 'Disallow: /privacy'";
  // A threshold of 3 is not reached: robots refusals do not go away by retrying.
  const CheckOutcome outcome = Check(refused, 3);
  EXPECT_EQ(outcome.check.reason, "robots");
  ASSERT_EQ(outcome.events.size(), 1u);
  const auto event = nlohmann::json::parse(outcome.events[0].json);
  EXPECT_EQ(event["type"], "document.fetch_failed");
  EXPECT_EQ(event["reason"], "robots");
  EXPECT_EQ(outcome.state.version_count, 1u);
  EXPECT_GT(outcome.state.next_due_ms - NowUnixMillis(), int64_t{20} * 3600 * 1000);
}

// The crash-loop guard: a page whose processing the daemon's end interrupted twice in a row
// is not judged again at once. The check fails as `interrupted`, reported at once (the
// operator must hear of it), and holds the page back an hour, doubling, never past the
// interval; the stored version is untouched. Once is not enough (a kill -9 at the wrong time).
TEST_F(CheckProcessorTest, APageThatEndedTheDaemonTwiceIsHeldBackAndReportedAtOnce) {
  Check(Ok(LongPolicy("A.")));
  const std::string version_hash = state_.last_text_hash;
  CheckInput twice = Input(FetchResponse{}, 3);
  twice.response.url = "https://acme.example/privacy";
  twice.interrupted_processings = 2;
  const CheckOutcome held = ProcessCheck(*store_, twice, clock_, rng_);
  ASSERT_TRUE(held.status.ok()) << held.status.ToString();
  EXPECT_EQ(held.check.outcome, "failed");
  EXPECT_EQ(held.check.reason, "interrupted");
  EXPECT_NE(held.check.message.find("policyd ended 2 times in a row while processing this page"),
            std::string::npos)
      << held.check.message;
  ASSERT_EQ(held.events.size(), 1u);  // below the threshold of 3, yet reported
  const auto event = nlohmann::json::parse(held.events[0].json);
  EXPECT_EQ(event["type"], "document.fetch_failed");
  EXPECT_EQ(event["reason"], "interrupted");
  EXPECT_EQ(held.state.next_due_ms - clock_.NowUnixMillis(), int64_t{3600} * 1000);
  EXPECT_EQ(held.state.last_text_hash, version_hash);
  EXPECT_EQ(held.state.version_count, 1u);

  CheckInput four_times = twice;
  four_times.state = held.state;
  four_times.interrupted_processings = 4;
  EXPECT_EQ(
      ProcessCheck(*store_, four_times, clock_, rng_).state.next_due_ms - clock_.NowUnixMillis(),
      int64_t{4} * 3600 * 1000);
  four_times.interrupted_processings = 40;  // never past the interval
  EXPECT_EQ(
      ProcessCheck(*store_, four_times, clock_, rng_).state.next_due_ms - clock_.NowUnixMillis(),
      int64_t{24} * 3600 * 1000);

  // Once: the page is judged as usual.
  CheckInput once = Input(Ok(LongPolicy("A.")), 3);
  once.interrupted_processings = 1;
  const CheckOutcome judged = ProcessCheck(*store_, once, clock_, rng_);
  EXPECT_EQ(judged.check.outcome, "unchanged");
}

TEST_F(CheckProcessorTest, UnavailableRobotsTxtReportsItsOwnFailure) {
  Check(Ok(LongPolicy("A.")));
  FetchResponse unavailable;
  unavailable.robots_unavailable = true;
  unavailable.error = FetchError::kTimeout;
  unavailable.error_message = "robots.txt unavailable (timeout: no answer in 3 s)";
  const int64_t before = NowUnixMillis();
  const CheckOutcome outcome = Check(unavailable, 3);
  EXPECT_EQ(outcome.check.reason, "timeout");
  EXPECT_EQ(outcome.check.message, "robots.txt unavailable (timeout: no answer in 3 s)");
  EXPECT_TRUE(outcome.events.empty());  // counted like any failure, not reported at once
  EXPECT_LE(outcome.state.next_due_ms - before, int64_t{2} * 60 * 1000);  // retried soon
}

TEST_F(CheckProcessorTest, RobotsTxtServerErrorIsReportedAsHttp5xx) {
  Check(Ok(LongPolicy("A.")));
  FetchResponse unavailable;
  unavailable.robots_unavailable = true;
  unavailable.http_status = 503;
  unavailable.error_message = "robots.txt unavailable (HTTP 503)";
  const CheckOutcome outcome = Check(unavailable, 1);
  EXPECT_EQ(outcome.check.reason, "http_5xx");
  EXPECT_EQ(outcome.check.message, "robots.txt unavailable (HTTP 503)");
  ASSERT_EQ(outcome.events.size(), 1u);
  const auto event = nlohmann::json::parse(outcome.events[0].json);
  EXPECT_EQ(event["type"], "document.fetch_failed");
  EXPECT_EQ(event["reason"], "http_5xx");
  EXPECT_EQ(event["message"], "robots.txt unavailable (HTTP 503)");
}

// A page not requested because its host asked to be left alone (the fetcher's hold) fails
// as the answered page did, says why, and waits the time left.
TEST_F(CheckProcessorTest, AHeldHostsPageWaitsOutTheRetryAfter) {
  Check(Ok(LongPolicy("A.")));
  FetchResponse held;
  held.host_held = true;
  held.http_status = 429;
  held.retry_after = "100";
  held.error_message =
      "not requested: https://example.com/a was answered 429 with Retry-After 120; the "
      "host's pages wait 100 s more";
  const int64_t before = NowUnixMillis();
  const CheckOutcome outcome = Check(held, 3);
  EXPECT_EQ(outcome.check.reason, "http_429");
  EXPECT_EQ(outcome.check.message, held.error_message);
  EXPECT_GE(outcome.state.next_due_ms - before, int64_t{99} * 1000);
}

// A page not requested because its host rests after two one-off errors on other pages is not
// this page's failure: recorded (show lists it) but not counted, so one failure of its own and
// two such checks raise no document.fetch_failed with another page's reason (a soak saw three
// such false alerts in 45 minutes). It is retried soon, as after a first failure. Once the host
// has failed as often as the threshold, its rest is an outage and the held checks count.
TEST_F(CheckProcessorTest, ChecksHeldByAShortRestDoNotCountTowardTheFailureStreak) {
  Check(Ok(LongPolicy("A.")));
  const CheckOutcome failed = Check(ServerError(), 3);
  EXPECT_EQ(failed.state.consecutive_failures, 1);
  EXPECT_FALSE(failed.not_requested);
  FetchResponse resting = HeldByRest(2);
  for (int i = 0; i < 2; ++i) {
    const int64_t before = NowUnixMillis();
    const CheckOutcome held = Check(resting, 3);
    EXPECT_EQ(held.check.outcome, "failed");
    EXPECT_TRUE(held.not_requested);  // the summary and metrics count it apart
    EXPECT_EQ(held.check.reason, "timeout");
    EXPECT_EQ(held.check.message, resting.error_message);
    EXPECT_EQ(held.state.consecutive_failures, 1) << i;
    EXPECT_EQ(held.state.last_error, "timeout: " + resting.error_message);  // show says why
    EXPECT_TRUE(held.events.empty()) << i;
    EXPECT_LE(held.state.next_due_ms - before, int64_t{2} * 60 * 1000);  // retried soon
  }
  // The host failed three requests in a row: an outage; its held checks count and report it.
  resting.host_rest_streak = 3;
  EXPECT_EQ(Check(resting, 3).state.consecutive_failures, 2);
  const CheckOutcome reported = Check(resting, 3);
  EXPECT_EQ(reported.state.consecutive_failures, 3);
  ASSERT_EQ(reported.events.size(), 1u);
  EXPECT_EQ(TypeOf(reported.events[0]), "document.fetch_failed");
}

// The one-word status `list`, `show` and the web view give, through the checks that make each:
// a held text and a held check are neither "ok" nor a failure streak.
TEST_F(CheckProcessorTest, TheDocumentStatusFollowsItsChecks) {
  EXPECT_EQ(DocumentStatusOf(state_), DocumentStatus::kPending);
  const std::string page = LongPolicy("We never sell data.");
  Check(Ok(page));
  EXPECT_EQ(DocumentStatusOf(state_), DocumentStatus::kOk);
  ASSERT_EQ(Check(Ok(page.substr(0, page.size() * 7 / 10))).check.outcome, "suspicious");
  EXPECT_EQ(DocumentStatusOf(state_), DocumentStatus::kSuspicious);
  const FetchResponse resting = HeldByRest(2);  // a rest that errors on other pages made
  ASSERT_EQ(Check(resting, 3).state.consecutive_failures, 0);
  EXPECT_EQ(DocumentStatusOf(state_), DocumentStatus::kRetrying);
  ASSERT_EQ(Check(Ok(page)).check.outcome, "unchanged");
  EXPECT_EQ(DocumentStatusOf(state_), DocumentStatus::kOk);
  Check(ServerError(), 3);
  EXPECT_EQ(DocumentStatusOf(state_), DocumentStatus::kFailing);
  Check(resting, 3);  // a held check within the page's own streak: still failing
  EXPECT_EQ(DocumentStatusOf(state_), DocumentStatus::kFailing);
  EXPECT_EQ(DocumentStatusName(DocumentStatus::kRetrying), "retrying");
  EXPECT_EQ(DocumentStatusName(DocumentStatus::kSuspicious), "suspicious");
}

TEST(ClassifyResponse, StatusesAndTypes) {
  FetchResponse response;
  response.http_status = 200;
  response.content_type = "text/html";
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "");
  response.content_type = "image/png";
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "content_type");
  response.content_type = "";
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "");
  response.content_type = "text/html charset=utf-8";  // no ';': no media type, sniffed
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "");
  response.body = "%PDF-1.4\n";  // converted as a PDF (ExtractDocumentText decides)
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "");
  response.content_type = "application/pdf";
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "");
  response.content_type = "";
  response.body.clear();
  response.http_status = 429;
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "http_429");
  response.http_status = 404;
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "http_4xx");
  response.http_status = 503;
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "http_5xx");
  response.error = FetchError::kTooLarge;
  EXPECT_EQ(FailureReasonName(ClassifyResponse(response)), "too_large");
}

// The failure reason ClassifyResponse gives a response ("" for a usable page).
std::string ClassOf(long status, std::string content_type, std::string body) {
  FetchResponse response;
  response.http_status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return std::string(FailureReasonName(ClassifyResponse(response)));
}

// policyd never asks for a range: a 206 is a part of a page, never a version of it.
TEST(ClassifyResponse, APartialContentAnswerIsNoPage) {
  EXPECT_EQ(ClassOf(206, "text/html", "<p>The first three quarters of the policy"), "http_status");
}

// A Content-Type that a server sent twice in one header is read as the fetcher reads it: the
// first type of the list (it was accepted on arrival, then refused by the check).
TEST(ClassifyResponse, AContentTypeListIsReadByItsFirstType) {
  EXPECT_EQ(ClassOf(200, "text/html, text/html; charset=utf-8", "<p>Policy</p>"), "");
  EXPECT_EQ(MediaType("Text/HTML , image/png"), "text/html");
  // A PDF behind a download label is a PDF; other bytes behind it are not a page.
  EXPECT_EQ(ClassOf(200, "application/octet-stream", "%PDF-1.4\n"), "");
  EXPECT_EQ(ClassOf(200, "application/octet-stream", "PK\x03\x04 an archive"), "content_type");
}

TEST(IsTransientFailure, TransientRetrySoonPermanentWaitForTheInterval) {
  for (const char* reason :
       {"dns", "connect", "tls", "timeout", "protocol", "http_429", "http_5xx", "challenge",
        "blocked", "error_page", "empty", "pdf_timeout", "pdf_unavailable"}) {
    EXPECT_TRUE(IsTransientFailure(*ParseFailureReason(reason))) << reason;
  }
  for (const char* reason :
       {"http_4xx", "too_large", "content_type", "bad_url", "blocked_address", "too_many_redirects",
        "login_wall", "pdf_encrypted", "pdf_no_text", "pdf_malformed", "pdf_too_large"}) {
    EXPECT_FALSE(IsTransientFailure(*ParseFailureReason(reason))) << reason;
  }
  // `robots` is a rule that disallows the page; an unreadable robots.txt reports its own cause.
  EXPECT_FALSE(IsTransientFailure(FailureReason::kRobots));
}

TEST(FailureReasonName, EveryReasonHasOneNameThatParsesBack) {
  std::set<std::string_view> names;
  for (int value = static_cast<int>(FailureReason::kBadUrl);
       value <= static_cast<int>(FailureReason::kBrowserProtocol); ++value) {
    const auto reason = static_cast<FailureReason>(value);
    const std::string_view name = FailureReasonName(reason);
    EXPECT_FALSE(name.empty());
    EXPECT_NE(name, "unknown");
    EXPECT_TRUE(names.insert(name).second) << name;
    EXPECT_EQ(ParseFailureReason(name), reason) << name;
  }
  EXPECT_EQ(FailureReasonName(FailureReason::kNone), "");
  EXPECT_FALSE(ParseFailureReason(""));
  EXPECT_FALSE(ParseFailureReason("suspicious"));  // an outcome, not a failure
  EXPECT_EQ(FailureReasonName(FailureFromFetchError(FetchError::kRobotsDisallowed)), "robots");
  EXPECT_EQ(FailureReasonName(FailureFromPdfError(PdfError::kNoText)), "pdf_no_text");
}

TEST_F(CheckProcessorTest, PermanentFailuresWaitForTheIntervalTransientOnesBackOff) {
  // A 404 is not retried in a minute (interval 24 h, jitter ±10%); a 503 is.
  int64_t before = NowUnixMillis();
  const CheckOutcome gone = Check(Ok("<html><body>Not found</body></html>", 404));
  EXPECT_EQ(state_.consecutive_failures, 1);
  EXPECT_GE(gone.state.next_due_ms - before, int64_t{20} * 3600 * 1000);
  before = NowUnixMillis();
  const CheckOutcome retry = Check(Ok("<html><body>Down</body></html>", 503));
  EXPECT_EQ(state_.consecutive_failures, 2);
  EXPECT_LE(retry.state.next_due_ms - before, int64_t{5} * 60 * 1000);  // 2nd retry: ~2 min
}

// A 429 or 5xx is the server asking for time, whatever page it carries: a challenge, a block
// or an error page recognised as such waits for its Retry-After as a plain 503 does.
TEST_F(CheckProcessorTest, RetryAfterIsHonouredWhateverPageTheStatusCarries) {
  int pages = 0;
  for (const testing::VendorPage& page : testing::VendorPages()) {
    if (page.status != 429 && page.status < 500) continue;
    ++pages;
    FetchResponse response = Ok(page.html, page.status);
    for (const auto& [name, value] : page.headers) response.headers[name] = value;
    response.retry_after = "3600";
    const CheckOutcome outcome = Check(response);
    EXPECT_EQ(outcome.check.outcome, "failed") << page.name;
    EXPECT_GE(outcome.state.next_due_ms - outcome.check.time_ms, int64_t{3600} * 1000)
        << page.name << " failed as " << outcome.check.reason;
  }
  EXPECT_GE(pages, 3);
}

TEST(ParseRetryAfter, SecondsAndDates) {
  EXPECT_EQ(ParseRetryAfter("120", 0), std::chrono::seconds(120));
  EXPECT_FALSE(ParseRetryAfter("", 0));
  EXPECT_FALSE(ParseRetryAfter("soon", 0));
  const int64_t now_ms = 1'445'412'480'000;  // Wed, 21 Oct 2015 07:28:00 GMT
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:29:00 GMT", now_ms), std::chrono::seconds(60));
}

}  // namespace
}  // namespace policyd

namespace policyd {
namespace {

class RedirectStubCheckTest : public CheckProcessorTest {
 protected:
  static std::string Stub(const std::string& target) {
    return "<html><head><meta http-equiv='refresh' content='0; url=" + target +
           "'></head><body><p>You should be redirected quickly, if not <a href='" + target +
           "'>click here</a>.</p></body></html>";
  }
  CheckOutcome CheckWithHops(FetchResponse response, int hops) {
    CheckInput input = Input(std::move(response));
    input.redirect_hops = hops;
    CheckOutcome outcome = ProcessCheck(*store_, std::move(input), clock_, rng_);
    if (outcome.status.ok() && outcome.follow_url.empty()) state_ = outcome.state;
    return outcome;
  }
};

TEST_F(RedirectStubCheckTest, AStubBetweenTwoCapturesIsNeverAVersion) {
  const CheckOutcome first = Check(Ok(LongPolicy("We never sell data.")));
  ASSERT_EQ(first.check.outcome, "first_seen");
  // The stub points to another site: not followed, the check fails, nothing is stored.
  const CheckOutcome stub = Check(Ok(Stub("https://elsewhere.example/privacy")));
  EXPECT_EQ(stub.check.outcome, "failed");
  EXPECT_EQ(stub.check.reason, "redirect_stub");
  EXPECT_EQ(stub.check.message,
            "redirect stub: a meta refresh page (after 0 s) to https://elsewhere.example/privacy, "
            "not the document (not followed: another site)");
  EXPECT_TRUE(stub.events.empty());
  EXPECT_TRUE(IsTransientFailure(FailureReason::kRedirectStub));
  // The real page again: unchanged, no event; the history holds one version.
  const CheckOutcome back = Check(Ok(LongPolicy("We never sell data.")));
  EXPECT_EQ(back.check.outcome, "unchanged");
  EXPECT_TRUE(back.events.empty());
  const auto history = store_->GetHistory(spec_.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].text_hash, first.check.text_hash);
}

TEST_F(RedirectStubCheckTest, AStubOnTheSameSiteIsHandedBackToBeFollowed) {
  Check(Ok(LongPolicy("We never sell data.")));
  const DocState before = state_;
  FetchResponse stub = Ok(Stub("/privacy/2024"));
  stub.final_url = "https://acme.example/privacy";
  const CheckOutcome outcome = CheckWithHops(std::move(stub), 0);
  EXPECT_EQ(outcome.follow_url, "https://acme.example/privacy/2024");
  EXPECT_EQ(outcome.follow_page, 0u);
  EXPECT_EQ(outcome.redirect_hops, 1);
  ASSERT_EQ(outcome.pages.size(), 1u);
  EXPECT_NE(outcome.pages[0].body.find("You should be redirected"), std::string::npos);
  // Nothing was committed: no check record, the state is as it was.
  EXPECT_TRUE(outcome.events.empty());
  const auto checks = store_->GetChecks(spec_.id, 10);
  ASSERT_TRUE(checks.ok());
  EXPECT_EQ(checks->size(), 1u);
  EXPECT_EQ(state_.last_check_ms, before.last_check_ms);

  // After kMaxRedirectStubHops, a further stub fails the check.
  const CheckOutcome too_many = CheckWithHops(Ok(Stub("/privacy/2025")), kMaxRedirectStubHops);
  EXPECT_TRUE(too_many.follow_url.empty());
  EXPECT_EQ(too_many.check.reason, "redirect_stub");
  EXPECT_NE(too_many.check.message.find("(not followed: 2 redirect stubs followed already"),
            std::string::npos)
      << too_many.check.message;
  // A stub that points to itself is not followed either.
  const CheckOutcome loop = CheckWithHops(Ok(Stub("/privacy")), 0);
  EXPECT_TRUE(loop.follow_url.empty());
  EXPECT_NE(loop.check.message.find("(not followed: it points to itself)"), std::string::npos)
      << loop.check.message;
}

}  // namespace
}  // namespace policyd

namespace policyd {
namespace {

// A page whose sidebar box the document's settings may or may not remove.
std::string PageWithBox(const std::string& chrome, const std::string& sharing) {
  std::string sections;
  for (int i = 0; i < 20; ++i) {
    sections += "<h2>Section " + std::to_string(i) +
                "</h2><p>We process personal data for purpose number " + std::to_string(i) +
                " under the applicable law.</p>";
  }
  return "<html><body><nav><a href='/'>Home " + chrome + "</a></nav><main><h1>Privacy</h1>" +
         sections + "<h2>Sharing</h2><p>" + sharing +
         "</p><div class='box'><p>Our newsletter brings you the best offers every week.</p>"
         "</div></main></body></html>";
}

TEST_F(CheckProcessorTest, ANewReadingOfTheSamePageIsARereadNotAChange) {
  const CheckOutcome first = Check(Ok(PageWithBox("r1", "We never sell data.")));
  ASSERT_EQ(first.check.outcome, "first_seen");
  const int64_t first_change = state_.last_change_ms;
  clock_.now_ms += 60'000;

  // The operator removes the box (any change of policyd's reading: settings or an upgraded
  // extractor). The page is re-rendered (other chrome, other raw bytes) but says the same.
  spec_.remove = {".box"};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  const CheckOutcome reread = Check(Ok(PageWithBox("r2", "We never sell data.")));
  EXPECT_EQ(reread.check.outcome, "reread");
  ASSERT_EQ(reread.events.size(), 1u);
  const auto event = nlohmann::json::parse(reread.events[0].json);
  EXPECT_EQ(event["type"], "document.reread");
  EXPECT_EQ(event["old_hash"], first.check.text_hash);
  EXPECT_EQ(event["new_hash"], reread.check.text_hash);
  EXPECT_EQ(event["words_removed"], 9);            // "Our newsletter ... every week."
  EXPECT_EQ(state_.last_change_ms, first_change);  // the page did not change
  EXPECT_EQ(state_.last_text_hash, reread.check.text_hash);
  auto history = store_->GetHistory(spec_.id);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);  // the record stays exact: a version all the same
  EXPECT_FALSE((*history)[0].reread);
  EXPECT_TRUE((*history)[1].reread);
  auto latest = store_->GetLatestVersion(spec_.id);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->text_hash, reread.check.text_hash);

  // Then the page really changes: document.changed, as ever.
  clock_.now_ms += 60'000;
  const CheckOutcome changed = Check(Ok(PageWithBox("r3", "We never sell or rent data.")));
  EXPECT_EQ(changed.check.outcome, "changed");
  ASSERT_EQ(changed.events.size(), 1u);
  EXPECT_EQ(TypeOf(changed.events[0]), "document.changed");
  EXPECT_EQ(state_.last_change_ms, clock_.now_ms);
}

TEST_F(CheckProcessorTest, AChangedPageReadDifferentlyIsStillAChange) {
  Check(Ok(PageWithBox("r1", "We never sell data.")));
  spec_.remove = {".box"};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  // The settings changed and so did the policy: the stored page read anew differs.
  const CheckOutcome outcome = Check(Ok(PageWithBox("r1", "We sell data to partners.")));
  EXPECT_EQ(outcome.check.outcome, "changed");
  ASSERT_EQ(outcome.events.size(), 1u);
  EXPECT_EQ(TypeOf(outcome.events[0]), "document.changed");
  EXPECT_EQ(GetLatestOrDie().reread, false);
}

TEST_F(CheckProcessorTest, TheSameBytesReadDifferentlyAreARereadWithoutExtractingAgain) {
  const std::string page = PageWithBox("r1", "We never sell data.");
  Check(Ok(page));
  spec_.remove = {".box"};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  EXPECT_EQ(Check(Ok(page)).check.outcome, "reread");
  // And the next identical capture is simply unchanged.
  EXPECT_EQ(Check(Ok(page)).check.outcome, "unchanged");
}

// A combined document whose pages are the very same bytes, read with edited settings (a page's
// `remove` in an Open Terms Archive declaration), is a reread: it used to be announced as a
// document.changed the site never made, since a combined capture is not split to be read again.
TEST_F(CheckProcessorTest, TheSamePagesOfACombinedDocumentReadDifferentlyAreAReread) {
  spec_.extra_urls = {"https://acme.example/privacy/2"};
  const std::string first_page = PageWithBox("r1", "We never sell data.");
  const std::string second_page = LongPolicy("We keep logs for ninety days.");
  auto check = [&](const std::string& second_content_type) {
    CheckInput input = Input(Ok(first_page));
    FetchResponse second = Ok(second_page);
    second.url = second.final_url = "https://acme.example/privacy/2";
    second.content_type = second_content_type;
    input.extra_pages.push_back(second);
    const CheckOutcome outcome = ProcessCheck(*store_, input, clock_, rng_);
    EXPECT_TRUE(outcome.status.ok()) << outcome.status.ToString();
    state_ = outcome.state;
    return outcome;
  };
  ASSERT_EQ(check("text/html; charset=utf-8").check.outcome, "first_seen");
  spec_.remove = {".box"};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  const CheckOutcome reread = check("text/html; charset=utf-8");
  EXPECT_EQ(reread.check.outcome, "reread");
  ASSERT_EQ(reread.events.size(), 1u);
  EXPECT_EQ(TypeOf(reread.events[0]), "document.reread");
  EXPECT_TRUE(GetLatestOrDie().reread);
  EXPECT_EQ(check("text/html; charset=utf-8").check.outcome, "unchanged");

  // The same bytes of page 2 under another Content-Type are the server's doing: no reread.
  spec_.remove = {};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  const CheckOutcome relabelled = check("text/plain; charset=utf-8");
  EXPECT_NE(relabelled.check.outcome, "reread");
  for (const auto& event : relabelled.events) EXPECT_NE(TypeOf(event), "document.reread");
}

// The same bytes served under another Content-Type (HTML sent as text/plain, a charset label
// changed) are read differently because the server changed, not policyd: a change, held by
// the shrink guard like any, never a reread that says "the page did not change".
TEST_F(CheckProcessorTest, TheSameBytesUnderAnotherContentTypeAreNoReread) {
  const std::string page = LongPolicy("We never sell data.");
  Check(Ok(page));
  FetchResponse plain = Ok(page);
  plain.content_type = "text/plain; charset=utf-8";
  const CheckOutcome outcome = Check(plain);
  EXPECT_NE(outcome.check.outcome, "reread");
  EXPECT_EQ(GetLatestOrDie().reread, false);
  for (const auto& event : outcome.events) EXPECT_NE(TypeOf(event), "document.reread");
}

}  // namespace
}  // namespace policyd

namespace policyd {
namespace {

std::string ClausesPage(const std::string& retention, const std::string& extra) {
  return "<html><body><main><h1>Privacy</h1>"
         "<h2>Collection</h2><p>We collect your name, your email address and your usage "
         "data when you use the service.</p>"
         "<h2>Retention</h2><p>" +
         retention +
         "</p>"
         "<h2>Rights</h2><p>You may access, correct and delete your data at any time by "
         "writing to our privacy team.</p>" +
         extra + "</main></body></html>";
}

std::string SegmentIdOf(const std::vector<Segment>& segments, std::string_view text,
                        std::string_view starts_with) {
  for (const Segment& segment : segments) {
    if (SegmentText(text, segment).starts_with(starts_with)) return segment.id;
  }
  return "";
}

TEST_F(CheckProcessorTest, ClauseIdsCarryOverAndTheChangedEventListsTheChangedSegments) {
  const std::string kept = "We keep your data for twelve months after your last visit.";
  const CheckOutcome first = Check(Ok(ClausesPage(kept, "")));
  ASSERT_EQ(first.check.outcome, "first_seen");
  const VersionRecord v1 = GetLatestOrDie();
  EXPECT_EQ(v1.segment_rules, kSegmentRulesVersion);
  ASSERT_FALSE(v1.segment_ids_hash.empty());
  const std::string text1 = *store_->GetBlob(v1.text_hash);
  const std::vector<Segment> s1 = LoadVersionSegments(*store_, v1, text1);
  // The stored ids are the text's fresh ids on a first version.
  ASSERT_EQ(s1.size(), SplitSegments(text1).size());
  const std::string retention_id = SegmentIdOf(s1, text1, "We keep your data");
  const std::string rights_id = SegmentIdOf(s1, text1, "You may access");
  ASSERT_FALSE(retention_id.empty());

  // One clause edited, one added: the edited clause keeps its id.
  clock_.now_ms += 60'000;
  const CheckOutcome second = Check(Ok(
      ClausesPage("We keep your data for six months after your last visit.",
                  "<h2>Contact</h2><p>Write to privacy@acme.example with any question about this "
                  "policy.</p>")));
  ASSERT_EQ(second.check.outcome, "changed");
  const VersionRecord v2 = GetLatestOrDie();
  const std::string text2 = *store_->GetBlob(v2.text_hash);
  const std::vector<Segment> s2 = LoadVersionSegments(*store_, v2, text2);
  EXPECT_EQ(SegmentIdOf(s2, text2, "We keep your data for six months"), retention_id);
  EXPECT_EQ(SegmentIdOf(s2, text2, "You may access"), rights_id);
  const std::string contact_heading = SegmentIdOf(s2, text2, "Contact");
  const std::string contact_id = SegmentIdOf(s2, text2, "Write to privacy@");
  ASSERT_FALSE(contact_id.empty());

  const auto event = nlohmann::json::parse(second.events[0].json);
  const nlohmann::json expected = nlohmann::json::parse(
      R"([{"change": "modified", "old_ids": [")" + retention_id + R"("], "new_ids": [")" +
      retention_id + R"("], "section_path": ["Privacy", "Retention"]},
          {"change": "added", "old_ids": [], "new_ids": [")" +
      contact_heading +
      R"("], "section_path": ["Privacy"]},
          {"change": "added", "old_ids": [], "new_ids": [")" +
      contact_id + R"("], "section_path": ["Privacy", "Contact"]}])");
  EXPECT_EQ(event["segments"], expected) << event["segments"].dump(1);
  EXPECT_EQ(event["segments_truncated"], 0);
  EXPECT_EQ(event["segments_approximate"], false);
}

// A page that goes back to an earlier text gives each clause the id it had then: an edited
// clause (whose id is its old text's) that the version between removed came back under the
// hash of its own text, a new id, and its annotations were lost although the text was the
// very same (found on Finya's privacy policy, which alternates between two deployments).
TEST_F(CheckProcessorTest, AClauseThatComesBackWithAnEarlierTextGetsItsIdBack) {
  Check(Ok(ClausesPage("We keep your data for twelve months after your last visit.", "")));
  const VersionRecord v1 = GetLatestOrDie();
  const std::string text1 = *store_->GetBlob(v1.text_hash);
  const std::string retention_id =
      SegmentIdOf(LoadVersionSegments(*store_, v1, text1), text1, "We keep your data");
  const std::string six_months = "We keep your data for six months after your last visit.";
  clock_.now_ms += 60'000;
  Check(Ok(ClausesPage(six_months, "")));  // edited: the clause keeps its id
  const VersionRecord v2 = GetLatestOrDie();
  const std::string text2 = *store_->GetBlob(v2.text_hash);
  ASSERT_EQ(SegmentIdOf(LoadVersionSegments(*store_, v2, text2), text2, "We keep your data"),
            retention_id);
  clock_.now_ms += 60'000;
  Check(Ok(ClausesPage("Deleted at once.", "")));  // another deployment: the clause is gone
  clock_.now_ms += 60'000;
  const CheckOutcome back = Check(Ok(ClausesPage(six_months, "")));
  ASSERT_EQ(back.events.size(), 1u);
  const auto event = nlohmann::json::parse(back.events[0].json);
  EXPECT_EQ(event["same_as_version"], 2);
  const VersionRecord v4 = GetLatestOrDie();
  ASSERT_EQ(v4.text_hash, v2.text_hash);
  const std::vector<Segment> s4 = LoadVersionSegments(*store_, v4, text2);
  EXPECT_EQ(SegmentIdOf(s4, text2, "We keep your data"), retention_id);
  // Every clause has version 2's id again, and the event lists the clause under it.
  const std::vector<Segment> s2 = LoadVersionSegments(*store_, v2, text2);
  ASSERT_EQ(s4.size(), s2.size());
  for (std::size_t i = 0; i < s4.size(); ++i) EXPECT_EQ(s4[i].id, s2[i].id) << i;
  bool listed = false;
  for (const auto& change : event["segments"]) {
    if (change["new_ids"] == nlohmann::json::array({retention_id})) listed = true;
  }
  EXPECT_TRUE(listed) << event["segments"].dump(1);
}

// An operator's settings edit undone: the reread that goes back to an earlier text gives its
// clauses their earlier ids, as a change back does (the edited clause that the reading between
// left out came back under a new id), and says which version it went back to.
TEST_F(CheckProcessorTest, ARereadBackToAnEarlierTextGivesItsClausesTheirIds) {
  std::string sections;
  for (int i = 0; i < 12; ++i) {
    sections += "<h2>Section " + std::to_string(i) + "</h2><p>We process personal data for " +
                "purpose number " + std::to_string(i) + " under the applicable law.</p>";
  }
  const auto page = [&sections](const std::string& sharing) {
    return "<html><body><main><h1>Privacy</h1>" + sections + "<h2>Sharing</h2><p class='share'>" +
           sharing + "</p></main></body></html>";
  };
  Check(Ok(page("We never sell your personal data to anyone.")));
  const VersionRecord v1 = GetLatestOrDie();
  const std::string text1 = *store_->GetBlob(v1.text_hash);
  const std::string share_id =
      SegmentIdOf(LoadVersionSegments(*store_, v1, text1), text1, "We never sell");
  clock_.now_ms += 60'000;
  const std::string edited = page("We never sell your personal data to anybody.");
  ASSERT_EQ(Check(Ok(edited)).check.outcome, "changed");  // the clause keeps its id
  const VersionRecord v2 = GetLatestOrDie();
  clock_.now_ms += 60'000;
  spec_.remove = {".share"};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  ASSERT_EQ(Check(Ok(edited)).check.outcome, "reread");
  clock_.now_ms += 60'000;
  spec_.remove = {};
  ASSERT_TRUE(CompileDocumentExtraction(&spec_).ok());
  const CheckOutcome back = Check(Ok(edited));
  ASSERT_EQ(back.check.outcome, "reread");
  const VersionRecord v4 = GetLatestOrDie();
  ASSERT_EQ(v4.text_hash, v2.text_hash);
  const std::string text2 = *store_->GetBlob(v2.text_hash);
  EXPECT_EQ(SegmentIdOf(LoadVersionSegments(*store_, v4, text2), text2, "We never sell"), share_id);
  EXPECT_EQ(nlohmann::json::parse(back.events[0].json)["same_as_version"], 2);
}

}  // namespace
}  // namespace policyd

namespace policyd {
namespace {

// What an upgrade of policyd does to every watched document: the new extractor reads the
// same page into another text (here: typography, curly quotes folded since issue 16). The
// version stored by the old extractor held the curly quotes; the first check after the upgrade
// is a reread, not a change, whatever the page's re-render.
TEST_F(CheckProcessorTest, AnUpgradedExtractorAnnouncesARereadNotAChange) {
  const std::string old_page = LongPolicy("We don\u2019t sell your \u201cdata\u201d.");
  // The version as the previous release stored it: its own text for the same capture.
  CheckCommit commit;
  commit.doc_id = spec_.id;
  commit.state = state_;
  commit.state.last_text_hash = Sha256Hex("old text with curly quotes");
  commit.state.version_count = 1;
  CheckCommit::NewVersion version;
  version.text = "old text with curly quotes";
  version.raw_html = old_page;
  version.record.time_ms = clock_.now_ms - 86'400'000;
  version.record.url = spec_.url;
  version.record.final_url = spec_.url;
  version.record.headers = {{"content-type", "text/html; charset=utf-8"}};
  commit.version = std::move(version);
  commit.events = {
      {{"type", "document.first_seen"}, {"doc", spec_.id}, {"hash", commit.state.last_text_hash}}};
  ASSERT_TRUE(store_->CommitCheck(commit).ok());
  state_ = commit.state;

  // The page re-rendered (other bytes), the same words: a reread.
  const CheckOutcome outcome = Check(Ok(old_page + "<!-- rendered 2 -->"));
  EXPECT_EQ(outcome.check.outcome, "reread");
  ASSERT_EQ(outcome.events.size(), 1u);
  EXPECT_EQ(TypeOf(outcome.events[0]), "document.reread");
  const std::string text = *store_->GetBlob(outcome.check.text_hash);
  EXPECT_NE(text.find("We don't sell your \"data\"."), std::string::npos) << text;
  // And the store's own integrity scan accepts the chain (a reread announces its version).
  auto report = store_->Verify();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->problems.empty()
                                    ? ""
                                    : report->problems[0].kind + ": " + report->problems[0].detail);
}

}  // namespace
}  // namespace policyd

// The pure parts of the webhook component: filters, signatures, headers, chat bodies, the
// backoff schedule and the cursor's state machine. No I/O, time passed in.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "policyd/webhook.h"
#include "support/independent_hmac.h"

namespace policyd {
namespace {

using policyd::testing::IndependentHmac;

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef";

WebhookSpec Spec() {
  WebhookSpec spec;
  spec.name = "ops";
  spec.url = "https://hooks.example.com/policyd?token=abc";
  spec.secret = kSecret;
  return spec;
}

std::string Event(uint64_t seq, const std::string& type, const std::string& platform = "Acme",
                  const std::string& doc_type = "Privacy Policy",
                  const std::string& change_class = "substantive") {
  nlohmann::json event = {{"seq", seq},
                          {"type", type},
                          {"platform", platform},
                          {"doc_type", doc_type},
                          {"url", "https://a.example/p"}};
  if (type == "document.changed") event["change_class"] = change_class;
  return event.dump();
}

TEST(WebhookSignatureTest, HmacSha256MatchesRfc4231) {
  EXPECT_EQ(HmacSha256Hex(std::string(20, '\x0b'), "Hi There"),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignatureTest, SignsTimestampDotBody) {
  const std::string body = R"({"seq":3,"type":"document.changed"})";
  EXPECT_EQ(WebhookSignature(kSecret, 1700000000, body),
            "v1=" + IndependentHmac(kSecret, "1700000000." + body));
  // The example of docs/INTEGRATIONS.md, which Python's hmac and `openssl dgst -hmac` give too.
  EXPECT_EQ(WebhookSignature(kSecret, 1700000000, body),
            "v1=2ed90c18a202e8f461b1491b7095f77eb97e543a835cb40af9cab48da5f307ce");
  // Another timestamp or body gives another signature (a replayed body cannot be re-dated).
  EXPECT_NE(WebhookSignature(kSecret, 1700000001, body),
            WebhookSignature(kSecret, 1700000000, body));
  EXPECT_NE(WebhookSignature(kSecret, 1700000000, body + " "),
            WebhookSignature(kSecret, 1700000000, body));
}

TEST(WebhookHeadersTest, CarryTheEventAndTheSignatureButNeverTheSecret) {
  const std::string body = Event(9, "document.changed");
  const auto headers = WebhookHeaders(Spec(), "policyd/0.1 (+x)", "0123456789abcdef", 9,
                                      "document.changed", 1700000000, body);
  const std::vector<std::string> expected = {
      "Content-Type: application/json",
      "User-Agent: policyd/0.1 (+x)",
      "Policyd-Webhook: ops",
      "Policyd-Node: 0123456789abcdef",
      "Policyd-Event-Seq: 9",
      "Policyd-Event-Type: document.changed",
      "Policyd-Timestamp: 1700000000",
      "Policyd-Signature: v1=" + IndependentHmac(kSecret, "1700000000." + body),
      "Expect:"};
  EXPECT_EQ(headers, expected);
  for (const auto& line : headers) EXPECT_EQ(line.find(kSecret), std::string::npos);

  WebhookSpec unsigned_spec = Spec();
  unsigned_spec.secret.clear();
  const auto plain =
      WebhookHeaders(unsigned_spec, "ua", "0123456789abcdef", 9, "document.changed", 1, body);
  EXPECT_TRUE(std::none_of(plain.begin(), plain.end(), [](const std::string& line) {
    return line.starts_with("Policyd-Signature");
  }));
}

TEST(WebhookFilterTest, NoFiltersWantEverything) {
  EXPECT_TRUE(WebhookWants(Spec(), Event(1, "document.fetch_failed")));
  EXPECT_TRUE(WebhookWants(Spec(), "not json"));
}

TEST(WebhookFilterTest, PlatformsAndDocTypesCompareAsSlugs) {
  WebhookSpec spec = Spec();
  spec.platforms = {"acme", "Other Corp"};
  spec.doc_types = {"privacy-policy"};
  EXPECT_TRUE(WebhookWants(spec, Event(1, "document.changed", "Acme", "Privacy Policy")));
  EXPECT_TRUE(WebhookWants(spec, Event(1, "document.changed", "other corp", "PRIVACY policy")));
  EXPECT_FALSE(WebhookWants(spec, Event(1, "document.changed", "Acme", "Terms of Service")));
  EXPECT_FALSE(WebhookWants(spec, Event(1, "document.changed", "Acmeco", "Privacy Policy")));
  EXPECT_FALSE(WebhookWants(spec, "not json"));
}

TEST(WebhookFilterTest, EventsAndClasses) {
  WebhookSpec spec = Spec();
  spec.events = {"document.changed", "document.fetch_failed"};
  spec.classes = {"substantive"};
  EXPECT_TRUE(WebhookWants(spec, Event(1, "document.changed")));
  EXPECT_FALSE(
      WebhookWants(spec, Event(1, "document.changed", "Acme", "Privacy Policy", "cosmetic")));
  // Classes apply to document.changed only, as the feed's do.
  EXPECT_TRUE(WebhookWants(spec, Event(1, "document.fetch_failed")));
  EXPECT_FALSE(WebhookWants(spec, Event(1, "document.first_seen")));
}

TEST(RetryDelayTest, DoublesWithJitterWithinTheBounds) {
  WebhookSpec spec = Spec();
  spec.retry_min = seconds(1);
  spec.retry_max = minutes(10);
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    const auto first = RetryDelay(spec, 1, std::nullopt, rng);
    EXPECT_GE(first, seconds(1));
    EXPECT_LE(first, milliseconds(1500));
    const auto fourth = RetryDelay(spec, 4, std::nullopt, rng);
    EXPECT_GE(fourth, seconds(8));
    EXPECT_LE(fourth, seconds(12));
    EXPECT_EQ(RetryDelay(spec, 30, std::nullopt, rng), minutes(10));  // capped, even jittered
    EXPECT_EQ(RetryDelay(spec, 1'000'000, std::nullopt, rng), minutes(10));  // no overflow
  }
}

TEST(RetryDelayTest, RetryAfterIsHonouredUpToTheCap) {
  WebhookSpec spec = Spec();
  std::mt19937_64 rng(7);
  EXPECT_EQ(RetryDelay(spec, 1, seconds(90), rng), seconds(90));
  EXPECT_EQ(RetryDelay(spec, 1, std::chrono::hours(2), rng), minutes(10));
  const auto shorter = RetryDelay(spec, 3, seconds(0), rng);  // never shorter than the backoff
  EXPECT_GE(shorter, seconds(4));
}

std::vector<StoredEvent> Events(uint64_t from, uint64_t to,
                                const std::vector<uint64_t>& changed = {}) {
  std::vector<StoredEvent> events;
  for (uint64_t seq = from; seq <= to; ++seq) {
    const bool is_changed = std::find(changed.begin(), changed.end(), seq) != changed.end();
    events.push_back({seq, Event(seq, is_changed ? "document.changed" : "document.fetch_failed")});
  }
  return events;
}

DeliveryReport Report(DeliveryOutcome outcome, long status = 0) {
  DeliveryReport report;
  report.outcome = outcome;
  report.http_status = status;
  report.error = outcome == DeliveryOutcome::kDelivered ? "" : "HTTP " + std::to_string(status);
  return report;
}

TEST(WebhookCursorTest, SkipsWhatTheFiltersLeaveOutAndKeepsTheCursorBehindTheNext) {
  WebhookSpec spec = Spec();
  spec.events = {"document.changed"};
  WebhookCursor cursor(spec, 10);
  EXPECT_TRUE(cursor.WantsEvents(15));
  EXPECT_FALSE(cursor.WantsEvents(10));
  EXPECT_EQ(cursor.Accept(FilterWebhookBatch(spec, Events(11, 15, {12, 14}))), 2u);
  EXPECT_EQ(cursor.scanned(), 15u);
  EXPECT_FALSE(cursor.WantsEvents(20));  // one batch at a time
  ASSERT_NE(cursor.Next(), nullptr);
  EXPECT_EQ(cursor.Next()->seq, 12u);
  EXPECT_EQ(cursor.cursor(), 11u);  // 11 was not wanted: handled
  std::mt19937_64 rng(1);
  cursor.BeginAttempt(1000);
  EXPECT_TRUE(cursor.Finish(Report(DeliveryOutcome::kDelivered, 200), 1010, rng).advanced);
  EXPECT_EQ(cursor.Next()->seq, 14u);
  EXPECT_EQ(cursor.cursor(), 13u);
  cursor.BeginAttempt(1020);
  cursor.Finish(Report(DeliveryOutcome::kDelivered, 204), 1030, rng);
  EXPECT_EQ(cursor.Next(), nullptr);
  EXPECT_EQ(cursor.cursor(), 15u);
  EXPECT_EQ(cursor.delivered(), 2u);
  EXPECT_EQ(cursor.last_delivered_ms(), 1030);
}

TEST(WebhookCursorTest, AFailingEventHoldsTheLaterOnesUntilItIsDelivered) {
  WebhookSpec spec = Spec();
  WebhookCursor cursor(spec, 0);
  cursor.Accept(FilterWebhookBatch(spec, Events(1, 3)));
  std::mt19937_64 rng(1);

  ASSERT_TRUE(cursor.Due(0));
  cursor.BeginAttempt(0);
  EXPECT_FALSE(cursor.Due(0));  // one request in flight
  auto transition = cursor.Finish(Report(DeliveryOutcome::kRejected, 500), 100, rng);
  EXPECT_FALSE(transition.advanced);
  EXPECT_EQ(transition.change, WebhookCursor::Change::kStartedFailing);
  EXPECT_GE(transition.next_attempt_ms, 1100);
  EXPECT_LE(transition.next_attempt_ms, 1600);
  EXPECT_FALSE(cursor.Due(transition.next_attempt_ms - 1));
  EXPECT_TRUE(cursor.Due(transition.next_attempt_ms));
  EXPECT_EQ(cursor.Next()->seq, 1u);
  EXPECT_EQ(cursor.cursor(), 0u);
  EXPECT_TRUE(cursor.failing());
  EXPECT_EQ(cursor.last_http_status(), 500);
  EXPECT_EQ(cursor.last_error(), "event 1: HTTP 500");

  cursor.BeginAttempt(2000);
  transition = cursor.Finish(Report(DeliveryOutcome::kTransportError), 2100, rng);
  EXPECT_EQ(transition.change, WebhookCursor::Change::kNone);  // still failing: no new warning
  EXPECT_GE(transition.next_attempt_ms, 2100 + 2000);
  EXPECT_EQ(cursor.consecutive_failures(), 2);

  cursor.BeginAttempt(5000);
  transition = cursor.Finish(Report(DeliveryOutcome::kDelivered, 200), 5100, rng);
  EXPECT_TRUE(transition.advanced);
  EXPECT_EQ(transition.change, WebhookCursor::Change::kRecovered);
  EXPECT_FALSE(cursor.failing());
  EXPECT_EQ(cursor.Next()->seq, 2u);
  EXPECT_TRUE(cursor.Due(5100));  // the next one goes at once
  EXPECT_EQ(cursor.failed_attempts(), 2u);
  EXPECT_EQ(cursor.skipped(), 0u);
}

TEST(WebhookCursorTest, AnAbortedAttemptChangesNothing) {
  WebhookCursor cursor(Spec(), 0);
  cursor.Accept(FilterWebhookBatch(cursor.spec(), Events(1, 1)));
  std::mt19937_64 rng(1);
  cursor.BeginAttempt(0);
  const auto transition = cursor.Finish(Report(DeliveryOutcome::kAborted), 10, rng);
  EXPECT_FALSE(transition.advanced);
  EXPECT_EQ(transition.change, WebhookCursor::Change::kNone);
  EXPECT_FALSE(cursor.failing());
  EXPECT_EQ(cursor.failed_attempts(), 0u);
  EXPECT_TRUE(cursor.Due(10));
}

TEST(WebhookCursorTest, MaxAttemptsGivesUpOnTheEventAndGoesOn) {
  WebhookSpec spec = Spec();
  spec.max_attempts = 2;
  WebhookCursor cursor(spec, 0);
  cursor.Accept(FilterWebhookBatch(spec, Events(1, 2)));
  std::mt19937_64 rng(1);
  cursor.BeginAttempt(0);
  EXPECT_FALSE(cursor.Finish(Report(DeliveryOutcome::kRejected, 500), 0, rng).advanced);
  cursor.BeginAttempt(5000);
  const auto transition = cursor.Finish(Report(DeliveryOutcome::kRejected, 500), 5000, rng);
  EXPECT_TRUE(transition.advanced);
  EXPECT_EQ(transition.change, WebhookCursor::Change::kGaveUp);
  EXPECT_EQ(cursor.skipped(), 1u);
  EXPECT_EQ(cursor.cursor(), 1u);
  EXPECT_EQ(cursor.Next()->seq, 2u);
  EXPECT_TRUE(cursor.failing());  // the receiver still fails: event 2 waits its backoff
  EXPECT_FALSE(cursor.Due(5000));
}

// The last pending event given up: nothing is retried, so the webhook is no longer failing
// (the metric, `status` and `webhooks` said "failing" until the next event's delivery, days
// later, with a next retry in the past); the next event is tried as soon as it comes, and a
// failure then starts a new streak. The skip stays counted and its error shown.
TEST(WebhookCursorTest, GivingUpTheLastPendingEventEndsTheFailingStreak) {
  WebhookSpec spec = Spec();
  spec.max_attempts = 1;
  WebhookCursor cursor(spec, 0);
  cursor.Accept(FilterWebhookBatch(spec, Events(1, 1)));
  std::mt19937_64 rng(1);
  cursor.BeginAttempt(1000);
  const auto gave_up = cursor.Finish(Report(DeliveryOutcome::kRejected, 500), 1000, rng);
  EXPECT_TRUE(gave_up.advanced);
  EXPECT_EQ(gave_up.change, WebhookCursor::Change::kGaveUp);
  EXPECT_EQ(cursor.skipped(), 1u);
  EXPECT_FALSE(cursor.failing());
  EXPECT_EQ(cursor.consecutive_failures(), 0);
  EXPECT_EQ(cursor.failing_since_ms(), 0);
  EXPECT_NE(cursor.last_error().find("event 1"), std::string::npos) << cursor.last_error();
  cursor.Accept(FilterWebhookBatch(spec, Events(2, 2)));
  EXPECT_TRUE(cursor.Due(1001));  // no backoff left over from event 1
  cursor.BeginAttempt(1001);
  EXPECT_EQ(cursor.Finish(Report(DeliveryOutcome::kRejected, 500), 1001, rng).change,
            WebhookCursor::Change::kGaveUp);
}

TEST(WebhookUrlTest, RedactsQueryAndChatPaths) {
  WebhookSpec spec = Spec();
  EXPECT_EQ(RedactedWebhookUrl(spec), "https://hooks.example.com/policyd?…");
  spec.url = "https://hooks.example.com/policyd";
  EXPECT_EQ(RedactedWebhookUrl(spec), "https://hooks.example.com/policyd");
  spec.url = "https://hooks.slack.com/services/T0/B0/SECRETTOKEN";
  spec.format = WebhookFormat::kSlack;
  EXPECT_EQ(RedactedWebhookUrl(spec), "https://hooks.slack.com/…");
}

// One document.changed event as stored, with page text that tries markup and mentions.
const char kChanged[] =
    R"({"seq":7,"type":"document.changed","time":"2026-01-02T03:04:05.678Z",)"
    R"("doc":"acme/privacy-policy","platform":"Acme","doc_type":"Privacy Policy",)"
    R"("url":"https://acme.example/privacy?a=1&b=2","lines_added":3,"lines_removed":1,)"
    R"("sections":["## Sharing","","### Your <rights> & *choices* @everyone"],)"
    R"("sections_truncated":0,"change_class":"substantive","words_added":12,"words_removed":3})";

TEST(WebhookBodyTest, JsonIsTheEventAsStored) {
  EXPECT_EQ(WebhookBody(WebhookFormat::kJson, kChanged).value(), kChanged);
}

TEST(WebhookBodyTest, SlackBodyForAChangedEvent) {
  EXPECT_EQ(WebhookBody(WebhookFormat::kSlack, kChanged).value(),
            R"({"text":"*Acme Privacy Policy* changed (substantive): 12 words added, 3 removed\n)"
            R"(Sections: Sharing, (top), Your &lt;rights&gt; &amp; *choices* @)"
            "\u2060"
            R"(everyone\n)"
            R"(<https://acme.example/privacy?a=1&amp;b=2>"})");
}

TEST(WebhookBodyTest, DiscordBodyForAChangedEvent) {
  EXPECT_EQ(
      WebhookBody(WebhookFormat::kDiscord, kChanged).value(),
      R"({"allowed_mentions":{"parse":[]},)"
      R"("content":"**Acme Privacy Policy** changed (substantive): 12 words added, 3 removed\n)"
      R"(Sections: Sharing, (top), Your \\<rights\\> & \\*choices\\* \\@)"
      "\u2060"
      R"(everyone\n)"
      R"(<https://acme.example/privacy?a=1&b=2>"})");
}

TEST(WebhookBodyTest, MatrixBodyForAChangedEvent) {
  EXPECT_EQ(
      WebhookBody(WebhookFormat::kMatrix, kChanged).value(),
      R"({"html":"<b>Acme Privacy Policy</b> changed (substantive): 12 words added, 3 removed<br>)"
      R"(Sections: Sharing, (top), Your &lt;rights&gt; &amp; *choices* @)"
      "\u2060"
      R"(everyone<br>)"
      R"(<a href=\"https://acme.example/privacy?a=1&amp;b=2\">https://acme.example/privacy?a=1&amp;b=2</a>",)"
      R"("text":"Acme Privacy Policy changed (substantive): 12 words added, 3 removed\n)"
      R"(Sections: Sharing, (top), Your <rights> & *choices* @)"
      "\u2060"
      R"(everyone\n)"
      R"(https://acme.example/privacy?a=1&b=2"})");
}

// A page's heading must not ping a channel or make a link in any tool a chat format reaches:
// Mattermost and Rocket.Chat (slack format) turn @channel into a mention and [x](url) into a
// link, and every tool links a bare URL. An invisible WORD JOINER (U+2060) after '@' and
// inside "://" and "](" breaks each, and the text reads the same.
TEST(WebhookBodyTest, HeadingsMakeNoMentionOrLinkInAnyFormat) {
  nlohmann::json event = nlohmann::json::parse(kChanged);
  event["sections"] = {"## @channel see [click](https://evil.example/x) or https://evil.example/y"};
  const std::string joined = "\u2060";
  for (const WebhookFormat format :
       {WebhookFormat::kSlack, WebhookFormat::kDiscord, WebhookFormat::kMatrix}) {
    const nlohmann::json body = nlohmann::json::parse(WebhookBody(format, event.dump()).value());
    for (const auto& [key, value] : body.items()) {
      if (!value.is_string()) continue;
      const std::string text = value.get<std::string>();
      EXPECT_EQ(text.find("@channel"), std::string::npos) << key << ": " << text;
      EXPECT_EQ(text.find("https://evil"), std::string::npos) << key << ": " << text;
      EXPECT_EQ(text.find("](https"), std::string::npos) << key << ": " << text;
      EXPECT_NE(text.find("https:" + joined + "//evil.example/y"), std::string::npos)
          << key << ": " << text;
      // The document's own URL is the message's link, untouched.
      EXPECT_NE(text.find("https://acme.example/privacy"), std::string::npos) << key;
    }
  }
}

// A Discord message cut to its 2000 characters keeps its link whole: the text before it is cut.
TEST(WebhookBodyTest, ADiscordMessageCutToItsLimitKeepsItsLink) {
  nlohmann::json event = nlohmann::json::parse(kChanged);
  event["platform"] = std::string(150, '_');  // each escaped: 300 characters
  event["sections"] = nlohmann::json::array();
  for (int i = 0; i < 5; ++i) event["sections"].push_back("## " + std::string(190, '*'));
  event["url"] = "https://acme.example/privacy?" + std::string(600, 'q');
  const std::string content =
      nlohmann::json::parse(WebhookBody(WebhookFormat::kDiscord, event.dump()).value())["content"];
  EXPECT_LE(content.size(), 2000u);
  const std::string link = "\n<" + event["url"].get<std::string>() + ">";
  ASSERT_GE(content.size(), link.size());
  EXPECT_EQ(content.substr(content.size() - link.size()), link);
}

TEST(WebhookBodyTest, ChatTextsForTheOtherEventsAndBounds) {
  const auto text = [](const std::string& line) {
    return nlohmann::json::parse(WebhookBody(WebhookFormat::kMatrix, line).value())["text"]
        .get<std::string>();
  };
  EXPECT_EQ(
      text(
          R"({"type":"document.first_seen","platform":"Acme","doc_type":"Terms","url":"https://a.example/t","lines":40})"),
      "Acme Terms is now watched: first version, 40 lines\nhttps://a.example/t");
  EXPECT_EQ(
      text(
          R"({"type":"document.fetch_failed","platform":"Acme","doc_type":"Terms","url":"https://a.example/t","reason":"http_5xx","consecutive_failures":3,"message":"HTTP 503"})"),
      "Acme Terms cannot be fetched (http_5xx, 3 checks in a row): HTTP 503\nhttps://a.example/t");
  EXPECT_EQ(
      text(
          R"({"type":"document.recovered","platform":"Acme","doc_type":"Terms","url":"https://a.example/t","failures":4})"),
      "Acme Terms can be fetched again after 4 failed checks\nhttps://a.example/t");
  EXPECT_EQ(text(WebhookTestEvent("ops", 0).dump()),
            "policyd test message for webhook 'ops', sent 1970-01-01T00:00:00.000Z");
  // Sections: five listed, the rest (and those the event itself left out) counted.
  nlohmann::json many = nlohmann::json::parse(kChanged);
  many["sections"] = {"# a", "# b", "# c", "# d", "# e", "# f", "# g"};
  many["sections_truncated"] = 10;
  EXPECT_NE(text(many.dump()).find("Sections: a, b, c, d, e and 12 more"), std::string::npos);
  // A Discord message never exceeds Discord's 2000 characters.
  many["url"] = "https://a.example/" + std::string(3000, 'x');
  const auto discord =
      nlohmann::json::parse(WebhookBody(WebhookFormat::kDiscord, many.dump()).value());
  EXPECT_LE(discord["content"].get<std::string>().size(), 2000u);
  EXPECT_FALSE(WebhookBody(WebhookFormat::kSlack, "[1,2]").ok());
}

}  // namespace
}  // namespace policyd

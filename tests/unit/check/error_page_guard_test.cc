#include "error_page_guard.h"

#include <gtest/gtest.h>

#include "policyd/extract.h"
#include "support/guard_pages.h"

namespace policyd {
namespace {

using testing::VendorPage;

const std::map<std::string, std::string> kNoHeaders;

// What a reader sees: the text the check would store for `html`.
std::string Extract(const std::string& html) {
  ExtractOptions options;
  options.content_type = "text/html; charset=utf-8";
  ExtractResult result;
  EXPECT_TRUE(ExtractText(html, options, &result).ok());
  return result.text;
}

std::map<std::string, std::string> HeadersOf(const VendorPage& page) {
  return {page.headers.begin(), page.headers.end()};
}

PageFinding Inspect(const VendorPage& page, long status) {
  return InspectPage(status, HeadersOf(page), page.html, Extract(page.html));
}

TEST(InspectPage, EveryVendorPageIsRecognisedAsItsVendorServesIt) {
  for (const VendorPage& page : testing::VendorPages()) {
    const PageFinding finding = Inspect(page, page.status);
    EXPECT_EQ(FailureReasonName(VerdictReason(finding.verdict)), page.reason) << page.name;
    EXPECT_EQ(finding.vendor, page.vendor) << page.name;
  }
}

// Served with HTTP 200 (as the Cloudflare 1020 and Sucuri pages were), each is refused
// all the same: the page's own content decides, the status only adds to it.
TEST(InspectPage, EveryVendorPageServedWith200IsRecognised) {
  for (const VendorPage& page : testing::VendorPages()) {
    const PageFinding finding = Inspect(page, 200);
    EXPECT_EQ(FailureReasonName(VerdictReason(finding.verdict)), page.reason) << page.name;
    EXPECT_EQ(finding.vendor, page.vendor) << page.name;
  }
}

TEST(InspectPage, NamesWhatItRecognised) {
  const auto found = [](const std::string& name) {
    return Inspect(testing::FindVendorPage(name), 200);
  };
  EXPECT_EQ(found("cloudflare_error_1020").what, "Error 1020 access denied");
  EXPECT_EQ(found("cloudflare_error_1015").what, "Error 1015 rate limited");
  EXPECT_EQ(found("sucuri_access_denied").what, "Access Denied - Sucuri Website Firewall");
  EXPECT_EQ(found("cloudflare_managed_challenge").what, "cf-mitigated: challenge");
  EXPECT_EQ(found("nginx_502").what, "502 Bad Gateway");
  EXPECT_EQ(DescribeFinding(found("cloudflare_error_1020")),
            "block page (cloudflare: Error 1020 access denied)");
  EXPECT_EQ(DescribeFinding(found("login_wall")), "login wall (generic: sign-in form)");
}

// The case: a whole policy carrying Cloudflare's passive challenge-platform script,
// its e-mail obfuscation and reCAPTCHA and Turnstile widgets is the document.
TEST(InspectPage, FullPolicyCarryingVendorScriptsIsTheDocument) {
  const std::string html = testing::PolicyWithVendorScripts();
  ASSERT_NE(html.find("/cdn-cgi/challenge-platform/scripts/jsd/main.js"), std::string::npos);
  ASSERT_NE(html.find("g-recaptcha"), std::string::npos);
  ASSERT_NE(html.find("cf-turnstile"), std::string::npos);
  const std::string text = Extract(html);
  ASSERT_GT(text.size(), 30'000u);
  const std::map<std::string, std::string> cloudflare = {{"server", "cloudflare"}};
  EXPECT_EQ(InspectPage(200, cloudflare, html, text).verdict, PageVerdict::kDocument);
}

// A short real document (an imprint of under 1 KB, like the shortest of ota-dating) with an
// invisible reCAPTCHA on its contact form and the passive script is the document too.
TEST(InspectPage, ShortImprintWithCaptchaFormIsTheDocument) {
  const std::string html = testing::ImprintWithCaptchaForm();
  const std::string text = Extract(html);
  ASSERT_LT(text.size(), kGuardShortTextBytes);
  ASSERT_GT(text.size(), 500u);
  ASSERT_NE(html.find("g-recaptcha"), std::string::npos);
  const PageFinding finding = InspectPage(200, {{"server", "cloudflare"}}, html, text);
  EXPECT_EQ(finding.verdict, PageVerdict::kDocument) << DescribeFinding(finding);
}

// Long text is the document whatever it says or carries: a policy that explains reCAPTCHA,
// quotes error pages and sits behind an interstitial-looking title.
TEST(InspectPage, LongTextIsTheDocumentWhateverItsWordingAndMarkup) {
  std::string text;
  while (text.size() < kGuardShortTextBytes) {
    text +=
        "We use reCAPTCHA to verify you are human. Are you a robot? If our servers answer "
        "Error 1020 with a Ray ID, 403 Forbidden or Too Many Requests, contact us.\n";
  }
  const std::string body =
      "<title>Just a moment...</title><script>window._cf_chl_opt={}"
      "</script><div id='px-captcha'></div><p>" +
      text + "</p>";
  EXPECT_EQ(InspectPage(200, kNoHeaders, body, text).verdict, PageVerdict::kDocument);
  // One byte short of the limit, the same page is judged by what it says.
  const std::string shorter = text.substr(0, kGuardShortTextBytes - 1);
  EXPECT_EQ(InspectPage(200, kNoHeaders, body, shorter).verdict, PageVerdict::kChallenge);
}

// Headers that only challenge responses carry decide on their own.
TEST(InspectPage, ChallengeHeadersDecideWhateverTheText) {
  const std::string long_text(10'000, 'x');
  EXPECT_EQ(InspectPage(200, {{"cf-mitigated", "challenge"}}, "<html></html>", long_text).vendor,
            "cloudflare");
  EXPECT_EQ(InspectPage(403, {{"cf-mitigated", "Challenge"}}, "", "").verdict,
            PageVerdict::kChallenge);
  EXPECT_EQ(InspectPage(429, {{"x-vercel-mitigated", "challenge"}}, "", "").vendor, "vercel");
  EXPECT_EQ(InspectPage(403, {{"x-vercel-mitigated", "deny"}}, "", "").verdict,
            PageVerdict::kBlocked);
  EXPECT_EQ(InspectPage(405, {{"x-amzn-waf-action", "captcha"}}, "", "").vendor, "aws-waf");
  EXPECT_EQ(InspectPage(403, {{"x-datadome", "protected"}}, "", "").vendor, "datadome");
  // DataDome marks every response of a protected site; only a refusal is a challenge.
  EXPECT_EQ(InspectPage(200, {{"x-datadome", "protected"}}, "<p>Policy</p>", long_text).verdict,
            PageVerdict::kDocument);
  // Cloudflare in front of a site is no challenge by itself.
  EXPECT_EQ(InspectPage(200, {{"server", "cloudflare"}}, "<p>Policy</p>", "Our policy.\n").verdict,
            PageVerdict::kDocument);
}

// Scripts and widgets that real pages carry count only on a page that shows next to nothing.
TEST(InspectPage, CommonWidgetsCountOnlyOnBarePages) {
  const std::string widget = "<form><div class=\"g-recaptcha\" data-sitekey=\"k\"></div></form>";
  EXPECT_EQ(InspectPage(200, kNoHeaders, widget, "").vendor, "recaptcha");
  EXPECT_EQ(InspectPage(200, kNoHeaders, widget, "Continue\n").verdict, PageVerdict::kChallenge);
  const std::string paragraph(300, 'a');
  EXPECT_EQ(InspectPage(200, kNoHeaders, widget + "<p>" + paragraph + "</p>", paragraph).verdict,
            PageVerdict::kDocument);
  const std::string passive =
      "<script>a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';</script>";
  EXPECT_EQ(InspectPage(200, kNoHeaders, passive, "").verdict, PageVerdict::kDocument);
}

// Markup only interstitials carry decides on a short page, even one whose selectors kept
// nothing (a target with `select` on a challenge page extracts no text).
TEST(InspectPage, InterstitialMarkupDecidesWhenTheTextIsShort) {
  for (const char* name : {"cloudflare_managed_challenge", "cloudflare_legacy_browser_check",
                           "datadome_captcha", "perimeterx_press_and_hold",
                           "akamai_bot_manager_challenge", "sucuri_javascript_challenge"}) {
    const VendorPage& page = testing::FindVendorPage(name);
    EXPECT_EQ(InspectPage(200, kNoHeaders, page.html, "").verdict, PageVerdict::kChallenge) << name;
  }
  const VendorPage& blocked = testing::FindVendorPage("cloudflare_error_1020");
  EXPECT_EQ(InspectPage(200, kNoHeaders, blocked.html, "").verdict, PageVerdict::kBlocked);
}

// Outage and "not found" pages in plain words, served with 200 in place of a policy. They
// used to pass as documents: held once as a suspicious shrink, then stored as the policy's
// new version a minute later.
TEST(InspectPage, TerseOutagePagesAreErrorPages) {
  const char* texts[] = {
      "# We'll be back soon!\n\nSorry for the inconvenience. We're performing some maintenance "
      "at the moment.\n",
      "Briefly unavailable for scheduled maintenance. Check back in a minute.\n",
      "# Under Construction\n\nThis site is undergoing scheduled maintenance.\n",
      "# Something went wrong\n\nPlease try again later.\n",
      "# Error establishing a database connection\n",
      "# 404\n\nThe page you are looking for does not exist.\n",
      "# Hmm, we can't find that page\n\nGo back to the home page.\n",
      "# Down for maintenance\n\nWe expect to be back within the hour.\n",
      "# Temporarily unavailable\n\nThe service is temporarily unavailable.\n",
  };
  for (const char* text : texts) {
    const PageFinding finding = InspectPage(200, kNoHeaders, "<html></html>", text);
    EXPECT_EQ(finding.verdict, PageVerdict::kErrorPage) << text << DescribeFinding(finding);
  }
  // A real policy that mentions maintenance or errors is longer than a terse page.
  std::string policy =
      "# Privacy Policy\n\nWe may process your data during scheduled maintenance. If "
      "something went wrong with your request, contact us.\n\n";
  while (policy.size() < 1100) policy += "We keep logs for thirty days and then delete them. ";
  EXPECT_EQ(InspectPage(200, kNoHeaders, "<html></html>", policy).verdict, PageVerdict::kDocument);
}

// Short real pages that mention vendors, errors or signing in are documents.
TEST(InspectPage, ShortPagesThatOnlyMentionVendorsAreDocuments) {
  const char* texts[] = {
      "# Security\n\nThis site is protected by Cloudflare and reCAPTCHA. The Google Privacy "
      "Policy and Terms of Service apply.\n",
      "# Imprint\n\nAcme Ltd, 1 Example Street, London. Log in to your account to manage your "
      "data, or write to support@acme.example.\n",
      "# Status codes\n\nOur API answers 429 when you send too many requests.\n",
  };
  const std::string form = "<form><input type=\"password\" name=\"p\"></form>";
  for (const char* text : texts) {
    const PageFinding finding = InspectPage(200, kNoHeaders, form, text);
    EXPECT_EQ(finding.verdict, PageVerdict::kDocument) << text << DescribeFinding(finding);
  }
  // Generic words count only on a terse page: a shop page titled "Access Denied" by a
  // store-lock plugin whose products are all there (seen in wcxb-dev), a help page that tells
  // how to "verify you are human".
  std::string products = "Access Denied\n\n";
  for (int i = 0; products.size() < 1500; ++i) {
    products += "- Dark Roast Coffee " + std::to_string(i) + ": $19.99, sale, quick shop\n";
  }
  EXPECT_EQ(InspectPage(200, kNoHeaders, "<title>Access Denied</title>", products).verdict,
            PageVerdict::kDocument);
  std::string help = "# Help\n\nTo post a review, verify you are human with the checkbox.\n";
  while (help.size() < 1500) help += "Reviews appear after moderation, within two days.\n";
  EXPECT_EQ(InspectPage(200, kNoHeaders, "<div class='g-recaptcha'></div>", help).verdict,
            PageVerdict::kDocument);
  // The same words on a terse page are the page.
  EXPECT_EQ(InspectPage(200, kNoHeaders, "<title>Access Denied</title>", "Access Denied\n").verdict,
            PageVerdict::kBlocked);
}

TEST(VerdictReason, OneReasonPerVerdict) {
  EXPECT_EQ(FailureReasonName(VerdictReason(PageVerdict::kDocument)), "");
  EXPECT_EQ(FailureReasonName(VerdictReason(PageVerdict::kChallenge)), "challenge");
  EXPECT_EQ(FailureReasonName(VerdictReason(PageVerdict::kBlocked)), "blocked");
  EXPECT_EQ(FailureReasonName(VerdictReason(PageVerdict::kErrorPage)), "error_page");
  EXPECT_EQ(FailureReasonName(VerdictReason(PageVerdict::kLoginWall)), "login_wall");
}

TEST(IsNearEmpty, CountsWords) {
  EXPECT_TRUE(IsNearEmpty(""));
  EXPECT_TRUE(IsNearEmpty("# Loading\n"));
  EXPECT_TRUE(IsNearEmpty("- \n\n| |\n"));
  EXPECT_FALSE(IsNearEmpty("We collect data.\n"));
  EXPECT_FALSE(IsNearEmpty("個人情報 の 取扱い\n"));  // non-ASCII words count
}

// Chinese and Japanese are written without spaces: a title and a paragraph of any length
// used to count as two words ("near empty"), so such a policy was never stored. Words are
// Unicode's word boundaries (ICU, with its dictionaries for these scripts), and punctuation
// alone is none.
TEST(IsNearEmpty, ScriptsWithoutSpacesCountTheirWords) {
  EXPECT_FALSE(IsNearEmpty("# 隐私政策\n\n我们收集您的电子邮件地址，用于发送账单。\n"));
  EXPECT_FALSE(
      IsNearEmpty("# プライバシーポリシー\n\n当社は、お客様の個人情報を適切に取り扱います。\n"));
  EXPECT_FALSE(IsNearEmpty("นโยบายความเป็นส่วนตัวของเรา\n"));  // Thai: no spaces either
  EXPECT_TRUE(IsNearEmpty("# 。、！\n\n「」\n"));           // punctuation only
  EXPECT_TRUE(IsNearEmpty("# 読み込み中\n"));               // "loading": two words
}

TEST(IsSuspiciousShrink, AboveTheShareOnly) {
  EXPECT_TRUE(IsSuspiciousShrink(1000, 400, 0.5));
  EXPECT_FALSE(IsSuspiciousShrink(1000, 600, 0.5));
  EXPECT_FALSE(IsSuspiciousShrink(1000, 1500, 0.5));
  EXPECT_FALSE(IsSuspiciousShrink(1000, 10, 0.0));  // guard disabled
  EXPECT_FALSE(IsSuspiciousShrink(0, 0, 0.5));
}

}  // namespace
}  // namespace policyd

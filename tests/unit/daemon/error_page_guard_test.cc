#include "error_page_guard.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

const std::map<std::string, std::string> kNoHeaders;

TEST(DetectChallengePage, RecognisesVendorChallenges) {
  EXPECT_EQ(DetectChallengePage(503, kNoHeaders,
                                "<html><head><title>Just a moment...</title></head><body><script>"
                                "window._cf_chl_opt={cvId:'3'};</script></body></html>",
                                "Just a moment..."),
            "cloudflare");
  EXPECT_EQ(DetectChallengePage(200, {{"cf-mitigated", "challenge"}}, "<html></html>", ""),
            "cloudflare");
  EXPECT_EQ(DetectChallengePage(200, kNoHeaders,
                                "<script src=\"/_Incapsula_Resource?SWJIYLWA=1\"></script>", ""),
            "imperva");
  EXPECT_EQ(DetectChallengePage(403, kNoHeaders,
                                "<script src='https://ct.captcha-delivery.com/c.js'></script>", ""),
            "datadome");
  EXPECT_EQ(DetectChallengePage(403, {{"x-datadome", "protected"}}, "<html></html>", ""),
            "datadome");
  EXPECT_EQ(DetectChallengePage(200, kNoHeaders,
                                "<h1>Checking your browser before accessing example.com</h1>",
                                "Checking your browser before accessing example.com"),
            "browser-check");
  EXPECT_EQ(DetectChallengePage(403, kNoHeaders,
                                "<h1>Access Denied</h1>You don't have permission to access "
                                "this resource. Reference #18.abc",
                                "Access Denied"),
            "akamai");
}

TEST(DetectChallengePage, RealPoliciesMentioningCaptchasAreNotChallenges) {
  // A privacy policy explains Google reCAPTCHA, and its page embeds a captcha-protected
  // contact form: long text, weak markers only.
  const std::string policy_text(5000, 'x');
  EXPECT_EQ(DetectChallengePage(200, kNoHeaders,
                                "<main><h2>reCAPTCHA</h2><p>We use Google reCAPTCHA to verify "
                                "you are human.</p><div class='g-recaptcha'></div></main>",
                                policy_text),
            "");
  EXPECT_EQ(
      DetectChallengePage(200, kNoHeaders, "<main><p>Plain policy.</p></main>", "Plain policy."),
      "");
}

TEST(IsNearEmpty, CountsWords) {
  EXPECT_TRUE(IsNearEmpty(""));
  EXPECT_TRUE(IsNearEmpty("# Loading\n"));
  EXPECT_TRUE(IsNearEmpty("- \n\n| |\n"));
  EXPECT_FALSE(IsNearEmpty("We collect data.\n"));
  EXPECT_FALSE(IsNearEmpty("個人情報 の 取扱い\n"));  // non-ASCII words count
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

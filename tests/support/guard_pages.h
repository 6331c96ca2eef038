// Realistic pages for the error-page guard's tests, written for policyd's tests (no site's
// HTML is copied): the bot challenges, block pages and error pages that CDN, firewall and
// hosting vendors serve instead of a document, and real-looking policies that carry those
// vendors' passive scripts and captcha widgets, as a large share of sites do on every page.
//
// The unit tests run each page through the daemon's own extraction and guard; the hostile
// suite serves some of them to the real daemon.
#ifndef POLICYD_TESTS_SUPPORT_GUARD_PAGES_H_
#define POLICYD_TESTS_SUPPORT_GUARD_PAGES_H_

#include <string>
#include <utility>
#include <vector>

namespace policyd::testing {

struct VendorPage {
  std::string name;  // a test label: "cloudflare_error_1020"
  long status = 200;
  // Response headers with lower-case names, as the fetcher keeps them.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string html;
  // What the check must record when this page is served with HTTP 200: the failure reason
  // ("challenge", "blocked", "error_page", "login_wall") and the vendor the guard names.
  std::string reason;
  std::string vendor;
};

// Every vendor page of docs/HOSTILE.md's table, each as its vendor serves it (status, headers).
const std::vector<VendorPage>& VendorPages();

// The page called `name` in VendorPages() (throws std::out_of_range when there is none).
const VendorPage& FindVendorPage(const std::string& name);

// A full privacy policy (about 40 KB of text, 24 sections) as a site behind Cloudflare serves
// it: Cloudflare's passive bot-detection script (/cdn-cgi/challenge-platform/scripts/jsd/),
// its e-mail obfuscation, a newsletter form with a reCAPTCHA widget and a contact form with a
// Turnstile widget. `revision` changes one sentence (so two revisions differ in one line).
std::string PolicyWithVendorScripts(int revision = 1);

// A short imprint (about 600 bytes of text, shorter than the shortest of ota-dating) whose contact
// form carries an invisible reCAPTCHA, and which also loads Cloudflare's passive script.
std::string ImprintWithCaptchaForm();

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_GUARD_PAGES_H_

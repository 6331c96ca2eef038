#include "error_page_guard.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <span>
#include <vector>

#include "policyd/ascii.h"
#include "policyd/extract.h"
#include "policyd/words.h"

namespace policyd {
namespace {

// Only the start of a body is searched: the vendors' pages are small, and a long body is
// searched at all only when its text is short.
constexpr std::size_t kScanBytes = 256 * 1024;
// A page that shows less than this is a few lines: generic words and headlines count only then.
constexpr std::size_t kTerseTextBytes = 1024;
// A page that shows less than this is nothing but its scripts and widgets.
constexpr std::size_t kBareTextBytes = 200;
constexpr std::size_t kTitleBytes = 512;

// Where a clue is looked for. Text clues are compared "squeezed" (see Squeeze), markup clues
// as lower-case bytes of the body.
enum class Where {
  kText,           // the <title> or the extracted text (what the check would store)
  kPage,           // anything a reader sees: kText, or the text of the whole body (header,
                   // footer and <noscript> included, which extraction leaves out)
  kTitle,          // the <title>
  kHeadline,       // the start of the <title> or of the extracted text
  kMarkup,         // the body's markup
  kPasswordField,  // an <input type="password"> in the body (needle unused)
};

struct Clue {
  Where where = Where::kText;
  std::string_view needle;  // empty: no clue (always true)
};

// Who a finding names: the rule's own vendor, or, for generic wording, the vendor the page
// shows itself to come from: its captcha widget's, or its server's.
enum class VendorOf { kRule, kWidget, kServer };

struct Rule {
  PageVerdict verdict;
  std::string_view vendor;  // with VendorOf::kRule
  std::string_view what;
  Clue first;
  Clue second;  // both must hold
  VendorOf vendor_of = VendorOf::kRule;
};

using V = PageVerdict;
using W = Where;

// Pages whose visible text is short (kGuardShortTextBytes): the vendors' own pages, known by
// their markup and their words. First match wins, so each vendor's specific pages come before
// the generic wording that they also contain (and before kTersePageRules).
constexpr Rule kShortPageRules[] = {
    // Cloudflare: interstitial markup, then error pages ("Error 1020 ... Ray ID").
    {V::kChallenge, "cloudflare", "challenge interstitial", {W::kMarkup, "_cf_chl_opt"}, {}},
    {V::kChallenge,
     "cloudflare",
     "challenge interstitial",
     {W::kMarkup, "/cdn-cgi/challenge-platform/h/"},
     {}},
    {V::kChallenge, "cloudflare", "browser check", {W::kMarkup, "cf-browser-verification"}, {}},
    {V::kChallenge,
     "cloudflare",
     "\"Attention Required!\" captcha",
     {W::kTitle, "attention required! | cloudflare"},
     {}},
    {V::kChallenge, "cloudflare", "\"Just a moment...\"", {W::kTitle, "just a moment..."}, {}},
    {V::kBlocked,
     "cloudflare",
     "Error 1020 access denied",
     {W::kPage, "error 1020"},
     {W::kPage, "ray id"}},
    {V::kBlocked,
     "cloudflare",
     "Error 1015 rate limited",
     {W::kPage, "error 1015"},
     {W::kPage, "ray id"}},
    {V::kBlocked,
     "cloudflare",
     "Error 1010 browser signature banned",
     {W::kPage, "error 1010"},
     {W::kPage, "ray id"}},
    {V::kBlocked,
     "cloudflare",
     "Error 1012 access denied",
     {W::kPage, "error 1012"},
     {W::kPage, "ray id"}},
    {V::kBlocked,
     "cloudflare",
     "Error 1009 country banned",
     {W::kPage, "error 1009"},
     {W::kPage, "ray id"}},
    {V::kBlocked,
     "cloudflare",
     "Error 1006 IP banned",
     {W::kPage, "error 1006"},
     {W::kPage, "ray id"}},
    {V::kBlocked,
     "cloudflare",
     "Error 1007 IP banned",
     {W::kPage, "error 1007"},
     {W::kPage, "ray id"}},
    {V::kBlocked,
     "cloudflare",
     "Error 1008 IP banned",
     {W::kPage, "error 1008"},
     {W::kPage, "ray id"}},
    {V::kBlocked,
     "cloudflare",
     "access denied",
     {W::kTitle, "used cloudflare to restrict access"},
     {}},
    {V::kErrorPage, "cloudflare", "error page", {W::kMarkup, "cf-error-details"}, {}},
    // Sucuri.
    {V::kBlocked,
     "sucuri",
     "Access Denied - Sucuri Website Firewall",
     {W::kPage, "sucuri website firewall"},
     {W::kPage, "access denied"}},
    {V::kChallenge, "sucuri", "JavaScript challenge", {W::kMarkup, "sucuri_cloudproxy_js"}, {}},
    // Akamai.
    {V::kChallenge, "akamai", "bot manager challenge", {W::kMarkup, "/_sec/cp_challenge/"}, {}},
    {V::kBlocked, "akamai", "Access Denied, Reference #", {W::kMarkup, "errors.edgesuite.net"}, {}},
    {V::kBlocked,
     "akamai",
     "Access Denied, Reference #",
     {W::kPage, "you don't have permission to access"},
     {W::kPage, "reference #"}},
    // Imperva (Incapsula, Distil).
    {V::kBlocked, "imperva", "Incapsula incident", {W::kMarkup, "incapsula incident id"}, {}},
    {V::kBlocked,
     "imperva",
     "Incapsula incident",
     {W::kMarkup, "_incapsula_resource"},
     {W::kMarkup, "incident_id="}},
    {V::kBlocked,
     "imperva",
     "request blocked, Incident ID",
     {W::kPage, "powered by imperva"},
     {W::kPage, "incident id"}},
    {V::kChallenge,
     "imperva",
     "\"Pardon Our Interruption\"",
     {W::kPage, "pardon our interruption"},
     {}},
    // DataDome, PerimeterX (HUMAN), AWS CloudFront.
    {V::kChallenge, "datadome", "captcha", {W::kMarkup, "captcha-delivery.com"}, {}},
    {V::kChallenge,
     "datadome",
     "captcha",
     {W::kPage, "please enable js and disable any ad blocker"},
     {}},
    {V::kChallenge, "perimeterx", "\"Press & Hold\" captcha", {W::kMarkup, "px-captcha"}, {}},
    {V::kChallenge,
     "perimeterx",
     "\"Press & Hold\" captcha",
     {W::kPage, "press & hold"},
     {W::kPage, "human"}},
    {V::kBlocked,
     "cloudfront",
     "request blocked",
     {W::kPage, "generated by cloudfront"},
     {W::kPage, "request blocked"}},
    {V::kErrorPage,
     "cloudfront",
     "\"The request could not be satisfied\"",
     {W::kPage, "generated by cloudfront"},
     {}},
    // Fastly and Varnish.
    {V::kErrorPage, "fastly", "unknown domain", {W::kPage, "fastly error: unknown domain"}, {}},
    {V::kErrorPage,
     "varnish",
     "Guru Meditation",
     {W::kPage, "guru meditation"},
     {W::kPage, "varnish"}},
    // Vercel and Netlify.
    {V::kChallenge, "vercel", "Security Checkpoint", {W::kPage, "vercel security checkpoint"}, {}},
    {V::kErrorPage, "vercel", "DEPLOYMENT_NOT_FOUND", {W::kPage, "code: deployment_not_found"}, {}},
    {V::kErrorPage, "vercel", "NOT_FOUND", {W::kPage, "code: not_found"}, {}},
    {V::kErrorPage,
     "netlify",
     "page not found",
     {W::kPage, "followed a broken link or entered a url that doesn"},
     {}},
    {V::kErrorPage,
     "netlify",
     "site not available",
     {W::kPage, "site not available"},
     {W::kPage, "netlify"}},
    // Servers' default pages.
    {V::kErrorPage, "nginx", "\"Welcome to nginx!\"", {W::kTitle, "welcome to nginx!"}, {}},
    {V::kErrorPage, "apache", "default page", {W::kTitle, "apache2"}, {W::kTitle, "default page"}},
    {V::kErrorPage, "iis", "default page", {W::kTitle, "iis windows server"}, {}},
};

// Pages whose visible text is terse (kTerseTextBytes): generic words and headlines that a
// longer real page may well contain ("Access Denied" as the title of a shop page whose
// products are all there, a help page that says "verify you are human").
constexpr Rule kTersePageRules[] = {
    {V::kErrorPage, "apache", "\"It works!\"", {W::kHeadline, "it works!"}, {}},
    // Browser checks and captcha walls in plain words.
    {V::kChallenge, "generic", "browser check", {W::kText, "checking your browser"}, {}},
    {V::kChallenge,
     "generic",
     "browser check",
     {W::kPage, "checking if the site connection is secure"},
     {}},
    {V::kChallenge,
     "generic",
     "browser check",
     {W::kPage, "enable javascript and cookies to continue"},
     {}},
    {V::kChallenge,
     "generic",
     "browser check",
     {W::kPage, "please turn javascript on and reload the page"},
     {}},
    {V::kChallenge, "", "captcha wall", {W::kText, "verify you are human"}, {}, VendorOf::kWidget},
    {V::kChallenge,
     "",
     "captcha wall",
     {W::kText, "verify you are a human"},
     {},
     VendorOf::kWidget},
    {V::kChallenge,
     "",
     "captcha wall",
     {W::kText, "verify that you are human"},
     {},
     VendorOf::kWidget},
    {V::kChallenge,
     "",
     "captcha wall",
     {W::kText, "verify that you are a human"},
     {},
     VendorOf::kWidget},
    {V::kChallenge, "", "captcha wall", {W::kText, "confirm you are human"}, {}, VendorOf::kWidget},
    {V::kChallenge,
     "",
     "captcha wall",
     {W::kText, "confirm you are a human"},
     {},
     VendorOf::kWidget},
    {V::kChallenge, "", "captcha wall", {W::kText, "are you a robot"}, {}, VendorOf::kWidget},
    {V::kChallenge, "", "captcha wall", {W::kText, "are you a human"}, {}, VendorOf::kWidget},
    {V::kChallenge,
     "",
     "captcha wall",
     {W::kText, "complete the security check"},
     {},
     VendorOf::kWidget},
    {V::kChallenge, "", "captcha wall", {W::kText, "complete the captcha"}, {}, VendorOf::kWidget},
    // Status lines of error pages (nginx, Apache, proxies, frameworks).
    {V::kLoginWall,
     "",
     "401 Unauthorized",
     {W::kHeadline, "401 unauthorized"},
     {},
     VendorOf::kServer},
    {V::kLoginWall,
     "",
     "401 Authorization Required",
     {W::kHeadline, "401 authorization required"},
     {},
     VendorOf::kServer},
    {V::kBlocked, "", "403 Forbidden", {W::kHeadline, "403 forbidden"}, {}, VendorOf::kServer},
    {V::kBlocked,
     "",
     "429 Too Many Requests",
     {W::kHeadline, "429 too many requests"},
     {},
     VendorOf::kServer},
    {V::kErrorPage, "", "404 Not Found", {W::kHeadline, "404 not found"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "Error 404", {W::kHeadline, "error 404"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "410 Gone", {W::kHeadline, "410 gone"}, {}, VendorOf::kServer},
    {V::kErrorPage,
     "",
     "500 Internal Server Error",
     {W::kHeadline, "500 internal server error"},
     {},
     VendorOf::kServer},
    {V::kErrorPage,
     "",
     "502 Bad Gateway",
     {W::kHeadline, "502 bad gateway"},
     {},
     VendorOf::kServer},
    {V::kErrorPage,
     "",
     "503 Service Unavailable",
     {W::kHeadline, "503 service"},
     {},
     VendorOf::kServer},
    {V::kErrorPage,
     "",
     "504 Gateway Timeout",
     {W::kHeadline, "504 gateway time"},
     {},
     VendorOf::kServer},
    // Rate limits, denials and missing pages in plain words.
    // (Headlines, or words addressed to the reader: a short API page may mention 429s.)
    {V::kBlocked, "", "rate limited", {W::kHeadline, "too many requests"}, {}, VendorOf::kServer},
    {V::kBlocked, "", "rate limited", {W::kHeadline, "rate limit exceeded"}, {}, VendorOf::kServer},
    {V::kBlocked,
     "",
     "rate limited",
     {W::kText, "you have sent too many requests"},
     {},
     VendorOf::kServer},
    {V::kBlocked,
     "",
     "rate limited",
     {W::kText, "you are being rate limited"},
     {},
     VendorOf::kServer},
    {V::kBlocked,
     "",
     "rate limited",
     {W::kText, "you have been rate limited"},
     {},
     VendorOf::kServer},
    {V::kBlocked, "", "access denied", {W::kHeadline, "access denied"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "page not found", {W::kTitle, "page not found"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "page not found", {W::kHeadline, "page not found"}, {}, VendorOf::kServer},
    // Outages and missing pages in plain words (seen served with 200 in place of a policy).
    {V::kErrorPage, "", "outage", {W::kText, "be back soon"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "outage", {W::kText, "scheduled maintenance"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "outage", {W::kText, "down for maintenance"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "outage", {W::kText, "under maintenance"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "outage", {W::kText, "performing some maintenance"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "outage", {W::kHeadline, "temporarily unavailable"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "outage", {W::kHeadline, "something went wrong"}, {}, VendorOf::kServer},
    {V::kErrorPage,
     "",
     "outage",
     {W::kHeadline, "error establishing a database connection"},
     {},
     VendorOf::kServer},
    {V::kErrorPage,
     "",
     "page not found",
     {W::kText, "page you are looking for does not exist"},
     {},
     VendorOf::kServer},
    {V::kErrorPage,
     "",
     "page not found",
     {W::kText, "page you are looking for could not be found"},
     {},
     VendorOf::kServer},
    {V::kErrorPage,
     "",
     "page not found",
     {W::kText, "page you requested could not be found"},
     {},
     VendorOf::kServer},
    {V::kErrorPage, "", "page not found", {W::kText, "find that page"}, {}, VendorOf::kServer},
    {V::kErrorPage, "", "page not found", {W::kText, "find the page you"}, {}, VendorOf::kServer},
    // Login walls: the words and a password field ("log in" and "login" squeeze alike).
    {V::kLoginWall,
     "generic",
     "sign-in form",
     {W::kText, "sign in to continue"},
     {W::kPasswordField, {}}},
    {V::kLoginWall,
     "generic",
     "sign-in form",
     {W::kText, "log in to continue"},
     {W::kPasswordField, {}}},
    {V::kLoginWall,
     "generic",
     "sign-in form",
     {W::kText, "you must be logged in"},
     {W::kPasswordField, {}}},
    {V::kLoginWall,
     "generic",
     "sign-in form",
     {W::kText, "you need to be logged in"},
     {W::kPasswordField, {}}},
    {V::kLoginWall,
     "generic",
     "sign-in form",
     {W::kText, "login required"},
     {W::kPasswordField, {}}},
    {V::kLoginWall, "generic", "sign-in form", {W::kHeadline, "sign in"}, {W::kPasswordField, {}}},
    {V::kLoginWall, "generic", "sign-in form", {W::kHeadline, "log in"}, {W::kPasswordField, {}}},
};

// Pages that show next to nothing (kBareTextBytes): scripts and widgets that real pages carry
// too are then all there is to see.
constexpr Rule kBarePageRules[] = {
    {V::kChallenge, "imperva", "JavaScript challenge", {W::kMarkup, "_incapsula_resource"}, {}},
    {V::kChallenge, "", "captcha widget", {W::kMarkup, "g-recaptcha"}, {}, VendorOf::kWidget},
    {V::kChallenge, "", "captcha widget", {W::kMarkup, "/recaptcha/api.js"}, {}, VendorOf::kWidget},
    {V::kChallenge, "", "captcha widget", {W::kMarkup, "h-captcha"}, {}, VendorOf::kWidget},
    {V::kChallenge, "", "captcha widget", {W::kMarkup, "hcaptcha.com"}, {}, VendorOf::kWidget},
    {V::kChallenge, "", "captcha widget", {W::kMarkup, "cf-turnstile"}, {}, VendorOf::kWidget},
    {V::kChallenge,
     "",
     "captcha widget",
     {W::kMarkup, "challenges.cloudflare.com/turnstile"},
     {},
     VendorOf::kWidget},
};

// Text as compared with the rules: lower case, without white space (so that line breaks,
// Markdown blocks and adjacent inline elements do not matter) and without the Markdown marks
// the extractor adds ('#', '*', '|', '`'); typographic apostrophes and ellipses as ASCII.
std::string Squeeze(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::string_view rest = text.substr(i);
    if (rest.starts_with("\xC2\xA0")) {  // no-break space
      ++i;
    } else if (rest.starts_with("\xE2\x80\x98") || rest.starts_with("\xE2\x80\x99")) {
      out += '\'';
      i += 2;
    } else if (rest.starts_with("\xE2\x80\xA6")) {
      out += "...";
      i += 2;
    } else if (!std::isspace(c) && c != '#' && c != '*' && c != '|' && c != '`') {
      out += static_cast<char>(std::tolower(c));
    }
  }
  return out;
}

// A short page as the rules see it.
struct PageView {
  std::string markup;     // lower-cased start of the body
  std::string title;      // squeezed
  std::string text;       // squeezed extracted text
  std::string body_text;  // squeezed text of the whole page (ReadVisibleText)
};

bool HasPasswordField(const std::string& markup) {
  return markup.find("type=\"password\"") != std::string::npos ||
         markup.find("type='password'") != std::string::npos ||
         markup.find("type=password") != std::string::npos;
}

// A rule's clue with its needle prepared for its haystack (squeezed for text clues).
struct PreparedClue {
  Where where = Where::kText;
  std::string needle;
};

bool Holds(const PageView& page, const PreparedClue& clue) {
  switch (clue.where) {
    case Where::kText:
      return clue.needle.empty() || page.title.find(clue.needle) != std::string::npos ||
             page.text.find(clue.needle) != std::string::npos;
    case Where::kPage:
      return page.title.find(clue.needle) != std::string::npos ||
             page.text.find(clue.needle) != std::string::npos ||
             page.body_text.find(clue.needle) != std::string::npos;
    case Where::kTitle:
      return page.title.find(clue.needle) != std::string::npos;
    case Where::kHeadline:
      return page.title.starts_with(clue.needle) || page.text.starts_with(clue.needle);
    case Where::kMarkup:
      return page.markup.find(clue.needle) != std::string::npos;
    case Where::kPasswordField:
      return HasPasswordField(page.markup);
  }
  return false;
}

struct PreparedRule {
  const Rule* rule = nullptr;
  PreparedClue first;
  PreparedClue second;
};

std::vector<PreparedRule> Prepare(std::span<const Rule> rules) {
  const auto prepare = [](const Clue& clue) {
    return PreparedClue{
        clue.where, clue.where == Where::kMarkup ? std::string(clue.needle) : Squeeze(clue.needle)};
  };
  std::vector<PreparedRule> prepared;
  for (const Rule& rule : rules)
    prepared.push_back({&rule, prepare(rule.first), prepare(rule.second)});
  return prepared;
}

std::string_view WidgetVendor(const std::string& markup) {
  const auto has = [&](std::string_view needle) {
    return markup.find(needle) != std::string::npos;
  };
  if (has("cf-turnstile") || has("challenges.cloudflare.com/turnstile")) return "cloudflare";
  if (has("h-captcha") || has("hcaptcha.com")) return "hcaptcha";
  if (has("g-recaptcha") || has("/recaptcha/")) return "recaptcha";
  return "generic";
}

std::string HeaderValue(const std::map<std::string, std::string>& headers, const char* name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : AsciiLower(it->second);
}

std::string_view ServerVendor(const std::map<std::string, std::string>& headers,
                              const std::string& markup) {
  // The page's own signature first: behind a CDN the Server header names the CDN.
  if (markup.find("<center>nginx") != std::string::npos) return "nginx";
  if (markup.find("<address>apache") != std::string::npos) return "apache";
  const std::string server = HeaderValue(headers, "server");
  if (server.find("nginx") != std::string::npos || server.find("openresty") != std::string::npos)
    return "nginx";
  if (server.find("apache") != std::string::npos) return "apache";
  if (server.find("microsoft-iis") != std::string::npos) return "iis";
  return "generic";
}

PageFinding Apply(const PreparedRule& prepared, const PageView& page,
                  const std::map<std::string, std::string>& headers) {
  const Rule& rule = *prepared.rule;
  switch (rule.vendor_of) {
    case VendorOf::kRule:
      return {rule.verdict, rule.vendor, rule.what};
    case VendorOf::kWidget:
      return {rule.verdict, WidgetVendor(page.markup), rule.what};
    case VendorOf::kServer:
      return {rule.verdict, ServerVendor(headers, page.markup), rule.what};
  }
  return {};
}

std::optional<PageFinding> FirstMatch(const std::vector<PreparedRule>& rules, const PageView& page,
                                      const std::map<std::string, std::string>& headers) {
  for (const PreparedRule& rule : rules) {
    if (Holds(page, rule.first) && Holds(page, rule.second)) return Apply(rule, page, headers);
  }
  return std::nullopt;
}

// Headers that vendors send only with a challenge or a block: decisive whatever the page.
PageFinding FromHeaders(long http_status, const std::map<std::string, std::string>& headers) {
  if (HeaderValue(headers, "cf-mitigated") == "challenge") {
    return {V::kChallenge, "cloudflare", "cf-mitigated: challenge"};
  }
  const std::string vercel = HeaderValue(headers, "x-vercel-mitigated");
  if (vercel == "challenge") return {V::kChallenge, "vercel", "x-vercel-mitigated: challenge"};
  if (vercel == "deny") return {V::kBlocked, "vercel", "x-vercel-mitigated: deny"};
  const std::string aws = HeaderValue(headers, "x-amzn-waf-action");
  if (aws == "captcha") return {V::kChallenge, "aws-waf", "x-amzn-waf-action: captcha"};
  if (aws == "challenge") return {V::kChallenge, "aws-waf", "x-amzn-waf-action: challenge"};
  if (headers.count("x-datadome") > 0 && (http_status == 401 || http_status == 403)) {
    return {V::kChallenge, "datadome", "x-datadome on a 401/403"};
  }
  return {};
}

}  // namespace

PageFinding InspectPage(long http_status, const std::map<std::string, std::string>& headers,
                        std::string_view body, std::string_view extracted_text) {
  if (const PageFinding found = FromHeaders(http_status, headers); found.refused()) return found;
  if (extracted_text.size() >= kGuardShortTextBytes) return {};

  static const std::vector<PreparedRule> short_rules = Prepare(kShortPageRules);
  static const std::vector<PreparedRule> terse_rules = Prepare(kTersePageRules);
  static const std::vector<PreparedRule> bare_rules = Prepare(kBarePageRules);
  const std::string_view scanned = body.substr(0, std::min(body.size(), kScanBytes));
  // The whole page as a reader sees it, parsed by the HTML parser like the extraction; a
  // second parse, but only of pages that show less than kGuardShortTextBytes.
  const auto content_type = headers.find("content-type");
  const VisibleText visible = ReadVisibleText(
      scanned, content_type == headers.end() ? std::string_view() : content_type->second);
  PageView page;
  page.markup = AsciiLower(scanned);
  page.title = Squeeze(visible.title.substr(0, kTitleBytes));
  page.text = Squeeze(extracted_text);
  page.body_text = Squeeze(visible.text);
  if (auto found = FirstMatch(short_rules, page, headers)) return *found;
  if (extracted_text.size() < kTerseTextBytes) {
    if (auto found = FirstMatch(terse_rules, page, headers)) return *found;
  }
  if (extracted_text.size() < kBareTextBytes) {
    if (auto found = FirstMatch(bare_rules, page, headers)) return *found;
  }
  return {};
}

FailureReason VerdictReason(PageVerdict verdict) {
  switch (verdict) {
    case PageVerdict::kDocument:
      return FailureReason::kNone;
    case PageVerdict::kChallenge:
      return FailureReason::kChallenge;
    case PageVerdict::kBlocked:
      return FailureReason::kBlocked;
    case PageVerdict::kErrorPage:
      return FailureReason::kErrorPage;
    case PageVerdict::kLoginWall:
      return FailureReason::kLoginWall;
  }
  return FailureReason::kNone;
}

std::string DescribeFinding(const PageFinding& finding) {
  std::string_view kind;
  switch (finding.verdict) {
    case PageVerdict::kDocument:
      return "the document";
    case PageVerdict::kChallenge:
      kind = "bot-challenge page";
      break;
    case PageVerdict::kBlocked:
      kind = "block page";
      break;
    case PageVerdict::kErrorPage:
      kind = "error page";
      break;
    case PageVerdict::kLoginWall:
      kind = "login wall";
      break;
  }
  return std::string(kind) + " (" + std::string(finding.vendor) + ": " + std::string(finding.what) +
         ")";
}

bool IsNearEmpty(std::string_view extracted_text, int min_words) {
  if (min_words <= 0) return false;
  const auto wanted = static_cast<std::size_t>(min_words);
  return CountWordsUpTo(extracted_text, wanted - 1) < wanted;
}

bool IsSuspiciousShrink(std::size_t old_size, std::size_t new_size, double shrink_guard) {
  if (shrink_guard <= 0 || old_size == 0) return false;
  return static_cast<double>(new_size) < (1.0 - shrink_guard) * static_cast<double>(old_size);
}

}  // namespace policyd

#include "error_page_guard.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace policyd {
namespace {

// Only the start of a body is searched: challenge pages are small, and a multi-megabyte
// policy must not cost a full scan per marker.
constexpr std::size_t kScanBytes = 256 * 1024;
// Text shorter than this is "short" for the weak markers (a challenge page renders a line or
// two; the shortest real policies run to several kilobytes).
constexpr std::size_t kShortTextBytes = 1500;

struct Marker {
  std::string_view needle;  // lower case
  std::string_view kind;
};

// Present only on challenge/interstitial pages.
constexpr std::array kStrongMarkers = {
    Marker{"cf_chl_opt", "cloudflare"},
    Marker{"/cdn-cgi/challenge-platform/", "cloudflare"},
    Marker{"cf-browser-verification", "cloudflare"},
    Marker{"_incapsula_resource", "imperva"},
    Marker{"incapsula incident id", "imperva"},
    Marker{"captcha-delivery.com", "datadome"},
    Marker{"px-captcha", "perimeterx"},
    Marker{"_pxhd", "perimeterx"},
    Marker{"/_sec/cp_challenge/", "akamai"},
};

// Common on challenge pages, but also possible on real ones: need a short text too.
constexpr std::array kWeakMarkers = {
    Marker{"just a moment...", "cloudflare"},
    Marker{"attention required! | cloudflare", "cloudflare"},
    Marker{"checking your browser", "browser-check"},
    Marker{"checking if the site connection is secure", "browser-check"},
    Marker{"enable javascript and cookies to continue", "browser-check"},
    Marker{"please turn javascript on and reload the page", "browser-check"},
    Marker{"verify you are human", "captcha"},
    Marker{"verify you are a human", "captcha"},
    Marker{"are you a robot", "captcha"},
    Marker{"g-recaptcha", "captcha"},
    Marker{"h-captcha", "captcha"},
    Marker{"hcaptcha.com", "captcha"},
    Marker{"challenges.cloudflare.com/turnstile", "captcha"},
    Marker{"you don't have permission to access", "akamai"},
    Marker{"request unsuccessful. incapsula", "imperva"},
    Marker{"pardon our interruption", "imperva"},
};

std::string Lower(std::string_view text) {
  std::string lower(text.substr(0, std::min(text.size(), kScanBytes)));
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return lower;
}

std::string HeaderValue(const std::map<std::string, std::string>& headers, const char* name) {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : Lower(it->second);
}

}  // namespace

std::string DetectChallengePage(long http_status, const std::map<std::string, std::string>& headers,
                                std::string_view body, std::string_view extracted_text) {
  // Vendors mark challenges in headers too.
  if (HeaderValue(headers, "cf-mitigated") == "challenge") return "cloudflare";
  if (headers.count("x-datadome") > 0 && (http_status == 403 || http_status == 401)) {
    return "datadome";
  }
  const std::string lower_body = Lower(body);
  for (const Marker& marker : kStrongMarkers) {
    if (lower_body.find(marker.needle) != std::string::npos) return std::string(marker.kind);
  }
  if (extracted_text.size() >= kShortTextBytes) return "";
  for (const Marker& marker : kWeakMarkers) {
    if (lower_body.find(marker.needle) != std::string::npos) return std::string(marker.kind);
  }
  return "";
}

bool IsNearEmpty(std::string_view extracted_text, int min_words) {
  int words = 0;
  bool in_word = false;
  for (const char c : extracted_text) {
    // Any byte of a non-ASCII character counts as a word character: CJK text has no spaces.
    const bool word_char = std::isalnum(static_cast<unsigned char>(c)) || (c & 0x80) != 0;
    if (word_char && !in_word && ++words >= min_words) return false;
    in_word = word_char;
  }
  return true;
}

bool IsSuspiciousShrink(std::size_t old_size, std::size_t new_size, double shrink_guard) {
  if (shrink_guard <= 0 || old_size == 0) return false;
  return static_cast<double>(new_size) < (1.0 - shrink_guard) * static_cast<double>(old_size);
}

}  // namespace policyd

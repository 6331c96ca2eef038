// ErrorPageGuard: decides when a 2xx response is not the policy at all — a bot challenge, a
// captcha wall, an empty render — or a text that shrank so much at once that it is more
// likely a broken page than a new version. Pure functions, no I/O.
//
// Why this exists: peers have stored Cloudflare "Just a moment..." pages as policy versions
// and raised false "changed" alerts. A challenge page is a failed check with reason
// "challenge"; a suspicious shrink is held back (reason "suspicious") until the same text is
// seen again on consecutive checks, so a real shortening of a policy is still recorded.
#ifndef POLICYD_DAEMON_ERROR_PAGE_GUARD_H_
#define POLICYD_DAEMON_ERROR_PAGE_GUARD_H_

#include <map>
#include <string>
#include <string_view>

namespace policyd {

// The vendor or kind of bot-challenge page ("cloudflare", "akamai", "imperva", "datadome",
// "perimeterx", "captcha", "browser-check"), or "" if the response is not one. Strong markers
// (challenge scripts, vendor headers) count on any page; weak ones (phrases such as "checking
// your browser", captcha widgets) only when the extracted text is short, because real privacy
// policies talk about reCAPTCHA and real pages embed captcha-protected forms.
std::string DetectChallengePage(long http_status, const std::map<std::string, std::string>& headers,
                                std::string_view body, std::string_view extracted_text);

// True when the text holds fewer than `min_words` words: nothing a policy could be.
bool IsNearEmpty(std::string_view extracted_text, int min_words = 3);

// True when `new_size` is smaller than (1 - shrink_guard) of `old_size` (shrink_guard in
// 0..1; 0 disables the guard).
bool IsSuspiciousShrink(std::size_t old_size, std::size_t new_size, double shrink_guard);

}  // namespace policyd

#endif  // POLICYD_DAEMON_ERROR_PAGE_GUARD_H_

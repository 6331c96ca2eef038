#include "redirect_chain.h"

#include "curl_handles.h"

namespace policyd {

bool IsFollowedRedirect(long http_status) {
  switch (http_status) {
    case 301:
    case 302:
    case 303:
    case 307:
    case 308:
      return true;
    default:
      return false;
  }
}

std::string ResolveRedirect(const std::string& base, const std::string& location) {
  EnsureCurlGlobalInit();
  const CurlUrl url(curl_url());
  if (!url || curl_url_set(url.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK) return {};
  // The flags of curl's own following; NON_SUPPORT_SCHEME so that "file:" resolves and is
  // refused by name rather than as unparsable.
  constexpr unsigned int kFlags = CURLU_URLENCODE | CURLU_ALLOW_SPACE | CURLU_NON_SUPPORT_SCHEME;
  if (curl_url_set(url.get(), CURLUPART_URL, location.c_str(), kFlags) != CURLUE_OK) return {};
  // Credentials a page puts in its Location are neither sent nor stored (the final URL goes
  // into events and logs); a target's own URL may not carry any either.
  curl_url_set(url.get(), CURLUPART_USER, nullptr, 0);
  curl_url_set(url.get(), CURLUPART_PASSWORD, nullptr, 0);
  char* raw = nullptr;
  if (curl_url_get(url.get(), CURLUPART_URL, &raw, 0) != CURLUE_OK) return {};
  const CurlString resolved(raw);
  return resolved ? std::string(resolved.get()) : std::string();
}

std::optional<RedirectChain::Clock::duration> RedirectChain::Remaining(
    std::chrono::milliseconds total_timeout) const {
  if (total_timeout <= std::chrono::milliseconds::zero()) return std::nullopt;
  return Clock::duration(total_timeout) - spent;
}

}  // namespace policyd

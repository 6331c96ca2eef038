#include "redirect_stub.h"

#include <array>

#include "policyd/ascii.h"
#include "policyd/words.h"

namespace policyd {
namespace {

// Words of the interstitials in the languages of the bundled targets (lower case; matched
// inside the lower-cased text, so "redirected" also matches "Redirected").
constexpr std::array<std::string_view, 10> kRedirectWords = {
    "redirected", "redirecting", "redirect you", "weitergeleitet", "weiterleitung",
    "redirigé",   "redirection", "redirigiendo", "reindirizz",     "doorgestuurd"};

bool SaysItRedirects(std::string_view text) {
  const std::string lower = AsciiLower(text);
  for (std::string_view words : kRedirectWords) {
    if (lower.find(words) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

RedirectStub FindRedirectStub(const FetchResponse& page, std::string_view extracted_text,
                              UrlResolver resolve_url) {
  RedirectStub stub;
  if (CountWordsUpTo(extracted_text, kRedirectStubMaxWords) > kRedirectStubMaxWords) {
    return stub;
  }
  const auto refresh_header = page.headers.find("refresh");
  RedirectSignals signals = refresh_header != page.headers.end()
                                ? ReadRefreshHeader(refresh_header->second)
                                : RedirectSignals{};
  if (signals.kind == RedirectKind::kNone) {
    signals = ReadRedirectSignals(page.body, page.content_type);
  }
  if (signals.kind == RedirectKind::kNone && !SaysItRedirects(extracted_text)) return stub;
  stub.found = true;
  stub.kind = signals.kind;
  const std::string_view base = page.final_url.empty() ? page.url : page.final_url;
  if (!signals.target.empty() && resolve_url != nullptr) {
    if (auto resolved = resolve_url(signals.target, base)) stub.target = std::move(*resolved);
  }
  switch (signals.kind) {
    case RedirectKind::kMetaRefresh:
      stub.description = "a meta refresh page (after " + std::to_string(signals.refresh_seconds) +
                         " s) to " + (stub.target.empty() ? signals.target : stub.target);
      break;
    case RedirectKind::kRefreshHeader:
      stub.description = "a Refresh header (after " + std::to_string(signals.refresh_seconds) +
                         " s) to " + (stub.target.empty() ? signals.target : stub.target);
      break;
    case RedirectKind::kScript:
      stub.description =
          "a script redirect page to " + (stub.target.empty() ? signals.target : stub.target);
      break;
    case RedirectKind::kNone:
      stub.description = "a page that only says it redirects";
      break;
  }
  return stub;
}

}  // namespace policyd

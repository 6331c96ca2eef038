// Redirect stubs: a capture that is only an interstitial sending its reader elsewhere ("You
// should be redirected quickly, if not click here", a <meta http-equiv="refresh"> page or its
// `Refresh` response header, a location.replace() page) is not a version of the document. Open
// Terms Archive's captures hold such pages between two real versions of a policy; stored, each
// would be two false changes. The check fails as `redirect_stub` instead, after following the stub
// when it points to the same site (ProcessCheck hands the target back to the daemon, which fetches
// it through the fetcher: robots.txt, the address policy and the host's politeness gate apply).
#ifndef POLICYD_CHECK_REDIRECT_STUB_H_
#define POLICYD_CHECK_REDIRECT_STUB_H_

#include <string>
#include <string_view>

#include "policyd/document_text.h"
#include "policyd/extract.h"
#include "policyd/fetch_response.h"

namespace policyd {

// A stub has at most this many words of text: the interstitials run to a dozen or two; the
// shortest documents in ../shared/corpora/ota-dating (imprints) to over a hundred.
inline constexpr int kRedirectStubMaxWords = 40;

// How many stubs one check follows before it fails (a stub pointing to a stub...).
inline constexpr int kMaxRedirectStubHops = 2;

struct RedirectStub {
  bool found = false;
  RedirectKind kind = RedirectKind::kNone;  // kNone: only its words say it redirects
  // The absolute http(s) URL it sends to, resolved against the page's final URL; "" when it
  // names none, none that parses as http/https, or there was no resolver.
  std::string target;
  std::string description;  // for the check's message: "meta refresh to https://..."
};

// Decides whether `page` (a usable HTML response) with `extracted_text` (its extracted text)
// is a redirect stub: a short text (at most kRedirectStubMaxWords words) and either a
// `Refresh` header (ReadRefreshHeader), a meta refresh or script redirect
// (ReadRedirectSignals), or words that say the reader is being
// redirected ("redirected", "redirecting", "weitergeleitet", "redirigé", ...). A long page that
// carries a refresh (a session-timeout reload, a tracking script) is a document. The target is
// made absolute with `resolve_url`; without one (nullptr) the description names it as written.
RedirectStub FindRedirectStub(const FetchResponse& page, std::string_view extracted_text,
                              UrlResolver resolve_url);

}  // namespace policyd

#endif  // POLICYD_CHECK_REDIRECT_STUB_H_

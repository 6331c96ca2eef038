// The politeness key of a URL: which host queue a request waits in (the fetcher), and whose
// share of dispatch slots a check takes (the daemon, DispatchGate).
#ifndef POLICYD_HOST_KEY_H_
#define POLICYD_HOST_KEY_H_

#include <string>
#include <string_view>

#include "policyd/status.h"

namespace policyd {

// Parses `url` with curl's URL API (the same parser the transfer uses) and returns
// "<lower-case host>:<port>", the port being the URL's own or the scheme's default, e.g.
// "example.com:443", "[2001:db8::1]:8080". Fails with InvalidArgument for an unparsable URL,
// one without a host, or a scheme other than http/https.
Result<std::string> HostKeyForUrl(std::string_view url);

}  // namespace policyd

#endif  // POLICYD_HOST_KEY_H_

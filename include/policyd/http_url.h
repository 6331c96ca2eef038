// HttpUrl: an http/https URL parsed with curl's URL API (the parser the transfers use, so a
// URL means here what it means on the wire). One place for it: the politeness key, robots.txt
// locations and the targets of redirect stubs all read URLs through it.
#ifndef POLICYD_HTTP_URL_H_
#define POLICYD_HTTP_URL_H_

#include <optional>
#include <string>
#include <string_view>

#include "policyd/host_labels.h"  // HostToALabels
#include "policyd/status.h"

namespace policyd {

struct HttpUrl {
  std::string url;             // the whole URL, normalised by curl (resolved when it was relative)
  std::string scheme;          // "http" or "https"
  std::string host;            // lower case, A-labels (IDNA); IPv6 literals in brackets
  std::string port;            // the URL's own or the scheme's default, e.g. "443"
  std::string path_and_query;  // "/a/b?c=d" as sent on the wire ("/" when empty)
};

// Parses `url`, resolved against `base` when `base` is not empty (a relative reference such as
// "/privacy" or "../terms" from a page). Fails with InvalidArgument for an unparsable URL, one
// without a host, or a scheme other than http/https. An internationalised host ("bücher.de",
// UTF-8) is written in A-labels ("xn--bcher-kva.de") in `host` and `url`, whatever the process
// locale (curl converts it itself only when the locale's charset is UTF-8, and a daemon runs
// in "C"); one that is no valid IDNA name fails with InvalidArgument.
Result<HttpUrl> ParseHttpUrl(std::string_view url, std::string_view base = {});

// ParseHttpUrl(url, base)'s whole URL, or nullopt when it fails: the check's UrlResolver
// (policyd/document_text.h) for redirect stubs' targets.
std::optional<std::string> ResolveHttpUrl(std::string_view url, std::string_view base);

// True when the two hosts belong to the same site as far as can be told without the Public
// Suffix List: equal once a leading "www." is dropped, or one a subdomain of the other
// ("legal.example.com" and "www.example.com" share "example.com"). Conservative: sibling
// subdomains of a shared parent that is not one of the two ("a.example.com", "b.example.com")
// count as different sites.
bool SameSite(std::string_view host_a, std::string_view host_b);

}  // namespace policyd

#endif  // POLICYD_HTTP_URL_H_

// The registrable domain ("eTLD+1") of a host: the part of its name that one party controls,
// by the Public Suffix List. A fleet divides its documents by it (policyd/fleet_plan.h), so
// that every host of one site ("www.example.co.uk", "legal.example.co.uk") is checked by one
// member and the site's politeness limits hold across the fleet.
//
// Contract:
//  - the list is libpsl's built-in one (psl_builtin(): the Public Suffix List Debian's libpsl
//    was built with), private section included, so "a.b.github.io" gives "b.github.io":
//    every github.io user is a party of its own;
//  - the result is lower-case ASCII. An internationalised name is converted to A-labels with
//    libidn2 (IDNA2008 with the UTS #46 mapping, non-transitional, then transitional when that
//    fails: the conversion curl makes before it connects) from UTF-8, whatever the process
//    locale, so "www.bücher.de", "WWW.BÜCHER.DE" and "xn--bcher-kva.de" all give
//    "xn--bcher-kva.de" and every member of a fleet computes the same domain;
//  - a host with no registrable part is its own domain: an IP address ("127.0.0.1", and
//    "[::1]" with the brackets URLs write it in), a name of one label ("localhost") and a
//    public suffix itself ("co.uk", "github.io");
//  - a final dot is dropped ("example.com." is "example.com").
// Errors (InvalidArgument): an empty host, one longer than 253 bytes, a name IDNA refuses; for
// a URL, whatever ParseHttpUrl refuses (policyd/http_url.h: the URL is read with curl's parser,
// as the fetches read it).
#ifndef POLICYD_REGISTRABLE_DOMAIN_H_
#define POLICYD_REGISTRABLE_DOMAIN_H_

#include <string>
#include <string_view>

#include "policyd/status.h"

namespace policyd {

// The registrable domain of `host` (a URL's host part, such as HttpUrl::host).
Result<std::string> RegistrableDomainOfHost(std::string_view host);

// The registrable domain of an http(s) URL's host.
Result<std::string> RegistrableDomainOfUrl(std::string_view url);

}  // namespace policyd

#endif  // POLICYD_REGISTRABLE_DOMAIN_H_

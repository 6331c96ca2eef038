// Internationalised host names in the form connections use: one conversion for the fetcher's
// URLs (policyd/http_url.h), the fleet's registrable domains and the address policy's check
// of target URLs, so that they never disagree on which host a URL names.
#ifndef POLICYD_HOST_LABELS_H_
#define POLICYD_HOST_LABELS_H_

#include <string>
#include <string_view>

#include "policyd/status.h"

namespace policyd {

// The A-label form of a host name with non-ASCII (UTF-8) labels, by libidn2: IDNA2008 with
// the UTS #46 mapping, non-transitional, then transitional when that fails ("faß.de" is
// "xn--fa-hia.de"; fullwidth "１２７.０.０.１" is "127.0.0.1"), lower case. InvalidArgument when
// neither accepts it. An ASCII host is returned lower-cased, unchanged otherwise.
Result<std::string> HostToALabels(std::string_view host);

}  // namespace policyd

#endif  // POLICYD_HOST_LABELS_H_

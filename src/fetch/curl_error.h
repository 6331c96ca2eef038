// Mapping from libcurl's result codes to the FetchError categories that callers act on.
#ifndef POLICYD_SRC_FETCH_CURL_ERROR_H_
#define POLICYD_SRC_FETCH_CURL_ERROR_H_

#include <curl/curl.h>

#include "policyd/fetcher.h"

namespace policyd {

// Classifies a finished transfer from curl's result alone. `http_status` is the last response
// code curl saw (0 when none): it separates a redirect to a refused scheme (kBadUrl) from a
// server that answered in something that is not HTTP at all, which curl reports with the
// same CURLE_UNSUPPORTED_PROTOCOL ("Received HTTP/0.9 when not allowed") → kProtocol.
// Reasons the transfer's own callbacks recorded (body cap, header cap, refused address) are
// not visible here; the caller applies them first.
FetchError ClassifyCurlCode(CURLcode code, long http_status);

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_CURL_ERROR_H_

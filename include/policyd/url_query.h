// Query strings of the web view's URLs, as HTML forms send them with method GET
// (application/x-www-form-urlencoded, WHATWG URL Standard §5): name=value pairs joined by '&',
// '+' for a space, other bytes percent-encoded. Percent-encoding and decoding are libcurl's
// (curl_easy_escape / curl_easy_unescape).
//
// Deviations: a pair without '=' is a name with an empty value (as the standard says), but an
// empty pair ("a=1&&b=2") is skipped; a decoded NUL byte is refused rather than kept, because
// every consumer treats values as C++ strings that end up in JSON and HTML.
#ifndef POLICYD_URL_QUERY_H_
#define POLICYD_URL_QUERY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/status.h"

namespace policyd {

struct QueryParam {
  std::string name;
  std::string value;
  bool operator==(const QueryParam&) const = default;
};
using QueryParams = std::vector<QueryParam>;

// The decoded pairs of `query` (the part after '?', without it), in order. InvalidArgument for
// more than `max_params` pairs, a malformed percent-escape is kept as it is (as browsers do),
// a decoded NUL is refused.
Result<QueryParams> ParseQuery(std::string_view query, std::size_t max_params = 32);

// One name or value percent-encoded: every byte but [A-Za-z0-9-._~] becomes %XX.
std::string EncodeQueryComponent(std::string_view text);

// "name=value&name=value", each side encoded; "" for no pairs.
std::string EncodeQuery(const QueryParams& params);

// The value of the first pair named `name`, or nullptr.
const std::string* FindQueryParam(const QueryParams& params, std::string_view name);

}  // namespace policyd

#endif  // POLICYD_URL_QUERY_H_

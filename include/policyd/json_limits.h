// Bounded JSON parsing for lines that come from untrusted local clients (the control and
// events sockets).
//
// nlohmann::json's parser is iterative, but copying, comparing and dumping a value recurse
// once per nesting level: a 200 KB request of '[' parses fine and then overflows the stack of
// whichever thread first copies it. So the nesting depth is checked before any value is built,
// by a SAX pass that allocates nothing and stops at the first level too deep; only then is the
// line parsed into a value.
#ifndef POLICYD_JSON_LIMITS_H_
#define POLICYD_JSON_LIMITS_H_

#include <cstddef>
#include <string_view>

#include <nlohmann/json.hpp>

#include "policyd/status.h"

namespace policyd {

// The JSON value in `text`, or InvalidArgument: "not JSON (...)" for a syntax error, "JSON
// nested deeper than N levels" when arrays/objects nest more than `max_depth` deep (a scalar
// has depth 0, `{}` and `[]` depth 1).
Result<nlohmann::json> ParseJsonWithDepthLimit(std::string_view text, std::size_t max_depth);

}  // namespace policyd

#endif  // POLICYD_JSON_LIMITS_H_

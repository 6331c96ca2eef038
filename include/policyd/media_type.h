// The media type of a Content-Type field value (RFC 9110, section 8.3), as both the fetcher
// (which refuses unwanted types as their headers arrive) and the check (which decides how a
// body is read) need it, so that the two never disagree about one response.
#ifndef POLICYD_MEDIA_TYPE_H_
#define POLICYD_MEDIA_TYPE_H_

#include <string>
#include <string_view>

namespace policyd {

// Lower case, without parameters or surrounding white space ("Text/HTML; charset=x" ->
// "text/html"); of a list (a server that sent the header twice, joined with ','), the first
// type; "" for an empty value and for one that is not `type/subtype` in RFC 9110 tokens
// ("html", "text/html charset=utf-8"): as WHATWG MIME Sniffing says, such a value is as good
// as none, so the body is sniffed as when the header is missing.
std::string MediaType(std::string_view content_type);

}  // namespace policyd

#endif  // POLICYD_MEDIA_TYPE_H_

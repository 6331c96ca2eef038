// Charset decision helpers (internal to the extract component; DecodeToUtf8 in
// policyd/extract.h is the public entry point). Exposed for tests.
#ifndef POLICYD_SRC_EXTRACT_CHARSET_H_
#define POLICYD_SRC_EXTRACT_CHARSET_H_

#include <string>
#include <string_view>

namespace policyd::extract_internal {

// The value of the `charset` parameter in a Content-Type header value or in the `content`
// attribute of <meta http-equiv=Content-Type> (quotes removed), or "" when absent.
std::string_view CharsetParameter(std::string_view content_type);

// WHATWG "prescan a byte stream to determine its encoding", simplified: the charset label
// declared by the first <meta charset> or <meta http-equiv=content-type content=...> within
// the first `limit` bytes, or "" when none. Comments are skipped.
std::string_view PrescanMetaCharset(std::string_view bytes, size_t limit = 4096);

// Maps a charset label (any case, e.g. "Latin1", "UTF8", "x-sjis") to our canonical lower-case
// name ("windows-1252", "utf-8", "shift_jis") following the WHATWG Encoding Standard where it
// matters (ISO-8859-1 and US-ASCII are decoded as windows-1252). Returns "" when glibc iconv
// cannot decode the charset.
std::string CanonicalCharset(std::string_view label);

// True for the canonical names of UTF-16 ("utf-16le", "utf-16be").
bool IsUtf16(std::string_view canonical);

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_CHARSET_H_

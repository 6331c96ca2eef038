// Undoing a gzip Content-Encoding as browsers do, for the bodies curl's decoder refuses.
//
// Standard: RFC 1952 (GZIP file format 4.3), section 2.2: "A gzip file consists of a series of
// members". curl decodes the first member only and fails the transfer on any byte after it;
// browsers show the page. Here every member is decoded in turn, and bytes after a member that
// do not start another one (the gzip magic 1f 8b) are ignored as stray (a newline, a second
// chunked terminator some servers append). Deviation from the RFC, as browsers: those stray
// bytes are not an error. A member damaged or cut short is one, whichever it is: its page's text
// would be incomplete.
#ifndef POLICYD_SRC_FETCH_GZIP_MEMBERS_H_
#define POLICYD_SRC_FETCH_GZIP_MEMBERS_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace policyd {

enum class GunzipOutcome {
  kDecoded,
  kDamaged,   // not gzip, damaged compressed data or checksum, or a member cut short
  kTooLarge,  // the decoded bytes would pass max_bytes
};

struct Gunzipped {
  GunzipOutcome outcome = GunzipOutcome::kDamaged;
  std::string bytes;            // the decoded body (kDecoded only)
  std::string problem;          // what is wrong ("member 2 is cut short"), for messages
  int members = 0;              // decoded members
  std::size_t stray_bytes = 0;  // ignored after the last member
};

// Decodes `body`, a gzip-coded HTTP body, stopping with kTooLarge once the output passes
// `max_bytes` (a gzip bomb costs at most that much memory).
Gunzipped GunzipMembers(std::string_view body, std::size_t max_bytes);

}  // namespace policyd

#endif  // POLICYD_SRC_FETCH_GZIP_MEMBERS_H_

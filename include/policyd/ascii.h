// ASCII case folding for protocol tokens and markers (URL schemes and hosts, header names,
// media types, robots.txt keys, vendor markers in markup). Bytes outside A-Z are kept as they
// are, so UTF-8 text passes through unchanged; this is not Unicode case folding.
#ifndef POLICYD_ASCII_H_
#define POLICYD_ASCII_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace policyd {

std::string AsciiLower(std::string_view text);
bool IsAscii(std::string_view text);  // no byte >= 0x80
// Nothing but ASCII white space (space, tab, CR, LF): what may trail a line-based request.
bool IsAsciiBlank(std::string_view text);
// The value of a non-empty run of ASCII digits, nothing else (no sign, no space), that fits
// in 64 bits; nullopt otherwise. For command-line numbers: std::stoull throws past 2^64.
std::optional<uint64_t> ParseDecimalUint64(std::string_view text);

}  // namespace policyd

#endif  // POLICYD_ASCII_H_

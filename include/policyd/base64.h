// Base64 (RFC 4648, section 4: the standard alphabet, with padding), by OpenSSL's
// EVP_EncodeBlock / EVP_DecodeBlock: for bytes that must cross JSON exactly (a raw capture
// that is not UTF-8, whose SHA-256 an analyst checks).
#ifndef POLICYD_BASE64_H_
#define POLICYD_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace policyd {

std::string Base64Encode(std::string_view bytes);
// The bytes of `text`, or nullopt when it is not padded standard base64.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace policyd

#endif  // POLICYD_BASE64_H_

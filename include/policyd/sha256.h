// SHA-256 (OpenSSL's EVP interface): the content address of every stored blob, the evidence
// hash of every capture, and the root of segment ids.
#ifndef POLICYD_SHA256_H_
#define POLICYD_SHA256_H_

#include <string>
#include <string_view>

namespace policyd {

// Lower-case hex SHA-256 of `data` (64 characters); "" only if OpenSSL itself fails (an
// allocation failure), which never matches a real digest.
std::string Sha256Hex(std::string_view data);

}  // namespace policyd

#endif  // POLICYD_SHA256_H_

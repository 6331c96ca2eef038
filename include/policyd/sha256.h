// SHA-256 (OpenSSL's EVP interface): the content address of every stored blob, the evidence
// hash of every capture, the root of segment ids, and the fleet's stable hash.
#ifndef POLICYD_SHA256_H_
#define POLICYD_SHA256_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace policyd {

// Lower-case hex SHA-256 of `data` (64 characters); "" only if OpenSSL itself fails (an
// allocation failure), which never matches a real digest.
std::string Sha256Hex(std::string_view data);

// The first 8 bytes of SHA-256(`data`) as a big-endian unsigned integer: a 64-bit hash that
// every machine and build computes alike (unlike std::hash); 0 only if OpenSSL fails.
uint64_t Sha256Prefix64(std::string_view data);

}  // namespace policyd

#endif  // POLICYD_SHA256_H_

#include <openssl/evp.h>

#include <memory>
#include <string>
#include <string_view>

#include "policyd/sha256.h"

namespace policyd {
namespace {

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

// SHA-256 of `data` into `digest`; its size, 0 when OpenSSL fails. EVP only fails on
// allocation failure or a broken OpenSSL installation, and the callers' contracts have no
// error channel, so they return a value that never matches a real digest.
unsigned int Digest(std::string_view data, unsigned char (&digest)[EVP_MAX_MD_SIZE]) {
  const EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned int digest_size = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &digest_size) != 1) {
    return 0;
  }
  return digest_size;
}

}  // namespace

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  const unsigned int digest_size = Digest(data, digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest_size);
  for (unsigned int i = 0; i < digest_size; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  return hex;
}

uint64_t Sha256Prefix64(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  if (Digest(data, digest) < 8) return 0;
  uint64_t value = 0;
  for (int i = 0; i < 8; ++i) value = (value << 8) | digest[i];
  return value;
}

}  // namespace policyd

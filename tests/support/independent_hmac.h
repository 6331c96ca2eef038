// The HMAC-SHA256 that webhook tests check signatures against, computed with OpenSSL's one-shot
// HMAC(), not the EVP_MAC path the webhook code uses: an independent computation. HMAC() is
// deprecated in OpenSSL 3, so the tests that include this build with
// -Wno-deprecated-declarations.
#ifndef POLICYD_TESTS_SUPPORT_INDEPENDENT_HMAC_H_
#define POLICYD_TESTS_SUPPORT_INDEPENDENT_HMAC_H_

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstdio>
#include <string>

namespace policyd::testing {

// Lower-case hex HMAC-SHA256 of `data` under `key`.
inline std::string IndependentHmac(const std::string& key, const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &size);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_SUPPORT_INDEPENDENT_HMAC_H_

// Request signing (OpenSSL 3 EVP_MAC, HMAC over SHA-256) and the request's headers.
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>
#include <string>

#include "policyd/webhook.h"

namespace policyd {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
};
struct MacContextDeleter {
  void operator()(EVP_MAC_CTX* context) const { EVP_MAC_CTX_free(context); }
};

std::string Hex(const unsigned char* bytes, std::size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * size);
  for (std::size_t i = 0; i < size; ++i) {
    hex.push_back(kHex[bytes[i] >> 4]);
    hex.push_back(kHex[bytes[i] & 0x0f]);
  }
  return hex;
}

}  // namespace

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
  if (mac == nullptr) return {};
  const std::unique_ptr<EVP_MAC_CTX, MacContextDeleter> context(EVP_MAC_CTX_new(mac.get()));
  if (context == nullptr) return {};
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  // An empty key is legal HMAC; OpenSSL wants a non-null pointer for it.
  static constexpr unsigned char kEmpty = 0;
  const auto* key_bytes =
      key.empty() ? &kEmpty : reinterpret_cast<const unsigned char*>(key.data());
  unsigned char digest[EVP_MAX_MD_SIZE];
  std::size_t digest_size = 0;
  if (EVP_MAC_init(context.get(), key_bytes, key.size(), params) != 1 ||
      EVP_MAC_update(context.get(), reinterpret_cast<const unsigned char*>(data.data()),
                     data.size()) != 1 ||
      EVP_MAC_final(context.get(), digest, &digest_size, sizeof digest) != 1) {
    return {};
  }
  return Hex(digest, digest_size);
}

std::string WebhookSignature(std::string_view secret, int64_t timestamp_s, std::string_view body) {
  std::string signed_text = std::to_string(timestamp_s);
  signed_text += '.';
  signed_text += body;
  return "v1=" + HmacSha256Hex(secret, signed_text);
}

std::vector<std::string> WebhookHeaders(const WebhookSpec& spec, const std::string& user_agent,
                                        std::string_view node_id, uint64_t seq,
                                        std::string_view type, int64_t timestamp_s,
                                        std::string_view body) {
  std::vector<std::string> headers = {
      "Content-Type: application/json",
      "User-Agent: " + user_agent,
      "Policyd-Webhook: " + spec.name,
  };
  if (!node_id.empty()) headers.push_back("Policyd-Node: " + std::string(node_id));
  headers.insert(headers.end(), {
                                    "Policyd-Event-Seq: " + std::to_string(seq),
                                    "Policyd-Event-Type: " + std::string(type),
                                    "Policyd-Timestamp: " + std::to_string(timestamp_s),
                                });
  if (!spec.secret.empty()) {
    headers.push_back("Policyd-Signature: " + WebhookSignature(spec.secret, timestamp_s, body));
  }
  // curl would otherwise send "Expect: 100-continue" for bodies over 1 KiB and wait up to a
  // second for an interim answer many receivers never give.
  headers.push_back("Expect:");
  return headers;
}

}  // namespace policyd

// Segment ids: content ids, their allocation, and the persisted form of a version's ids.
#include "src/diff/segment_ids.h"

#include <openssl/evp.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "policyd/json_limits.h"
#include "policyd/segments.h"
#include "src/diff/segment_text.h"

namespace policyd {
namespace diff_internal {
namespace {

constexpr std::size_t kIdHexDigits = 12;

struct EvpMdCtxDeleter {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxDeleter>;

// The first `hex_digits` hex digits of the SHA-256 of `data`. The store's Sha256Hex is in
// the store library (RocksDB), which the diff library does not link.
std::string Sha256HexPrefix(std::string_view data, std::size_t hex_digits) {
  const EvpMdCtxPtr ctx(EVP_MD_CTX_new());
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_size = 0;
  if (ctx == nullptr || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), data.data(), data.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &digest_size) != 1) {
    // Only on allocation failure or a broken OpenSSL; the ids stay unique (IdAllocator) and
    // deterministic, only no longer content-derived.
    return std::string(hex_digits, '0');
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(hex_digits);
  for (unsigned int i = 0; i < digest_size && hex.size() < hex_digits; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0x0f]);
  }
  hex.resize(hex_digits);
  return hex;
}

}  // namespace

std::string ContentId(std::string_view content) {
  return "s-" + Sha256HexPrefix(CollapseSpaces(content), kIdHexDigits);
}

std::string IdAllocator::Allocate(const std::string& wanted) {
  if (taken_.insert(wanted).second) return wanted;
  std::size_t& suffix = next_suffix_.try_emplace(wanted, 2).first->second;
  for (;; ++suffix) {
    std::string candidate = wanted + "-" + std::to_string(suffix);
    if (taken_.insert(candidate).second) {
      ++suffix;
      return candidate;
    }
  }
}

}  // namespace diff_internal

std::string EncodeSegmentIds(const std::vector<Segment>& segments) {
  nlohmann::json ids = nlohmann::json::array();
  for (const Segment& segment : segments) ids.push_back(segment.id);
  return ids.dump();
}

Status DecodeSegmentIds(std::string_view encoded, std::string_view text,
                        std::vector<Segment>* out) {
  Result<nlohmann::json> parsed = ParseJsonWithDepthLimit(encoded, /*max_depth=*/1);
  if (!parsed.ok()) return Status::Corruption("segment ids: " + parsed.status().message());
  if (!parsed->is_array()) return Status::Corruption("segment ids: not a JSON array");
  std::vector<Segment> segments = SplitSegments(text);
  if (parsed->size() != segments.size()) {
    return Status::Corruption("segment ids: " + std::to_string(parsed->size()) +
                              " ids for a text of " + std::to_string(segments.size()) +
                              " segments");
  }
  std::unordered_set<std::string_view> seen;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const nlohmann::json& id = (*parsed)[i];
    if (!id.is_string()) {
      return Status::Corruption("segment ids: entry " + std::to_string(i) + " is not a string");
    }
    const std::string& value = id.get_ref<const std::string&>();
    if (value.empty() || value.size() > kMaxSegmentIdBytes) {
      return Status::Corruption("segment ids: entry " + std::to_string(i) +
                                " is empty or longer than " + std::to_string(kMaxSegmentIdBytes) +
                                " bytes");
    }
    if (!seen.insert(value).second) {
      return Status::Corruption("segment ids: " + value + " occurs twice");
    }
    segments[i].id = value;
  }
  *out = std::move(segments);
  return Status::Ok();
}

}  // namespace policyd

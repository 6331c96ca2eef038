#include "src/store/keys.h"

namespace policyd::store_internal {

bool IsValidDocId(std::string_view doc_id) {
  return !doc_id.empty() && doc_id.find('\0') == std::string_view::npos;
}

void AppendBigEndian64(uint64_t value, std::string* out) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

std::optional<uint64_t> DecodeBigEndian64(std::string_view bytes) {
  if (bytes.size() != 8) return std::nullopt;
  uint64_t value = 0;
  for (const char byte : bytes) value = (value << 8) | static_cast<unsigned char>(byte);
  return value;
}

std::string EventKey(uint64_t sequence) {
  std::string key;
  AppendBigEndian64(sequence, &key);
  return key;
}

std::string DocTimeKey(std::string_view doc_id, int64_t time_ms, uint64_t n) {
  std::string key = DocKeyBegin(doc_id);
  AppendBigEndian64(time_ms < 0 ? 0 : static_cast<uint64_t>(time_ms), &key);
  AppendBigEndian64(n, &key);
  return key;
}

std::string DocKeyBegin(std::string_view doc_id) {
  std::string key(doc_id);
  key.push_back('\0');
  return key;
}

std::string DocKeyEnd(std::string_view doc_id) {
  std::string key(doc_id);
  key.push_back('\x01');
  return key;
}

}  // namespace policyd::store_internal

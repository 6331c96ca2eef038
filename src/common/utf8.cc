#include "policyd/utf8.h"

#include <unicode/utf8.h>

#include <cstdint>
#include <cstring>

namespace policyd {

bool IsValidUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int64_t>(text.size());
  int64_t i = 0;
  while (i < length) {
    // ASCII runs dominate HTML: skip them eight bytes at a time.
    while (i + 8 <= length) {
      uint64_t word = 0;
      std::memcpy(&word, bytes + i, sizeof word);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= length) break;
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    UChar32 code_point = 0;
    U8_NEXT(bytes, i, length, code_point);
    if (code_point < 0) return false;
  }
  return true;
}

}  // namespace policyd

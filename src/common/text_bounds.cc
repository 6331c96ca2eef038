#include "policyd/text_bounds.h"

namespace policyd {
namespace {

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::size_t TruncatedLength(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text.size();
  std::size_t keep = max_bytes > kTruncationMark.size() ? max_bytes - kTruncationMark.size() : 0;
  // Back off to the start of the character that would be split.
  while (keep > 0 && IsContinuationByte(text[keep])) --keep;
  return keep;
}

std::string TruncateUtf8(std::string_view text, std::size_t max_bytes) {
  const std::size_t keep = TruncatedLength(text, max_bytes);
  std::string out(text.substr(0, keep));
  if (keep < text.size()) out.append(kTruncationMark);
  return out;
}

}  // namespace policyd

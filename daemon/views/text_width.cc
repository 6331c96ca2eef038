#include "text_width.h"

#include <algorithm>

namespace policyd {
namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::size_t DisplayWidth(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return !IsContinuation(c); }));
}

std::string CutToWidth(std::string_view text, std::size_t width) {
  if (DisplayWidth(text) <= width) return std::string(text);
  if (width == 0) return "";
  // Keep width - 1 code points: the end is the lead byte of the code point after them.
  std::size_t kept = 0;
  std::size_t end = 0;
  for (; end < text.size(); ++end) {
    if (IsContinuation(text[end])) continue;
    if (kept == width - 1) break;
    ++kept;
  }
  return std::string(text.substr(0, end)) + "\u2026";
}

std::string PadRight(std::string_view text, std::size_t width) {
  std::string out(text);
  const std::size_t used = DisplayWidth(text);
  if (used < width) out.append(width - used, ' ');
  return out;
}

std::string PadLeft(std::string_view text, std::size_t width) {
  const std::size_t used = DisplayWidth(text);
  return std::string(used < width ? width - used : 0, ' ') + std::string(text);
}

}  // namespace policyd

// CutAtLineBoundary (include/policyd/atom.h).
#include "policyd/atom.h"
#include "policyd/text_bounds.h"

namespace policyd {

std::string_view CutAtLineBoundary(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  const std::size_t last_newline = text.rfind('\n', max_bytes == 0 ? 0 : max_bytes - 1);
  if (last_newline != std::string_view::npos && last_newline < max_bytes) {
    return text.substr(0, last_newline + 1);
  }
  return text.substr(0, TruncatedLength(text, max_bytes));
}

}  // namespace policyd

#include "src/diff/lines.h"

namespace policyd::diff_internal {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t newline = text.find('\n', start);
    const std::size_t end = newline == std::string_view::npos ? text.size() : newline + 1;
    lines.push_back(text.substr(start, end - start));
    start = end;
  }
  return lines;
}

std::string_view LineContent(std::string_view line) {
  if (HasNewline(line)) line.remove_suffix(1);
  return line;
}

bool HasNewline(std::string_view line) { return !line.empty() && line.back() == '\n'; }

std::size_t ListMarkerLength(std::string_view body) {
  std::size_t pos = 0;
  if (!body.empty() && (body[0] == '-' || body[0] == '*' || body[0] == '+')) {
    pos = 1;
  } else {
    while (pos < body.size() && pos < 10 && body[pos] >= '0' && body[pos] <= '9') ++pos;
    if (pos == 0 || pos == body.size() || (body[pos] != '.' && body[pos] != ')')) return 0;
    ++pos;
  }
  if (pos == body.size()) return pos;
  return body[pos] == ' ' || body[pos] == '\t' ? pos : 0;
}

}  // namespace policyd::diff_internal

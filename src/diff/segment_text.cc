#include "src/diff/segment_text.h"

#include <algorithm>

namespace policyd::diff_internal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

std::string_view TrimTrailingSpace(std::string_view line) {
  while (!line.empty() && IsSpace(line.back())) line.remove_suffix(1);
  return line;
}

// A continuation line without the markers that only place it in its block.
std::string_view StripContinuationMarkers(SegmentKind kind, std::string_view line) {
  if (kind == SegmentKind::kCode) return line;
  std::size_t skip = 0;
  while (skip < line.size() && (line[skip] == ' ' || line[skip] == '\t' ||
                                (kind == SegmentKind::kQuote && line[skip] == '>'))) {
    ++skip;
  }
  return line.substr(skip);
}

}  // namespace

std::string SegmentContent(SegmentKind kind, std::string_view span) {
  std::string content;
  content.reserve(span.size());
  std::size_t start = 0;
  bool first = true;
  while (start <= span.size()) {
    std::size_t end = span.find('\n', start);
    if (end == std::string_view::npos) end = span.size();
    std::string_view line = span.substr(start, end - start);
    if (!first) {
      content.push_back('\n');
      line = StripContinuationMarkers(kind, line);
    }
    content.append(TrimTrailingSpace(line));
    first = false;
    start = end + 1;
  }
  return content;
}

std::string CollapseSpaces(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (const char c : text) {
    if (IsSpace(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::size_t CountCodePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), StartsCodePoint));
}

std::size_t CodePointCursor::At(std::size_t byte) {
  byte = std::min(byte, text_.size());
  if (byte < byte_) {
    byte_ = 0;
    code_points_ = 0;
  }
  code_points_ += CountCodePoints(text_.substr(byte_, byte - byte_));
  byte_ = byte;
  return code_points_;
}

}  // namespace policyd::diff_internal

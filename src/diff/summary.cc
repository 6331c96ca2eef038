// SummarizeDiff: counts and the Markdown sections a change touches, for event payloads.
#include <string>
#include <string_view>
#include <vector>

#include "policyd/diff.h"
#include "src/diff/edit_script.h"
#include "src/diff/lines.h"

namespace policyd {
namespace {

using diff_internal::EditOp;

// For each line, the nearest heading ('#' in column 0) at or above it; "" before the first.
// Trailing whitespace is dropped so a heading reads the same whatever the line ending.
std::vector<std::string_view> HeadingAbove(const std::vector<std::string_view>& lines) {
  std::vector<std::string_view> headings;
  headings.reserve(lines.size());
  std::string_view current;
  for (const std::string_view line : lines) {
    if (!line.empty() && line.front() == '#') {
      current = line;
      const std::size_t end = current.find_last_not_of(" \t\r\n");
      current = current.substr(0, end == std::string_view::npos ? 0 : end + 1);
    }
    headings.push_back(current);
  }
  return headings;
}

void AddSection(std::string_view heading, std::vector<std::string>* sections) {
  for (const std::string& seen : *sections) {
    if (seen == heading) return;
  }
  sections->emplace_back(heading);
}

}  // namespace

DiffSummary SummarizeDiff(std::string_view old_text, std::string_view new_text) {
  DiffSummary summary;
  if (old_text == new_text) return summary;

  const auto old_lines = diff_internal::SplitLines(old_text);
  const auto new_lines = diff_internal::SplitLines(new_text);
  const auto old_headings = HeadingAbove(old_lines);
  const auto new_headings = HeadingAbove(new_lines);
  for (const auto& edit : diff_internal::ComputeEditScript(old_lines, new_lines)) {
    if (edit.op == EditOp::kDelete) {
      ++summary.lines_removed;
      AddSection(old_headings[edit.old_index], &summary.sections);
    } else if (edit.op == EditOp::kAdd) {
      ++summary.lines_added;
      AddSection(new_headings[edit.new_index], &summary.sections);
    }
  }
  return summary;
}

}  // namespace policyd

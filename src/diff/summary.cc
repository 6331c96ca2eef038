// SummarizeDiff: counts and the Markdown sections a change touches, for event payloads.
#include <algorithm>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "policyd/diff.h"
#include "policyd/text_bounds.h"
#include "src/diff/edit_script.h"
#include "src/diff/lines.h"

namespace policyd {
namespace {

using diff_internal::EditOp;

// The headings ('#' in column 0) of a text and their line numbers, so the heading above any
// line is a binary search away (a page may have 100,000 headings and as many changed lines).
class SectionIndex {
 public:
  explicit SectionIndex(const std::vector<std::string_view>& lines) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string_view line = lines[i];
      if (line.empty() || line.front() != '#') continue;
      // Trailing whitespace is dropped so a heading reads the same whatever the line ending.
      const std::size_t end = line.find_last_not_of(" \t\r\n");
      heading_lines_.push_back(i);
      headings_.push_back(line.substr(0, end == std::string_view::npos ? 0 : end + 1));
    }
  }

  // The nearest heading at or above `line`; "" before the first heading.
  std::string_view HeadingOf(std::size_t line) const {
    const auto after = std::upper_bound(heading_lines_.begin(), heading_lines_.end(), line);
    if (after == heading_lines_.begin()) return {};
    return headings_[static_cast<std::size_t>(after - heading_lines_.begin()) - 1];
  }

 private:
  std::vector<std::size_t> heading_lines_;  // ascending
  std::vector<std::string_view> headings_;
};

// Distinct section names in order of first appearance, within the summary's limits.
class SectionCollector {
 public:
  SectionCollector(const SummaryLimits& limits, DiffSummary* summary)
      : limits_(limits), summary_(summary) {}

  void Add(std::string_view heading) {
    // Names are compared as they will be reported, so two long headings that read the same
    // once cut are one entry.
    const std::string_view key =
        heading.substr(0, TruncatedLength(heading, limits_.max_section_bytes));
    if (!seen_.insert(key).second) return;
    if (summary_->sections.size() < limits_.max_sections) {
      summary_->sections.push_back(TruncateUtf8(heading, limits_.max_section_bytes));
    } else {
      ++summary_->sections_truncated;
    }
  }

 private:
  const SummaryLimits& limits_;
  DiffSummary* summary_;
  std::unordered_set<std::string_view> seen_;
};

}  // namespace

DiffSummary SummarizeDiff(std::string_view old_text, std::string_view new_text,
                          const SummaryLimits& limits) {
  DiffSummary summary;
  if (old_text == new_text) return summary;

  const auto old_lines = diff_internal::SplitLines(old_text);
  const auto new_lines = diff_internal::SplitLines(new_text);
  diff_internal::StepBudget budget(limits.max_steps);
  const diff_internal::EditScript script =
      diff_internal::ComputeEditScript(old_lines, new_lines, &budget);
  summary.approximate = !script.minimal;

  const SectionIndex old_sections(old_lines);
  const SectionIndex new_sections(new_lines);
  SectionCollector sections(limits, &summary);
  // A blank line separates sections: one added or removed (a section moved past another takes
  // the blank line before it from the section above) names no section, unless blank lines are
  // all that changed.
  std::vector<std::string_view> blank_line_sections;
  const auto note = [&](const std::vector<std::string_view>& lines, std::size_t index,
                        const SectionIndex& index_of_sections) {
    const std::string_view heading = index_of_sections.HeadingOf(index);
    if (lines[index].find_first_not_of(" \t\r\n") == std::string_view::npos) {
      blank_line_sections.push_back(heading);
    } else {
      sections.Add(heading);
    }
  };
  for (const auto& edit : script.edits) {
    if (edit.op == EditOp::kDelete) {
      ++summary.lines_removed;
      note(old_lines, edit.old_index, old_sections);
    } else if (edit.op == EditOp::kAdd) {
      ++summary.lines_added;
      note(new_lines, edit.new_index, new_sections);
    }
  }
  // Every other changed line names a section (the one before the first heading is "").
  if (summary.sections.empty() && summary.sections_truncated == 0) {
    for (const std::string_view heading : blank_line_sections) sections.Add(heading);
  }
  return summary;
}

}  // namespace policyd

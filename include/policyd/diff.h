// Diff: line diffs between two extracted texts, computed with dtl (Debian's libdtl-dev).
// Pure computation, thread-safe.
#ifndef POLICYD_DIFF_H_
#define POLICYD_DIFF_H_

#include <string>
#include <string_view>
#include <vector>

namespace policyd {

struct DiffSummary {
  int lines_added = 0;
  int lines_removed = 0;
  // The nearest Markdown heading ("# ..." lines) above each changed line, in order of first
  // appearance, without duplicates; "" stands for text before the first heading.
  std::vector<std::string> sections;
};

// Summarises the line-level edit script from `old_text` to `new_text`.
DiffSummary SummarizeDiff(std::string_view old_text, std::string_view new_text);

struct UnifiedDiffOptions {
  int context_lines = 3;
  bool color = false;       // ANSI colours (red removed, green added, cyan hunk headers)
  // With word_level, the i-th removed line of a change run and the i-th added line are shown
  // once, prefixed '~' instead of '-'/'+', e.g. "~We share data with [-partners-]{+affiliates+}";
  // unpaired lines keep '-'/'+'. Such output is for people, not for patch(1).
  bool word_level = false;  // mark changed words inside changed lines: [-old-]{+new+}
};

// A unified diff ("--- a", "+++ b", "@@ -l,n +l,n @@" hunks). Empty when the texts are equal.
std::string UnifiedDiff(std::string_view old_text, std::string_view new_text,
                        std::string_view old_label, std::string_view new_label,
                        const UnifiedDiffOptions& options = {});

}  // namespace policyd

#endif  // POLICYD_DIFF_H_

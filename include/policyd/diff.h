// Diff: line diffs between two extracted texts, computed with dtl (Debian's libdtl-dev).
// Pure computation, thread-safe.
//
// Bounded work: dtl's search costs up to the product of the two line counts (a page whose
// sections were reordered: minutes and hundreds of MB). Its cost is predicted before it
// starts (src/diff/work_estimate.h) and a diff predicted to take more than `max_steps`
// steps is not searched: SummarizeDiff then reports the changed span coarsely (marked
// `approximate`), UnifiedDiff refuses. Section names are found by binary search.
#ifndef POLICYD_DIFF_H_
#define POLICYD_DIFF_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/status.h"

namespace policyd {

// dtl search steps one diff may take: about 0.2 s of CPU and 48 MB at most. A text edited
// in place stays far below it whatever its size; only massive reordering reaches it.
inline constexpr uint64_t kDefaultDiffMaxSteps = 2'000'000;

struct SummaryLimits {
  uint64_t max_steps = kDefaultDiffMaxSteps;
  std::size_t max_sections = 64;        // further distinct sections are only counted
  std::size_t max_section_bytes = 256;  // longer names are cut (UTF-8 safe) and end in "…"
};

struct DiffSummary {
  int lines_added = 0;
  int lines_removed = 0;
  // The nearest Markdown heading ("# ..." lines) above each changed line, in order of first
  // appearance, without duplicates; "" stands for text before the first heading. At most
  // SummaryLimits::max_sections entries of at most max_section_bytes bytes each.
  std::vector<std::string> sections;
  // Distinct sections left out of `sections` by the count limit.
  int sections_truncated = 0;
  // False: the counts and sections are those of the shortest line diff. True: that diff
  // was too expensive to compute, and everything from the first to the last differing line
  // counts as removed and added (upper bounds of the exact counts), with its sections.
  bool approximate = false;
};

// Summarises the line-level edit script from `old_text` to `new_text`.
DiffSummary SummarizeDiff(std::string_view old_text, std::string_view new_text,
                          const SummaryLimits& limits = {});

struct UnifiedDiffOptions {
  int context_lines = 3;
  bool color = false;  // ANSI colours (red removed, green added, cyan hunk headers)
  // With word_level, the i-th removed line of a change run and the i-th added line are shown
  // once, prefixed '~' instead of '-'/'+', e.g. "~We share data with [-partners-]{+affiliates+}";
  // unpaired lines keep '-'/'+'. Such output is for people, not for patch(1). The word diffs
  // share the budget left by the line diff; a pair beyond it is marked as one change between
  // its common leading and trailing words.
  bool word_level = false;  // mark changed words inside changed lines: [-old-]{+new+}
  uint64_t max_steps = kDefaultDiffMaxSteps;
};

// A unified diff ("--- a", "+++ b", "@@ -l,n +l,n @@" hunks). Empty when the texts are equal.
// Status::Unsupported (with the line counts) when the line diff would take more than
// `options.max_steps`.
Result<std::string> UnifiedDiff(std::string_view old_text, std::string_view new_text,
                                std::string_view old_label, std::string_view new_label,
                                const UnifiedDiffOptions& options = {});

// What kind of change a new text is (document.changed's `change_class`), judged on the words
// a reader sees: NFKC-normalised, case-folded (ICU) runs of letters, marks and digits, with
// Markdown markers and link targets set aside.
//   kFormatting  the same words and punctuation; only Markdown structure (headings, list and
//                table markers, line breaks) or link targets differ;
//   kCosmetic    the same words in the same order; punctuation, typography (’ or ', “ or ",
//                dashes, ellipsis), Unicode forms, case or spacing differ;
//   kReorder     the same paragraphs (by their words), in another order;
//   kSubstantive words were added, removed or replaced.
// words_added / words_removed: words of one text that the other lacks, as multisets (a word
// moved elsewhere is neither), so 0 for every class but kSubstantive. Linear time, no budget.
enum class ChangeClass { kSubstantive, kCosmetic, kFormatting, kReorder };
const char* ChangeClassName(ChangeClass change_class);  // "substantive", "cosmetic", ...

struct ChangeClassification {
  ChangeClass change_class = ChangeClass::kSubstantive;
  int words_added = 0;
  int words_removed = 0;
};
ChangeClassification ClassifyChange(std::string_view old_text, std::string_view new_text);

}  // namespace policyd

#endif  // POLICYD_DIFF_H_

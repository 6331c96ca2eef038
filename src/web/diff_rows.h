// A unified diff (UnifiedDiff's output, policyd/diff.h) read back into rows for the web view's
// diff page: each line with its old and new line numbers, as the "@@ -l,n +l,n @@" hunk headers
// give them. Bounded: at most `max_rows` rows are kept, the lines after them only counted.
#ifndef POLICYD_WEB_DIFF_ROWS_H_
#define POLICYD_WEB_DIFF_ROWS_H_

#include <cstddef>
#include <string_view>
#include <vector>

namespace policyd::web_internal {

enum class DiffRowKind {
  kHunk,     // "@@ -l,n +l,n @@": text is the whole header
  kContext,  // ' ': in both versions
  kRemoved,  // '-': only in the old version
  kAdded,    // '+': only in the new version
  kChanged,  // '~': a word-level pair ([-old-]{+new+}), in both
  kNote,     // "\ No newline at end of file", or a line that fits nothing above
};

struct DiffRow {
  DiffRowKind kind = DiffRowKind::kNote;
  std::size_t old_line = 0;  // 1-based; 0 when the row has none
  std::size_t new_line = 0;
  std::string_view text;  // without the marker; points into the diff text
};

struct DiffRows {
  std::vector<DiffRow> rows;
  std::size_t omitted = 0;  // lines after the first max_rows, not kept
};

// The rows of `diff` (the "--- "/"+++ " label lines before the first hunk are left out).
// `diff` must outlive the result. Linear in the size of `diff`.
DiffRows ParseUnifiedDiff(std::string_view diff, std::size_t max_rows);

// Side by side: each row of the old column beside one of the new. Context and word-level rows
// stand on both sides; a run of removed lines is paired, in order, with the added lines that
// follow it (the longer run leaves the other side empty); hunk headers and notes span both.
struct SideBySideRow {
  const DiffRow* left = nullptr;   // nullptr: empty cell
  const DiffRow* right = nullptr;  // for a spanning row, the same as left
};
std::vector<SideBySideRow> PairSideBySide(const std::vector<DiffRow>& rows);

}  // namespace policyd::web_internal

#endif  // POLICYD_WEB_DIFF_ROWS_H_

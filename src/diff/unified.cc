// UnifiedDiff: diff(1)-compatible unified output (what `diff -u --label a --label b` prints,
// and what patch(1) accepts), with optional colours and wdiff-style word marking.
#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/diff.h"
#include "src/diff/ansi.h"
#include "src/diff/edit_script.h"
#include "src/diff/lines.h"
#include "src/diff/word_diff.h"

namespace policyd {
namespace {

using diff_internal::Edit;
using diff_internal::EditOp;

class HunkWriter {
 public:
  HunkWriter(const std::vector<std::string_view>& old_lines,
             const std::vector<std::string_view>& new_lines, const UnifiedDiffOptions& options,
             diff_internal::StepBudget* word_budget, std::string* out)
      : old_lines_(old_lines),
        new_lines_(new_lines),
        options_(options),
        word_budget_(word_budget),
        out_(out) {}

  // Writes the hunk made of edits [begin, end).
  void Write(const std::vector<Edit>& edits, std::size_t begin, std::size_t end) {
    std::size_t old_count = 0;
    std::size_t new_count = 0;
    for (std::size_t i = begin; i < end; ++i) {
      if (edits[i].op != EditOp::kAdd) ++old_count;
      if (edits[i].op != EditOp::kDelete) ++new_count;
    }
    std::string header = "@@ -" + Range(edits[begin].old_index, old_count) + " +" +
                         Range(edits[begin].new_index, new_count) + " @@";
    WriteColored(header, diff_internal::kAnsiCyan);
    out_->push_back('\n');

    std::size_t i = begin;
    while (i < end) {
      if (edits[i].op == EditOp::kCommon) {
        WriteLine(' ', old_lines_[edits[i].old_index], {});
        ++i;
        continue;
      }
      std::vector<std::size_t> removed;  // old line indices
      std::vector<std::size_t> added;    // new line indices
      for (; i < end && edits[i].op != EditOp::kCommon; ++i) {
        if (edits[i].op == EditOp::kDelete) {
          removed.push_back(edits[i].old_index);
        } else {
          added.push_back(edits[i].new_index);
        }
      }
      WriteChangeRun(removed, added);
    }
  }

 private:
  // "l,n" as diff(1) writes it: ",1" is omitted, and an empty range names the line before it.
  static std::string Range(std::size_t lines_before, std::size_t count) {
    if (count == 1) return std::to_string(lines_before + 1);
    if (count == 0) return std::to_string(lines_before) + ",0";
    return std::to_string(lines_before + 1) + "," + std::to_string(count);
  }

  void WriteChangeRun(const std::vector<std::size_t>& removed,
                      const std::vector<std::size_t>& added) {
    if (!options_.word_level) {
      for (const std::size_t line : removed)
        WriteLine('-', old_lines_[line], diff_internal::kAnsiRed);
      for (const std::size_t line : added)
        WriteLine('+', new_lines_[line], diff_internal::kAnsiGreen);
      return;
    }
    // Lines that say the same but for a list number (an item inserted above renumbers the
    // rest) are pairs; between two such pairs, the i-th removed line is taken to be rewritten
    // as the i-th added line.
    std::size_t r = 0;
    std::size_t a = 0;
    for (const auto& [anchor_r, anchor_a] : SameTextPairs(removed, added)) {
      WritePairedGap(removed, r, anchor_r, added, a, anchor_a);
      WritePair(removed[anchor_r], added[anchor_a]);
      r = anchor_r + 1;
      a = anchor_a + 1;
    }
    WritePairedGap(removed, r, removed.size(), added, a, added.size());
  }

  // The removed lines [r, r_end) against the added ones [a, a_end): as many on each side, pairs
  // by position; else the pairs, in order, of lines that share at least half their words (an
  // item inserted beside an edited one: the edited one is paired with its own old line), the
  // others whole.
  void WritePairedGap(const std::vector<std::size_t>& removed, std::size_t r, std::size_t r_end,
                      const std::vector<std::size_t>& added, std::size_t a, std::size_t a_end) {
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    if (r_end - r == a_end - a) {
      for (std::size_t k = 0; k < r_end - r; ++k) pairs.emplace_back(r + k, a + k);
    } else {
      pairs = SimilarPairs(removed, r, r_end, added, a, a_end);
    }
    for (const auto& [pair_r, pair_a] : pairs) {
      for (; r < pair_r; ++r) WriteLine('-', old_lines_[removed[r]], diff_internal::kAnsiRed);
      for (; a < pair_a; ++a) WriteLine('+', new_lines_[added[a]], diff_internal::kAnsiGreen);
      WritePair(removed[r++], added[a++]);
    }
    for (; r < r_end; ++r) WriteLine('-', old_lines_[removed[r]], diff_internal::kAnsiRed);
    for (; a < a_end; ++a) WriteLine('+', new_lines_[added[a]], diff_internal::kAnsiGreen);
  }

  // The most pairs, in order on both sides, of removed and added lines whose words (split at
  // spaces) have a Dice coefficient of at least 0.5; by position when the gap is too large to
  // search (more than kMaxGapSearch line comparisons).
  std::vector<std::pair<std::size_t, std::size_t>> SimilarPairs(
      const std::vector<std::size_t>& removed, std::size_t r, std::size_t r_end,
      const std::vector<std::size_t>& added, std::size_t a, std::size_t a_end) const {
    constexpr std::size_t kMaxGapSearch = 100'000;
    const std::size_t rows = r_end - r;
    const std::size_t columns = a_end - a;
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    if (rows * columns > kMaxGapSearch) {
      for (std::size_t k = 0; k < std::min(rows, columns); ++k) pairs.emplace_back(r + k, a + k);
      return pairs;
    }
    std::vector<std::vector<std::string_view>> old_words;
    std::vector<std::vector<std::string_view>> new_words;
    for (std::size_t k = r; k < r_end; ++k)
      old_words.push_back(SortedWords(old_lines_[removed[k]]));
    for (std::size_t k = a; k < a_end; ++k) new_words.push_back(SortedWords(new_lines_[added[k]]));
    const auto similar = [&](std::size_t i, std::size_t j) {
      const std::vector<std::string_view>& x = old_words[i];
      const std::vector<std::string_view>& y = new_words[j];
      std::size_t shared = 0;
      for (std::size_t p = 0, q = 0; p < x.size() && q < y.size();) {
        if (x[p] < y[q]) {
          ++p;
        } else if (y[q] < x[p]) {
          ++q;
        } else {
          ++shared, ++p, ++q;
        }
      }
      return x.size() + y.size() > 0 && 4 * shared >= x.size() + y.size();  // Dice >= 0.5
    };
    // best[i][j]: the most pairs among old_words[i..] and new_words[j..].
    std::vector<uint32_t> best((rows + 1) * (columns + 1), 0);
    const auto at = [columns](std::size_t i, std::size_t j) { return i * (columns + 1) + j; };
    for (std::size_t i = rows; i-- > 0;) {
      for (std::size_t j = columns; j-- > 0;) {
        best[at(i, j)] = std::max({best[at(i + 1, j)], best[at(i, j + 1)],
                                   similar(i, j) ? best[at(i + 1, j + 1)] + 1 : 0u});
      }
    }
    for (std::size_t i = 0, j = 0; i < rows && j < columns;) {
      if (similar(i, j) && best[at(i, j)] == best[at(i + 1, j + 1)] + 1) {
        pairs.emplace_back(r + i++, a + j++);
      } else if (best[at(i + 1, j)] >= best[at(i, j + 1)]) {
        ++i;
      } else {
        ++j;
      }
    }
    return pairs;
  }

  static std::vector<std::string_view> SortedWords(std::string_view line) {
    std::vector<std::string_view> words;
    const std::string_view content = diff_internal::LineContent(line);
    for (std::size_t pos = 0; pos < content.size();) {
      const std::size_t begin = content.find_first_not_of(' ', pos);
      if (begin == std::string_view::npos) break;
      const std::size_t end = std::min(content.find(' ', begin), content.size());
      words.push_back(content.substr(begin, end - begin));
      pos = end;
    }
    std::sort(words.begin(), words.end());
    return words;
  }

  // One line rewritten, shown once, prefixed '~', with its changed words marked.
  void WritePair(std::size_t old_line, std::size_t new_line) {
    out_->push_back('~');
    out_->append(diff_internal::WordDiffLine(diff_internal::LineContent(old_lines_[old_line]),
                                             diff_internal::LineContent(new_lines_[new_line]),
                                             options_.color, word_budget_));
    out_->push_back('\n');
  }

  // The longest run of (removed, added) positions, in order on both sides, whose lines are
  // equal once a list item's number is set aside; none when the run is too long to search
  // (more than kMaxPairSearch line comparisons).
  std::vector<std::pair<std::size_t, std::size_t>> SameTextPairs(
      const std::vector<std::size_t>& removed, const std::vector<std::size_t>& added) const {
    constexpr std::size_t kMaxPairSearch = 1'000'000;
    std::vector<std::pair<std::size_t, std::size_t>> pairs;
    if (removed.empty() || added.empty() || removed.size() * added.size() > kMaxPairSearch) {
      return pairs;
    }
    const auto same = [&](std::size_t r, std::size_t a) {
      return WithoutListNumber(old_lines_[removed[r]]) == WithoutListNumber(new_lines_[added[a]]);
    };
    // lengths[r][a]: the longest such run of removed[r..] and added[a..].
    const std::size_t columns = added.size() + 1;
    std::vector<uint32_t> lengths((removed.size() + 1) * columns, 0);
    for (std::size_t r = removed.size(); r-- > 0;) {
      for (std::size_t a = added.size(); a-- > 0;) {
        lengths[r * columns + a] =
            same(r, a) ? lengths[(r + 1) * columns + a + 1] + 1
                       : std::max(lengths[(r + 1) * columns + a], lengths[r * columns + a + 1]);
      }
    }
    for (std::size_t r = 0, a = 0; r < removed.size() && a < added.size();) {
      if (same(r, a)) {
        pairs.emplace_back(r++, a++);
      } else if (lengths[(r + 1) * columns + a] >= lengths[r * columns + a + 1]) {
        ++r;
      } else {
        ++a;
      }
    }
    return pairs;
  }

  // `line`'s content without its indentation and its list marker ("12. ", "- ").
  static std::string_view WithoutListNumber(std::string_view line) {
    std::string_view content = diff_internal::LineContent(line);
    content.remove_prefix(std::min(content.size(), content.find_first_not_of(' ')));
    content.remove_prefix(diff_internal::ListMarkerLength(content));
    content.remove_prefix(std::min(content.size(), content.find_first_not_of(' ')));
    return content;
  }

  void WriteLine(char prefix, std::string_view line, std::string_view color) {
    std::string text(1, prefix);
    text.append(diff_internal::LineContent(line));
    WriteColored(text, color);
    out_->push_back('\n');
    if (!diff_internal::HasNewline(line)) out_->append("\\ No newline at end of file\n");
  }

  void WriteColored(std::string_view text, std::string_view color) {
    const bool colored = options_.color && !color.empty();
    if (colored) out_->append(color);
    out_->append(text);
    if (colored) out_->append(diff_internal::kAnsiReset);
  }

  const std::vector<std::string_view>& old_lines_;
  const std::vector<std::string_view>& new_lines_;
  const UnifiedDiffOptions& options_;
  diff_internal::StepBudget* word_budget_;
  std::string* out_;
};

}  // namespace

Result<std::string> UnifiedDiff(std::string_view old_text, std::string_view new_text,
                                std::string_view old_label, std::string_view new_label,
                                const UnifiedDiffOptions& options) {
  if (old_text == new_text) return std::string();
  const auto old_lines = diff_internal::SplitLines(old_text);
  const auto new_lines = diff_internal::SplitLines(new_text);
  diff_internal::StepBudget budget(options.max_steps);
  diff_internal::EditScript script =
      diff_internal::ComputeEditScript(old_lines, new_lines, &budget);
  if (!script.minimal) {
    return Status::Unsupported(
        "diff too large: the " + std::to_string(old_lines.size()) + " and " +
        std::to_string(new_lines.size()) +
        " lines of these versions differ in too many lines (changed, added, removed or moved) "
        "to be compared within the diff budget; export the versions (policyctl export) and "
        "compare them offline");
  }
  const std::vector<Edit>& edits = script.edits;
  const std::size_t context = static_cast<std::size_t>(std::max(0, options.context_lines));

  std::string out;
  out.append("--- ").append(old_label).append("\n");
  out.append("+++ ").append(new_label).append("\n");
  HunkWriter writer(old_lines, new_lines, options, &budget, &out);

  const std::size_t n = edits.size();
  std::size_t next = 0;  // first edit not yet part of a hunk
  while (true) {
    std::size_t first = next;
    while (first < n && edits[first].op == EditOp::kCommon) ++first;
    if (first == n) break;
    // Extend the hunk over following changes while the unchanged gap between them is small
    // enough that their contexts would touch (diff(1)'s rule: gap <= 2 * context).
    std::size_t last = first;
    std::size_t i = first + 1;
    while (i < n) {
      if (edits[i].op != EditOp::kCommon) {
        last = i++;
        continue;
      }
      std::size_t gap_end = i;
      while (gap_end < n && edits[gap_end].op == EditOp::kCommon) ++gap_end;
      if (gap_end == n || gap_end - i > 2 * context) break;
      i = gap_end;
    }
    const std::size_t begin = first - std::min(context, first - next);
    const std::size_t end = std::min(n, last + 1 + context);
    writer.Write(edits, begin, end);
    next = end;
  }
  return out;
}

}  // namespace policyd

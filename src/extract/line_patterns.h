// LinePatterns: the `ignore_lines` expressions of a document, compiled once with ICU's regular
// expressions (https://unicode-org.github.io/icu/userguide/strings/regexp.html, a Perl-like
// syntax close to ECMAScript's for what target files use: ^ $ \d \s classes groups
// alternation quantifiers lookahead) and applied to the lines of a finished text.
//
// Bounded in CPU, whatever the expression: a match attempt stops after about
// kLineMatchTimeLimit of ICU's time steps (about milliseconds), and an expression that has
// used kPatternTimeBudget of one text's time (or timed out once) matches nothing more in that
// text: its lines are kept. A line stays rather than the check stalling ("^(a+)+$" on forty
// a's and a b backtracks for hours in a backtracking engine). Lines longer than
// kMaxIgnoredLineBytes are never matched either: they are paragraphs, not noise.
#ifndef POLICYD_SRC_EXTRACT_LINE_PATTERNS_H_
#define POLICYD_SRC_EXTRACT_LINE_PATTERNS_H_

#include <unicode/regex.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "policyd/status.h"

namespace policyd::extract_internal {

inline constexpr int kLineMatchTimeLimit = 20;
inline constexpr std::chrono::milliseconds kPatternTimeBudget{200};

class LinePatterns {
 public:
  LinePatterns();
  ~LinePatterns();
  LinePatterns(LinePatterns&&) noexcept;
  LinePatterns& operator=(LinePatterns&&) noexcept;

  // Compiles `patterns`; on error, *failed_index is the expression that failed and the
  // message quotes it with ICU's reason.
  static Result<LinePatterns> Compile(const std::vector<std::string>& patterns,
                                      std::size_t* failed_index);

  bool empty() const { return patterns_.empty(); }

  // `text` without the lines in which one of the expressions matches, with the output
  // contract restored: one blank line between blocks, none at either end, a final '\n'.
  std::string RemoveMatchingLines(const std::string& text) const;

 private:
  std::vector<std::unique_ptr<const icu::RegexPattern>> patterns_;
};

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_LINE_PATTERNS_H_

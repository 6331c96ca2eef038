// Word-level rendering of one changed line against its replacement, wdiff style:
// "We share data with [-partners-]{+affiliates+}." Words are whitespace-separated tokens,
// and in scripts written without spaces (Chinese, Japanese, Thai...) the words of ICU's
// dictionaries (policyd/words.h) and the punctuation between them; the edit script over them
// comes from dtl, like the line diff.
#ifndef POLICYD_SRC_DIFF_WORD_DIFF_H_
#define POLICYD_SRC_DIFF_WORD_DIFF_H_

#include <string>
#include <string_view>

#include "src/diff/work_estimate.h"

namespace policyd::diff_internal {

// `old_line` and `new_line` are line contents without '\n'. Unchanged words keep the spacing
// of the new line. With `color`, removed words are red and added words green (markers kept,
// so the output reads the same when colours are stripped). The word diff spends from
// `budget`; when it would take more than is left, the words between the common leading and
// trailing ones are marked as one change.
std::string WordDiffLine(std::string_view old_line, std::string_view new_line, bool color,
                         StepBudget* budget);

}  // namespace policyd::diff_internal

#endif  // POLICYD_SRC_DIFF_WORD_DIFF_H_

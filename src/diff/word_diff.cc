#include "src/diff/word_diff.h"

#include <cstddef>
#include <vector>

#include "policyd/words.h"
#include "src/diff/ansi.h"
#include "src/diff/edit_script.h"

namespace policyd::diff_internal {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// A line as words plus the whitespace before each word and after the last one.
struct Tokens {
  std::vector<std::string_view> words;
  std::vector<std::string_view> leading_space;
  std::string_view trailing_space;
};

// Appends the text between two spaces as one word, or, when it holds Chinese, Japanese, Thai or
// another script written without spaces, as its words (ICU's dictionaries) and the punctuation
// between them, with no space before each but the first (already pushed).
void AppendWords(std::string_view text, Tokens* tokens) {
  std::size_t begin = 0;
  if (HasUnspacedScriptLetter(text)) {
    for (const std::size_t end : InnerWordBoundaries(text)) {
      tokens->words.push_back(text.substr(begin, end - begin));
      tokens->leading_space.push_back(text.substr(end, 0));
      begin = end;
    }
  }
  tokens->words.push_back(text.substr(begin));
}

Tokens Tokenize(std::string_view line) {
  Tokens tokens;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const std::size_t space_begin = pos;
    while (pos < line.size() && IsSpace(line[pos])) ++pos;
    if (pos == line.size()) {
      tokens.trailing_space = line.substr(space_begin);
      break;
    }
    const std::size_t word_begin = pos;
    while (pos < line.size() && !IsSpace(line[pos])) ++pos;
    tokens.leading_space.push_back(line.substr(space_begin, word_begin - space_begin));
    AppendWords(line.substr(word_begin, pos - word_begin), &tokens);
  }
  return tokens;
}

// The words of `tokens` at `indices` (consecutive), with their original spacing in between.
void AppendWords(const Tokens& tokens, const std::vector<std::size_t>& indices, std::string* out) {
  for (std::size_t i = 0; i < indices.size(); ++i) {
    if (i > 0) out->append(tokens.leading_space[indices[i]]);
    out->append(tokens.words[indices[i]]);
  }
}

// The space before an unchanged word: as it is now, or, when only it changed (an indentation,
// a space between two Thai or Korean words), marked as a change, so that a line shown as
// changed says where ("เราเก็บรวบรวม[- -]ชื่อ").
void AppendSpacing(std::string_view before, std::string_view now, bool color, std::string* out) {
  if (before == now) {
    out->append(now);
    return;
  }
  if (!before.empty()) {
    if (color) out->append(kAnsiRed);
    out->append("[-").append(before).append("-]");
    if (color) out->append(kAnsiReset);
  }
  if (!now.empty()) {
    if (color) out->append(kAnsiGreen);
    out->append("{+").append(now).append("+}");
    if (color) out->append(kAnsiReset);
  }
}

}  // namespace

std::string WordDiffLine(std::string_view old_line, std::string_view new_line, bool color,
                         StepBudget* budget) {
  const Tokens old_tokens = Tokenize(old_line);
  const Tokens new_tokens = Tokenize(new_line);
  const std::vector<Edit> edits =
      ComputeEditScript(old_tokens.words, new_tokens.words, budget).edits;

  std::string out;
  std::size_t k = 0;
  while (k < edits.size()) {
    const Edit& edit = edits[k];
    if (edit.op == EditOp::kCommon) {
      AppendSpacing(old_tokens.leading_space[edit.old_index],
                    new_tokens.leading_space[edit.new_index], color, &out);
      out.append(new_tokens.words[edit.new_index]);
      ++k;
      continue;
    }
    // A run of changed words is shown as one removal followed by one addition.
    std::vector<std::size_t> removed;
    std::vector<std::size_t> added;
    for (; k < edits.size() && edits[k].op != EditOp::kCommon; ++k) {
      if (edits[k].op == EditOp::kDelete) {
        removed.push_back(edits[k].old_index);
      } else {
        added.push_back(edits[k].new_index);
      }
    }
    out.append(added.empty() ? old_tokens.leading_space[removed.front()]
                             : new_tokens.leading_space[added.front()]);
    if (!removed.empty()) {
      if (color) out.append(kAnsiRed);
      out.append("[-");
      AppendWords(old_tokens, removed, &out);
      out.append("-]");
      if (color) out.append(kAnsiReset);
    }
    if (!added.empty()) {
      if (color) out.append(kAnsiGreen);
      out.append("{+");
      AppendWords(new_tokens, added, &out);
      out.append("+}");
      if (color) out.append(kAnsiReset);
    }
  }
  out.append(new_tokens.trailing_space);
  return out;
}

}  // namespace policyd::diff_internal

#include "src/diff/offset_map.h"

#include <algorithm>

#include "src/diff/edit_script.h"
#include "src/diff/segment_text.h"

namespace policyd {
namespace diff_internal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

// The words of some spans with their code point offsets, and the white space after each
// word within its span ("" after a span's last word).
struct Words {
  std::vector<std::string_view> text;
  std::vector<std::size_t> start;
  std::vector<std::size_t> length;
  std::vector<std::string_view> space_after;
};

Words Tokenize(const std::vector<SpanText>& spans) {
  Words words;
  for (const SpanText& span : spans) {
    const std::string_view bytes = span.bytes;
    std::size_t code_point = span.start;
    std::size_t pos = 0;
    while (pos < bytes.size()) {
      const std::size_t space_begin = pos;
      while (pos < bytes.size() && IsSpace(bytes[pos])) ++pos;
      if (!words.text.empty() && space_begin > 0 && pos < bytes.size()) {
        words.space_after.back() = bytes.substr(space_begin, pos - space_begin);
      }
      code_point += pos - space_begin;  // white space is ASCII
      if (pos == bytes.size()) break;
      const std::size_t word_begin = pos;
      while (pos < bytes.size() && !IsSpace(bytes[pos])) ++pos;
      const std::string_view word = bytes.substr(word_begin, pos - word_begin);
      const std::size_t length = CountCodePoints(word);
      words.text.push_back(word);
      words.start.push_back(code_point);
      words.length.push_back(length);
      words.space_after.emplace_back();
      code_point += length;
    }
  }
  return words;
}

// Collects mapped pieces, joining those that continue the previous one on both sides.
class RunBuilder {
 public:
  explicit RunBuilder(std::vector<OffsetRun>* runs) : runs_(runs), first_(runs->size()) {}
  void Add(std::size_t old_start, std::size_t new_start, std::size_t length) {
    if (length == 0) return;
    if (runs_->size() > first_) {
      OffsetRun& last = runs_->back();
      if (last.old_start + last.length == old_start && last.new_start + last.length == new_start) {
        last.length += length;
        return;
      }
    }
    runs_->push_back({old_start, new_start, length});
  }

 private:
  std::vector<OffsetRun>* runs_;
  std::size_t first_;  // runs before it belong to other segments
};

}  // namespace

void AppendKeptRuns(const std::vector<SpanText>& old_spans, const std::vector<SpanText>& new_spans,
                    StepBudget* budget, bool* approximate, std::vector<OffsetRun>* runs) {
  RunBuilder builder(runs);
  if (old_spans.size() == 1 && new_spans.size() == 1 && old_spans[0].bytes == new_spans[0].bytes) {
    builder.Add(old_spans[0].start, new_spans[0].start, CountCodePoints(old_spans[0].bytes));
    return;
  }
  const Words old_words = Tokenize(old_spans);
  const Words new_words = Tokenize(new_spans);
  EditScript script = ComputeEditScript(old_words.text, new_words.text, budget);
  if (!script.minimal) *approximate = true;
  // A quote of a kept sentence maps as one run, not partly onto an added sentence's words.
  SlideChangesToBoundaries(old_words.text, new_words.text, &script);
  const std::vector<Edit>& edits = script.edits;
  for (std::size_t k = 0; k < edits.size(); ++k) {
    if (edits[k].op != EditOp::kCommon) continue;
    const std::size_t o = edits[k].old_index;
    const std::size_t n = edits[k].new_index;
    builder.Add(old_words.start[o], new_words.start[n], old_words.length[o]);
    const bool next_kept = k + 1 < edits.size() && edits[k + 1].op == EditOp::kCommon;
    const std::string_view space = old_words.space_after[o];
    if (next_kept && !space.empty() && space == new_words.space_after[n]) {
      builder.Add(old_words.start[o] + old_words.length[o],
                  new_words.start[n] + new_words.length[n], space.size());
    }
  }
}

}  // namespace diff_internal

std::optional<std::size_t> MapOffset(const std::vector<OffsetRun>& map, std::size_t old_offset) {
  auto after = std::upper_bound(
      map.begin(), map.end(), old_offset,
      [](std::size_t offset, const OffsetRun& run) { return offset < run.old_start; });
  if (after == map.begin()) return std::nullopt;
  const OffsetRun& run = *(after - 1);
  if (old_offset - run.old_start >= run.length) return std::nullopt;
  return run.new_start + (old_offset - run.old_start);
}

}  // namespace policyd

// SplitSegments: the blocks of a stored Markdown text, with their section paths, code point
// spans and fresh ids. Blocks are found line by line in one pass (no backtracking), so the
// work is linear in the text whatever it holds.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policyd/segments.h"
#include "policyd/text_bounds.h"
#include "src/diff/lines.h"
#include "src/diff/segment_ids.h"
#include "src/diff/segment_text.h"

namespace policyd {
namespace {

using diff_internal::CodePointCursor;

constexpr std::size_t kNone = std::string_view::npos;

// One line of the text: [begin, end) without its '\n'; `body` starts after the indentation.
struct Line {
  std::size_t begin = 0;
  std::size_t end = 0;   // after the last non-space character
  std::size_t body = 0;  // first non-space character (== end for a blank line)
  bool blank() const { return body == end; }
};

Line ReadLine(std::string_view text, std::size_t begin, std::size_t* next) {
  std::size_t newline = text.find('\n', begin);
  if (newline == kNone) newline = text.size();
  *next = newline + 1;
  Line line{begin, newline, begin};
  while (line.end > begin &&
         (text[line.end - 1] == ' ' || text[line.end - 1] == '\t' || text[line.end - 1] == '\r' ||
          text[line.end - 1] == '\f' || text[line.end - 1] == '\v')) {
    --line.end;
  }
  while (line.body < line.end && (text[line.body] == ' ' || text[line.body] == '\t')) {
    ++line.body;
  }
  return line;
}

std::size_t SkipSpaces(std::string_view text, std::size_t pos, std::size_t end) {
  while (pos < end && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  return pos;
}

// The heading level of a line ("## Title": 2), 0 for other lines. Only unindented lines.
int HeadingLevel(std::string_view text, const Line& line) {
  if (line.body != line.begin) return 0;
  std::size_t pos = line.body;
  while (pos < line.end && text[pos] == '#') ++pos;
  const std::size_t level = pos - line.body;
  // "#" alone is an empty heading (no segment); "#hashtag" is text.
  if (level == 0 || level > 6 || (pos < line.end && text[pos] != ' ' && text[pos] != '\t')) {
    return 0;
  }
  return static_cast<int>(level);
}

// The end of a list marker ("- ", "* ", "+ ", "12. ", "3) ") at the line's body, or kNone.
std::size_t ListMarkerEnd(std::string_view text, const Line& line) {
  const std::size_t length =
      diff_internal::ListMarkerLength(text.substr(line.body, line.end - line.body));
  return length == 0 ? kNone : line.body + length;
}

// "---", "* * *", "___": a line of at least three of one of these and spaces.
bool IsThematicBreak(std::string_view text, const Line& line) {
  const char marker = text[line.body];
  if (marker != '-' && marker != '*' && marker != '_') return false;
  std::size_t count = 0;
  for (std::size_t pos = line.body; pos < line.end; ++pos) {
    if (text[pos] == marker) {
      ++count;
    } else if (text[pos] != ' ' && text[pos] != '\t') {
      return false;
    }
  }
  return count >= 3;
}

// "|---|:--:|": only pipes, dashes, colons and spaces.
bool IsTableDelimiter(std::string_view text, const Line& line) {
  return text.substr(line.body, line.end - line.body).find_first_not_of("|-: \t") == kNone;
}

// The fence a line opens ("```" or "~~~", or longer), "" for other lines.
std::string_view FenceAt(std::string_view text, const Line& line) {
  if (line.body - line.begin > 3 || line.end - line.body < 3) return {};
  const char marker = text[line.body];
  if (marker != '`' && marker != '~') return {};
  std::size_t pos = line.body;
  while (pos < line.end && text[pos] == marker) ++pos;
  if (pos - line.body < 3) return {};
  return text.substr(line.body, pos - line.body);
}

struct Block {
  SegmentKind kind = SegmentKind::kParagraph;
  int heading_level = 0;
  std::size_t byte_start = kNone;  // kNone until the block's first character is seen
  std::size_t byte_end = 0;
};

// The blocks of `text` in order, without section paths or ids.
class BlockParser {
 public:
  explicit BlockParser(std::string_view text) : text_(text) {}

  std::vector<Block> Parse() {
    std::size_t pos = 0;
    while (pos < text_.size()) {
      std::size_t next = 0;
      const Line line = ReadLine(text_, pos, &next);
      if (const std::string_view fence = FenceAt(text_, line); !fence.empty()) {
        Close();
        next = ParseCode(fence, next);
      } else {
        ParseLine(line);
      }
      pos = next;
    }
    Close();
    return std::move(blocks_);
  }

 private:
  void ParseLine(const Line& line) {
    if (line.blank()) {
      Close();
      return;
    }
    const char first = text_[line.body];
    if (const int level = HeadingLevel(text_, line); level > 0) {
      Close();
      Emit(
          {SegmentKind::kHeading, level, SkipSpaces(text_, line.body + level, line.end), line.end});
    } else if (first == '|' && line.body == line.begin) {
      Close();
      if (!IsTableDelimiter(text_, line)) {
        Emit({SegmentKind::kTableRow, 0, line.body, line.end});
      }
    } else if (first == '>') {
      std::size_t content = line.body;
      while (content < line.end &&
             (text_[content] == '>' || text_[content] == ' ' || text_[content] == '\t')) {
        ++content;
      }
      if (!is_open_ || open_.kind != SegmentKind::kQuote) Close();
      if (content == line.end) {  // a bare ">" separates two quoted paragraphs
        Close();
        return;
      }
      Extend(SegmentKind::kQuote, content, line.end);
    } else if (IsThematicBreak(text_, line)) {  // before list items: "* * *" is a break
      Close();
    } else if (const std::size_t marker_end = ListMarkerEnd(text_, line); marker_end != kNone) {
      Close();
      Extend(SegmentKind::kListItem, SkipSpaces(text_, marker_end, line.end), line.end);
    } else {
      // A line continues an open paragraph, and an open list item when it is indented.
      const bool continues =
          is_open_ && (open_.kind == SegmentKind::kParagraph ||
                       (open_.kind == SegmentKind::kListItem && line.body > line.begin));
      if (!continues) Close();
      Extend(is_open_ ? open_.kind : SegmentKind::kParagraph, line.body, line.end);
    }
  }

  // The lines after an opening `fence` up to the closing one (or the end of the text) as one
  // code block; returns the position after the closing fence line.
  std::size_t ParseCode(std::string_view fence, std::size_t pos) {
    Block code{SegmentKind::kCode, 0, kNone, 0};
    while (pos < text_.size()) {
      std::size_t next = 0;
      const Line line = ReadLine(text_, pos, &next);
      const std::string_view closing = FenceAt(text_, line);
      if (closing.size() >= fence.size() && closing.front() == fence.front() &&
          line.end == line.body + closing.size()) {
        Emit(code);
        return next;
      }
      if (!line.blank()) {
        if (code.byte_start == kNone) code.byte_start = line.begin;
        code.byte_end = line.end;
      }
      pos = next;
    }
    Emit(code);  // an unclosed fence runs to the end of the text
    return pos;
  }

  void Extend(SegmentKind kind, std::size_t content_begin, std::size_t content_end) {
    if (!is_open_) {
      open_ = Block{kind, 0, kNone, 0};
      is_open_ = true;
    }
    if (content_begin < content_end) {
      if (open_.byte_start == kNone) open_.byte_start = content_begin;
      open_.byte_end = content_end;
    }
  }

  void Close() {
    if (is_open_) Emit(open_);
    is_open_ = false;
    open_ = Block{};
  }

  void Emit(const Block& block) {
    if (block.byte_start != kNone && block.byte_start < block.byte_end) blocks_.push_back(block);
  }

  std::string_view text_;
  std::vector<Block> blocks_;
  Block open_;
  bool is_open_ = false;
};

// The headings above each block, as the section path of the segments (outermost first).
class SectionTracker {
 public:
  // The path of a block of `level` (0 for non-headings) and, for a heading, enters it.
  std::vector<std::string> PathOf(int level, std::string_view heading_text) {
    if (level == 0) return path_;
    while (!levels_.empty() && levels_.back() >= level) {
      levels_.pop_back();
      path_.pop_back();
    }
    std::vector<std::string> own = path_;
    levels_.push_back(level);
    path_.push_back(TruncateUtf8(heading_text, kMaxSectionNameBytes));
    return own;
  }

 private:
  std::vector<int> levels_;
  std::vector<std::string> path_;
};

}  // namespace

std::string_view SegmentKindName(SegmentKind kind) {
  switch (kind) {
    case SegmentKind::kHeading:
      return "heading";
    case SegmentKind::kParagraph:
      return "paragraph";
    case SegmentKind::kListItem:
      return "list_item";
    case SegmentKind::kTableRow:
      return "table_row";
    case SegmentKind::kQuote:
      return "quote";
    case SegmentKind::kCode:
      return "code";
  }
  return "paragraph";
}

std::vector<Segment> SplitSegments(std::string_view text) {
  const std::vector<Block> blocks = BlockParser(text).Parse();
  std::vector<Segment> segments;
  segments.reserve(blocks.size());
  SectionTracker sections;
  CodePointCursor code_points(text);
  diff_internal::IdAllocator ids;
  ids.ExpectIds(blocks.size());
  for (const Block& block : blocks) {
    const std::string_view span = text.substr(block.byte_start, block.byte_end - block.byte_start);
    const std::string content = diff_internal::SegmentContent(block.kind, span);
    Segment segment;
    segment.kind = block.kind;
    segment.byte_start = block.byte_start;
    segment.byte_end = block.byte_end;
    segment.start = code_points.At(block.byte_start);
    segment.end = code_points.At(block.byte_end);
    segment.section_path = sections.PathOf(block.heading_level, content);
    segment.id = ids.Allocate(diff_internal::ContentId(content));
    segments.push_back(std::move(segment));
  }
  return segments;
}

std::string_view SegmentText(std::string_view text, const Segment& segment) {
  if (segment.byte_start > segment.byte_end || segment.byte_end > text.size()) return {};
  return text.substr(segment.byte_start, segment.byte_end - segment.byte_start);
}

}  // namespace policyd

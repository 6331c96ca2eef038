// Robustness of the segment ids under random edits of a generated text, version after
// version: ids stay unique, spans stay in bounds and on the segment text, the offset map
// only maps equal characters, and every block the edits did not touch keeps its id.
#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/segments.h"

namespace policyd {
namespace {

// One block of the generated text. `tag` makes its content unique, so that a block the
// edits left alone can be found again by its text.
struct Block {
  int kind = 0;  // 0 paragraph, 1 heading, 2 list item, 3 numbered item, 4 table row, 5 quote
  int level = 1;
  std::vector<std::string> words;
  bool touched = false;
};

const std::vector<std::string> kExtraWords = {"données", "Straße",        "été", "😀",
                                              "naïve",   "l’utilisateur", "—",   "“quoted”"};

class Generator {
 public:
  explicit Generator(unsigned seed) : random_(seed) {}

  int Below(int n) { return std::uniform_int_distribution<int>(0, n - 1)(random_); }

  std::string Word() {
    if (Below(6) == 0) return kExtraWords[static_cast<std::size_t>(Below(8))];
    return "w" + std::to_string(Below(300));
  }

  Block NewBlock() {
    Block block;
    block.kind = Below(10) < 5 ? 0 : Below(6);
    block.level = 1 + Below(3);
    block.words.push_back("tag" + std::to_string(next_tag_++));
    const int count = block.kind == 1 ? 1 + Below(3) : 3 + Below(12);
    for (int i = 0; i < count; ++i) block.words.push_back(Word());
    return block;
  }

 private:
  std::mt19937 random_;
  int next_tag_ = 0;
};

std::string Content(const Block& block) {
  std::string content;
  for (const std::string& word : block.words) content += (content.empty() ? "" : " ") + word;
  if (block.kind == 4) return "| " + content + " |";
  return content;
}

std::string Render(const std::vector<Block>& blocks) {
  std::string text;
  for (const Block& block : blocks) {
    switch (block.kind) {
      case 1:
        text += std::string(static_cast<std::size_t>(block.level), '#') + " ";
        break;
      case 2:
        text += "- ";
        break;
      case 3:
        text += "7. ";
        break;
      case 5:
        text += "> ";
        break;
      default:
        break;
    }
    text += Content(block) + "\n\n";
  }
  return text;
}

// One random edit of `blocks`.
void Edit(Generator* random, std::vector<Block>* blocks) {
  const int size = static_cast<int>(blocks->size());
  const int at = size == 0 ? 0 : random->Below(size);
  switch (size < 3 ? 0 : random->Below(6)) {
    case 0:  // insert
      blocks->insert(blocks->begin() + at, random->NewBlock());
      break;
    case 1:  // delete
      blocks->erase(blocks->begin() + at);
      break;
    case 2: {  // replace or add a word
      Block& block = (*blocks)[static_cast<std::size_t>(at)];
      block.touched = true;
      if (random->Below(2) == 0 && block.words.size() > 1) {
        block.words[1 + static_cast<std::size_t>(random->Below(
                            static_cast<int>(block.words.size()) - 1))] = random->Word();
      } else {
        block.words.push_back(random->Word());
      }
      break;
    }
    case 3: {  // move
      Block moved = (*blocks)[static_cast<std::size_t>(at)];
      blocks->erase(blocks->begin() + at);
      blocks->insert(blocks->begin() + random->Below(size), moved);
      break;
    }
    case 4: {  // split
      Block& block = (*blocks)[static_cast<std::size_t>(at)];
      if (block.words.size() < 4) break;
      block.touched = true;
      Block second = block;
      const std::size_t half = block.words.size() / 2;
      block.words.resize(half);
      second.words.erase(second.words.begin(), second.words.begin() + half);
      blocks->insert(blocks->begin() + at + 1, second);
      break;
    }
    default: {  // merge with the next block
      if (at + 1 >= size) break;
      Block& block = (*blocks)[static_cast<std::size_t>(at)];
      const Block& next = (*blocks)[static_cast<std::size_t>(at) + 1];
      block.touched = true;
      block.words.insert(block.words.end(), next.words.begin(), next.words.end());
      blocks->erase(blocks->begin() + at + 1);
      break;
    }
  }
}

// Byte offsets of each code point of `text`, and text.size() at the end.
std::vector<std::size_t> CodePointBytes(std::string_view text) {
  std::vector<std::size_t> bytes;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) bytes.push_back(i);
  }
  bytes.push_back(text.size());
  return bytes;
}

void CheckSegments(std::string_view text, const std::vector<Segment>& segments) {
  const std::vector<std::size_t> code_points = CodePointBytes(text);
  std::set<std::string> ids;
  std::size_t previous_end = 0;
  for (const Segment& segment : segments) {
    EXPECT_TRUE(ids.insert(segment.id).second) << "duplicate id " << segment.id;
    ASSERT_LE(segment.byte_start, segment.byte_end);
    ASSERT_LE(segment.byte_end, text.size());
    ASSERT_LT(segment.end, code_points.size());
    EXPECT_GE(segment.byte_start, previous_end);
    EXPECT_EQ(code_points[segment.start], segment.byte_start);
    EXPECT_EQ(code_points[segment.end], segment.byte_end);
    EXPECT_FALSE(SegmentText(text, segment).empty());
    previous_end = segment.byte_end;
  }
}

void CheckOffsetMap(std::string_view old_text, std::string_view new_text,
                    const std::vector<OffsetRun>& map) {
  const std::vector<std::size_t> old_points = CodePointBytes(old_text);
  const std::vector<std::size_t> new_points = CodePointBytes(new_text);
  std::set<std::size_t> new_used;
  for (std::size_t k = 0; k < map.size(); ++k) {
    const OffsetRun& run = map[k];
    ASSERT_LT(run.old_start + run.length, old_points.size());
    ASSERT_LT(run.new_start + run.length, new_points.size());
    if (k > 0) {
      EXPECT_LE(map[k - 1].old_start + map[k - 1].length, run.old_start);
    }
    const std::string_view old_chars =
        old_text.substr(old_points[run.old_start],
                        old_points[run.old_start + run.length] - old_points[run.old_start]);
    const std::string_view new_chars =
        new_text.substr(new_points[run.new_start],
                        new_points[run.new_start + run.length] - new_points[run.new_start]);
    EXPECT_EQ(old_chars, new_chars);
    EXPECT_TRUE(new_used.insert(run.new_start).second);
    EXPECT_EQ(MapOffset(map, run.old_start + run.length - 1), run.new_start + run.length - 1);
  }
}

TEST(SegmentFuzzTest, RandomEditsKeepIdsUniqueSpansValidAndUntouchedIdsStable) {
  for (unsigned seed = 1; seed <= 60; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    Generator random(seed);
    std::vector<Block> blocks;
    for (int i = 0, n = random.Below(40); i < n; ++i) blocks.push_back(random.NewBlock());
    std::string old_text = Render(blocks);
    std::vector<Segment> old_segments = SplitSegments(old_text);
    CheckSegments(old_text, old_segments);
    ASSERT_EQ(old_segments.size(), blocks.size());

    for (int version = 0; version < 6; ++version) {
      for (Block& block : blocks) block.touched = false;
      std::vector<std::string> untouched_ids;  // ids of the blocks left alone, by tag
      std::vector<std::string> untouched_texts;
      for (int edits = 1 + random.Below(5); edits > 0; --edits) Edit(&random, &blocks);
      const std::string new_text = Render(blocks);
      for (const Block& block : blocks) {
        if (block.touched) continue;
        const std::string content = Content(block);
        for (const Segment& segment : old_segments) {
          if (SegmentText(old_text, segment) == content) {
            untouched_ids.push_back(segment.id);
            untouched_texts.push_back(content);
          }
        }
      }

      const SegmentAlignment result = AlignSegments(old_text, old_segments, new_text);
      ASSERT_EQ(result.segments.size(), blocks.size());
      CheckSegments(new_text, result.segments);
      CheckOffsetMap(old_text, new_text, result.offset_map);
      for (std::size_t k = 0; k < untouched_texts.size(); ++k) {
        bool found = false;
        for (const Segment& segment : result.segments) {
          if (SegmentText(new_text, segment) != untouched_texts[k]) continue;
          found = true;
          EXPECT_EQ(segment.id, untouched_ids[k]) << untouched_texts[k];
        }
        EXPECT_TRUE(found) << untouched_texts[k];
      }
      // Every change names ids of the right versions.
      std::set<std::string> old_ids;
      std::set<std::string> new_ids;
      for (const Segment& segment : old_segments) old_ids.insert(segment.id);
      for (const Segment& segment : result.segments) new_ids.insert(segment.id);
      for (const SegmentChange& change : result.changes) {
        for (const std::string& id : change.old_ids) EXPECT_TRUE(old_ids.contains(id));
        for (const std::string& id : change.new_ids) EXPECT_TRUE(new_ids.contains(id));
      }
      // Deterministic, and the persisted ids give the same segments back.
      const SegmentAlignment again = AlignSegments(old_text, old_segments, new_text);
      std::vector<Segment> decoded;
      ASSERT_TRUE(DecodeSegmentIds(EncodeSegmentIds(result.segments), new_text, &decoded).ok());
      ASSERT_EQ(decoded.size(), result.segments.size());
      for (std::size_t k = 0; k < decoded.size(); ++k) {
        EXPECT_EQ(again.segments[k].id, result.segments[k].id);
        EXPECT_EQ(decoded[k].id, result.segments[k].id);
        EXPECT_EQ(decoded[k].start, result.segments[k].start);
        EXPECT_EQ(decoded[k].section_path, result.segments[k].section_path);
      }
      old_text = new_text;
      old_segments = std::move(decoded);
    }
  }
}

}  // namespace
}  // namespace policyd

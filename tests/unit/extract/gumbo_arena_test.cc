// GumboArena: blocks are usable and never overlap, the chunks stay within the budget, and
// blocks past the budget come from malloc and are really freed.
#include "src/extract/gumbo_arena.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <gumbo.h>

namespace policyd::extract_internal {
namespace {

using Block = std::pair<unsigned char*, std::size_t>;

// Fills every block with its own byte, then checks none was overwritten by another.
void ExpectDisjointAndAligned(const std::vector<Block>& blocks) {
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto [data, size] = blocks[i];
    ASSERT_NE(data, nullptr);
    EXPECT_EQ(reinterpret_cast<std::uintptr_t>(data) % GumboArena::kAlignment, 0u) << i;
    std::memset(data, static_cast<int>(i % 251), size);
  }
  for (std::size_t i = 0; i < blocks.size(); ++i) {
    const auto [data, size] = blocks[i];
    const bool intact = std::all_of(data, data + size, [&](unsigned char byte) {
      return byte == static_cast<unsigned char>(i % 251);
    });
    EXPECT_TRUE(intact) << "block " << i << " was overwritten";
  }
}

Block Take(GumboArena& arena, std::size_t size) {
  return {static_cast<unsigned char*>(arena.Allocate(size)), size};
}

TEST(GumboArenaTest, BlocksAreAlignedDisjointAndWritable) {
  GumboArena arena({.first_chunk_bytes = 4096, .budget_bytes = std::size_t{64} << 20});
  std::vector<Block> blocks;
  // Odd sizes across several chunks, a zero-size block, and big blocks with chunks of their own.
  for (std::size_t i = 0; i < 5000; ++i) blocks.push_back(Take(arena, (i * 37) % 700));
  blocks.push_back(Take(arena, 0));
  blocks.push_back(Take(arena, 3 * GumboArena::kMaxChunkBytes));
  for (std::size_t i = 0; i < 100; ++i) blocks.push_back(Take(arena, 24));
  ExpectDisjointAndAligned(blocks);
  EXPECT_EQ(arena.spilled_blocks(), 0u);
}

TEST(GumboArenaTest, FreeingAnArenaBlockKeepsTheOthers) {
  GumboArena arena({.first_chunk_bytes = 4096, .budget_bytes = std::size_t{1} << 20});
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < 200; ++i) blocks.push_back(Take(arena, 40));
  arena.Deallocate(blocks[10].first);
  arena.Deallocate(nullptr);
  blocks.erase(blocks.begin() + 10);
  for (std::size_t i = 0; i < 50; ++i) blocks.push_back(Take(arena, 40));
  ExpectDisjointAndAligned(blocks);
}

TEST(GumboArenaTest, ABigBlockDoesNotAbandonTheCurrentChunk) {
  GumboArena arena({.first_chunk_bytes = 64 * 1024, .budget_bytes = std::size_t{64} << 20});
  Take(arena, 100);
  const std::size_t first_chunk = arena.chunk_bytes();
  EXPECT_EQ(first_chunk, 64u * 1024);
  Take(arena, GumboArena::kMaxChunkBytes);  // a chunk of its own
  const std::size_t with_big = arena.chunk_bytes();
  EXPECT_EQ(with_big, first_chunk + GumboArena::Footprint(GumboArena::kMaxChunkBytes));
  // Small blocks go on filling the first chunk.
  for (int i = 0; i < 100; ++i) Take(arena, 100);
  EXPECT_EQ(arena.chunk_bytes(), with_big);
}

TEST(GumboArenaTest, ChunksStayWithinTheBudgetAndTheRestIsFreedOnDeallocate) {
  constexpr std::size_t kBudget = 100 * 1024;
  GumboArena arena({.first_chunk_bytes = 16 * 1024, .budget_bytes = kBudget});
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < 3000; ++i) blocks.push_back(Take(arena, 100));  // ~330 KB
  EXPECT_LE(arena.chunk_bytes(), kBudget);
  EXPECT_GE(arena.chunk_bytes(), kBudget - 112);  // the budget is used before spilling
  const std::size_t spilled = arena.spilled_blocks();
  EXPECT_GT(spilled, 2000u);
  ExpectDisjointAndAligned(blocks);

  // Blocks past the budget are returned to malloc one by one; arena blocks are ignored.
  for (const auto& [data, size] : blocks) arena.Deallocate(data);
  EXPECT_EQ(arena.spilled_blocks(), 0u);
  EXPECT_LE(arena.chunk_bytes(), kBudget);
}

TEST(GumboArenaTest, AZeroBudgetSendsEveryBlockToMalloc) {
  GumboArena arena({.first_chunk_bytes = 0, .budget_bytes = 0});
  std::vector<Block> blocks;
  for (std::size_t i = 0; i < 100; ++i) blocks.push_back(Take(arena, i));
  EXPECT_EQ(arena.chunk_bytes(), 0u);
  EXPECT_EQ(arena.spilled_blocks(), 100u);
  ExpectDisjointAndAligned(blocks);
  arena.Deallocate(blocks[0].first);
  EXPECT_EQ(arena.spilled_blocks(), 99u);
  // The other 99 are freed by the destructor (LeakSanitizer would report them otherwise).
}

// Counts the blocks an arena had to take from malloc, as Gumbo asks for them.
struct CountingArena {
  GumboArena arena;
  std::size_t spilled_allocations = 0;

  static void* Allocate(void* self, std::size_t size) {
    auto& counting = *static_cast<CountingArena*>(self);
    const std::size_t before = counting.arena.spilled_blocks();
    void* block = counting.arena.Allocate(size);
    if (counting.arena.spilled_blocks() > before) ++counting.spilled_allocations;
    return block;
  }
  static void Deallocate(void* self, void* block) {
    static_cast<CountingArena*>(self)->arena.Deallocate(block);
  }
};

// A whole Gumbo parse on a budget far too small for it: the tree is built from chunk and
// malloc blocks mixed, and the temporaries Gumbo frees on the way really go back to malloc.
TEST(GumboArenaTest, AParsePastTheBudgetStaysCorrect) {
  std::string html = "<html><head><title>Policy</title></head><body>";
  for (int i = 0; i < 2000; ++i) {
    html += "<section class=\"s" + std::to_string(i) + "\"><h2>Section " + std::to_string(i) +
            "</h2><p>We keep your data for <b>" + std::to_string(i) + " days</b>.</p></section>";
  }
  html += "<p id=\"last\">The end.</p></body></html>";
  constexpr std::size_t kBudget = 16 * 1024;
  CountingArena counting{.arena = GumboArena({.first_chunk_bytes = 4096, .budget_bytes = kBudget})};
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &CountingArena::Allocate;
  options.deallocator = &CountingArena::Deallocate;
  options.userdata = &counting;
  options.max_errors = 0;
  const GumboOutput* output = gumbo_parse_with_options(&options, html.data(), html.size());
  EXPECT_LE(counting.arena.chunk_bytes(), kBudget);
  EXPECT_GT(counting.arena.spilled_blocks(), 2000u);
  // Gumbo freed some of its malloc'd blocks during the parse (token buffers, outgrown
  // vectors), and those frees were honoured.
  EXPECT_LT(counting.arena.spilled_blocks() + 100, counting.spilled_allocations);

  // <html> -> <body>: 2000 sections, then the last paragraph with its text.
  const GumboVector& html_children = output->root->v.element.children;
  ASSERT_EQ(html_children.length, 2u);
  const auto* body = static_cast<const GumboNode*>(html_children.data[1]);
  ASSERT_EQ(body->v.element.tag, GUMBO_TAG_BODY);
  const GumboVector& sections = body->v.element.children;
  ASSERT_EQ(sections.length, 2001u);
  const auto* last = static_cast<const GumboNode*>(sections.data[2000]);
  ASSERT_EQ(last->v.element.tag, GUMBO_TAG_P);
  const auto* text = static_cast<const GumboNode*>(last->v.element.children.data[0]);
  EXPECT_STREQ(text->v.text.text, "The end.");
}

}  // namespace
}  // namespace policyd::extract_internal

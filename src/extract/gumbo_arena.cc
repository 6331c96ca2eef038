#include "gumbo_arena.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#if defined(__SANITIZE_ADDRESS__)
#define POLICYD_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define POLICYD_ARENA_ASAN 1
#endif
#endif

#if defined(POLICYD_ARENA_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace policyd::extract_internal {
namespace {

// Under AddressSanitizer (the fuzzing build) a chunk is poisoned when it is made and each
// block is unpoisoned, to its exact size, when it is handed out; a poisoned gap follows every
// block. A read past a node or a string is then caught, as with malloc, while the fuzzers go
// on exercising the arena itself. Use after Deallocate() is not caught: the arena does not
// know a block's size, and in a normal build such memory stays valid until the arena dies.
#if defined(POLICYD_ARENA_ASAN)
constexpr std::size_t kRedzoneBytes = GumboArena::kAlignment;
void Poison(const void* data, std::size_t bytes) { ASAN_POISON_MEMORY_REGION(data, bytes); }
void Unpoison(const void* data, std::size_t bytes) { ASAN_UNPOISON_MEMORY_REGION(data, bytes); }
#else
constexpr std::size_t kRedzoneBytes = 0;
void Poison(const void*, std::size_t) {}
void Unpoison(const void*, std::size_t) {}
#endif

// Blocks larger than this get a chunk of their own, so that the newest chunk's free space is
// not abandoned for one big vector.
constexpr std::size_t kDedicatedChunkBytes = GumboArena::kMaxChunkBytes / 4;

[[noreturn]] void OutOfMemory() {
  // Gumbo cannot handle a failed allocation (neither can its default, malloc): stop plainly
  // rather than crash on a null pointer inside the parser.
  std::fputs("policyd: out of memory while parsing HTML\n", stderr);
  std::abort();
}

}  // namespace

std::size_t GumboArena::Footprint(std::size_t size) {
  constexpr std::size_t kMask = kAlignment - 1;
  if (size > SIZE_MAX - kMask - kRedzoneBytes) OutOfMemory();
  return std::max<std::size_t>((size + kMask) & ~kMask, kAlignment) + kRedzoneBytes;
}

void GumboArena::FreeDeleter::operator()(void* block) const { std::free(block); }

GumboArena::GumboArena(const Bounds& bounds)
    : next_chunk_bytes_(
          std::clamp<std::size_t>(bounds.first_chunk_bytes, kAlignment, kMaxChunkBytes)),
      budget_bytes_(bounds.budget_bytes) {}

GumboArena::~GumboArena() {
  for (const Chunk& chunk : chunks_) Unpoison(chunk.data.get(), chunk.bytes);
  for (void* block : spilled_) std::free(block);
}

std::byte* GumboArena::NewChunk(std::size_t bytes) {
  if (bytes > budget_bytes_ - chunk_bytes_) return nullptr;
  Chunk chunk{.data = ChunkData(static_cast<std::byte*>(std::malloc(bytes))), .bytes = bytes};
  if (chunk.data == nullptr) OutOfMemory();
  Poison(chunk.data.get(), bytes);
  chunk_bytes_ += bytes;
  chunks_.push_back(std::move(chunk));
  return chunks_.back().data.get();
}

void* GumboArena::Allocate(std::size_t size) {
  const std::size_t footprint = Footprint(size);
  std::byte* block = nullptr;
  if (footprint <= static_cast<std::size_t>(end_ - next_)) {
    block = next_;
    next_ += footprint;
  } else if (footprint > kDedicatedChunkBytes) {
    // A chunk of its own: the newest chunk keeps its free space for small blocks.
    block = NewChunk(footprint);
  } else {
    // A regular chunk shrinks to what the budget still allows, as long as the block fits.
    const std::size_t bytes =
        std::min(std::max(next_chunk_bytes_, footprint), budget_bytes_ - chunk_bytes_);
    block = bytes >= footprint ? NewChunk(bytes) : nullptr;
    if (block != nullptr) {
      next_ = block + footprint;
      end_ = block + bytes;
      next_chunk_bytes_ = std::min(next_chunk_bytes_ * 2, kMaxChunkBytes);
    }
  }
  if (block != nullptr) {
    Unpoison(block, size);
    return block;
  }
  // Exactly `size` (at least 1): under AddressSanitizer, malloc's own redzones start there.
  void* spilled = std::malloc(std::max<std::size_t>(size, 1));
  if (spilled == nullptr) OutOfMemory();
  spilled_.insert(spilled);
  return spilled;
}

void GumboArena::Deallocate(void* block) {
  // Arena blocks are never in spilled_, so the common case is one empty() test.
  if (block == nullptr || spilled_.empty()) return;
  if (spilled_.erase(block) > 0) std::free(block);
}

void* GumboArena::GumboAllocate(void* arena, std::size_t size) {
  return static_cast<GumboArena*>(arena)->Allocate(size);
}

void GumboArena::GumboDeallocate(void* arena, void* block) {
  static_cast<GumboArena*>(arena)->Deallocate(block);
}

}  // namespace policyd::extract_internal

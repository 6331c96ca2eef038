#include "gumbo_arena.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace policyd::extract_internal {
namespace {

// Blocks larger than this get a chunk of their own, so that the newest chunk's free space is
// not abandoned for one big vector.
constexpr std::size_t kDedicatedChunkBytes = GumboArena::kMaxChunkBytes / 4;

[[noreturn]] void OutOfMemory() {
  // Gumbo cannot handle a failed allocation (neither can its default, malloc): stop plainly
  // rather than crash on a null pointer inside the parser.
  std::fputs("policyd: out of memory while parsing HTML\n", stderr);
  std::abort();
}

std::size_t RoundUp(std::size_t size) {
  constexpr std::size_t kMask = GumboArena::kAlignment - 1;
  if (size > SIZE_MAX - kMask) OutOfMemory();
  return std::max<std::size_t>((size + kMask) & ~kMask, GumboArena::kAlignment);
}

}  // namespace

void GumboArena::FreeDeleter::operator()(void* block) const { std::free(block); }

GumboArena::GumboArena(const Bounds& bounds)
    : next_chunk_bytes_(
          std::clamp<std::size_t>(bounds.first_chunk_bytes, kAlignment, kMaxChunkBytes)),
      budget_bytes_(bounds.budget_bytes) {}

GumboArena::~GumboArena() {
  for (void* block : spilled_) std::free(block);
}

std::byte* GumboArena::NewChunk(std::size_t bytes) {
  if (bytes > budget_bytes_ - chunk_bytes_) return nullptr;
  Chunk chunk(static_cast<std::byte*>(std::malloc(bytes)));
  if (chunk == nullptr) OutOfMemory();
  chunk_bytes_ += bytes;
  chunks_.push_back(std::move(chunk));
  return chunks_.back().get();
}

void* GumboArena::Allocate(std::size_t size) {
  const std::size_t rounded = RoundUp(size);
  if (rounded <= static_cast<std::size_t>(end_ - next_)) {
    std::byte* block = next_;
    next_ += rounded;
    return block;
  }
  if (rounded > kDedicatedChunkBytes) {
    // A chunk of its own: the newest chunk keeps its free space for small blocks.
    if (std::byte* chunk = NewChunk(rounded)) return chunk;
  } else {
    // A regular chunk shrinks to what the budget still allows, as long as the block fits.
    const std::size_t bytes =
        std::min(std::max(next_chunk_bytes_, rounded), budget_bytes_ - chunk_bytes_);
    if (std::byte* chunk = bytes >= rounded ? NewChunk(bytes) : nullptr) {
      next_ = chunk + rounded;
      end_ = chunk + bytes;
      next_chunk_bytes_ = std::min(next_chunk_bytes_ * 2, kMaxChunkBytes);
      return chunk;
    }
  }
  void* block = std::malloc(rounded);
  if (block == nullptr) OutOfMemory();
  spilled_.insert(block);
  return block;
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

// GumboArena: the memory of one Gumbo parse, handed out from a few large chunks and released
// all at once with the document.
//
// Gumbo (libgumbo 0.10.1) allocates every node, attribute, string and vector of a parse through
// GumboOptions::allocator and frees many temporaries during the parse (token buffers, vectors
// it outgrew). With malloc that is tens of thousands of small allocations and frees per page,
// and a recursive gumbo_destroy_output() at the end. A parse's memory all dies together, so a
// bump allocator fits: Allocate() advances a pointer, Deallocate() of arena memory does nothing,
// and the destructor frees a handful of chunks, whatever the depth of the tree.
//
// Under AddressSanitizer, blocks are unpoisoned one by one and separated by poisoned gaps, so
// overruns are caught as with malloc (gumbo_arena.cc).
//
// Bounded: the chunks never add up to more than `budget_bytes`. Past the budget, allocations
// come from malloc and their frees are honoured, so an input that allocates and frees far more
// than it keeps costs no more memory than with malloc alone.
#ifndef POLICYD_SRC_EXTRACT_GUMBO_ARENA_H_
#define POLICYD_SRC_EXTRACT_GUMBO_ARENA_H_

#include <cstddef>
#include <memory>
#include <unordered_set>
#include <vector>

namespace policyd::extract_internal {

class GumboArena {
 public:
  // Every block is aligned like malloc's.
  static constexpr std::size_t kAlignment = alignof(std::max_align_t);

  struct Bounds {
    // The first chunk (clamped to kMaxChunkBytes); later ones double, up to kMaxChunkBytes.
    std::size_t first_chunk_bytes = 0;
    // The most the chunks may hold together.
    std::size_t budget_bytes = 0;
  };
  explicit GumboArena(const Bounds& bounds);
  ~GumboArena();  // frees the chunks and every malloc'd block not yet freed
  GumboArena(const GumboArena&) = delete;
  GumboArena& operator=(const GumboArena&) = delete;

  // A block of `size` bytes aligned to kAlignment, valid until the arena dies or, for a block
  // past the budget, until Deallocate. Never null: like Gumbo's default allocator, running out
  // of memory ends the process (std::bad_alloc is not caught by C code).
  void* Allocate(std::size_t size);
  // Frees a block from malloc (past the budget); a block from a chunk stays until the arena
  // dies. nullptr is ignored.
  void Deallocate(void* block);

  // The bytes a block of `size` takes from a chunk: `size` rounded up to kAlignment, plus,
  // under AddressSanitizer, the poisoned redzone that follows every block.
  static std::size_t Footprint(std::size_t size);

  // Bytes held in chunks (the arena's footprint, not counting blocks past the budget).
  std::size_t chunk_bytes() const { return chunk_bytes_; }
  // Blocks that came from malloc because the budget was reached, and are still allocated.
  std::size_t spilled_blocks() const { return spilled_.size(); }

  // GumboOptions::allocator / deallocator; `arena` is GumboOptions::userdata.
  static void* GumboAllocate(void* arena, std::size_t size);
  static void GumboDeallocate(void* arena, void* block);

  static constexpr std::size_t kMaxChunkBytes = std::size_t{1} << 20;

 private:
  struct FreeDeleter {
    void operator()(void* block) const;
  };
  using ChunkData = std::unique_ptr<std::byte, FreeDeleter>;
  struct Chunk {
    ChunkData data;
    std::size_t bytes;
  };

  // A new chunk of `bytes`, or nullptr when the budget does not allow it.
  std::byte* NewChunk(std::size_t bytes);

  std::vector<Chunk> chunks_;
  std::byte* next_ = nullptr;  // free space in the newest chunk: [next_, end_)
  std::byte* end_ = nullptr;
  std::size_t next_chunk_bytes_;
  std::size_t chunk_bytes_ = 0;
  const std::size_t budget_bytes_;
  std::unordered_set<void*> spilled_;  // malloc'd blocks past the budget
};

}  // namespace policyd::extract_internal

#endif  // POLICYD_SRC_EXTRACT_GUMBO_ARENA_H_

#include "policyd/gumbo_document.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>

#include "gumbo_arena.h"

namespace policyd {
namespace {

using extract_internal::GumboArena;

// Gumbo allocates about 5 bytes per input byte in a parse (measured on 500 WCXB pages: 5.2
// in all, at most 15 on a single page), and keeps about 4 of them to the end. The arena takes
// up to 8 per byte, plus room for small pages; past that, blocks come from malloc and their
// frees are honoured (gumbo_arena.h).
constexpr std::size_t kArenaBytesPerInputByte = 8;
constexpr std::size_t kArenaBaseBytes = std::size_t{1} << 20;

GumboArena::Bounds ArenaBoundsFor(std::size_t input_bytes) {
  const std::size_t budget = input_bytes > (SIZE_MAX - kArenaBaseBytes) / kArenaBytesPerInputByte
                                 ? SIZE_MAX
                                 : kArenaBaseBytes + input_bytes * kArenaBytesPerInputByte;
  // A first chunk near the parse's whole need saves growing through many small chunks (the
  // arena clamps it to kMaxChunkBytes).
  constexpr std::size_t kMinFirstChunk = 4096;
  const std::size_t first =
      std::max(kMinFirstChunk, std::min(input_bytes, GumboArena::kMaxChunkBytes) * 4);
  return {.first_chunk_bytes = first, .budget_bytes = budget};
}

}  // namespace

struct GumboDocument::State {
  explicit State(std::string input, bool capped, bool too_many)
      : text(std::move(input)),
        depth_capped(capped),
        too_many_elements(too_many),
        arena(ArenaBoundsFor(text.size())) {}

  std::string text;  // Gumbo's nodes point into it
  bool depth_capped;
  bool too_many_elements;
  // Holds the whole tree: the tree dies with it, without gumbo_destroy_output() (which
  // recurses once per level of the tree).
  GumboArena arena;
  GumboOutput* output = nullptr;
  const GumboNode* body = nullptr;
};

GumboDocument::GumboDocument(std::string utf8) {
  std::string capped;
  std::size_t start_tags = 0;
  const bool depth_capped = CapNestingDepth(utf8, kMaxNestingDepth, &capped, &start_tags);
  if (start_tags > kMaxElements) {
    // Parsed, it would take gigabytes (two million "<p>x" of an 8 MB page took 1.3 GB).
    state_ = std::make_unique<State>(std::string(), depth_capped, true);
  } else {
    state_ = std::make_unique<State>(depth_capped ? std::move(capped) : std::move(utf8),
                                     depth_capped, false);
  }
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &GumboArena::GumboAllocate;
  options.deallocator = &GumboArena::GumboDeallocate;
  options.userdata = &state_->arena;
  options.max_errors = 0;  // we never read parse errors; hostile input could produce millions
  state_->output = gumbo_parse_with_options(&options, state_->text.data(), state_->text.size());
  const GumboVector& children = state_->output->root->v.element.children;
  for (unsigned i = 0; i < children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(children.data[i]);
    if (child->type == GUMBO_NODE_ELEMENT && child->v.element.tag == GUMBO_TAG_BODY) {
      state_->body = child;
      break;
    }
  }
}

GumboDocument::~GumboDocument() = default;
GumboDocument::GumboDocument(GumboDocument&&) noexcept = default;
GumboDocument& GumboDocument::operator=(GumboDocument&&) noexcept = default;

const GumboNode* GumboDocument::document() const { return state_->output->document; }
const GumboNode* GumboDocument::root() const { return state_->output->root; }
const GumboNode* GumboDocument::body() const { return state_->body; }
bool GumboDocument::depth_capped() const { return state_->depth_capped; }
bool GumboDocument::too_many_elements() const { return state_->too_many_elements; }

}  // namespace policyd

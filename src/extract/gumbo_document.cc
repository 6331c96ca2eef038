#include "policyd/gumbo_document.h"

#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "html_tags.h"

namespace policyd {
namespace {

// Gumbo's default allocator is malloc as well; naming it explicitly guarantees that the
// children array we install when flattening is freed by the matching deallocator.
void* GumboAlloc(void* /*userdata*/, size_t size) { return std::malloc(size); }
void GumboFree(void* /*userdata*/, void* ptr) { std::free(ptr); }

// Trees deeper than this are flattened before gumbo_destroy_output(), which recurses once per
// level. Normal pages are 10-60 levels deep.
constexpr size_t kMaxDestroyDepth = 256;

GumboOptions MakeOptions() {
  GumboOptions options = kGumboDefaultOptions;
  options.allocator = &GumboAlloc;
  options.deallocator = &GumboFree;
  options.max_errors = 0;  // we never read parse errors; hostile input could produce millions
  return options;
}

size_t TreeDepth(const GumboNode* document) {
  size_t max_depth = 0;
  std::vector<std::pair<const GumboNode*, size_t>> stack = {{document, 0}};
  while (!stack.empty()) {
    const auto [node, depth] = stack.back();
    stack.pop_back();
    if (depth > max_depth) max_depth = depth;
    const GumboVector& children = extract_internal::Children(node);
    for (unsigned i = 0; i < children.length; ++i) {
      stack.emplace_back(static_cast<const GumboNode*>(children.data[i]), depth + 1);
    }
  }
  return max_depth;
}

// Makes every node a direct child of the document node so that Gumbo's recursive destructor
// only goes two levels deep. Only valid right before destruction.
void FlattenForDestruction(GumboNode* document) {
  std::vector<GumboNode*> all;
  std::vector<GumboNode*> stack = {document};
  while (!stack.empty()) {
    GumboNode* node = stack.back();
    stack.pop_back();
    if (node->type != GUMBO_NODE_DOCUMENT && node->type != GUMBO_NODE_ELEMENT &&
        node->type != GUMBO_NODE_TEMPLATE) {
      continue;
    }
    GumboVector& children =
        node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
    for (unsigned i = 0; i < children.length; ++i) {
      auto* child = static_cast<GumboNode*>(children.data[i]);
      all.push_back(child);
      stack.push_back(child);
    }
    // Keep `data` so that Gumbo frees the array; forget the entries.
    if (node != document) children.length = 0;
  }
  void* data = GumboAlloc(nullptr, (all.empty() ? 1 : all.size()) * sizeof(void*));
  if (data == nullptr) return;  // out of memory: let Gumbo try the deep tree
  for (size_t i = 0; i < all.size(); ++i) static_cast<void**>(data)[i] = all[i];
  GumboVector& top = document->v.document.children;
  GumboFree(nullptr, top.data);
  top.data = static_cast<void**>(data);
  top.length = static_cast<unsigned>(all.size());
  top.capacity = top.length;
}

}  // namespace

struct GumboDocument::State {
  std::string text;  // Gumbo's nodes point into it
  GumboOptions options = MakeOptions();
  GumboOutput* output = nullptr;
  const GumboNode* body = nullptr;
  bool depth_capped = false;

  State() = default;
  State(const State&) = delete;
  State& operator=(const State&) = delete;
  ~State() {
    if (output == nullptr) return;
    if (TreeDepth(output->document) > kMaxDestroyDepth) FlattenForDestruction(output->document);
    gumbo_destroy_output(&options, output);
  }
};

GumboDocument::GumboDocument(std::string utf8) : state_(std::make_unique<State>()) {
  std::string capped;
  if (CapNestingDepth(utf8, kMaxNestingDepth, &capped)) {
    state_->text = std::move(capped);
    state_->depth_capped = true;
  } else {
    state_->text = std::move(utf8);
  }
  state_->output =
      gumbo_parse_with_options(&state_->options, state_->text.data(), state_->text.size());
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

}  // namespace policyd

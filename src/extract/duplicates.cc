#include "duplicates.h"

#include <vector>

#include "html_tags.h"

namespace policyd::extract_internal {
namespace {

constexpr uint64_t kFnvOffset = 14695981039346656037ULL;
constexpr uint64_t kFnvPrime = 1099511628211ULL;

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ULL + (h << 6) + (h >> 2);
  return h * kFnvPrime;
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

}  // namespace

std::unordered_map<const GumboNode*, uint64_t> FingerprintLargeSubtrees(const GumboNode* root,
                                                                        size_t min_text) {
  std::unordered_map<const GumboNode*, uint64_t> result;
  struct Frame {
    const GumboNode* node;
    unsigned next_child;
    uint64_t hash;
    size_t text;
  };
  std::vector<Frame> stack;
  stack.push_back({root, 0, Mix(kFnvOffset, root->v.element.tag), 0});
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector& children = Children(top.node);
    if (top.next_child < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA) {
        uint64_t h = kFnvOffset;
        size_t bytes = 0;
        for (const char* p = child->v.text.text; *p != '\0'; ++p) {
          if (IsAsciiSpace(*p)) continue;
          h = (h ^ static_cast<unsigned char>(*p)) * kFnvPrime;
          ++bytes;
        }
        top.hash = Mix(top.hash, h);
        top.text += bytes;
      } else if (child->type == GUMBO_NODE_ELEMENT && !HasFlag(child->v.element.tag, kNotText)) {
        stack.push_back({child, 0, Mix(kFnvOffset, child->v.element.tag), 0});
      }
      continue;
    }
    const Frame done = top;
    stack.pop_back();
    if (stack.empty()) break;  // the root itself is never a repeat
    if (done.text >= min_text) result.emplace(done.node, done.hash);
    stack.back().hash = Mix(stack.back().hash, Mix(done.hash, 0x5A5A));
    stack.back().text += done.text;
  }
  return result;
}

}  // namespace policyd::extract_internal

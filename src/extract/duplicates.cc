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
    uint64_t hash;     // the tag, then each text run and child with text, in order
    size_t text;       // non-white-space bytes under it
    uint64_t run;      // FNV of the text since the last child with text: consecutive text
    size_t run_bytes;  // nodes (split by a comment) are one run
  };
  const auto start = [](const GumboNode* node) {
    return Frame{node, 0, Mix(kFnvOffset, node->v.element.tag), 0, kFnvOffset, 0};
  };
  const auto end_run = [](Frame& frame) {
    if (frame.run_bytes == 0) return;
    frame.hash = Mix(frame.hash, frame.run);
    frame.run = kFnvOffset;
    frame.run_bytes = 0;
  };
  std::vector<Frame> stack;
  stack.push_back(start(root));
  while (!stack.empty()) {
    Frame& top = stack.back();
    const GumboVector& children = Children(top.node);
    if (top.next_child < children.length) {
      const auto* child = static_cast<const GumboNode*>(children.data[top.next_child++]);
      if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA) {
        for (const char* p = child->v.text.text; *p != '\0'; ++p) {
          if (IsAsciiSpace(*p)) continue;
          // U+00AD SOFT HYPHEN (0xC2 0xAD) shows nothing unless a line breaks there.
          if (static_cast<unsigned char>(p[0]) == 0xC2 &&
              static_cast<unsigned char>(p[1]) == 0xAD) {
            ++p;
            continue;
          }
          top.run = (top.run ^ static_cast<unsigned char>(*p)) * kFnvPrime;
          ++top.run_bytes;
          ++top.text;
        }
      } else if (child->type == GUMBO_NODE_ELEMENT && !HasFlag(child->v.element.tag, kNotText)) {
        stack.push_back(start(child));
      }
      continue;
    }
    Frame done = top;
    stack.pop_back();
    end_run(done);
    if (stack.empty()) break;      // the root itself is never a repeat
    if (done.text == 0) continue;  // <wbr>, an empty span: nothing shown
    if (done.text >= min_text) result.emplace(done.node, done.hash);
    Frame& parent = stack.back();
    end_run(parent);
    parent.hash = Mix(parent.hash, Mix(done.hash, 0x5A5A));
    parent.text += done.text;
  }
  return result;
}

}  // namespace policyd::extract_internal

#include "src/diff/edit_script.h"

#include <algorithm>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <dtl/dtl.hpp>

namespace policyd::diff_internal {
namespace {

using V = std::vector<std::string_view>;

// Replays `edits` on `a` and checks the result is `b` and the positions are consistent.
void ExpectTransforms(const V& a, const V& b, const std::vector<Edit>& edits) {
  V result;
  std::size_t old_pos = 0;
  std::size_t new_pos = 0;
  for (const Edit& edit : edits) {
    ASSERT_EQ(edit.old_index, old_pos);
    ASSERT_EQ(edit.new_index, new_pos);
    switch (edit.op) {
      case EditOp::kCommon:
        ASSERT_EQ(a[old_pos], b[new_pos]);
        result.push_back(a[old_pos++]);
        ++new_pos;
        break;
      case EditOp::kDelete:
        ++old_pos;
        break;
      case EditOp::kAdd:
        result.push_back(b[new_pos++]);
        break;
    }
  }
  EXPECT_EQ(old_pos, a.size());
  EXPECT_EQ(result, b);
}

TEST(EditScriptTest, EmptyInputs) {
  EXPECT_TRUE(ComputeEditScript({}, {}).empty());
  const V b = {"x", "y"};
  ExpectTransforms({}, b, ComputeEditScript({}, b));
  ExpectTransforms(b, {}, ComputeEditScript(b, {}));
}

TEST(EditScriptTest, ShorterAndLongerOldSide) {
  // dtl swaps its inputs internally when the first is longer; positions must not care.
  const V a = {"a", "b", "c", "d", "e", "f"};
  const V b = {"b", "x", "d", "f", "g"};
  ExpectTransforms(a, b, ComputeEditScript(a, b));
  ExpectTransforms(b, a, ComputeEditScript(b, a));
}

TEST(EditScriptTest, DeletionsPrecedeAdditionsInARun) {
  const V a = {"same", "old1", "old2", "same2"};
  const V b = {"same", "new1", "new2", "same2"};
  const auto edits = ComputeEditScript(a, b);
  ASSERT_EQ(edits.size(), 6u);
  EXPECT_EQ(edits[1].op, EditOp::kDelete);
  EXPECT_EQ(edits[2].op, EditOp::kDelete);
  EXPECT_EQ(edits[3].op, EditOp::kAdd);
  EXPECT_EQ(edits[4].op, EditOp::kAdd);
  ExpectTransforms(a, b, edits);
}

// Leaving tokens unique to one side out of dtl's search must not make the script longer.
TEST(EditScriptTest, RandomScriptsAreValidAndMinimal) {
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<std::string> a_storage;
    std::vector<std::string> b_storage;
    const auto token = [&rng] {
      // Mostly shared short tokens, some unique ones.
      return rng() % 5 == 0 ? "u" + std::to_string(rng()) : "t" + std::to_string(rng() % 6);
    };
    for (unsigned i = rng() % 30; i > 0; --i) a_storage.push_back(token());
    for (unsigned i = rng() % 30; i > 0; --i) b_storage.push_back(token());
    const V a(a_storage.begin(), a_storage.end());
    const V b(b_storage.begin(), b_storage.end());

    const auto edits = ComputeEditScript(a, b);
    ExpectTransforms(a, b, edits);
    long long changes = 0;
    for (const Edit& edit : edits) changes += edit.op == EditOp::kCommon ? 0 : 1;
    dtl::Diff<std::string_view> reference(a, b);
    reference.compose();
    EXPECT_EQ(changes, reference.getEditDistance());
  }
}

// A permutation makes dtl exceed its path buffer limit and continue in several passes; the
// stitched script must still be valid.
TEST(EditScriptTest, LargePermutationIsValid) {
  std::vector<std::string> storage;
  for (int i = 0; i < 5000; ++i) storage.push_back("line " + std::to_string(i));
  const V a(storage.begin(), storage.end());
  V b = a;
  std::shuffle(b.begin(), b.end(), std::mt19937(3));
  ExpectTransforms(a, b, ComputeEditScript(a, b));
}

}  // namespace
}  // namespace policyd::diff_internal

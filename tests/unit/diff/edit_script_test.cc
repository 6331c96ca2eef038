#include "src/diff/edit_script.h"

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>
#include <dtl/dtl.hpp>

namespace policyd::diff_internal {
namespace {

using V = std::vector<std::string_view>;

// The shortest script within the default budget.
std::vector<Edit> Script(const V& a, const V& b) {
  StepBudget budget(2'000'000);
  EditScript script = ComputeEditScript(a, b, &budget);
  EXPECT_TRUE(script.minimal);
  return script.edits;
}

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
  EXPECT_TRUE(Script({}, {}).empty());
  const V b = {"x", "y"};
  ExpectTransforms({}, b, Script({}, b));
  ExpectTransforms(b, {}, Script(b, {}));
}

TEST(EditScriptTest, ShorterAndLongerOldSide) {
  // dtl swaps its inputs internally when the first is longer; positions must not care.
  const V a = {"a", "b", "c", "d", "e", "f"};
  const V b = {"b", "x", "d", "f", "g"};
  ExpectTransforms(a, b, Script(a, b));
  ExpectTransforms(b, a, Script(b, a));
}

TEST(EditScriptTest, DeletionsPrecedeAdditionsInARun) {
  const V a = {"same", "old1", "old2", "same2"};
  const V b = {"same", "new1", "new2", "same2"};
  const auto edits = Script(a, b);
  ASSERT_EQ(edits.size(), 6u);
  EXPECT_EQ(edits[1].op, EditOp::kDelete);
  EXPECT_EQ(edits[2].op, EditOp::kDelete);
  EXPECT_EQ(edits[3].op, EditOp::kAdd);
  EXPECT_EQ(edits[4].op, EditOp::kAdd);
  ExpectTransforms(a, b, edits);
}

// Leaving tokens unique to one side (and the common prefix and suffix) out of dtl's search
// must not make the script longer.
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

    const auto edits = Script(a, b);
    ExpectTransforms(a, b, edits);
    long long changes = 0;
    for (const Edit& edit : edits) changes += edit.op == EditOp::kCommon ? 0 : 1;
    dtl::Diff<std::string_view> reference(a, b);
    reference.compose();
    EXPECT_EQ(changes, reference.getEditDistance());
    // The work estimate's common length is a lower bound of the LCS.
    const long long lcs =
        (static_cast<long long>(a.size() + b.size()) - reference.getEditDistance()) / 2;
    EXPECT_LE(static_cast<long long>(CommonLengthLowerBound(a, b, CountTokens(a, b))), lcs);
  }
}

// The kinds of edit, in order, as one string: "=" kept, "-" deleted, "+" added.
std::string Shape(const std::vector<Edit>& edits) {
  std::string shape;
  for (const Edit& edit : edits) {
    shape += edit.op == EditOp::kCommon ? '=' : (edit.op == EditOp::kDelete ? '-' : '+');
  }
  return shape;
}

TEST(SlideChangesTest, ARunAddedOrRemovedInFrontMovesToTheStart) {
  const V kept = {"We", "share", "data."};
  const V longer = {"We", "may", "update.", "We", "share", "data."};
  StepBudget budget(2'000'000);
  EditScript added = ComputeEditScript(kept, longer, &budget);
  ASSERT_EQ(Shape(added.edits), "=+++==");  // dtl keeps the first "We"
  SlideChangesToBoundaries(kept, longer, &added);
  EXPECT_EQ(Shape(added.edits), "+++===");
  ExpectTransforms(kept, longer, added.edits);
  EXPECT_EQ(added.edits[3].new_index, 3u);  // the old "We" is the new text's second one

  EditScript removed = ComputeEditScript(longer, kept, &budget);
  ASSERT_EQ(Shape(removed.edits), "=---==");
  SlideChangesToBoundaries(longer, kept, &removed);
  EXPECT_EQ(Shape(removed.edits), "---===");
  ExpectTransforms(longer, kept, removed.edits);
}

TEST(SlideChangesTest, ARunSlidesDownToAnotherChangeAndOtherwiseStays) {
  // "a" added between "k" and a kept "a", with "z" replaced by "y" at the end: the added run
  // cannot go up past "k", but down past the equal "a" it joins the replacement.
  const V a = {"k", "a", "z"};
  const V b = {"k", "a", "a", "y"};
  EditScript script;
  script.edits = {{EditOp::kCommon, 0, 0},
                  {EditOp::kAdd, 1, 1},
                  {EditOp::kCommon, 1, 2},
                  {EditOp::kDelete, 2, 3},
                  {EditOp::kAdd, 3, 3}};
  ExpectTransforms(a, b, script.edits);
  SlideChangesToBoundaries(a, b, &script);
  ExpectTransforms(a, b, script.edits);
  EXPECT_EQ(Shape(script.edits), "==-++");
  // Nothing equal to slide over: the run stays where it is.
  StepBudget budget(2'000'000);
  const V c = {"p", "q", "r"};
  const V d = {"p", "new", "q", "r"};
  EditScript middle = ComputeEditScript(c, d, &budget);
  SlideChangesToBoundaries(c, d, &middle);
  EXPECT_EQ(Shape(middle.edits), "=+==");
  // Already at the end: it stays, although it could go up to the start.
  const V e = {"a", "b"};
  const V f = {"a", "b", "a", "b"};
  EditScript end = ComputeEditScript(e, f, &budget);
  SlideChangesToBoundaries(e, f, &end);
  EXPECT_EQ(Shape(end.edits), "==++");
}

TEST(SlideChangesTest, RandomSlidScriptsStayValidAndMinimal) {
  std::mt19937 rng(11);
  for (int round = 0; round < 500; ++round) {
    std::vector<std::string> a_storage;
    std::vector<std::string> b_storage;
    const auto token = [&rng] { return "t" + std::to_string(rng() % 3); };  // many ties
    for (unsigned i = rng() % 25; i > 0; --i) a_storage.push_back(token());
    for (unsigned i = rng() % 25; i > 0; --i) b_storage.push_back(token());
    const V a(a_storage.begin(), a_storage.end());
    const V b(b_storage.begin(), b_storage.end());
    StepBudget budget(2'000'000);
    EditScript script = ComputeEditScript(a, b, &budget);
    const std::string before = Shape(script.edits);
    SlideChangesToBoundaries(a, b, &script);
    ExpectTransforms(a, b, script.edits);
    const std::string after = Shape(script.edits);
    for (const char kind : {'=', '-', '+'}) {
      EXPECT_EQ(std::count(before.begin(), before.end(), kind),
                std::count(after.begin(), after.end(), kind));
    }
  }
}

// Without a budget, a permutation makes dtl exceed its path buffer limit and continue in
// several passes; the stitched script must still be valid.
TEST(EditScriptTest, LargePermutationIsValid) {
  std::vector<std::string> storage;
  for (int i = 0; i < 5000; ++i) storage.push_back("line " + std::to_string(i));
  const V a(storage.begin(), storage.end());
  V b = a;
  std::shuffle(b.begin(), b.end(), std::mt19937(3));
  StepBudget unlimited(UINT64_MAX);
  ExpectTransforms(a, b, ComputeEditScript(a, b, &unlimited).edits);
}

// Lines of a page in reverse order: dtl's worst case. Past the budget, the search is not
// started; the span between the common prefix and suffix is deleted and added whole.
TEST(EditScriptTest, OverTheBudgetTheChangedSpanIsReplacedWhole) {
  std::vector<std::string> storage;
  for (int i = 0; i < 3000; ++i) storage.push_back("line " + std::to_string(i));
  V a(storage.begin(), storage.end());
  V b(a.rbegin(), a.rend());
  // Same first two and last line on both sides.
  a.insert(a.begin(), {"title", "intro"});
  b.insert(b.begin(), {"title", "intro"});
  a.push_back("footer");
  b.push_back("footer");
  StepBudget budget(2'000'000);
  const EditScript script = ComputeEditScript(a, b, &budget);
  EXPECT_FALSE(script.minimal);
  EXPECT_EQ(budget.remaining(), 2'000'000u);  // nothing was searched
  ExpectTransforms(a, b, script.edits);
  ASSERT_EQ(script.edits.size(), 2u + 3000u + 3000u + 1u);
  EXPECT_EQ(script.edits[1].op, EditOp::kCommon);
  for (std::size_t i = 2; i < 3002; ++i) EXPECT_EQ(script.edits[i].op, EditOp::kDelete);
  for (std::size_t i = 3002; i < 6002; ++i) EXPECT_EQ(script.edits[i].op, EditOp::kAdd);
  EXPECT_EQ(script.edits.back().op, EditOp::kCommon);
}

// The budget is shared: each search spends its predicted steps, and a search predicted to
// cost more than what is left is not started.
TEST(EditScriptTest, SearchesSpendTheSharedBudget) {
  const V a = {"a", "b", "c", "d", "e", "f", "g", "h"};
  const V b = {"h", "g", "f", "e", "d", "c", "b", "a"};
  const uint64_t steps = DtlSteps(8, 8, 1);  // P = 7, Δ = 0: rounds of 1, 3, ..., 15 steps
  EXPECT_EQ(steps, 64u);
  StepBudget budget(steps + 10);
  EditScript first = ComputeEditScript(a, b, &budget);
  EXPECT_TRUE(first.minimal);
  ExpectTransforms(a, b, first.edits);
  EXPECT_EQ(budget.remaining(), 10u);
  EditScript second = ComputeEditScript(a, b, &budget);
  EXPECT_FALSE(second.minimal);
  ExpectTransforms(a, b, second.edits);
  EXPECT_EQ(budget.remaining(), 10u);
  // Texts that share nothing, or only a prefix and suffix, need no search at all.
  StepBudget empty(0);
  EXPECT_TRUE(ComputeEditScript({"x", "a", "y"}, {"x", "b", "c", "y"}, &empty).minimal);
}

TEST(WorkEstimateTest, DtlStepsFormula) {
  EXPECT_EQ(DtlSteps(0, 0, 0), 1u);
  EXPECT_EQ(DtlSteps(10, 10, 10), 1u);            // equal: one round of one step
  EXPECT_EQ(DtlSteps(10, 30, 10), 21u);           // P = 0, Δ = 20
  EXPECT_EQ(DtlSteps(30, 10, 7), 4u * (20 + 4));  // P = 3, Δ = 20, either order
  EXPECT_EQ(DtlSteps(100'000, 100'000, 1), 100'000ull * 100'000ull);
  EXPECT_EQ(DtlSteps(SIZE_MAX, 0, 0), UINT64_MAX);  // saturates
  EXPECT_EQ(DtlSteps(SIZE_MAX, SIZE_MAX / 2, 0), UINT64_MAX);
}

// The estimate's common length is exact for a sequence edited in place (its lower-bound
// property is checked in RandomScriptsAreValidAndMinimal).
TEST(WorkEstimateTest, CommonLengthIsExactForEditsInPlace) {
  // Paragraphs separated by repeated blank lines, three of them edited.
  std::vector<std::string> storage;
  for (int i = 0; i < 200; ++i) {
    storage.push_back("paragraph " + std::to_string(i));
    storage.push_back("");
  }
  const V a(storage.begin(), storage.end());
  V b = a;
  b[10] = "edited";
  b[200] = "edited too";
  b[398] = "edited again";
  EXPECT_EQ(CommonLengthLowerBound(a, b, CountTokens(a, b)), 400u - 3u);
}

}  // namespace
}  // namespace policyd::diff_internal

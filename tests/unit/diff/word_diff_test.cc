#include "src/diff/word_diff.h"

#include <gtest/gtest.h>

namespace policyd::diff_internal {
namespace {

TEST(WordDiffTest, MarksOnlyTheChangedWord) {
  EXPECT_EQ(WordDiffLine("We share data with partners.", "We share data with affiliates.", false),
            "We share data with [-partners.-]{+affiliates.+}");
}

TEST(WordDiffTest, InsertionAndDeletion) {
  EXPECT_EQ(WordDiffLine("keep for 30 days", "keep for at most 30 days", false),
            "keep for {+at most+} 30 days");
  EXPECT_EQ(WordDiffLine("we may sell your data", "we sell your data", false),
            "we [-may-] sell your data");
}

TEST(WordDiffTest, KeepsNewSpacing) {
  EXPECT_EQ(WordDiffLine("  a b", "  a  c ", false), "  a  [-b-]{+c+} ");
}

TEST(WordDiffTest, Colour) {
  EXPECT_EQ(WordDiffLine("a b", "a c", true), "a \x1b[31m[-b-]\x1b[0m\x1b[32m{+c+}\x1b[0m");
}

}  // namespace
}  // namespace policyd::diff_internal

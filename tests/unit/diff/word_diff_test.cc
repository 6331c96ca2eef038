#include "src/diff/word_diff.h"

#include <gtest/gtest.h>

namespace policyd::diff_internal {
namespace {

std::string WordDiffLine(std::string_view old_line, std::string_view new_line, bool color) {
  StepBudget budget(2'000'000);
  return diff_internal::WordDiffLine(old_line, new_line, color, &budget);
}

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

// A line whose words are the same but whose spacing changed (a list item moved up a level, a
// space dropped between two words) was shown as changed with nothing marked.
TEST(WordDiffTest, MarksSpacingThatAloneChanged) {
  EXPECT_EQ(WordDiffLine("  3. Photos you upload.", "3. Photos you upload.", false),
            "[-  -]3. Photos you upload.");
  EXPECT_EQ(WordDiffLine("- Your name.", "  - Your name.", false), "{+  +}- Your name.");
  EXPECT_EQ(WordDiffLine("เราขาย ข้อมูล", "เราขายข้อมูล", false), "เราขาย[- -]ข้อมูล");
  EXPECT_EQ(WordDiffLine("a  b", "a b", false), "a[-  -]{+ +}b");
}

TEST(WordDiffTest, Colour) {
  EXPECT_EQ(WordDiffLine("a b", "a c", true), "a \x1b[31m[-b-]\x1b[0m\x1b[32m{+c+}\x1b[0m");
}

// Chinese, Japanese and Thai put no space between words: a line of them used to be one
// "word", so an edit of two characters marked the whole sentence. Their runs are split into
// ICU's dictionary words, and only the changed ones are marked.
TEST(WordDiffTest, ScriptsWithoutSpacesAreSplitIntoTheirWords) {
  EXPECT_EQ(WordDiffLine("我们会与合作伙伴共享您的个人信息。", "我们会与关联公司共享您的个人信息。",
                         false),
            "我们会与[-合作伙伴-]{+关联公司+}共享您的个人信息。");
  EXPECT_EQ(
      WordDiffLine("個人情報を第三者に提供しません。", "個人情報を第三者に販売しません。", false),
      "個人情報を第三者に[-提供-]{+販売+}しません。");
  EXPECT_EQ(WordDiffLine("เราไม่ขายข้อมูลของคุณ", "เราขายข้อมูลของคุณ", false), "เรา[-ไม่-]ขายข้อมูลของคุณ");
  // Mixed with spaced words, each keeps its own spacing.
  EXPECT_EQ(WordDiffLine("Policyd 会保存 30 天", "Policyd 会保存 90 天", false),
            "Policyd 会保存 [-30-]{+90+} 天");
}

// A pair beyond the budget left is marked as one change between its common leading and
// trailing words, which is still a correct rendering.
TEST(WordDiffTest, OverTheBudgetTheChangedWordsAreOneChange) {
  StepBudget exhausted(0);
  EXPECT_EQ(diff_internal::WordDiffLine("We share a b c with partners.",
                                        "We share c b a with partners.", false, &exhausted),
            "We share [-a b c-]{+c b a+} with partners.");
  StepBudget enough(1000);
  EXPECT_EQ(diff_internal::WordDiffLine("We share a b c with partners.",
                                        "We share c b a with partners.", false, &enough),
            "We share [-a b-] c {+b a+} with partners.");  // dtl's shortest script
  EXPECT_LT(enough.remaining(), 1000u);
}

}  // namespace
}  // namespace policyd::diff_internal

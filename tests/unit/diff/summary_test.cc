#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/diff.h"

namespace policyd {
namespace {

const char kPolicy[] =
    "# Policy\n"
    "Intro line.\n"
    "## Collection\n"
    "We collect your email.\n"
    "## Sharing\n"
    "We share data with partners.\n"
    "We never sell data.\n";

TEST(SummarizeDiffTest, IdenticalTextsHaveNoChanges) {
  const DiffSummary summary = SummarizeDiff(kPolicy, kPolicy);
  EXPECT_EQ(summary.lines_added, 0);
  EXPECT_EQ(summary.lines_removed, 0);
  EXPECT_TRUE(summary.sections.empty());
}

TEST(SummarizeDiffTest, BothEmpty) {
  const DiffSummary summary = SummarizeDiff("", "");
  EXPECT_EQ(summary.lines_added, 0);
  EXPECT_EQ(summary.lines_removed, 0);
}

TEST(SummarizeDiffTest, OneLineChangedInSection) {
  std::string changed = kPolicy;
  changed.replace(changed.find("partners"), 8, "affiliates");
  const DiffSummary summary = SummarizeDiff(kPolicy, changed);
  EXPECT_EQ(summary.lines_added, 1);
  EXPECT_EQ(summary.lines_removed, 1);
  EXPECT_EQ(summary.sections, std::vector<std::string>{"## Sharing"});
}

TEST(SummarizeDiffTest, AdditionBeforeFirstHeadingIsEmptySection) {
  const DiffSummary summary = SummarizeDiff(kPolicy, std::string("Updated notice.\n") + kPolicy);
  EXPECT_EQ(summary.lines_added, 1);
  EXPECT_EQ(summary.lines_removed, 0);
  EXPECT_EQ(summary.sections, std::vector<std::string>{""});
}

TEST(SummarizeDiffTest, DeletionUsesOldTextHeadings) {
  // The whole "## Collection" section disappears: its lines are attributed to the old heading.
  const std::string new_text =
      "# Policy\n"
      "Intro line.\n"
      "## Sharing\n"
      "We share data with partners.\n"
      "We never sell data.\n";
  const DiffSummary summary = SummarizeDiff(kPolicy, new_text);
  EXPECT_EQ(summary.lines_added, 0);
  EXPECT_EQ(summary.lines_removed, 2);
  EXPECT_EQ(summary.sections, std::vector<std::string>{"## Collection"});
}

TEST(SummarizeDiffTest, SectionsInOrderOfFirstAppearanceWithoutDuplicates) {
  const std::string old_text = "# A\na1\na2\n# B\nb1\n# C\nc1\n";
  const std::string new_text = "# A\na1 new\na2 new\n# B\nb1\n# C\nc1 new\nc2\n";
  const DiffSummary summary = SummarizeDiff(old_text, new_text);
  EXPECT_EQ(summary.lines_added, 4);
  EXPECT_EQ(summary.lines_removed, 3);
  EXPECT_EQ(summary.sections, (std::vector<std::string>{"# A", "# C"}));
}

TEST(SummarizeDiffTest, HeadingTrailingWhitespaceIsDropped) {
  const DiffSummary summary = SummarizeDiff("## Cookies \r\nold\n", "## Cookies \r\nnew\n");
  EXPECT_EQ(summary.sections, std::vector<std::string>{"## Cookies"});
}

TEST(SummarizeDiffTest, FromAndToEmpty) {
  DiffSummary summary = SummarizeDiff("", kPolicy);
  EXPECT_EQ(summary.lines_added, 7);
  EXPECT_EQ(summary.lines_removed, 0);
  EXPECT_EQ(summary.sections,
            (std::vector<std::string>{"# Policy", "## Collection", "## Sharing"}));
  summary = SummarizeDiff(kPolicy, "");
  EXPECT_EQ(summary.lines_added, 0);
  EXPECT_EQ(summary.lines_removed, 7);
}

}  // namespace
}  // namespace policyd

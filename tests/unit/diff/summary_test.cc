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

// A section moved before the one above it: the blank line that separated them is removed
// under the section above, which did not change. It named that section too, so a reviewer
// filtering by section was told of an edit that was not there (an annotator's replay).
TEST(SummarizeDiffTest, ABlankLineNamesNoSectionOfItsOwn) {
  const std::string old_text =
      "# Privacy\n\n## 9. Retention\n\nWe keep data two years.\n\n## 10. Children\n\n"
      "No accounts under 18.\n";
  const std::string new_text =
      "# Privacy\n\n## 10. Children\n\nNo accounts under 18.\n\n## 9. Retention\n\n"
      "We keep data two years.\n";
  const DiffSummary summary = SummarizeDiff(old_text, new_text);
  EXPECT_GT(summary.lines_added, 0);
  for (const std::string& section : summary.sections) {
    EXPECT_TRUE(section == "## 10. Children" || section == "## 9. Retention") << section;
  }
  // Whichever block the diff moves, only the moved section is named: the one it passed holds
  // no changed line but blank ones.
  EXPECT_EQ(summary.sections.size(), 1u) << ::testing::PrintToString(summary.sections);
  // A change of blank lines alone still names where it is.
  const DiffSummary blank_only = SummarizeDiff("# A\na1\n\na2\n", "# A\na1\n\n\na2\n");
  EXPECT_EQ(blank_only.sections, std::vector<std::string>{"# A"});
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

// `count` sections "## Section i" with one body line each, in order or reversed.
std::string Sections(int count, bool reversed, const std::string& body = "text") {
  std::string text;
  for (int k = 0; k < count; ++k) {
    const int i = reversed ? count - 1 - k : k;
    text += "## Section " + std::to_string(i) + "\n" + body + " " + std::to_string(i) + "\n";
  }
  return text;
}

// Issue 14: a page whose headings come back in reverse order cost 40 s and 244 MB. Past the
// work budget the summary is approximate: the changed span (here everything) counts as
// removed and added, and its sections are reported within the limits.
TEST(SummarizeDiffTest, ReversedSectionsTakeTheApproximateSummary) {
  const DiffSummary summary = SummarizeDiff(Sections(3000, false), Sections(3000, true));
  EXPECT_TRUE(summary.approximate);
  EXPECT_EQ(summary.lines_removed, 6000);
  EXPECT_EQ(summary.lines_added, 6000);
  ASSERT_EQ(summary.sections.size(), 64u);
  EXPECT_EQ(summary.sections.front(), "## Section 0");
  EXPECT_EQ(summary.sections.back(), "## Section 63");
  EXPECT_EQ(summary.sections_truncated, 3000 - 64);
}

TEST(SummarizeDiffTest, ApproximateSummaryKeepsTheCommonPrefixAndSuffix) {
  const std::string old_text = "# Policy\nIntro.\n" + Sections(3000, false) + "Contact us.\n";
  const std::string new_text = "# Policy\nIntro.\n" + Sections(3000, true) + "Contact us.\n";
  const DiffSummary summary = SummarizeDiff(old_text, new_text);
  EXPECT_TRUE(summary.approximate);
  EXPECT_EQ(summary.lines_removed, 6000);
  EXPECT_EQ(summary.lines_added, 6000);
  EXPECT_EQ(summary.sections.front(), "## Section 0");  // not "# Policy": unchanged
}

// The same texts within a larger budget are diffed exactly: the budget alone decides.
TEST(SummarizeDiffTest, WithinTheBudgetTheSummaryIsExact) {
  SummaryLimits limits;
  limits.max_steps = 100'000'000;
  const DiffSummary summary = SummarizeDiff(Sections(300, false), Sections(300, true), limits);
  EXPECT_FALSE(summary.approximate);
  EXPECT_EQ(summary.lines_removed, 598);  // one section (two lines) stays in place
  EXPECT_EQ(summary.lines_added, 598);
}

// A large text edited in a few places is exact whatever its size: the budget is spent on
// the reordering a change contains, not on the length of the text.
TEST(SummarizeDiffTest, LargeTextEditedInPlaceIsExact) {
  const std::string old_text = Sections(20'000, false);
  std::string new_text = old_text;
  for (const char* target : {"text 10\n", "text 12345\n", "text 19999\n"}) {
    new_text.replace(new_text.find(target), std::string(target).size() - 1, "edited");
  }
  const DiffSummary summary = SummarizeDiff(old_text, new_text);
  EXPECT_FALSE(summary.approximate);
  EXPECT_EQ(summary.lines_removed, 3);
  EXPECT_EQ(summary.lines_added, 3);
  EXPECT_EQ(summary.sections,
            (std::vector<std::string>{"## Section 10", "## Section 12345", "## Section 19999"}));
}

TEST(SummarizeDiffTest, SectionCountAndLengthAreCapped) {
  // 200 sections with 8 KB headings, each body changed (the 3.2 MB event of issue 14).
  std::string old_text;
  std::string new_text;
  for (int i = 0; i < 200; ++i) {
    const std::string heading = "## " + std::to_string(i) + " " + std::string(8192, 'h') + "\n";
    old_text += heading + "old\n";
    new_text += heading + "new\n";
  }
  SummaryLimits limits;
  limits.max_sections = 10;
  limits.max_section_bytes = 40;
  const DiffSummary summary = SummarizeDiff(old_text, new_text, limits);
  EXPECT_FALSE(summary.approximate);
  EXPECT_EQ(summary.lines_added, 200);
  ASSERT_EQ(summary.sections.size(), 10u);
  EXPECT_EQ(summary.sections[0], "## 0 " + std::string(32, 'h') + "\u2026");
  EXPECT_EQ(summary.sections[0].size(), 40u);
  EXPECT_EQ(summary.sections[9], "## 9 " + std::string(32, 'h') + "\u2026");
  EXPECT_EQ(summary.sections_truncated, 190);
}

TEST(SummarizeDiffTest, HeadingsThatReadTheSameOnceCutAreOneSection) {
  const std::string a = "# " + std::string(300, 'x');
  const std::string old_text = a + "1\nold\n" + a + "2\nold\n";
  const std::string new_text = a + "1\nnew\n" + a + "2\nnew\n";
  const DiffSummary summary = SummarizeDiff(old_text, new_text);
  ASSERT_EQ(summary.sections.size(), 1u);
  EXPECT_EQ(summary.sections[0].size(), 256u);
  EXPECT_EQ(summary.sections_truncated, 0);
}

}  // namespace
}  // namespace policyd

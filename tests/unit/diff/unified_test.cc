#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "policyd/diff.h"

namespace policyd {
namespace {

const char kOld[] =
    "# Policy\n"
    "Intro line.\n"
    "## Collection\n"
    "We collect your email.\n"
    "We collect your name.\n"
    "## Sharing\n"
    "We share data with partners.\n"
    "We never sell data.\n"
    "## Retention\n"
    "We keep data for 30 days.\n"
    "Contact us.\n";

std::string NewText() {
  std::string text = kOld;
  text.replace(text.find("partners"), 8, "affiliates");
  text.replace(text.find("30 days"), 7, "90 days");
  return text;
}

// The diff, which must not be refused.
std::string Diff(std::string_view old_text, std::string_view new_text, std::string_view old_label,
                 std::string_view new_label, const UnifiedDiffOptions& options = {}) {
  Result<std::string> diff = UnifiedDiff(old_text, new_text, old_label, new_label, options);
  EXPECT_TRUE(diff.ok()) << diff.status().ToString();
  return diff.ok() ? *diff : std::string();
}

// The expected strings below are what GNU `diff -u --label a --label b` prints.
TEST(UnifiedDiffTest, EqualTextsGiveEmptyString) {
  EXPECT_EQ(Diff(kOld, kOld, "a", "b"), "");
  EXPECT_EQ(Diff("", "", "a", "b"), "");
}

TEST(UnifiedDiffTest, MatchesDiffU) {
  EXPECT_EQ(Diff(kOld, NewText(), "a/policy.md", "b/policy.md"),
            "--- a/policy.md\n"
            "+++ b/policy.md\n"
            "@@ -4,8 +4,8 @@\n"
            " We collect your email.\n"
            " We collect your name.\n"
            " ## Sharing\n"
            "-We share data with partners.\n"
            "+We share data with affiliates.\n"
            " We never sell data.\n"
            " ## Retention\n"
            "-We keep data for 30 days.\n"
            "+We keep data for 90 days.\n"
            " Contact us.\n");
}

TEST(UnifiedDiffTest, OneLineOfContextStillMergesCloseChanges) {
  UnifiedDiffOptions options;
  options.context_lines = 1;
  EXPECT_EQ(Diff(kOld, NewText(), "a", "b", options),
            "--- a\n"
            "+++ b\n"
            "@@ -6,6 +6,6 @@\n"
            " ## Sharing\n"
            "-We share data with partners.\n"
            "+We share data with affiliates.\n"
            " We never sell data.\n"
            " ## Retention\n"
            "-We keep data for 30 days.\n"
            "+We keep data for 90 days.\n"
            " Contact us.\n");
}

TEST(UnifiedDiffTest, ZeroContextSeparatesHunks) {
  UnifiedDiffOptions options;
  options.context_lines = 0;
  EXPECT_EQ(Diff(kOld, NewText(), "a", "b", options),
            "--- a\n"
            "+++ b\n"
            "@@ -7 +7 @@\n"
            "-We share data with partners.\n"
            "+We share data with affiliates.\n"
            "@@ -10 +10 @@\n"
            "-We keep data for 30 days.\n"
            "+We keep data for 90 days.\n");
}

TEST(UnifiedDiffTest, FromEmptyText) {
  EXPECT_EQ(Diff("", "x\nz\n", "a", "b"),
            "--- a\n"
            "+++ b\n"
            "@@ -0,0 +1,2 @@\n"
            "+x\n"
            "+z\n");
}

TEST(UnifiedDiffTest, MissingFinalNewline) {
  EXPECT_EQ(Diff("x\ny", "x\nz\n", "a", "b"),
            "--- a\n"
            "+++ b\n"
            "@@ -1,2 +1,2 @@\n"
            " x\n"
            "-y\n"
            "\\ No newline at end of file\n"
            "+z\n");
}

TEST(UnifiedDiffTest, ColourOnlyWhenAsked) {
  const std::string plain = Diff(kOld, NewText(), "a", "b");
  EXPECT_EQ(plain.find('\x1b'), std::string::npos);

  UnifiedDiffOptions options;
  options.color = true;
  const std::string colored = Diff(kOld, NewText(), "a", "b", options);
  EXPECT_NE(colored.find("\x1b[36m@@ -4,8 +4,8 @@\x1b[0m\n"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[31m-We share data with partners.\x1b[0m\n"), std::string::npos);
  EXPECT_NE(colored.find("\x1b[32m+We share data with affiliates.\x1b[0m\n"), std::string::npos);
  EXPECT_NE(colored.find("\n We never sell data.\n"), std::string::npos);  // context uncoloured
}

TEST(UnifiedDiffTest, WordLevelMarksOnlyChangedWords) {
  UnifiedDiffOptions options;
  options.word_level = true;
  options.context_lines = 0;
  EXPECT_EQ(Diff(kOld, NewText(), "a", "b", options),
            "--- a\n"
            "+++ b\n"
            "@@ -7 +7 @@\n"
            "~We share data with [-partners.-]{+affiliates.+}\n"
            "@@ -10 +10 @@\n"
            "~We keep data for [-30-]{+90+} days.\n");
}

TEST(UnifiedDiffTest, WordLevelUnpairedLinesStayWhole) {
  UnifiedDiffOptions options;
  options.word_level = true;
  EXPECT_EQ(Diff("a\nold one\nb\n", "a\nnew one\nextra line\nb\n", "a", "b", options),
            "--- a\n"
            "+++ b\n"
            "@@ -1,3 +1,4 @@\n"
            " a\n"
            "~[-old-]{+new+} one\n"
            "+extra line\n"
            " b\n");
}

// An item inserted at the top of a numbered list renumbers every item after it, so each of
// their lines differs. Paired by position, each old item was shown "rewritten" as the next
// one ("~1. Your [-name and email address.-]{+gender.+}"); paired by what they say, the new
// item is one added line and the others show their new numbers (a reviewer's replay).
TEST(UnifiedDiffTest, WordLevelPairsRenumberedListItemsByTheirText) {
  UnifiedDiffOptions options;
  options.word_level = true;
  options.context_lines = 0;
  EXPECT_EQ(Diff("We collect:\n\n1. Your name and email address.\n2. Your date of birth.\n",
                 "We collect:\n\n1. Your gender.\n2. Your name and email address.\n3. Your date "
                 "of birth.\n",
                 "a", "b", options),
            "--- a\n"
            "+++ b\n"
            "@@ -3,2 +3,3 @@\n"
            "+1. Your gender.\n"
            "~[-1.-]{+2.+} Your name and email address.\n"
            "~[-2.-]{+3.+} Your date of birth.\n");
  // An item inserted above one that was edited too: the edited item is paired with its own
  // old line, not with the new one above it (a review of the day's changes).
  EXPECT_EQ(Diff("1. You can access your data at any time.\n2. You can correct inaccurate data.\n",
                 "1. You can ask which data we hold about you.\n2. You can access your data at any "
                 "time free of charge.\n3. You can correct inaccurate data.\n",
                 "a", "b", options),
            "--- a\n"
            "+++ b\n"
            "@@ -1,2 +1,3 @@\n"
            "+1. You can ask which data we hold about you.\n"
            "~[-1.-]{+2.+} You can access your data at any [-time.-]{+time free of charge.+}\n"
            "~[-2.-]{+3.+} You can correct inaccurate data.\n");
  // An item removed: the others keep their text; one line goes.
  EXPECT_EQ(Diff("1. Your name.\n2. Your email.\n3. Your age.\n", "1. Your name.\n2. Your age.\n",
                 "a", "b", options),
            "--- a\n"
            "+++ b\n"
            "@@ -2,2 +2 @@\n"
            "-2. Your email.\n"
            "~[-3.-]{+2.+} Your age.\n");
}

std::string ManyLines(int count, const std::string& tag) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += (i % 100 == 0 ? "## Section " : "Line ") + std::to_string(i) + tag + "\n";
  }
  return text;
}

// Edits in place and rewrites are diffed exactly whatever the size; the same lines in
// another order (every line shared, none in place: dtl's O(NP) worst case, which took
// seconds) are beyond the budget: the summary is approximate and the unified diff refused.
// How long each takes is measured by tests/bench/diff, not asserted here.
TEST(UnifiedDiffTest, FiveThousandLinesEditedRewrittenAndShuffled) {
  const std::string old_text = ManyLines(5000, "");
  std::string scattered;  // every 7th line edited
  for (int i = 0; i < 5000; ++i) {
    scattered +=
        (i % 100 == 0 ? "## Section " : "Line ") + std::to_string(i) + (i % 7 ? "\n" : " edited\n");
  }
  const std::string rewritten = ManyLines(5000, " rewritten");  // every line differs
  std::vector<std::string> lines;
  for (int i = 0; i < 5000; ++i) lines.push_back("Line " + std::to_string(i) + "\n");
  std::shuffle(lines.begin(), lines.end(), std::mt19937(3));
  std::string shuffled;
  for (const std::string& line : lines) shuffled += line;

  const struct {
    const std::string& text;
    int changed_lines;
  } exact_cases[] = {{scattered, 715}, {rewritten, 5000}};
  for (const auto& c : exact_cases) {
    EXPECT_FALSE(Diff(old_text, c.text, "a", "b").empty());
    const DiffSummary summary = SummarizeDiff(old_text, c.text);
    EXPECT_FALSE(summary.approximate);
    EXPECT_EQ(summary.lines_added, c.changed_lines);
    EXPECT_EQ(summary.lines_removed, c.changed_lines);
  }

  const Result<std::string> refused = UnifiedDiff(old_text, shuffled, "a", "b");
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kUnsupported);
  EXPECT_NE(refused.status().message().find("diff too large: the 5000 and 5000 lines"),
            std::string::npos)
      << refused.status().message();
  // Nothing moved, one word replaced in each of 1,500 paragraphs: over the budget too (its cost
  // grows with the square of the lines that differ), and the message must not say "reordered".
  std::string may;
  std::string shall;
  for (int i = 0; i < 1500; ++i) {
    if (i % 100 == 0) {
      may += "## Part " + std::to_string(i / 100) + "\n\n";
      shall += "## Part " + std::to_string(i / 100) + "\n\n";
    }
    may += "Clause " + std::to_string(i) + ": we may keep record " + std::to_string(i) + ".\n\n";
    shall +=
        "Clause " + std::to_string(i) + ": we shall keep record " + std::to_string(i) + ".\n\n";
  }
  const Result<std::string> edited = UnifiedDiff(may, shall, "a", "b");
  ASSERT_FALSE(edited.ok());
  EXPECT_NE(
      edited.status().message().find("differ in too many lines (changed, added, removed or moved)"),
      std::string::npos)
      << edited.status().message();
  EXPECT_EQ(edited.status().message().find("reordered"), std::string::npos)
      << edited.status().message();

  const DiffSummary summary = SummarizeDiff(old_text, shuffled);
  EXPECT_TRUE(summary.approximate);
  EXPECT_EQ(summary.lines_removed, 5000);  // the whole span, first to last differing line
  EXPECT_EQ(summary.lines_added, 5000);
  EXPECT_EQ(summary.sections.size(), 51u);  // 50 old headings, and "" for the new text
  EXPECT_EQ(summary.sections_truncated, 0);
}

// Generated diffs must be accepted by patch(1) and reproduce the new text exactly.
TEST(UnifiedDiffTest, RandomDiffsApplyWithPatch) {
  if (std::system("patch --version >/dev/null 2>&1") != 0) GTEST_SKIP() << "patch not installed";
  const auto dir =
      std::filesystem::temp_directory_path() / ("policyd_diff_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::mt19937 rng(42);
  const auto random_text = [&rng](int lines) {
    std::string text;
    for (int i = 0; i < lines; ++i) text += "l" + std::to_string(rng() % 12) + "\n";
    if (rng() % 4 == 0 && !text.empty()) text.pop_back();  // sometimes no final newline
    return text;
  };
  for (int round = 0; round < 30; ++round) {
    const std::string old_text = random_text(static_cast<int>(rng() % 40));
    const std::string new_text = random_text(static_cast<int>(rng() % 40));
    UnifiedDiffOptions options;
    options.context_lines = static_cast<int>(rng() % 4);
    const std::string diff = Diff(old_text, new_text, "a/f", "b/f", options);
    std::ofstream(dir / "f", std::ios::binary) << old_text;
    std::ofstream(dir / "f.patch", std::ios::binary) << diff;
    if (diff.empty()) {
      EXPECT_EQ(old_text, new_text);
      continue;
    }
    const std::string command = "cd '" + dir.string() + "' && patch -s -p1 -i f.patch f";
    ASSERT_EQ(std::system(command.c_str()), 0) << diff;
    std::ifstream patched(dir / "f", std::ios::binary);
    std::string result(std::filesystem::file_size(dir / "f"), '\0');
    patched.read(result.data(), static_cast<std::streamsize>(result.size()));
    EXPECT_EQ(result, new_text) << diff;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace policyd

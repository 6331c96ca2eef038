#include "text_width.h"

#include <gtest/gtest.h>

#include "table.h"

namespace policyd {
namespace {

TEST(TextWidth, CountsCodePointsAndCutsOnTheirBoundaries) {
  EXPECT_EQ(DisplayWidth(""), 0u);
  EXPECT_EQ(DisplayWidth("abc"), 3u);
  EXPECT_EQ(DisplayWidth("D\xC3\xA9j\xC3\xA0"), 4u);  // "Déjà"
  EXPECT_EQ(CutToWidth("abcdef", 6), "abcdef");
  EXPECT_EQ(CutToWidth("abcdef", 4), "abc\u2026");
  EXPECT_EQ(CutToWidth("abcdef", 1), "\u2026");
  EXPECT_EQ(CutToWidth("abcdef", 0), "");
  EXPECT_EQ(CutToWidth("\xC3\xA9\xC3\xA9\xC3\xA9", 2), "\xC3\xA9\u2026");
  EXPECT_EQ(PadRight("\xC3\xA9", 3), "\xC3\xA9  ");
  EXPECT_EQ(PadLeft("42", 4), "  42");
  EXPECT_EQ(PadLeft("12345", 4), "12345");
}

TEST(Table, AlignsColumnsByCodePointsWithoutTrailingSpaces) {
  Table table({"A", "LONGER", "C"});
  table.AddRow({"\xC3\xA9t\xC3\xA9", "x", ""});
  table.AddRow({"b", "yy", "z"});
  EXPECT_EQ(table.Render(),
            "A    LONGER  C\n"
            "\xC3\xA9t\xC3\xA9  x\n"
            "b    yy      z\n");
}

}  // namespace
}  // namespace policyd

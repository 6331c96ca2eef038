#include "policyd/text_bounds.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(TruncateUtf8Test, ShortTextIsUnchanged) {
  EXPECT_EQ(TruncateUtf8("Sharing", 7), "Sharing");
  EXPECT_EQ(TruncateUtf8("", 0), "");
  EXPECT_EQ(TruncatedLength("Sharing", 7), 7u);
}

TEST(TruncateUtf8Test, LongTextIsCutAndMarkedWithinTheBound) {
  const std::string cut = TruncateUtf8("## Sharing your information", 10);
  EXPECT_EQ(cut, "## Shar\u2026");
  EXPECT_EQ(cut.size(), 10u);
  EXPECT_EQ(TruncatedLength("## Sharing your information", 10), 7u);
}

TEST(TruncateUtf8Test, NeverSplitsACharacter) {
  // "é" is two bytes (C3 A9): a cut after "Donn" + the first byte of "é" backs off to "Donn".
  const std::string text = "Donn\u00e9es personnelles";
  EXPECT_EQ(TruncateUtf8(text, 8), "Donn\u2026");
  EXPECT_EQ(TruncateUtf8(text, 9), "Donn\u00e9\u2026");
  // A four-byte character (U+1F512) is kept whole or not at all.
  EXPECT_EQ(TruncateUtf8("\U0001F512 lock", 6), "\u2026");
  EXPECT_EQ(TruncateUtf8("\U0001F512 lock", 7), "\U0001F512\u2026");
}

TEST(TruncateUtf8Test, BoundSmallerThanTheMark) {
  EXPECT_EQ(TruncateUtf8("abcdef", 2), "\u2026");
  EXPECT_EQ(TruncatedLength("abcdef", 0), 0u);
}

}  // namespace
}  // namespace policyd

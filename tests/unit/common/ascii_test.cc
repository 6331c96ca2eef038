#include "policyd/ascii.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(AsciiLower, FoldsOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower("Content-Type: TEXT/HTML; Charset=UTF-8"),
            "content-type: text/html; charset=utf-8");
  // UTF-8 bytes are kept as they are (no locale, no Unicode folding).
  EXPECT_EQ(AsciiLower("\xC3\x89t\xC3\xA9 ABC"), "\xC3\x89t\xC3\xA9 abc");
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(IsAsciiBlank, OnlyWhiteSpaceALineMayEndWith) {
  EXPECT_TRUE(IsAsciiBlank(""));
  EXPECT_TRUE(IsAsciiBlank(" \t\r\n"));
  EXPECT_FALSE(IsAsciiBlank(" {\"since\": 1}"));
  EXPECT_FALSE(IsAsciiBlank("\xC2\xA0"));  // a no-break space is text, not a line's end
}

TEST(ParseDecimalUint64, DigitsThatFitIn64BitsAndNothingElse) {
  EXPECT_EQ(ParseDecimalUint64("0"), 0u);
  EXPECT_EQ(ParseDecimalUint64("0042"), 42u);
  EXPECT_EQ(ParseDecimalUint64("18446744073709551615"), UINT64_MAX);
  for (const char* bad : {"", "18446744073709551616", "99999999999999999999999", "-1", "+1", " 1",
                          "1 ", "1e3", "0x10", "١"}) {
    EXPECT_EQ(ParseDecimalUint64(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace policyd

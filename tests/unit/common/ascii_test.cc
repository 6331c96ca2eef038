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

}  // namespace
}  // namespace policyd

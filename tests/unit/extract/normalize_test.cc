#include <string>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

TEST(NormalizeTextTest, EmptyAndBlankInputGiveEmptyText) {
  EXPECT_EQ(NormalizeText(""), "");
  EXPECT_EQ(NormalizeText(" \t\r\n\n \xC2\xA0\n"), "");
}

TEST(NormalizeTextTest, CollapsesWhiteSpaceAndTrimsLines) {
  EXPECT_EQ(NormalizeText("  Hello \t  world  "), "Hello world\n");
  EXPECT_EQ(NormalizeText("a\n   b   \nc"), "a\nb\nc\n");
}

TEST(NormalizeTextTest, FoldsUnicodeSpaces) {
  // NBSP, EN QUAD, THIN SPACE, HAIR SPACE, NARROW NBSP, MEDIUM MATHEMATICAL SPACE, IDEOGRAPHIC.
  EXPECT_EQ(NormalizeText("a\xC2\xA0"
                          "b\xE2\x80\x80"
                          "c\xE2\x80\x89"
                          "d\xE2\x80\x8A"
                          "e\xE2\x80\xAF"
                          "f\xE2\x81\x9F"
                          "g\xE3\x80\x80h"),
            "a b c d e f g h\n");
  EXPECT_EQ(NormalizeText("a\xC2\xA0\xC2\xA0 \tb"), "a b\n");
}

TEST(NormalizeTextTest, RemovesZeroWidthCharactersAndSoftHyphens) {
  EXPECT_EQ(NormalizeText("pri\xC2\xADvacy"), "privacy\n");
  EXPECT_EQ(NormalizeText("a\xE2\x80\x8B"
                          "b\xE2\x80\x8C"
                          "c\xE2\x80\x8D"
                          "d\xE2\x81\xA0"
                          "e\xEF\xBB\xBF"
                          "f"),
            "abcdef\n");
  // A zero-width character between spaces must not leave a double space.
  EXPECT_EQ(NormalizeText("a \xE2\x80\x8B b"), "a b\n");
}

TEST(NormalizeTextTest, LineEndingsBecomeLf) {
  EXPECT_EQ(NormalizeText("a\r\nb\rc\n"), "a\nb\nc\n");
  EXPECT_EQ(NormalizeText("a\r\n\r\nb"), "a\n\nb\n");
}

TEST(NormalizeTextTest, RepeatedBlankLinesBecomeOne) {
  EXPECT_EQ(NormalizeText("\n\n\na\n\n\n\n   \n\nb\n\n\n"), "a\n\nb\n");
}

TEST(NormalizeTextTest, EndsWithExactlyOneNewline) {
  EXPECT_EQ(NormalizeText("a"), "a\n");
  EXPECT_EQ(NormalizeText("a\n\n\n"), "a\n");
}

TEST(NormalizeTextTest, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(NormalizeText("a\xFF"
                          "b"),
            "a\xEF\xBF\xBD"
            "b\n");
  EXPECT_EQ(NormalizeText("a\xE2\x82"), "a\xEF\xBF\xBD\n");  // truncated sequence
}

TEST(NormalizeTextTest, ControlCharactersAreDropped) {
  EXPECT_EQ(NormalizeText(std::string("a\0b\x01"
                                      "c\x7F",
                                      6)),
            "abc\n");
}

TEST(NormalizeTextTest, IsIdempotent) {
  const std::string once = NormalizeText(" x\xC2\xA0 y \r\n\r\n\r\n z\xE2\x80\x8B ");
  EXPECT_EQ(NormalizeText(once), once);
}

}  // namespace
}  // namespace policyd

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

// Bidirectional formatting characters are invisible, like the marks LRM and RLM already
// removed: a CMS that starts wrapping a phone number in U+2066..U+2069 must not make a new
// version (it did, announced as a cosmetic change whose two lines look the same).
TEST(NormalizeTextTest, RemovesBidirectionalFormattingCharacters) {
  EXPECT_EQ(NormalizeText("Tel. \xE2\x81\xA6"
                          "03-1234567\xE2\x81\xA9 ok"),
            "Tel. 03-1234567 ok\n");
  EXPECT_EQ(NormalizeText("a\xE2\x80\xAA"
                          "b\xE2\x80\xAB"
                          "c\xE2\x80\xAC"
                          "d\xE2\x80\xAD"
                          "e\xE2\x80\xAE"
                          "f\xE2\x81\xA7"
                          "g\xE2\x81\xA8"
                          "h\xD8\x9C"
                          "i"),
            "abcdefghi\n");
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

TEST(NormalizeTextTest, TypographicVariantsTakeOneForm) {
  // Curly single quotes, low-9 and reversed quotes, the prime -> '.
  EXPECT_EQ(NormalizeText("\xE2\x80\x98"
                          "a\xE2\x80\x99 b\xE2\x80\x9A"
                          "c\xE2\x80\x9B"
                          "d\xE2\x80\xB2"),
            "'a' b'c'd'\n");
  // Curly double quotes and the double prime -> ".
  EXPECT_EQ(NormalizeText("\xE2\x80\x9C"
                          "we\xE2\x80\x9D \xE2\x80\x9E"
                          "x\xE2\x80\x9F"
                          "y\xE2\x80\xB3"),
            "\"we\" \"x\"y\"\n");
  // Hyphen and non-breaking hyphen -> '-'; the ellipsis -> "...".
  EXPECT_EQ(NormalizeText("e\xE2\x80\x90"
                          "mail opt\xE2\x80\x91"
                          "out and more\xE2\x80\xA6"),
            "e-mail opt-out and more...\n");
  // En and em dashes are kept: they are not spellings of '-'.
  EXPECT_EQ(NormalizeText("2020\xE2\x80\x93"
                          "2024 \xE2\x80\x94 ok"),
            "2020\xE2\x80\x93"
            "2024 \xE2\x80\x94 ok\n");
  // Guillemets are the quotes of French text, not a variant: kept.
  EXPECT_EQ(NormalizeText("\xC2\xAB oui \xC2\xBB"), "\xC2\xAB oui \xC2\xBB\n");
}

TEST(NormalizeTextTest, TextIsInNormalizationFormC) {
  // "é" as e + COMBINING ACUTE ACCENT (NFD, as macOS tools write it) and as U+00E9.
  EXPECT_EQ(NormalizeText("donne\xCC\x81"
                          "es"),
            "donn\xC3\xA9"
            "es\n");
  EXPECT_EQ(NormalizeText("donn\xC3\xA9"
                          "es"),
            "donn\xC3\xA9"
            "es\n");
  // Hangul jamo compose; compatibility characters (NFKC territory) are left alone: "m²", "ﬁ".
  EXPECT_EQ(NormalizeText("\xE1\x84\x80\xE1\x85\xA1"), "\xEA\xB0\x80\n");
  EXPECT_EQ(NormalizeText("m\xC2\xB2 \xEF\xAC\x81"), "m\xC2\xB2 \xEF\xAC\x81\n");
}

}  // namespace
}  // namespace policyd

#include <gtest/gtest.h>

#include "policyd/config.h"

namespace policyd {
namespace {

TEST(SlugifyTest, LowerCasesAndJoinsWordsWithHyphens) {
  EXPECT_EQ(Slugify("Coursera"), "coursera");
  EXPECT_EQ(Slugify("Terms of Service"), "terms-of-service");
  EXPECT_EQ(Slugify("Khan Academy"), "khan-academy");
}

TEST(SlugifyTest, CollapsesRunsOfOtherCharactersAndTrims) {
  EXPECT_EQ(Slugify("  Hello,  World!! "), "hello-world");
  EXPECT_EQ(Slugify("--Cookie -- Policy--"), "cookie-policy");
  EXPECT_EQ(Slugify("Terms_of.Service"), "terms-of-service");
}

TEST(SlugifyTest, KeepsDigitsAndDropsNonAscii) {
  EXPECT_EQ(Slugify("Web3 Terms v2"), "web3-terms-v2");
  EXPECT_EQ(Slugify("Caf\xC3\xA9 Cr\xC3\xA8me"), "caf-cr-me");
  EXPECT_EQ(Slugify("9GAG"), "9gag");
}

TEST(SlugifyTest, EmptyWhenNothingIsKept) {
  EXPECT_EQ(Slugify(""), "");
  EXPECT_EQ(Slugify("!!! ---"), "");
  EXPECT_EQ(Slugify("\xF0\x9F\x8D\xAA"), "");  // an emoji: no letters in any script
}

// A name written in another script only (Open Terms Archive's naming guide gives "туту.ру" and
// "抖音短视频" as examples) is transliterated to Latin for its slug, with ICU. A name with ASCII
// letters or digits keeps the ASCII rule, so no existing id changes.
TEST(SlugifyTest, ANameInAnotherScriptIsTransliterated) {
  EXPECT_EQ(Slugify("\xD1\x82\xD1\x83\xD1\x82\xD1\x83.\xD1\x80\xD1\x83"), "tutu-ru");
  EXPECT_EQ(Slugify("\xE7\x9F\xA5\xE4\xB9\x8E"), "zhi-hu");  // Zhihu in Chinese
  EXPECT_EQ(Slugify("\xD0\x9F\xD0\xBE\xD0\xBB\xD0\xB8\xD1\x82\xD0\xB8\xD0\xBA\xD0\xB0 "
                    "\xD0\xBA\xD0\xBE\xD0\xBD\xD1\x84\xD0\xB8\xD0\xB4\xD0\xB5\xD0\xBD\xD1\x86"
                    "\xD0\xB8\xD0\xB0\xD0\xBB\xD1\x8C\xD0\xBD\xD0\xBE\xD1\x81\xD1\x82\xD0\xB8"),
            "politika-konfidencial-nosti");  // Политика конфиденциальности
  EXPECT_EQ(Slugify("Caf\xC3\xA9"), "caf");  // ASCII letters: the ASCII rule, as before
  const std::string slug = Slugify("\xE6\x8A\x96\xE9\x9F\xB3");  // 抖音
  EXPECT_EQ(slug, "dou-yin");
  EXPECT_EQ(Slugify(slug), slug);
}

TEST(SlugifyTest, IsIdempotent) {
  for (const char* text : {"Terms of Service", "coursera", "a--b", "X  Y  Z"}) {
    EXPECT_EQ(Slugify(Slugify(text)), Slugify(text)) << text;
  }
}

TEST(MakeDocumentIdTest, JoinsPlatformAndTypeSlugs) {
  EXPECT_EQ(MakeDocumentId("Coursera", "Privacy Policy"), "coursera/privacy-policy");
  EXPECT_EQ(MakeDocumentId("Khan Academy", "Terms of Service"), "khan-academy/terms-of-service");
  EXPECT_EQ(MakeDocumentId("coorpacademy", "Cookie Policy"), "coorpacademy/cookie-policy");
}

}  // namespace
}  // namespace policyd

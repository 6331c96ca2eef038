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
  EXPECT_EQ(Slugify("\xE7\x9F\xA5\xE4\xB9\x8E"), "");  // Zhihu in Chinese
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

// ShellQuote and ShellWord: a word a person pastes into a shell means exactly the text.
#include "policyd/shell_quote.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(ShellQuoteTest, AlwaysOneSingleQuotedWord) {
  EXPECT_EQ(ShellQuote("plain"), "'plain'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
}

TEST(ShellQuoteTest, AWordIsBareOnlyWhenNoShellReadsItDifferently) {
  EXPECT_EQ(ShellWord("acme"), "acme");
  EXPECT_EQ(ShellWord("https://acme.example/legal?x=1%20"), "'https://acme.example/legal?x=1%20'");
  EXPECT_EQ(ShellWord("https://acme.example/legal-page_2"), "https://acme.example/legal-page_2");
  EXPECT_EQ(ShellWord("Privacy Policy"), "'Privacy Policy'");
  EXPECT_EQ(ShellWord("Ben & Jerry's"), "'Ben & Jerry'\\''s'");
  EXPECT_EQ(ShellWord("$(rm -rf ~)"), "'$(rm -rf ~)'");
  EXPECT_EQ(ShellWord("Société"), "'Société'");
  EXPECT_EQ(ShellWord(""), "''");
}

}  // namespace
}  // namespace policyd

// IsValidUtf8: what counts as UTF-8 text (Unicode §3.9, D92).
#include "policyd/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace policyd {
namespace {

TEST(IsValidUtf8, WellFormedTextOfEveryLength) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ASCII, longer than eight bytes"));
  EXPECT_TRUE(IsValidUtf8(std::string("NUL \0 inside", 12)));
  EXPECT_TRUE(IsValidUtf8("Caf\xc3\xa9 \xe2\x80\x99 \xf0\x9f\x98\x80"));  // é ’ 😀
  EXPECT_TRUE(IsValidUtf8("\xef\xbf\xbd"));                               // a literal U+FFFD
  EXPECT_TRUE(IsValidUtf8("\xf4\x8f\xbf\xbf"));                           // U+10FFFF
}

TEST(IsValidUtf8, IllFormedSequencesAnywhere) {
  for (const std::string bad : {
           "\xff", "Caf\xe9",                   // not a lead byte; Latin-1
           "\xc3", "abcdefgh\xe2\x80",          // cut short, also after an ASCII run
           "\x80", "\xc0\xaf", "\xe0\x80\xaf",  // a lone continuation; overlong '/'
           "\xed\xa0\x80",                      // a surrogate (U+D800)
           "\xf4\x90\x80\x80",                  // above U+10FFFF
       }) {
    EXPECT_FALSE(IsValidUtf8(bad)) << testing::PrintToString(bad);
    EXPECT_FALSE(IsValidUtf8("a long ASCII prefix before it: " + bad + " and after"));
  }
}

}  // namespace
}  // namespace policyd

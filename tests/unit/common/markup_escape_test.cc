#include "policyd/markup_escape.h"

#include <string>

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(EscapeMarkup, EscapesMarkupAndReplacesWhatXmlForbids) {
  EXPECT_EQ(EscapeMarkup("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  EXPECT_EQ(EscapeMarkup("]]>"), "]]&gt;");
  EXPECT_EQ(EscapeMarkup("tab\there\nline\r"), "tab\there\nline\r");
  EXPECT_EQ(EscapeMarkup(std::string("nul\0x", 5)), "nul\uFFFDx");
  EXPECT_EQ(EscapeMarkup("bell\x07 esc\x1b"), "bell\uFFFD esc\uFFFD");
  EXPECT_EQ(EscapeMarkup("not\uFFFE char\uFFFF"), "not\uFFFD char\uFFFD");
  EXPECT_EQ(EscapeMarkup("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(EscapeMarkup("bad \xC3 lead"), "bad \uFFFD lead");
  EXPECT_EQ(EscapeMarkup("overlong \xC0\xBC"), "overlong \uFFFD\uFFFD");
  EXPECT_EQ(EscapeMarkup("surrogate \xED\xA0\x80!"), "surrogate \uFFFD\uFFFD\uFFFD!");
  EXPECT_EQ(EscapeMarkup("cut \xE2\x82"), "cut \uFFFD");
}

}  // namespace
}  // namespace policyd

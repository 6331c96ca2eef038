#include <gtest/gtest.h>

#include <string>

#include "policyd/extract.h"

namespace policyd {
namespace {

TEST(VisibleText, TheWholePageAsAReaderSeesIt) {
  const VisibleText visible = ReadVisibleText(
      "<html><head><title>Access &amp; denied</title><style>p{color:red}</style>"
      "<script>var x = '<p>not text</p>';</script></head><body>"
      "<header>Site header</header><main><p>Main&nbsp;text</p></main>"
      "<noscript>Enable JavaScript</noscript><template><p>never shown</p></template>"
      "<!-- a comment --><footer>Ray ID: 7f&#58;00</footer></body></html>",
      "text/html");
  EXPECT_EQ(visible.title, "Access & denied");
  for (const char* shown :
       {"Site header", "Main\xC2\xA0text", "Enable JavaScript", "Ray ID: 7f:00"}) {
    EXPECT_NE(visible.text.find(shown), std::string::npos) << shown << " in " << visible.text;
  }
  for (const char* hidden : {"not text", "never shown", "a comment", "color:red", "Access"}) {
    EXPECT_EQ(visible.text.find(hidden), std::string::npos) << hidden << " in " << visible.text;
  }
}

TEST(VisibleText, ElementBoundariesSeparateWordsAndCharsetsAreDecoded) {
  const VisibleText visible = ReadVisibleText("<p>Error<b>1020</b></p><p>Acc\xE8s refus\xE9</p>",
                                              "text/html; charset=iso-8859-1");
  EXPECT_NE(visible.text.find("Error 1020"), std::string::npos) << visible.text;
  EXPECT_NE(visible.text.find("Acc\xC3\xA8s refus\xC3\xA9"), std::string::npos) << visible.text;
  EXPECT_EQ(visible.title, "");
}

TEST(VisibleText, DeepNestingIsWalkedWithoutRecursion) {
  std::string html;
  for (int i = 0; i < 100'000; ++i) html += "<div>";
  html += "deep text";
  EXPECT_NE(ReadVisibleText(html, "").text.find("deep text"), std::string::npos);
}

}  // namespace
}  // namespace policyd

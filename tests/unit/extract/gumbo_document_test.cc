#include "policyd/gumbo_document.h"

#include <pthread.h>

#include <string>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t count = 0;
  for (size_t pos = haystack.find(needle); pos != std::string::npos;
       pos = haystack.find(needle, pos + needle.size())) {
    ++count;
  }
  return count;
}

std::string Repeat(const std::string& text, int times) {
  std::string out;
  out.reserve(text.size() * static_cast<size_t>(times));
  for (int i = 0; i < times; ++i) out += text;
  return out;
}

TEST(CapNestingDepthTest, LeavesNormalDocumentsAlone) {
  std::string capped = "untouched";
  EXPECT_FALSE(CapNestingDepth("<html><body><div><p>a<p>b</div></body></html>", 4, &capped));
  EXPECT_EQ(capped, "untouched");
  EXPECT_FALSE(CapNestingDepth("", 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<<<>>></ <a", 1, &capped));
}

TEST(CapNestingDepthTest, RemovesTagsBeyondTheLimitAndKeepsText) {
  const std::string html = Repeat("<div>", 10) + "text" + Repeat("</div>", 10) + "<p>after";
  std::string capped;
  ASSERT_TRUE(CapNestingDepth(html, 4, &capped));
  EXPECT_EQ(capped, Repeat("<div>", 4) + "text" + Repeat("</div>", 4) + "<p>after");
  ASSERT_TRUE(CapNestingDepth(Repeat("<section class=s>", 1000) + "x", 512, &capped));
  EXPECT_EQ(Count(capped, "<section"), 512u);
}

TEST(CapNestingDepthTest, IgnoresWhatDoesNotNest) {
  std::string capped;
  // Void elements, implied end tags, comments, raw text, self-closing foreign elements.
  EXPECT_FALSE(CapNestingDepth(Repeat("<br><img src=x><hr/>", 100), 4, &capped));
  EXPECT_FALSE(CapNestingDepth(Repeat("<p>x<li>y<td>z", 100), 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<!--" + Repeat("<div>", 100) + "-->", 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<script>" + Repeat("<div>", 100) + "</script>", 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<textarea>" + Repeat("<b>", 100) + "</TEXTAREA >", 4, &capped));
  EXPECT_FALSE(CapNestingDepth("<svg>" + Repeat("<path d='M0'/>", 100) + "</svg>", 4, &capped));
  EXPECT_FALSE(CapNestingDepth(Repeat("<div title='a>b'>x</div>", 100), 4, &capped));
  EXPECT_FALSE(CapNestingDepth(Repeat("<b><i>x</i></b>", 100), 4, &capped));
}

TEST(CapNestingDepthTest, CountsWhatTheTreeBuilderNests) {
  std::string capped;
  // <div/> is not self-closing in HTML; a stray </span> cannot close across a <div>.
  EXPECT_TRUE(CapNestingDepth(Repeat("<div/>", 10), 4, &capped));
  EXPECT_TRUE(CapNestingDepth(Repeat("<span><div></span>", 10), 4, &capped));
}

TEST(GumboDocumentTest, ParsesAndExposesNodes) {
  const GumboDocument document(std::string("<title>t</title><p>Hello"));
  ASSERT_NE(document.document(), nullptr);
  EXPECT_EQ(document.document()->type, GUMBO_NODE_DOCUMENT);
  EXPECT_EQ(document.root()->v.element.tag, GUMBO_TAG_HTML);
  ASSERT_NE(document.body(), nullptr);
  EXPECT_EQ(document.body()->v.element.tag, GUMBO_TAG_BODY);
  EXPECT_FALSE(document.depth_capped());
}

TEST(GumboDocumentTest, FramesetDocumentHasNoBody) {
  const GumboDocument document(std::string("<frameset><frame src=a></frameset>"));
  EXPECT_EQ(document.body(), nullptr);
}

TEST(GumboDocumentTest, IsMovable) {
  GumboDocument a(std::string("<p>x"));
  const GumboNode* root = a.root();
  GumboDocument b(std::move(a));
  EXPECT_EQ(b.root(), root);
  GumboDocument c(std::string("<p>y"));
  c = std::move(b);
  EXPECT_EQ(c.root(), root);
}

TEST(GumboDocumentTest, HundredThousandNestedDivs) {
  const GumboDocument document(Repeat("<div>", 100000) + "deep" + Repeat("</div>", 100000));
  EXPECT_TRUE(document.depth_capped());
}

// Runs `fn` on a thread with a small stack: any recursion over the DOM would overflow it.
template <typename Fn>
void RunWithSmallStack(Fn fn) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, 256 * 1024), 0);
  pthread_t thread;
  auto trampoline = [](void* arg) -> void* {
    (*static_cast<Fn*>(arg))();
    return nullptr;
  };
  ASSERT_EQ(pthread_create(&thread, &attr, trampoline, &fn), 0);
  ASSERT_EQ(pthread_join(thread, nullptr), 0);
  pthread_attr_destroy(&attr);
}

TEST(GumboDocumentTest, DeepButAllowedTreeIsDestroyedSafely) {
  // Just within the nesting cap, destroyed on a small stack (gumbo_destroy_output recursed).
  RunWithSmallStack([] {
    const GumboDocument document(Repeat("<div>", 500) + "x");
    EXPECT_FALSE(document.depth_capped());
  });
}

TEST(GumboDocumentTest, HundredThousandNestedDivsOnASmallStack) {
  const std::string html = "<html><body>" + Repeat("<div>", 100000) + "deep text" +
                           Repeat("</div>", 100000) + "<p>after</p></body></html>";
  ExtractResult result;
  bool ok = false;
  RunWithSmallStack([&]() { ok = ExtractText(html, {}, &result).ok(); });
  EXPECT_TRUE(ok);
  EXPECT_EQ(result.text, "deep text\n\nafter\n");
}

}  // namespace
}  // namespace policyd

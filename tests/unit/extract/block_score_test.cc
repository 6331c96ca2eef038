// Block scoring in automatic mode: a page that is not a legal document keeps its best blocks
// (the story, not the teasers around it); a legal document is never cut down to them.
#include <string>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

std::string Extract(const std::string& html) {
  ExtractResult result;
  const Status status = ExtractText(html, {}, &result);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return result.text;
}

bool Has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// Long paragraphs with commas: what a story or a policy section is made of.
std::string Paragraphs(const std::string& topic, int count) {
  std::string html;
  for (int i = 0; i < count; ++i) {
    html += "<p>Paragraph " + std::to_string(i) + " about " + topic +
            ", with details, figures, quotes from those involved, and the context that a "
            "reader needs to follow it, written out in full sentences.</p>";
  }
  return html;
}

// A teaser: a short text under a link, as in "related stories" rows.
std::string Teasers(int count) {
  std::string html;
  for (int i = 0; i < count; ++i) {
    html += "<div class=teaser><a href=/story-" + std::to_string(i) + ">Teaser headline " +
            std::to_string(i) + " that links to another story</a><span>Short blurb " +
            std::to_string(i) + " of the other story.</span></div>";
  }
  return html;
}

// The same layout for a story and for a policy: the document in one container, a short
// section in a sibling container, a teaser block, and a widget.
std::string Page(const std::string& title, const std::string& topic) {
  return "<html><head><title>" + title + "</title></head><body><div id=page>" +
         "<div class=body><h1>" + title + "</h1>" + Paragraphs(topic, 6) + "</div>" +
         "<div class=box><h2>Contact</h2><p>Write to us.</p></div>" + "<div class=more>" +
         Teasers(8) + "</div>" +
         "<div class=box><p>Sign up for our daily digest and never miss a story.</p></div>" +
         "</div></body></html>";
}

TEST(BlockScoreTest, AStoryKeepsItsBestBlockWithoutTeasers) {
  const std::string text = Extract(Page("Council approves the new budget", "the budget"));
  EXPECT_TRUE(Has(text, "Paragraph 0 about the budget"));
  EXPECT_TRUE(Has(text, "Paragraph 5 about the budget"));
  EXPECT_FALSE(Has(text, "Teaser headline")) << text;
  EXPECT_FALSE(Has(text, "Short blurb")) << text;
  EXPECT_FALSE(Has(text, "daily digest")) << text;
  EXPECT_FALSE(Has(text, "Write to us.")) << text;  // what a legal document would keep
}

TEST(BlockScoreTest, ALegalDocumentIsNeverCutToItsBestBlock) {
  // The same layout named a privacy policy keeps its short section and everything else:
  // losing a clause costs more than keeping a teaser.
  const std::string text = Extract(Page("Privacy Policy", "personal data"));
  EXPECT_TRUE(Has(text, "Paragraph 5 about personal data"));
  EXPECT_TRUE(Has(text, "## Contact\n\nWrite to us.")) << text;
  EXPECT_TRUE(Has(text, "Teaser headline 0"));
}

TEST(BlockScoreTest, LegalDocumentsAreRecognisedByTitleOrHeadings) {
  for (const std::string title :
       {"Terms of Service | Example", "Conditions générales d'utilisation", "Datenschutzerklärung",
        "Terms & Conditions", "Cookie notice", "Community Guidelines", "Impressum",
        "プライバシーポリシー | 例", "개인정보처리방침", "Политика конфиденциальности"}) {
    EXPECT_TRUE(Has(Extract(Page(title, "the service")), "Write to us.")) << title;
  }
  // Without a legal <title>, an h1 naming one, or two section headings doing so, are enough.
  const std::string by_h1 = "<body><div class=body><h1>Our privacy notice</h1>" +
                            Paragraphs("data", 6) +
                            "</div><div class=box><h2>Contact</h2><p>Write to us.</p></div>"
                            "</body>";
  EXPECT_TRUE(Has(Extract(by_h1), "Write to us."));
  const std::string by_h2 = "<body><div class=body><h2>Terms of use</h2>" + Paragraphs("use", 6) +
                            "<h2>Cookies</h2>" + Paragraphs("cookies", 2) +
                            "</div><div class=box><h2>Contact</h2><p>Write to us.</p></div>"
                            "</body>";
  EXPECT_TRUE(Has(Extract(by_h2), "Write to us."));
  // Words that only look legal in a news title do not count ("foreign policy", "weather
  // conditions").
  EXPECT_FALSE(
      Has(Extract(Page("Foreign policy under new conditions", "trade")), "Teaser headline"));
}

TEST(BlockScoreTest, ContentSpreadOverManyBlocksIsKeptWhole) {
  // A listing: twelve equal entries, none of which holds 40% of the page's text.
  std::string html = "<html><head><title>Events this week</title></head><body>";
  for (int i = 0; i < 12; ++i) {
    html += "<div class=event><h3>Event " + std::to_string(i) + "</h3>" +
            Paragraphs("event " + std::to_string(i), 1) + "</div>";
  }
  html += "</body></html>";
  const std::string text = Extract(html);
  EXPECT_TRUE(Has(text, "Paragraph 0 about event 0"));
  EXPECT_TRUE(Has(text, "Paragraph 0 about event 11"));
}

TEST(BlockScoreTest, ScoringIsDeterministicAndStableUnderChrome) {
  // The chosen block does not depend on the teasers around it: the story hashes the same.
  const std::string story =
      "<div class=body><h1>Budget</h1>" + Paragraphs("the budget", 6) + "</div>";
  const std::string a = Extract("<html><head><title>Budget vote</title></head><body>" + story +
                                "<div class=more>" + Teasers(3) + "</div></body></html>");
  const std::string b = Extract("<html><head><title>Budget vote</title></head><body>" + story +
                                "<div class=more>" + Teasers(9) + "</div></body></html>");
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, Extract("<html><head><title>Budget vote</title></head><body>" + story +
                       "<div class=more>" + Teasers(3) + "</div></body></html>"));
}

}  // namespace
}  // namespace policyd

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

// A legal document whose sections are <article> elements (no <main>): a short section that is
// mostly a link ("Do Not Sell or Share My Personal Information") is a section, not a teaser
// beside the story, and is kept with its heading.
TEST(BlockScoreTest, ALegalDocumentsShortLinkSectionsAreKept) {
  const std::string text = Extract(
      "<html><head><title>Privacy Policy</title></head><body>"
      "<article><h2>1. What we collect</h2><p>We collect your name, your email address, your "
      "order history and the IP address of your device when you place an order, and we keep "
      "them for as long as your account exists.</p></article>"
      "<article><h2>2. Opting out</h2><p><a href='/opt-out'>Do Not Sell or Share My Personal "
      "Information</a></p></article></body></html>");
  EXPECT_EQ(text,
            "## 1. What we collect\n\nWe collect your name, your email address, your order "
            "history and the IP address of your device when you place an order, and we keep "
            "them for as long as your account exists.\n\n## 2. Opting out\n\nDo Not Sell or "
            "Share My Personal Information\n");
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

// Teaser paragraphs as long as the story's own, as a "you may also like" box writes them.
std::string LongTeasers(int count, const std::string& ending) {
  std::string html;
  for (int i = 0; i < count; ++i) {
    html += "<article class=post><p>Other reflection " + std::to_string(i) +
            ", on hope, courage, patience, faith, family and friendship, written at length, "
            "with many clauses, quotes, and commas, as the story itself is" +
            ending + "</p></article>";
  }
  return html;
}

std::string StoryWithBox(const std::string& box_title) {
  return "<html><head><title>Only those who love themselves</title></head><body><div id=main>"
         "<article class=post><h1>Only those who love themselves</h1>" +
         Paragraphs("love", 2) + "</article><article class=post>" + box_title +
         LongTeasers(6, ".") + "</article></div></body></html>";
}

TEST(BlockScoreTest, ARelatedContentBoxIsNeverTheStory) {
  // The box's six teasers outscore the story's two paragraphs; its title says what it is.
  for (const std::string title :
       {"<h3 class=relatedpoststitle>Você pode gostar...</h3>", "<h2>You may also like</h2>",
        "<h3>Related articles</h3>", "<div class=t><b>Leia também</b></div>",
        "<h4>More from the Daily Example</h4>"}) {
    const std::string text = Extract(StoryWithBox(title));
    EXPECT_TRUE(Has(text, "Paragraph 1 about love")) << title << "\n" << text;
    EXPECT_FALSE(Has(text, "Other reflection")) << title << "\n" << text;
  }
  // Without a title naming it, the same box is content the page shows beside the story.
  EXPECT_TRUE(Has(Extract(StoryWithBox("<h3>Reflections</h3>")), "Other reflection 5"));
  // Inside a story, a link line or a heading that merely starts alike stays.
  const std::string story =
      Extract("<html><head><title>Budget</title></head><body><article><h1>Budget</h1>" +
              Paragraphs("the budget", 3) +
              "<p>Read more: <a href=/b>the full budget</a></p><h2>Related costs, and who pays "
              "them</h2>" +
              Paragraphs("costs", 2) + "</article></body></html>");
  EXPECT_TRUE(Has(story, "Read more: the full budget")) << story;
  EXPECT_TRUE(Has(story, "Paragraph 1 about costs")) << story;
}

TEST(BlockScoreTest, AListingTitledLikeARelatedBoxIsKeptWhole) {
  // The whole page is the "popular posts" list: no story to choose, so nothing is cut.
  std::string html =
      "<html><head><title>Example blog</title></head><body><div class=list>"
      "<h2>Popular posts</h2>";
  for (int i = 0; i < 12; ++i) {
    html += "<div class=entry>" + Paragraphs("post " + std::to_string(i), 1) + "</div>";
  }
  html += "</div></body></html>";
  const std::string text = Extract(html);
  EXPECT_TRUE(Has(text, "Paragraph 0 about post 0")) << text;
  EXPECT_TRUE(Has(text, "Paragraph 0 about post 11")) << text;
}

std::string TickerPage(const std::string& ending) {
  std::string html =
      "<html><head><title>Deportees return home</title></head><body>"
      "<div class=ticker><b>Breaking News</b><ul>";
  for (int i = 0; i < 10; ++i) {
    html += "<li><a href=/n" + std::to_string(i) + ">Headline " + std::to_string(i) +
            "</a> <span>CITY: The first lines of another story, long enough to read like a "
            "paragraph of its own, with a clause, another clause, and then it stops" +
            ending + "</span></li>";
  }
  return html + "</ul></div><div class=story><h1>Deportees return home</h1>" +
         Paragraphs("the flight", 3) + "</div></body></html>";
}

TEST(BlockScoreTest, ExcerptsCutShortAreTeasersNotContent) {
  // Ten excerpts ending in "..." outweigh the story's text; they are teasers for other
  // pages, so the story is still the page's content.
  for (const std::string ending : {"...", "\u2026", " [\u2026]"}) {
    const std::string text = Extract(TickerPage(ending));
    EXPECT_TRUE(Has(text, "Paragraph 2 about the flight")) << text;
    EXPECT_FALSE(Has(text, "Headline 0")) << ending << "\n" << text;
    EXPECT_FALSE(Has(text, "first lines of another story")) << ending << "\n" << text;
  }
  // The same blocks written out in full are content spread over the page: all of it stays.
  const std::string full = Extract(TickerPage("."));
  EXPECT_TRUE(Has(full, "Headline 9")) << full;
  EXPECT_TRUE(Has(full, "Paragraph 2 about the flight")) << full;
}

TEST(BlockScoreTest, StoryTextBesideBlockChildrenIsAParagraph) {
  // A CMS that writes the story straight into its column, after a title <p> and before a
  // share row: the column holds the story, not the footer's address line.
  std::string html =
      "<html><head><title>Vehicles broken into</title></head><body><div class=side><ul>";
  for (int i = 0; i < 30; ++i) html += "<li><a href=/c" + std::to_string(i) + ">Category</a></li>";
  html +=
      "</ul></div><div class=col><p class=title>Vehicles broken into at the health "
      "centre</p><small>05/10/2018 - Health</small><br><br>The home care team reported this "
      "morning that two of its five cars were broken into. The cars had no batteries and "
      "showed damage, a report was filed, and the police came to see the damage. Patients "
      "booked for the morning are being rebooked, and service is expected to be normal by "
      "the afternoon.<br><br><div class=row><a href=/share>Facebook</a> <a href=/tw>Twitter"
      "</a></div></div><div class=bottom><div><div><div>City of Example - State - Tax number "
      "83.102.459/0001-23 - Main Street, 1111 - Postal box 421 - Phone: (047) 2106-8000"
      "</div></div></div></div></body></html>";
  const std::string text = Extract(html);
  EXPECT_TRUE(Has(text, "two of its five cars")) << text;
  EXPECT_FALSE(Has(text, "Postal box 421")) << text;
  EXPECT_FALSE(Has(text, "Category")) << text;
}

TEST(BlockScoreTest, HiddenMicrodataIsDroppedFromStoriesButNotFromLegalPages) {
  const std::string metadata =
      "<div style=\"display: none\" itemscope itemtype=\"http://schema.org/NewsArticle\">"
      "<div itemprop=datePublished>2019-11-19T08:57:40+01:00</div>"
      "<div itemprop=image>https://img.example/story-500-250.jpg</div></div>";
  const std::string story = Extract(
      "<html><head><title>Ten things in tech</title></head><body><div class=story>"
      "<h1>Ten things in tech</h1>" +
      Paragraphs("tech", 4) + metadata + "</div></body></html>");
  EXPECT_TRUE(Has(story, "Paragraph 3 about tech")) << story;
  EXPECT_FALSE(Has(story, "2019-11-19T08:57:40")) << story;
  EXPECT_FALSE(Has(story, "img.example")) << story;
  // aria-hidden content is shown (a pull quote): it stays.
  const std::string quote = Extract(
      "<html><head><title>Ten things in tech</title></head><body><div class=story>"
      "<h1>Ten things in tech</h1>" +
      Paragraphs("tech", 4) +
      "<div class=pull-quote itemscope aria-hidden=true>A quote repeated in large type.</div>"
      "</div></body></html>");
  EXPECT_TRUE(Has(quote, "A quote repeated in large type.")) << quote;
  // On a legal page a collapsed FAQ answer may carry microdata: it is a clause, kept.
  const std::string legal = Extract(
      "<html><head><title>Privacy Policy</title></head><body><h1>Privacy Policy</h1>" +
      Paragraphs("personal data", 3) +
      "<div itemscope itemtype=\"https://schema.org/Question\"><h3 itemprop=name>Do you sell "
      "my data?</h3><div style=\"display:none\" itemscope itemprop=acceptedAnswer "
      "itemtype=\"https://schema.org/Answer\"><p itemprop=text>We never sell personal data."
      "</p></div></div></body></html>");
  EXPECT_TRUE(Has(legal, "We never sell personal data.")) << legal;
}

TEST(BlockScoreTest, CaptionsAndGalleriesAreLeftOutOfStories) {
  const std::string figure =
      "<figure><img src=/a.jpg alt=\"\"><div class=caption>The minister, left, shakes hands "
      "with his counterpart in Hanoi on Wednesday. Photo: Agency</div></figure>";
  const std::string story = Extract(
      "<html><head><title>Minister visits Hanoi</title></head><body><div class=story>"
      "<h1>Minister visits Hanoi</h1>" +
      figure + Paragraphs("the visit", 5) + "</div></body></html>");
  EXPECT_TRUE(Has(story, "Paragraph 4 about the visit")) << story;
  EXPECT_FALSE(Has(story, "shakes hands")) << story;
  const std::string legal =
      Extract("<html><head><title>Terms of Service</title></head><body><h1>Terms of Service</h1>" +
              figure + Paragraphs("the service", 5) + "</body></html>");
  EXPECT_TRUE(Has(legal, "shakes hands")) << legal;
}

}  // namespace
}  // namespace policyd

// RenderAtomFeed (include/policyd/atom.h): exact XML for a small feed, escaping
// of hostile page text, and the bounds.
#include <string>

#include <gtest/gtest.h>

#include "policyd/atom.h"

namespace policyd {
namespace {

nlohmann::json FirstSeen(uint64_t seq, const std::string& time) {
  return {{"seq", seq},
          {"type", "document.first_seen"},
          {"time", time},
          {"doc", "acme/privacy-policy"},
          {"platform", "Acme"},
          {"doc_type", "Privacy Policy"},
          {"url", "https://acme.example/privacy?a=1&b=2"},
          {"hash", "ab12"},
          {"lines", 40}};
}

nlohmann::json Changed(uint64_t seq, const std::string& time) {
  return {{"seq", seq},
          {"type", "document.changed"},
          {"time", time},
          {"doc", "acme/privacy-policy"},
          {"platform", "Acme"},
          {"doc_type", "Privacy Policy"},
          {"url", "https://acme.example/privacy?a=1&b=2"},
          {"change_class", "substantive"},
          {"words_added", 12},
          {"words_removed", 3},
          {"lines_added", 2},
          {"lines_removed", 1},
          {"sections", {"## Sharing", ""}}};
}

AtomFeedInput SmallFeed() {
  AtomFeedInput input;
  input.scope = {AtomScopeKind::kDocument, "acme/privacy-policy"};
  input.generated_at = "2026-12-05T08:00:00.000Z";
  input.generator_version = "1.2.3";
  input.entries.push_back(
      {FirstSeen(3, "2026-12-01T10:00:00.000Z"), AtomDiffState::kUnavailable, ""});
  input.entries.push_back({nlohmann::json{{"seq", 5}, {"type", "document.fetch_failed"}},
                           AtomDiffState::kUnavailable, ""});
  input.entries.push_back({Changed(7, "2026-12-02T11:30:00.250Z"), AtomDiffState::kShown,
                           "@@ -1 +1 @@\n-old <b>\n+new & more\n"});
  return input;
}

TEST(AtomFeedTest, SmallFeedIsExactNewestFirstWithStableIds) {
  const std::string expected =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
      "<feed xmlns=\"http://www.w3.org/2005/Atom\">\n"
      "  <id>tag:policyd,2026:feed/doc/acme/privacy-policy</id>\n"
      "  <title type=\"text\">policyd: acme/privacy-policy</title>\n"
      "  <updated>2026-12-02T11:30:00.250Z</updated>\n"
      "  <author><name>policyd</name></author>\n"
      "  <generator version=\"1.2.3\">policyd</generator>\n"
      "  <entry>\n"
      "    <id>tag:policyd,2026:event/7</id>\n"
      "    <title type=\"text\">Acme Privacy Policy changed (substantive): +12 -3 words</title>\n"
      "    <updated>2026-12-02T11:30:00.250Z</updated>\n"
      "    <link rel=\"alternate\" type=\"text/html\" "
      "href=\"https://acme.example/privacy?a=1&amp;b=2\"/>\n"
      "    <category term=\"substantive\" scheme=\"tag:policyd,2026:change-class\" "
      "label=\"substantive\"/>\n"
      "    <category term=\"acme\" scheme=\"tag:policyd,2026:platform\" label=\"Acme\"/>\n"
      "    <category term=\"privacy-policy\" scheme=\"tag:policyd,2026:doc-type\" "
      "label=\"Privacy Policy\"/>\n"
      "    <content type=\"html\">&lt;p&gt;2 line(s) added, 1 removed.&lt;/p&gt;"
      "&lt;p&gt;Changed sections:&lt;/p&gt;&lt;ul&gt;&lt;li&gt;## Sharing&lt;/li&gt;"
      "&lt;li&gt;(before the first heading)&lt;/li&gt;&lt;/ul&gt;"
      "&lt;pre&gt;@@ -1 +1 @@\n-old &amp;lt;b&amp;gt;\n+new &amp;amp; more\n&lt;/pre&gt;"
      "</content>\n"
      "  </entry>\n"
      "  <entry>\n"
      "    <id>tag:policyd,2026:event/3</id>\n"
      "    <title type=\"text\">Acme Privacy Policy: first version</title>\n"
      "    <updated>2026-12-01T10:00:00.000Z</updated>\n"
      "    <link rel=\"alternate\" type=\"text/html\" "
      "href=\"https://acme.example/privacy?a=1&amp;b=2\"/>\n"
      "    <category term=\"acme\" scheme=\"tag:policyd,2026:platform\" label=\"Acme\"/>\n"
      "    <category term=\"privacy-policy\" scheme=\"tag:policyd,2026:doc-type\" "
      "label=\"Privacy Policy\"/>\n"
      "    <content type=\"html\">&lt;p&gt;First version of acme/privacy-policy: 40 lines, "
      "SHA-256 &lt;code&gt;ab12&lt;/code&gt;.&lt;/p&gt;</content>\n"
      "  </entry>\n"
      "</feed>\n";
  EXPECT_EQ(RenderAtomFeed(SmallFeed()), expected);
}

TEST(AtomFeedTest, FeedIdsNameTheScope) {
  EXPECT_EQ(AtomFeedId({AtomScopeKind::kAll, ""}), "tag:policyd,2026:feed/all");
  EXPECT_EQ(AtomFeedId({AtomScopeKind::kPlatform, "Acme Corp"}),
            "tag:policyd,2026:feed/platform/acme-corp");
  EXPECT_EQ(AtomFeedId({AtomScopeKind::kDocument, "a b/c<d"}),
            "tag:policyd,2026:feed/doc/a%20b/c%3Cd");
  EXPECT_EQ(AtomEntryId(42), "tag:policyd,2026:event/42");
}

TEST(AtomFeedTest, EmptyFeedTakesTheGenerationTimeAndASelfLinkWhenKnown) {
  AtomFeedInput input;
  input.generated_at = "2026-12-05T08:00:00.000Z";
  input.self_url = "http://127.0.0.1:8080/feeds/all.atom?x=\"1\"";
  const std::string xml = RenderAtomFeed(input);
  EXPECT_NE(xml.find("<title type=\"text\">policyd: all documents</title>\n"
                     "  <updated>2026-12-05T08:00:00.000Z</updated>"),
            std::string::npos);
  EXPECT_NE(xml.find("<link rel=\"self\" type=\"application/atom+xml\" "
                     "href=\"http://127.0.0.1:8080/feeds/all.atom?x=&quot;1&quot;\"/>"),
            std::string::npos);
  EXPECT_EQ(xml.find("<entry>"), std::string::npos);
  // Without a known base URL there is no self link at all.
  EXPECT_EQ(RenderAtomFeed(SmallFeed()).find("rel=\"self\""), std::string::npos);
}

TEST(AtomFeedTest, HostilePageTextNeverLeavesItsElement) {
  AtomFeedInput input = SmallFeed();
  nlohmann::json event = Changed(9, "2026-12-03T00:00:00.000Z");
  event["platform"] = "Evil</title><script>alert(1)</script>";
  event["sections"] = {"## ]]> <script>x</script> & \x01"};
  event["url"] = "javascript:\"><x";
  std::string diff = "-<![CDATA[ ]]> <script>alert('x')</script>\n+";
  diff += '\0';
  diff += "\xEF\xBF\xBE\xFF &amp;\n";
  input.entries.push_back({event, AtomDiffState::kShown, diff});
  const std::string xml = RenderAtomFeed(input);
  EXPECT_EQ(xml.find("<script"), std::string::npos);
  EXPECT_EQ(xml.find("]]>"), std::string::npos);
  EXPECT_EQ(xml.find('\0'), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find("\xEF\xBF\xBE"), std::string::npos);
  EXPECT_EQ(xml.find("\xFF"), std::string::npos);
  EXPECT_NE(xml.find("<title type=\"text\">Evil&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"
                     " Privacy Policy changed"),
            std::string::npos);
  EXPECT_NE(xml.find("href=\"javascript:&quot;&gt;&lt;x\""), std::string::npos);
  // The diff's "&amp;" is page text: escaped for the HTML, then for the XML.
  EXPECT_NE(xml.find("&amp;amp;amp;"), std::string::npos);
  EXPECT_NE(xml.find("&amp;lt;script&amp;gt;alert(&amp;#39;x&amp;#39;)"), std::string::npos);
}

TEST(AtomFeedTest, EntriesAndDiffsAreBounded) {
  AtomFeedInput input;
  input.scope = {AtomScopeKind::kPlatform, "Acme"};
  input.generated_at = "2026-12-05T08:00:00.000Z";
  std::string diff;
  for (int line = 0; line < 400; ++line) diff += "+line " + std::to_string(line) + "\n";
  for (uint64_t seq = 1; seq <= 80; ++seq) {
    input.entries.push_back(
        {Changed(seq, "2026-12-02T11:30:00.000Z"), AtomDiffState::kShown, diff});
  }
  AtomLimits limits;
  limits.max_entries = 5;
  limits.max_diff_bytes = 100;
  const std::string xml = RenderAtomFeed(input, limits);
  std::size_t entries = 0;
  for (std::size_t at = xml.find("<entry>"); at != std::string::npos;
       at = xml.find("<entry>", at + 1)) {
    ++entries;
  }
  EXPECT_EQ(entries, 5u);
  EXPECT_NE(xml.find("<id>tag:policyd,2026:event/80</id>"), std::string::npos);
  EXPECT_NE(xml.find("<id>tag:policyd,2026:event/76</id>"), std::string::npos);
  EXPECT_EQ(xml.find("<id>tag:policyd,2026:event/75</id>"), std::string::npos);
  // Cut on a line boundary (whole lines only, the last one kept whole), with a note.
  EXPECT_NE(xml.find("+line 11\n&lt;/pre&gt;"), std::string::npos);
  EXPECT_EQ(xml.find("+line 12"), std::string::npos);
  EXPECT_NE(xml.find("Diff cut at 100 bytes (" + std::to_string(diff.size()) + " in all)"),
            std::string::npos);
  EXPECT_LT(xml.size(), 5u * 2000u);
}

// A long paragraph next to the change used to fill the whole diff budget as context: the
// entry showed the hunk header and nothing of the change (a site could hide each edit from
// feed readers this way). Long context lines are shortened, and a changed line longer than
// what is left shows its beginning.
TEST(AtomFeedTest, LongContextNeverHidesTheChange) {
  AtomFeedInput input;
  input.generated_at = "2026-12-05T08:00:00.000Z";
  const std::string paragraph(5000, 'p');
  const std::string diff = "@@ -3,3 +3,3 @@\n " + paragraph +
                           "\n-We keep logs for 30 days.\n+We keep logs for 3650 days.\n " +
                           paragraph + "\n";
  input.entries.push_back({Changed(1, "2026-12-02T11:30:00.000Z"), AtomDiffState::kShown, diff});
  const std::string xml = RenderAtomFeed(input);  // 4 KiB of diff
  EXPECT_NE(xml.find("-We keep logs for 30 days.\n+We keep logs for 3650 days."), std::string::npos)
      << xml;
  EXPECT_EQ(xml.find(paragraph), std::string::npos);
  EXPECT_NE(xml.find("Diff cut at 4096 bytes"), std::string::npos);
  // One changed line longer than the budget: its beginning is shown.
  AtomFeedInput huge = input;
  huge.entries[0].diff = "@@ -1 +1 @@\n-old\n+" + std::string(9000, 'n') + "\n";
  const std::string huge_xml = RenderAtomFeed(huge);
  EXPECT_NE(huge_xml.find("-old\n+nnnn"), std::string::npos);
}

TEST(AtomFeedTest, LinksKeepURLsAsLongAsEventsDo) {
  AtomFeedInput input;
  input.generated_at = "2026-12-05T08:00:00.000Z";
  nlohmann::json event = Changed(1, "2026-12-02T11:30:00.000Z");
  const std::string url = "https://acme.example/privacy?" + std::string(1500, 'q');
  event["url"] = url;
  input.entries.push_back({event, AtomDiffState::kUnavailable, ""});
  EXPECT_NE(RenderAtomFeed(input).find("href=\"" + url + "\""), std::string::npos);
}

TEST(AtomFeedTest, TooCostlyDiffsSaySoAndBadTimesFallBack) {
  AtomFeedInput input;
  input.generated_at = "2026-12-05T08:00:00.000Z";
  input.entries.push_back({Changed(2, "yesterday"), AtomDiffState::kTooCostly, ""});
  const std::string xml = RenderAtomFeed(input);
  EXPECT_NE(xml.find("The diff is too costly to show here; run &lt;code&gt;policyctl diff "
                     "acme/privacy-policy&lt;/code&gt;."),
            std::string::npos);
  EXPECT_NE(xml.find("<updated>2026-12-05T08:00:00.000Z</updated>\n    <link"), std::string::npos);
}

}  // namespace
}  // namespace policyd

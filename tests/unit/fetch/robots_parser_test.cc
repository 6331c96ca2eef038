// RobotsTxt parsing and matching, mostly with the examples of RFC 9309.
#include <string>

#include <gtest/gtest.h>

#include "policyd/robots.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;

constexpr char kToken[] = "policyd";

TEST(RobotsTxt, EmptyFileAllowsEverything) {
  const RobotsTxt robots = RobotsTxt::Parse("");
  EXPECT_TRUE(robots.IsAllowed("/", kToken));
  EXPECT_TRUE(robots.IsAllowed("/anything?x=1", kToken));
  EXPECT_FALSE(robots.CrawlDelay(kToken).has_value());
}

TEST(RobotsTxt, LongestMatchWins) {
  // RFC 9309 2.2.2 example.
  const RobotsTxt robots = RobotsTxt::Parse(
      "User-Agent: *\n"
      "Allow: /example/page/\n"
      "Disallow: /example/page/disallowed.gif\n"
      "Disallow: /example/\n");
  EXPECT_TRUE(robots.IsAllowed("/example/page/", kToken));
  EXPECT_TRUE(robots.IsAllowed("/example/page/other.html", kToken));
  EXPECT_FALSE(robots.IsAllowed("/example/page/disallowed.gif", kToken));
  EXPECT_FALSE(robots.IsAllowed("/example/thing", kToken));
  EXPECT_TRUE(robots.IsAllowed("/elsewhere", kToken));
  const RobotsTxt::Verdict verdict = robots.Check("/example/page/disallowed.gif", kToken);
  EXPECT_EQ(verdict.rule, "disallow: /example/page/disallowed.gif");
}

TEST(RobotsTxt, AllowWinsATie) {
  const RobotsTxt robots = RobotsTxt::Parse(
      "user-agent: policyd\n"
      "disallow: /page\n"
      "allow: /page\n");
  EXPECT_TRUE(robots.IsAllowed("/page", kToken));
  EXPECT_TRUE(robots.IsAllowed("/page/sub", kToken));
}

TEST(RobotsTxt, WildcardAndEndAnchor) {
  const RobotsTxt robots = RobotsTxt::Parse(
      "User-agent: *\n"
      "Disallow: /*.gif$\n"
      "Disallow: /private*/data\n"
      "Disallow: /exact$\n"
      "Allow: /private-ok/data\n");
  EXPECT_FALSE(robots.IsAllowed("/images/a.gif", kToken));
  EXPECT_TRUE(robots.IsAllowed("/images/a.gif?x=1", kToken));  // $ anchors the whole target
  EXPECT_TRUE(robots.IsAllowed("/images/a.gifs", kToken));
  EXPECT_FALSE(robots.IsAllowed("/private/x/data", kToken));
  EXPECT_FALSE(robots.IsAllowed("/private/data/more", kToken));
  EXPECT_TRUE(robots.IsAllowed("/private-ok/data", kToken));  // longer allow
  EXPECT_FALSE(robots.IsAllowed("/exact", kToken));
  EXPECT_TRUE(robots.IsAllowed("/exact/", kToken));
}

TEST(RobotsTxt, PatternMatcher) {
  EXPECT_TRUE(RobotsTxt::PatternMatches("/", "/a"));
  EXPECT_TRUE(RobotsTxt::PatternMatches("*", "/a"));
  EXPECT_TRUE(RobotsTxt::PatternMatches("/a*b*c", "/axxbyyc/zz"));
  EXPECT_FALSE(RobotsTxt::PatternMatches("/a*b*c$", "/axxbyyc/zz"));
  EXPECT_TRUE(RobotsTxt::PatternMatches("/a*b*c$", "/axxbyyc"));
  EXPECT_TRUE(RobotsTxt::PatternMatches("/$", "/"));
  EXPECT_FALSE(RobotsTxt::PatternMatches("/$", "/a"));
  EXPECT_FALSE(RobotsTxt::PatternMatches("/abc", "/ab"));
  EXPECT_TRUE(RobotsTxt::PatternMatches("/**/x", "/q/x"));
}

TEST(RobotsTxt, UserAgentIsMatchedCaseInsensitivelyByProductToken) {
  const RobotsTxt robots = RobotsTxt::Parse(
      "User-agent: PolicyD/2.0 (+https://example.org)\n"
      "Disallow: /mine\n"
      "\n"
      "User-agent: *\n"
      "Disallow: /\n");
  EXPECT_FALSE(robots.IsAllowed("/mine", "policyd"));
  EXPECT_TRUE(robots.IsAllowed("/other", "POLICYD"));  // our group only: * does not apply
  EXPECT_FALSE(robots.IsAllowed("/other", "otherbot"));
}

TEST(RobotsTxt, GroupsForTheSameAgentAreMerged) {
  const RobotsTxt robots = RobotsTxt::Parse(
      "user-agent: a\n"
      "user-agent: policyd\n"
      "disallow: /one\n"
      "\n"
      "user-agent: b\n"
      "disallow: /two\n"
      "\n"
      "user-agent: POLICYD\n"
      "disallow: /three\n"
      "crawl-delay: 3\n");
  EXPECT_FALSE(robots.IsAllowed("/one", kToken));
  EXPECT_TRUE(robots.IsAllowed("/two", kToken));
  EXPECT_FALSE(robots.IsAllowed("/three", kToken));
  EXPECT_EQ(robots.CrawlDelay(kToken), milliseconds(3000));
  EXPECT_FALSE(robots.IsAllowed("/two", "b"));
  EXPECT_TRUE(robots.IsAllowed("/one", "b"));
}

TEST(RobotsTxt, StarGroupsAreMergedWhenThereIsNoOwnGroup) {
  const RobotsTxt robots = RobotsTxt::Parse(
      "user-agent: *\ndisallow: /a\n\nuser-agent: other\ndisallow: /b\n\n"
      "user-agent: *\ndisallow: /c\ncrawl-delay: 1.5\n");
  EXPECT_FALSE(robots.IsAllowed("/a", kToken));
  EXPECT_TRUE(robots.IsAllowed("/b", kToken));
  EXPECT_FALSE(robots.IsAllowed("/c", kToken));
  EXPECT_EQ(robots.CrawlDelay(kToken), milliseconds(1500));
}

TEST(RobotsTxt, EmptyDisallowAllowsAll) {
  const RobotsTxt robots = RobotsTxt::Parse("User-agent: *\nDisallow:\n");
  EXPECT_TRUE(robots.IsAllowed("/", kToken));
  EXPECT_TRUE(robots.IsAllowed("/x", kToken));
}

TEST(RobotsTxt, RobotsTxtItselfIsAlwaysAllowed) {
  const RobotsTxt robots = RobotsTxt::Parse("User-agent: *\nDisallow: /\n");
  EXPECT_TRUE(robots.IsAllowed("/robots.txt", kToken));
  EXPECT_FALSE(robots.IsAllowed("/", kToken));
  EXPECT_FALSE(robots.IsAllowed("", kToken));  // "" is "/"
}

TEST(RobotsTxt, PercentEncodingIsNormalised) {
  EXPECT_EQ(RobotsTxt::NormalizePercentEncoding("/%7efoo"), "/~foo");
  EXPECT_EQ(RobotsTxt::NormalizePercentEncoding("/a%2fb"), "/a%2Fb");  // reserved: kept
  EXPECT_EQ(RobotsTxt::NormalizePercentEncoding("/\xE3\x83\x84"), "/%E3%83%84");
  EXPECT_EQ(RobotsTxt::NormalizePercentEncoding("/100%"), "/100%");  // not an escape
  const RobotsTxt robots = RobotsTxt::Parse(
      "User-agent: *\n"
      "Disallow: /%7Ejoe/\n"
      "Disallow: /foo/bar/\xE3\x83\x84\n"
      "Disallow: /a%2Fb\n");
  EXPECT_FALSE(robots.IsAllowed("/~joe/index.html", kToken));
  EXPECT_FALSE(robots.IsAllowed("/%7ejoe/index.html", kToken));
  EXPECT_FALSE(robots.IsAllowed("/foo/bar/%E3%83%84", kToken));
  EXPECT_FALSE(robots.IsAllowed("/foo/bar/%e3%83%84", kToken));
  EXPECT_TRUE(robots.IsAllowed("/a/b", kToken));  // an encoded "/" is not a "/"
}

TEST(RobotsTxt, ToleratesBomCrlfCommentsAndGarbage) {
  const RobotsTxt robots = RobotsTxt::Parse(
      "\xEF\xBB\xBF# comment line\r\n"
      "User-agent: * # everyone\r\n"
      "this line is junk\r\n"
      "<html><body>not robots</body></html>\r"
      "Sitemap: https://example.org/sitemap.xml\r\n"
      "Disallow: /secret # keep out\r\n"
      ": no key\n"
      "Crawl-delay: soon\n"
      "Allow:\n");
  EXPECT_FALSE(robots.IsAllowed("/secret", kToken));
  EXPECT_FALSE(robots.IsAllowed("/secret-not", kToken));  // a prefix match
  EXPECT_TRUE(robots.IsAllowed("/public", kToken));
  EXPECT_FALSE(robots.CrawlDelay(kToken).has_value());
}

TEST(RobotsTxt, RulesBeforeAnyUserAgentAreIgnored) {
  const RobotsTxt robots = RobotsTxt::Parse("Disallow: /\nUser-agent: *\nDisallow: /x\n");
  EXPECT_TRUE(robots.IsAllowed("/", kToken));
  EXPECT_FALSE(robots.IsAllowed("/x", kToken));
}

TEST(RobotsTxt, ParsesAtMost500KiB) {
  std::string body = "User-agent: *\nDisallow: /early\n";
  while (body.size() < RobotsTxt::kMaxBytes - 10) body += "# padding padding padding\n";
  body.resize(RobotsTxt::kMaxBytes - 5, '#');
  body += "\nDisallow: /late\n";  // crosses the cap: dropped
  body += std::string(100'000, '#') + "\nDisallow: /later\n";
  const RobotsTxt robots = RobotsTxt::Parse(body);
  EXPECT_FALSE(robots.IsAllowed("/early", kToken));
  EXPECT_TRUE(robots.IsAllowed("/late", kToken));
  EXPECT_TRUE(robots.IsAllowed("/later", kToken));
}

// The fetcher keeps exactly kMaxBytes of a longer robots.txt: the line cut at the cap is
// dropped then too, not parsed as the shorter pattern it was cut to.
TEST(RobotsTxt, ALineCutAtExactlyTheCapIsDropped) {
  std::string body = "User-agent: *\nDisallow: /\n";
  while (body.size() < RobotsTxt::kMaxBytes - 100) body += "# padding padding padding\n";
  body.resize(RobotsTxt::kMaxBytes - 13, '#');
  body += "\nAllow: /priv";  // "Allow: /privacy-archive/" as the fetcher cut it
  ASSERT_EQ(body.size(), RobotsTxt::kMaxBytes);
  EXPECT_FALSE(RobotsTxt::Parse(body).IsAllowed("/privacy", kToken));
  // A body of exactly kMaxBytes whose last line is whole keeps it.
  body.resize(RobotsTxt::kMaxBytes - 12, '#');
  body += "\nAllow: /pr\n";
  ASSERT_EQ(body.size(), RobotsTxt::kMaxBytes);
  EXPECT_TRUE(RobotsTxt::Parse(body).IsAllowed("/privacy", kToken));
}

TEST(RobotsTxt, CrawlDelayValues) {
  EXPECT_EQ(RobotsTxt::Parse("User-agent: *\nCrawl-delay: 10\n").CrawlDelay(kToken),
            milliseconds(10'000));
  EXPECT_EQ(RobotsTxt::Parse("User-agent: *\nCrawl-delay: 0.25\n").CrawlDelay(kToken),
            milliseconds(250));
  EXPECT_FALSE(RobotsTxt::Parse("User-agent: *\nCrawl-delay: -3\n").CrawlDelay(kToken));
  EXPECT_FALSE(RobotsTxt::Parse("User-agent: other\nCrawl-delay: 3\n").CrawlDelay(kToken));
  EXPECT_EQ(RobotsTxt::Parse("User-agent: *\nCrawl-delay: 1e9\n").CrawlDelay(kToken),
            milliseconds(86'400'000));
}

TEST(RobotsTxt, ProductTokenOfAUserAgent) {
  EXPECT_EQ(RobotsTxt::ProductTokenOf("policyd/0.1 (+https://github.com/policyd/policyd)"),
            "policyd");
  EXPECT_EQ(RobotsTxt::ProductTokenOf("AcmeWatch/1.0 (+https://watch.example/bot)"), "acmewatch");
  EXPECT_EQ(RobotsTxt::ProductTokenOf("terms_watch-bot"), "terms_watch-bot");
  EXPECT_EQ(RobotsTxt::ProductTokenOf("Mozilla/5.0 (compatible; AcmeWatch/1.0)"), "mozilla");
  EXPECT_EQ(RobotsTxt::ProductTokenOf("2watch/1.0"), "policyd");
  EXPECT_EQ(RobotsTxt::ProductTokenOf(""), "policyd");
  // And the token is what groups are matched against.
  const RobotsTxt robots = RobotsTxt::Parse("User-agent: AcmeWatch\nDisallow: /\n");
  EXPECT_FALSE(robots.IsAllowed("/privacy", RobotsTxt::ProductTokenOf("AcmeWatch/1.0")));
  EXPECT_TRUE(robots.IsAllowed("/privacy", RobotsTxt::ProductTokenOf("policyd/0.1")));
}

}  // namespace
}  // namespace policyd

// Redirect stubs: what counts as one (FindRedirectStub, ReadRedirectSignals).
#include "redirect_stub.h"

#include <gtest/gtest.h>

#include <string>

#include "policyd/extract.h"
#include "policyd/http_url.h"

namespace policyd {
namespace {

FetchResponse Page(std::string body,
                   std::string final_url = "https://www.acme.example/legal/privacy") {
  FetchResponse page;
  page.http_status = 200;
  page.content_type = "text/html; charset=utf-8";
  page.url = final_url;
  page.final_url = std::move(final_url);
  page.body = std::move(body);
  return page;
}

RedirectStub Judge(const std::string& html, UrlResolver resolve_url = ResolveHttpUrl) {
  const FetchResponse page = Page(html);
  ExtractResult extracted;
  EXPECT_TRUE(ExtractText(html, ExtractOptions{}, &extracted).ok());
  return FindRedirectStub(page, extracted.text, resolve_url);
}

std::string LongPolicyBody() {
  std::string body;
  for (int i = 0; i < 12; ++i) {
    body += "<p>We process personal data for purpose number " + std::to_string(i) +
            " under the applicable data protection law.</p>";
  }
  return body;
}

TEST(ReadRedirectSignals, MetaRefreshInItsWrittenForms) {
  const struct {
    const char* content;  // the attribute as written in the HTML
    const char* target;
    int seconds;
  } cases[] = {
      {"0; url=/privacy-2024", "/privacy-2024", 0},
      {"5;URL='https://acme.example/p'", "https://acme.example/p", 5},
      {"3, url = &quot;../terms&quot;", "../terms", 3},
      {"0.5 ;  Url=next.html", "next.html", 0},
      {"1 https://acme.example/x", "https://acme.example/x", 1},  // no "url=": still the URL
  };
  for (const auto& c : cases) {
    const std::string html = std::string("<html><head><meta HTTP-EQUIV='Refresh' content=\"") +
                             c.content + "\"></head><body>Moved.</body></html>";
    const RedirectSignals signals = ReadRedirectSignals(html, "text/html");
    EXPECT_EQ(signals.kind, RedirectKind::kMetaRefresh) << c.content;
    EXPECT_EQ(signals.target, c.target) << c.content;
    EXPECT_EQ(signals.refresh_seconds, c.seconds) << c.content;
  }
  // A refresh without a URL reloads the page itself: no redirect.
  EXPECT_EQ(
      ReadRedirectSignals("<meta http-equiv=refresh content=300><p>News</p>", "text/html").kind,
      RedirectKind::kNone);
  EXPECT_EQ(ReadRedirectSignals("<meta http-equiv=refresh content='soon'>", "text/html").kind,
            RedirectKind::kNone);
}

TEST(ReadRedirectSignals, ScriptsThatReplaceTheLocationWithALiteral) {
  EXPECT_EQ(
      ReadRedirectSignals("<script>window.location.replace('/privacy/en');</script>", "text/html")
          .target,
      "/privacy/en");
  EXPECT_EQ(ReadRedirectSignals("<script>location.href = \"https://acme.example/p\"</script>",
                                "text/html")
                .target,
            "https://acme.example/p");
  EXPECT_EQ(ReadRedirectSignals("<script>window.location=`/legal`;</script>", "text/html").kind,
            RedirectKind::kScript);
  // Comparisons, computed targets and data blocks are not redirects.
  for (const char* html : {"<script>if (location.href == '/a') go();</script>",
                           "<script>location.href = base + '/privacy';</script>",
                           "<script>location.replace(`${base}/privacy`);</script>",
                           "<p>Call location.replace('/x') to move.</p>"}) {
    EXPECT_EQ(ReadRedirectSignals(html, "text/html").kind, RedirectKind::kNone) << html;
  }
}

TEST(FindRedirectStub, InterstitialsAreStubsWithTheirTargetResolved) {
  const RedirectStub meta = Judge(
      "<html><head><meta http-equiv='refresh' content='0; url=/legal/privacy-2024'></head>"
      "<body><p>You should be redirected quickly, if not <a href='/legal/privacy-2024'>click "
      "here</a>.</p></body></html>");
  EXPECT_TRUE(meta.found);
  EXPECT_EQ(meta.kind, RedirectKind::kMetaRefresh);
  EXPECT_EQ(meta.target, "https://www.acme.example/legal/privacy-2024");
  EXPECT_EQ(meta.description,
            "a meta refresh page (after 0 s) to https://www.acme.example/legal/privacy-2024");

  const RedirectStub script = Judge(
      "<html><body><p>Redirecting...</p><script>location.replace('privacy?lang=en')</script>"
      "</body></html>");
  EXPECT_TRUE(script.found);
  EXPECT_EQ(script.target, "https://www.acme.example/legal/privacy?lang=en");

  // Only its words say so (the redirect is done by code we cannot read): a stub without target.
  for (const char* words : {"You should be redirected quickly, if not click here.",
                            "Sie werden weitergeleitet. Falls nicht, klicken Sie hier.",
                            "Vous allez être redirigé vers la nouvelle page."}) {
    const RedirectStub said = Judge(std::string("<html><body><p>") + words + "</p></body></html>");
    EXPECT_TRUE(said.found) << words;
    EXPECT_EQ(said.kind, RedirectKind::kNone);
    EXPECT_EQ(said.target, "");
  }
}

// A `Refresh` response header does what a meta refresh does (HTML's shared declarative refresh
// steps, which browsers apply to the header too): a short page carrying one was stored as the
// policy ("Diese Seite ist umgezogen."), and an empty one failed as `empty` for ever.
TEST(FindRedirectStub, ARefreshHeaderIsARedirectLikeAMetaRefresh) {
  for (const std::string& body :
       {std::string("<html><body><p>Diese Seite ist umgezogen.</p></body></html>"),
        std::string()}) {
    FetchResponse page = Page(body);
    page.headers["refresh"] = "0; url=/legal/privacy-2024";
    ExtractResult extracted;
    ASSERT_TRUE(ExtractText(body, ExtractOptions{}, &extracted).ok());
    const RedirectStub header = FindRedirectStub(page, extracted.text, ResolveHttpUrl);
    EXPECT_TRUE(header.found) << body;
    EXPECT_EQ(header.kind, RedirectKind::kRefreshHeader);
    EXPECT_EQ(header.target, "https://www.acme.example/legal/privacy-2024");
    EXPECT_EQ(header.description,
              "a Refresh header (after 0 s) to "
              "https://www.acme.example/legal/privacy-2024");
  }
  // A long page with one (a session-timeout reload) is a document; a refresh without a URL
  // reloads the page itself.
  FetchResponse policy =
      Page("<html><body><h1>Privacy Policy</h1>" + LongPolicyBody() + "</body></html>");
  policy.headers["refresh"] = "900; url=/login";
  ExtractResult long_text;
  ASSERT_TRUE(ExtractText(policy.body, ExtractOptions{}, &long_text).ok());
  EXPECT_FALSE(FindRedirectStub(policy, long_text.text, ResolveHttpUrl).found);
  FetchResponse reload = Page("<html><body><p>Imprint: Acme GmbH, Berlin.</p></body></html>");
  reload.headers["refresh"] = "30";
  ExtractResult short_text;
  ASSERT_TRUE(ExtractText(reload.body, ExtractOptions{}, &short_text).ok());
  EXPECT_FALSE(FindRedirectStub(reload, short_text.text, ResolveHttpUrl).found);
}

// Without a resolver (policyctl extract links no URL parser) the stub is the same stub; its
// target is named as the page writes it and there is none to follow.
TEST(FindRedirectStub, WithoutAResolverTheTargetIsNamedAsWritten) {
  const RedirectStub meta = Judge(
      "<html><head><meta http-equiv='refresh' content='0; url=/legal/privacy-2024'></head>"
      "<body><p>You should be redirected quickly.</p></body></html>",
      nullptr);
  EXPECT_TRUE(meta.found);
  EXPECT_EQ(meta.kind, RedirectKind::kMetaRefresh);
  EXPECT_EQ(meta.target, "");
  EXPECT_EQ(meta.description, "a meta refresh page (after 0 s) to /legal/privacy-2024");
}

TEST(FindRedirectStub, ADocumentIsNeverAStub) {
  // A real policy page with a session-timeout refresh, or one that mentions redirection.
  EXPECT_FALSE(Judge("<html><head><meta http-equiv='refresh' content='900; url=/login'></head>"
                     "<body><h1>Privacy Policy</h1>" +
                     LongPolicyBody() + "</body></html>")
                   .found);
  EXPECT_FALSE(Judge("<html><body><h1>Privacy Policy</h1>" + LongPolicyBody() +
                     "<p>Links may redirect you to partner sites.</p></body></html>")
                   .found);
  // A Japanese policy of twelve articles with a script that sends other readers to the
  // English page: written without spaces, each article used to count as one word, so the
  // page was a stub and the English page was stored in its place.
  std::string articles;
  for (int i = 1; i <= 12; ++i) {
    articles += "<p>第" + std::to_string(i) +
                "条　当社は、お客様の個人情報を利用目的の達成に必要な範囲で取り扱います。</p>";
  }
  EXPECT_FALSE(Judge("<html><head><script>if (navigator.language != 'ja') "
                     "location.replace('/en/privacy.html')</script></head><body>"
                     "<h1>プライバシーポリシー</h1>" +
                     articles + "</body></html>")
                   .found);
  // A short page without any redirect is not a stub (the empty-text rule judges it).
  EXPECT_FALSE(Judge("<html><body><p>Imprint: Acme GmbH, Berlin.</p></body></html>").found);
  // Not a web URL: found, but without a target to follow.
  const RedirectStub odd =
      Judge("<meta http-equiv=refresh content='0;url=javascript:alert(1)'><p>Redirecting</p>");
  EXPECT_TRUE(odd.found);
  EXPECT_EQ(odd.target, "");
}

}  // namespace
}  // namespace policyd

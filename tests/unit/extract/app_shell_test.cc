#include <string>

#include <gtest/gtest.h>

#include "policyd/extract.h"

namespace policyd {
namespace {

bool IsShell(const std::string& html) {
  return ReadAppShellSignals(html, "text/html").LooksLikeAppShell();
}

TEST(AppShellTest, ReactShellWithAnEmptyRootIsAShell) {
  const std::string html = R"(<!doctype html><html><head><title>Acme</title>
    <script type="module" src="/assets/index-4f2a.js"></script></head>
    <body><div id="root"></div></body></html>)";
  const AppShellSignals signals = ReadAppShellSignals(html, "text/html");
  EXPECT_EQ(signals.scripts, 1u);
  EXPECT_EQ(signals.mount_points, 1u);
  EXPECT_EQ(signals.empty_mount_points, 1u);
  EXPECT_TRUE(signals.LooksLikeAppShell());
}

TEST(AppShellTest, NoscriptNoticeAndAFooterStillMakeAShell) {
  EXPECT_TRUE(IsShell(R"(<html><body>
    <noscript>You need to enable JavaScript to run this app.</noscript>
    <app-root></app-root>
    <footer>© 2026 Acme Inc. All rights reserved.</footer>
    <script src="/main.js"></script></body></html>)"));
  EXPECT_TRUE(IsShell(R"(<html><body><div id="__next"></div>
    <script id="__NEXT_DATA__" type="application/json">{"props":{}}</script>
    <script src="/_next/static/chunks/main.js"></script></body></html>)"));
}

TEST(AppShellTest, ServerRenderedPolicyIsNotAShell) {
  std::string policy = "<html><body><div id=\"root\"><h1>Privacy Policy</h1>";
  for (int i = 0; i < 20; ++i) {
    policy += "<p>We collect the information you give us when you create an account.</p>";
  }
  policy += "</div><script src=\"/hydrate.js\"></script></body></html>";
  const AppShellSignals signals = ReadAppShellSignals(policy, "text/html");
  EXPECT_EQ(signals.empty_mount_points, 0u);
  EXPECT_FALSE(signals.LooksLikeAppShell());
}

TEST(AppShellTest, ShortPageWithoutScriptsIsNotAShell) {
  // An empty or error page without scripts: the browser would not make it any longer.
  EXPECT_FALSE(IsShell("<html><body><div id=\"app\"></div></body></html>"));
  EXPECT_FALSE(IsShell("<html><body><p>Not found</p></body></html>"));
  // JSON-LD is data, not a script that builds the page.
  EXPECT_FALSE(IsShell(R"(<html><body><div id="root"></div>
    <script type="application/ld+json">{"@type":"Organization"}</script></body></html>)"));
}

TEST(AppShellTest, ShortPageWithScriptsButTextAndNoMountPointIsNotAShell) {
  EXPECT_FALSE(IsShell(R"(<html><body><h1>Page not found</h1>
    <p>The page you are looking for has moved. Please use the search box to find it.</p>
    <script src="/analytics.js"></script></body></html>)"));
}

TEST(AppShellTest, DeepNestingIsHandledWithoutRecursion) {
  std::string html = "<html><body><div id=\"root\"></div><script>x()</script>";
  for (int i = 0; i < 100000; ++i) html += "<span>";
  EXPECT_TRUE(IsShell(html));
}

}  // namespace
}  // namespace policyd

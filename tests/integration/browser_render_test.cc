// Pages that need a browser, end to end: the real policyd with the real headless Chromium
// (Debian's chromium, installed by scripts/install-deps.sh) against pages on 127.0.0.1.
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "daemon_harness.h"
#include "support/http_test_server.h"
#include "support/pdf_writer.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

constexpr const char* kPolicyWords = "We collect your email address to run your account";

// A single-page application's shell: the policy exists only once /app.js has run.
std::string AppShell() {
  return "<!doctype html><html><head><title>Acme</title></head><body>"
         "<noscript>You need to enable JavaScript to run this app.</noscript>"
         "<div id=\"root\"></div><script src=\"/app.js\"></script></body></html>";
}

// The script that builds the policy, the way a framework would (here from a JS array).
std::string AppScript(const std::string& last_section) {
  return "const sections = [['Privacy Policy', 'This policy explains what Acme collects.'],"
         "['Data we collect', '" +
         std::string(kPolicyWords) +
         ", and your usage data to improve the service.'],"
         "['Sharing', '" +
         last_section +
         "']];"
         "const root = document.getElementById('root');"
         "const main = document.createElement('main');"
         "sections.forEach(([title, text], i) => {"
         "  const h = document.createElement(i === 0 ? 'h1' : 'h2'); h.textContent = title;"
         "  const p = document.createElement('p'); p.textContent = text;"
         "  main.appendChild(h); main.appendChild(p); });"
         "root.appendChild(main);";
}

std::string Target(const std::string& url, const std::string& extra = "") {
  return "name = \"Acme\"\n[[documents]]\ntype = \"Privacy Policy\"\nurl = \"" + url + "\"\n" +
         extra;
}

class BrowserRenderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Set("/privacy", {.status = 200,
                             .headers = {{"Content-Type", "text/html; charset=utf-8"}},
                             .body = AppShell()});
    server_.Set("/app.js", {.status = 200,
                            .headers = {{"Content-Type", "text/javascript"}},
                            .body = AppScript("We never sell your personal data.")});
  }

  nlohmann::json Show(DaemonHarness& harness, const std::string& doc) {
    return harness.Control({{"cmd", "show"}, {"doc", doc}})["result"];
  }
  // The stored text of the document's current version.
  std::string CurrentText(DaemonHarness& harness, const std::string& doc) {
    const nlohmann::json shown = Show(harness, doc);
    const nlohmann::json text =
        harness.Control({{"cmd", "text"}, {"doc", doc}, {"hash", shown["current_hash"]}});
    return text["ok"] == true ? text["result"]["text"].get<std::string>() : text.dump();
  }
  nlohmann::json Browser(DaemonHarness& harness) {
    return harness.Control({{"cmd", "status"}})["result"]["browser"];
  }

  HttpTestServer server_;
};

TEST_F(BrowserRenderTest, AutoRendersAnAppShellRemembersItAndHashesReRendersTheSame) {
  DaemonHarness harness;
  harness.WriteTarget("acme", Target(server_.Url("/privacy")));
  ASSERT_TRUE(harness.Start());
  ASSERT_TRUE(harness.WaitForChecks(1, std::chrono::seconds(90))) << harness.log();

  nlohmann::json doc = Show(harness, "acme/privacy-policy");
  ASSERT_EQ(doc["versions"], 1) << doc.dump() << harness.log();
  EXPECT_EQ(doc["render"], "auto");
  EXPECT_EQ(doc["render_choice"], "browser");
  const std::string first_hash = doc["current_hash"];

  // The stored text is what the script built; the evidence says the browser made it.
  const std::string text = CurrentText(harness, "acme/privacy-policy");
  EXPECT_NE(text.find(kPolicyWords), std::string::npos) << text;
  EXPECT_NE(text.find("## Sharing"), std::string::npos) << text;
  const nlohmann::json evidence =
      harness.Control({{"cmd", "evidence"}, {"doc", "acme/privacy-policy"}})["result"];
  EXPECT_EQ(evidence["fetcher"], "browser") << evidence.dump();
  EXPECT_NE(evidence["browser_version"].get<std::string>().find("Chrome/"), std::string::npos)
      << evidence.dump();
  const CommandResult shown = harness.Policyctl({"show", "--evidence", "acme/privacy-policy"});
  EXPECT_NE(shown.out.find("fetcher"), std::string::npos) << shown.out << shown.err;
  EXPECT_NE(shown.out.find("browser version"), std::string::npos) << shown.out;
  const nlohmann::json browser = Browser(harness);
  EXPECT_EQ(browser["running"], true);
  EXPECT_EQ(browser["pages_rendered"], 1);

  // Check again: the page goes straight to the browser (remembered), renders the same words,
  // and no new version is made. The site saw the page requested once per check: the browser's
  // own request for it was answered from the plain fetch.
  ASSERT_EQ(harness.Control({{"cmd", "check"}, {"doc", "acme/privacy-policy"}})["ok"], true);
  ASSERT_TRUE(harness.WaitForChecks(2, std::chrono::seconds(90))) << harness.log();
  doc = Show(harness, "acme/privacy-policy");
  EXPECT_EQ(doc["versions"], 1);
  EXPECT_EQ(doc["current_hash"], first_hash);
  EXPECT_EQ(doc["recent_checks"][0]["outcome"], "unchanged") << doc.dump();
  EXPECT_EQ(server_.RequestCount("/privacy"), 2u);

  // A real change made by the script is a new version.
  server_.Set("/app.js", {.status = 200,
                          .headers = {{"Content-Type", "text/javascript"}},
                          .body = AppScript("We share your data with our payment processor.")});
  ASSERT_EQ(harness.Control({{"cmd", "check"}, {"doc", "acme/privacy-policy"}})["ok"], true);
  ASSERT_TRUE(harness.WaitForChecks(3, std::chrono::seconds(90))) << harness.log();
  doc = Show(harness, "acme/privacy-policy");
  EXPECT_EQ(doc["versions"], 2) << doc.dump();
  EXPECT_NE(doc["current_hash"], first_hash);
}

// Found by a site owner: a rendered page's own requests went to the paths the site's
// robots.txt disallows, and to its images and favicon, as "policyd". The daemon hands the
// page origin's robots.txt to the render: the disallowed part is neither requested nor stored.
TEST_F(BrowserRenderTest, ARenderedPageKeepsToItsOriginsRobotsTxt) {
  server_.Set("/robots.txt", {.status = 200,
                              .headers = {{"Content-Type", "text/plain"}},
                              .body = "User-agent: *\nDisallow: /api/\nDisallow: /img/\n"});
  server_.Set("/api/partners", {.status = 200, .body = "We also share data with AdPartner."});
  server_.Set("/img/logo.png",
              {.status = 200, .headers = {{"Content-Type", "image/png"}}, .body = "png"});
  server_.Set("/app.js",
              {.status = 200,
               .headers = {{"Content-Type", "text/javascript"}},
               .body = AppScript("We never sell your personal data.") +
                       "const img = document.createElement('img'); img.src = '/img/logo.png';"
                       "document.body.appendChild(img);"
                       "fetch('/api/partners').then(r => r.text()).then(t => {"
                       " const p = document.createElement('p'); p.textContent = t;"
                       " main.appendChild(p); }, () => {});"});
  DaemonHarness harness;
  harness.WriteTarget("acme", Target(server_.Url("/privacy"), "render = \"browser\"\n"));
  ASSERT_TRUE(harness.Start());
  ASSERT_TRUE(harness.WaitForChecks(1, std::chrono::seconds(90))) << harness.log();
  const nlohmann::json doc = Show(harness, "acme/privacy-policy");
  ASSERT_EQ(doc["versions"], 1) << doc.dump() << harness.log();
  const std::string text = CurrentText(harness, "acme/privacy-policy");
  EXPECT_NE(text.find("We never sell your personal data."), std::string::npos) << text;
  EXPECT_EQ(text.find("AdPartner"), std::string::npos) << text;
  EXPECT_EQ(server_.RequestCount("/api/partners"), 0u);
  EXPECT_EQ(server_.RequestCount("/img/logo.png"), 0u);
  EXPECT_EQ(server_.RequestCount("/favicon.ico"), 0u);
  EXPECT_EQ(server_.RequestCount("/app.js"), 1u);
}

TEST_F(BrowserRenderTest, StaticNeverStartsTheBrowser) {
  DaemonHarness harness;
  harness.WriteTarget("acme", Target(server_.Url("/privacy"), "render = \"static\"\n"));
  ASSERT_TRUE(harness.Start());
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  const nlohmann::json doc = Show(harness, "acme/privacy-policy");
  EXPECT_EQ(doc["versions"], 0);
  EXPECT_EQ(doc["recent_checks"][0]["reason"], "empty") << doc.dump();
  const nlohmann::json browser = Browser(harness);
  EXPECT_EQ(browser["running"], false);
  EXPECT_EQ(browser["pages_rendered"], 0);
  EXPECT_EQ(server_.RequestCount("/app.js"), 0u);
}

TEST_F(BrowserRenderTest, ServerRenderedPagesNeverStartTheBrowser) {
  std::string page = "<!doctype html><html><body><main><h1>Privacy Policy</h1>";
  for (int i = 0; i < 5; ++i)
    page += "<p>" + std::string(kPolicyWords) + ", section " + std::to_string(i) + ".</p>";
  page += "</main><script src=\"/analytics.js\"></script></body></html>";
  server_.Set("/ssr", {.status = 200, .headers = {{"Content-Type", "text/html"}}, .body = page});
  DaemonHarness harness;
  harness.WriteTarget("acme", Target(server_.Url("/ssr")));
  ASSERT_TRUE(harness.Start());
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  const nlohmann::json doc = Show(harness, "acme/privacy-policy");
  EXPECT_EQ(doc["versions"], 1);
  EXPECT_EQ(doc["render_choice"], "static");
  EXPECT_EQ(Browser(harness)["running"], false);
  const nlohmann::json evidence =
      harness.Control({{"cmd", "evidence"}, {"doc", "acme/privacy-policy"}})["result"];
  EXPECT_EQ(evidence["fetcher"], "http");
  EXPECT_EQ(evidence["browser_version"], "");
}

TEST_F(BrowserRenderTest, OpenTermsArchiveExecuteClientScriptsRendersEvenWithServedText) {
  // The page as served has text of its own ("Loading..."), so `auto` would not call it a shell:
  // the declaration's executeClientScripts is what sends it to the browser.
  server_.Set("/terms", {.status = 200,
                         .headers = {{"Content-Type", "text/html"}},
                         .body = "<!doctype html><html><body><div id=\"terms\"><p>Loading the "
                                 "terms of service, please wait while we fetch them for you."
                                 "</p></div><script src=\"/terms.js\"></script></body></html>"});
  server_.Set("/terms.js",
              {.status = 200,
               .headers = {{"Content-Type", "text/javascript"}},
               .body = "document.getElementById('terms').innerHTML = '<h1>Terms of Service</h1>"
                       "<p>By using Acme you agree to these terms.</p><p>You must be 18 or "
                       "older to open an account.</p>';"});
  DaemonHarness harness;
  std::ofstream(harness.targets_dir() / "acme.json")
      << R"({"name": "Acme", "terms": {"Terms of Service": {"fetch": ")" + server_.Url("/terms") +
             R"(", "select": "#terms", "executeClientScripts": true}}})";
  ASSERT_TRUE(harness.Start());
  ASSERT_TRUE(harness.WaitForChecks(1, std::chrono::seconds(90))) << harness.log();
  const nlohmann::json doc = Show(harness, "acme/terms-of-service");
  ASSERT_EQ(doc["versions"], 1) << doc.dump() << harness.log();
  EXPECT_EQ(doc["render"], "browser");
  const std::string text = CurrentText(harness, "acme/terms-of-service");
  EXPECT_NE(text.find("You must be 18 or older"), std::string::npos) << text;
  EXPECT_EQ(text.find("Loading"), std::string::npos) << text;
  EXPECT_EQ(harness.log().find("executeClientScripts"), std::string::npos)
      << "no warning: the declaration is honoured\n"
      << harness.log();
}

TEST_F(BrowserRenderTest, CombinedPagesInTheBrowserWaitForTheirOwnSelect) {
  // OTA's `combine`: the second page has its own select and no element of the terms' one.
  // Each page must settle on its own select, not time out waiting for the terms'.
  server_.Set("/part1", {.status = 200,
                         .headers = {{"Content-Type", "text/html"}},
                         .body = "<!doctype html><html><body><article><h1>Privacy Policy</h1>"
                                 "<p>We collect your email address to run your account.</p>"
                                 "</article></body></html>"});
  server_.Set("/part2", {.status = 200,
                         .headers = {{"Content-Type", "text/html"}},
                         .body = "<!doctype html><html><body><nav>Home</nav><section "
                                 "class=\"s2\"><h2>Cookies</h2><p>We use a session cookie to "
                                 "keep you signed in.</p></section></body></html>"});
  DaemonHarness harness("browser_page_timeout = \"20s\"\n");
  std::ofstream(harness.targets_dir() / "acme.json")
      << R"({"name": "Acme", "terms": {"Privacy Policy": {"select": "article",
             "executeClientScripts": true, "combine": [{"fetch": ")" +
             server_.Url("/part1") + R"("}, {"fetch": ")" + server_.Url("/part2") +
             R"(", "select": ".s2"}]}}})";
  ASSERT_TRUE(harness.Start());
  ASSERT_TRUE(harness.WaitForChecks(1, std::chrono::seconds(90))) << harness.log();
  const nlohmann::json doc = Show(harness, "acme/privacy-policy");
  ASSERT_EQ(doc["versions"], 1) << doc.dump() << harness.log();
  const std::string text = CurrentText(harness, "acme/privacy-policy");
  EXPECT_NE(text.find("to run your account"), std::string::npos) << text;
  EXPECT_NE(text.find("keep you signed in"), std::string::npos) << text;
  EXPECT_EQ(text.find("Home"), std::string::npos) << text;
  EXPECT_EQ(harness.Stop(), 0);
}

TEST_F(BrowserRenderTest, BrowserDocumentsFailClearlyWhenTheBrowserIsDisabled) {
  DaemonHarness harness("browser_enabled = false\n");
  harness.WriteTarget("acme", Target(server_.Url("/privacy"), "render = \"browser\"\n"));
  ASSERT_TRUE(harness.Start());
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  const nlohmann::json doc = Show(harness, "acme/privacy-policy");
  EXPECT_EQ(doc["versions"], 0);
  EXPECT_EQ(doc["recent_checks"][0]["reason"], "browser_unavailable") << doc.dump();
  EXPECT_EQ(Browser(harness)["enabled"], false);
}

// A PDF policy named by an Open Terms Archive declaration: converted by Poppler, stored as a
// version, and a re-issued PDF (new running header, other page numbers) is not a change.
TEST(PdfPolicyTest, OpenTermsArchiveDeclarationPointingAtAPdfProducesAVersion) {
  const auto pdf = [](const std::string& header) {
    std::vector<PdfPage> pages(2);
    for (std::size_t i = 0; i < pages.size(); ++i) {
      pages[i].texts.push_back({72, 760, 9, header});
      pages[i].texts.push_back({300, 30, 9, std::to_string(i + 1)});
    }
    pages[0].texts.push_back({72, 700, 20, "Acme Privacy Notice"});
    AddParagraphs({"We collect the information you give us when you create an account.",
                   "We keep it while your account is open and delete it afterwards."},
                  72, 660, 11, 14, 90, &pages[0]);
    pages[1].texts.push_back({72, 700, 15, "Your rights"});
    AddParagraphs({"You may ask for a copy of your data at any time."}, 72, 670, 11, 14, 90,
                  &pages[1]);
    return WritePdf(pages);
  };
  HttpTestServer server;
  server.Set("/legal/privacy.pdf", {.status = 200,
                                    .headers = {{"Content-Type", "application/pdf"}},
                                    .body = pdf("Acme Inc. - issued 1 March 2026")});
  DaemonHarness harness;
  std::ofstream(harness.targets_dir() / "acme.json")
      << R"({"name": "Acme", "terms": {"Privacy Policy": {"fetch": ")" +
             server.Url("/legal/privacy.pdf") + R"("}}})";
  ASSERT_TRUE(harness.Start());
  ASSERT_TRUE(harness.WaitForChecks(1)) << harness.log();
  nlohmann::json doc = harness.Control({{"cmd", "show"}, {"doc", "acme/privacy-policy"}})["result"];
  ASSERT_EQ(doc["versions"], 1) << doc.dump() << harness.log();
  const nlohmann::json text = harness.Control(
      {{"cmd", "text"}, {"doc", "acme/privacy-policy"}, {"hash", doc["current_hash"]}});
  const std::string body = text["result"]["text"];
  EXPECT_NE(body.find("# Acme Privacy Notice"), std::string::npos) << body;
  EXPECT_NE(body.find("## Your rights"), std::string::npos) << body;
  EXPECT_NE(body.find("We collect the information you give us"), std::string::npos) << body;
  EXPECT_EQ(body.find("issued"), std::string::npos) << "running header kept:\n" << body;
  EXPECT_EQ(harness.Control({{"cmd", "status"}})["result"]["browser"]["running"], false);

  server.Set("/legal/privacy.pdf", {.status = 200,
                                    .headers = {{"Content-Type", "application/pdf"}},
                                    .body = pdf("Acme Inc. - re-issued 9 April 2026")});
  ASSERT_EQ(harness.Control({{"cmd", "check"}, {"doc", "acme/privacy-policy"}})["ok"], true);
  ASSERT_TRUE(harness.WaitForChecks(2)) << harness.log();
  doc = harness.Control({{"cmd", "show"}, {"doc", "acme/privacy-policy"}})["result"];
  EXPECT_EQ(doc["versions"], 1) << doc.dump();
  EXPECT_EQ(doc["recent_checks"][0]["outcome"], "unchanged") << doc.dump();
}

// Many sites serve their PDF policy as a download (application/octet-stream, x-pdf): it is
// converted like any PDF, as EXTRACTION.md promises for a body that starts with %PDF-. Other
// bytes behind such a label are refused as content_type, as before.
TEST(PdfPolicyTest, APdfServedAsADownloadIsConvertedAndOtherBytesAreRefused) {
  std::vector<PdfPage> pages(1);
  pages[0].texts.push_back({72, 700, 20, "Acme Privacy Notice"});
  AddParagraphs({"We collect the information you give us when you create an account."}, 72, 660, 11,
                14, 90, &pages[0]);
  HttpTestServer server;
  server.Set("/privacy.pdf", {.status = 200,
                              .headers = {{"Content-Type", "application/octet-stream"},
                                          {"Content-Disposition", "attachment"}},
                              .body = WritePdf(pages)});
  server.Set(
      "/terms.pdf",
      {.status = 200, .headers = {{"Content-Type", "application/x-pdf"}}, .body = WritePdf(pages)});
  // Amazon S3's default type for an upload without one, and a download-forcing type.
  server.Set("/cookies.pdf", {.status = 200,
                              .headers = {{"Content-Type", "binary/octet-stream"}},
                              .body = WritePdf(pages)});
  server.Set("/imprint.pdf", {.status = 200,
                              .headers = {{"Content-Type", "application/force-download"}},
                              .body = WritePdf(pages)});
  server.Set("/logo", {.status = 200,
                       .headers = {{"Content-Type", "application/octet-stream"}},
                       .body = std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16)});
  DaemonHarness harness;
  harness.WriteTarget("acme", TargetFile("Acme", {{"Privacy Policy", server.Url("/privacy.pdf")},
                                                  {"Terms", server.Url("/terms.pdf")},
                                                  {"Cookies", server.Url("/cookies.pdf")},
                                                  {"Imprint", server.Url("/imprint.pdf")},
                                                  {"Logo", server.Url("/logo")}}));
  ASSERT_TRUE(harness.Start());
  ASSERT_TRUE(harness.WaitForChecks(5)) << harness.log();
  for (const char* id : {"acme/privacy-policy", "acme/terms", "acme/cookies", "acme/imprint"}) {
    const nlohmann::json doc = harness.Control({{"cmd", "show"}, {"doc", id}})["result"];
    EXPECT_EQ(doc["versions"], 1) << id << " " << doc.dump();
  }
  const nlohmann::json logo = harness.Control({{"cmd", "show"}, {"doc", "acme/logo"}})["result"];
  EXPECT_EQ(logo["versions"], 0);
  EXPECT_EQ(logo["recent_checks"][0]["reason"], "content_type") << logo.dump();
  EXPECT_EQ(harness.Stop(), 0);
}

}  // namespace
}  // namespace policyd::testing

// Issue 18 item 4: the web view's pages in a real browser, Debian's chromium (installed by
// scripts/install-deps.sh), as a person sees them. Each page is loaded by headless chromium
// from the real daemon; what chromium prints (to PDF, read back with Poppler) is what a
// reader sees, and the DOM it ends with shows whether any script ran.
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "daemon_harness.h"
#include "policyd/pdf.h"
#include "test_pages.h"

namespace policyd::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

// Watched text that would run if it ever became markup: it marks the page as attacked.
constexpr const char* kAttack =
    "<script>document.documentElement.dataset.pwned='script'</script>"
    "<img src=x onerror=\"document.documentElement.dataset.pwned='img'\">";
// The same text as a page's HTML source carries it (escaped, so it is the policy's text).
constexpr const char* kAttackInHtml =
    "&lt;script&gt;document.documentElement.dataset.pwned='script'&lt;/script&gt;"
    "&lt;img src=x onerror=\"document.documentElement.dataset.pwned='img'\"&gt;";

class WebViewBrowserTest : public ::testing::Test {
 protected:
  WebViewBrowserTest() : harness_("web_listen = \"127.0.0.1:0\"\n") {}

  void SetUp() override {
    WatchThreePrivacyPolicies(&server_, &harness_);
    server_.Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme keeps your email address."));
    ASSERT_TRUE(harness_.Start()) << harness_.log();
    ASSERT_TRUE(harness_.WaitForChecks(3)) << harness_.log();
    server_.Set("/acme/privacy", PolicyPage("Acme Privacy", std::string("Acme sells your email "
                                                                        "address. ") +
                                                                kAttackInHtml));
    const json checked = harness_.Control(
        {{"cmd", "check"}, {"doc", "acme/privacy-policy"}, {"wait", true}}, kWaitForAnswer);
    ASSERT_EQ(checked["ok"], true) << checked.dump();
    const std::string listen =
        harness_.Control({{"cmd", "status"}})["result"]["web"]["listen"].get<std::string>();
    base_ = "http://" + listen + "/";
  }

  std::vector<std::string> Chromium(const std::vector<std::string>& args) {
    // Its own TMPDIR: chromium leaves org.chromium.Chromium.* there when killed.
    std::filesystem::create_directories(harness_.dir() / "chromium-tmp");
    std::vector<std::string> argv = {"/usr/bin/env",
                                     "TMPDIR=" + (harness_.dir() / "chromium-tmp").string(),
                                     "/usr/bin/chromium",
                                     "--headless=new",
                                     "--disable-gpu",
                                     "--no-first-run",
                                     "--no-default-browser-check",
                                     "--user-data-dir=" + (harness_.dir() / "chromium").string()};
    if (::geteuid() == 0) argv.emplace_back("--no-sandbox");  // root has no user namespace sandbox
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  // The DOM chromium ends with after loading `page` and running whatever it would run.
  std::string Dom(const std::string& page) {
    const CommandResult result = RunCommand(Chromium({"--dump-dom", base_ + page}));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return result.out;
  }

  // The text chromium prints for `page`: what a person sees (hidden elements are not printed).
  std::string Seen(const std::string& page) {
    const std::filesystem::path pdf = harness_.dir() / "page.pdf";
    std::filesystem::remove(pdf);
    const CommandResult result = RunCommand(
        Chromium({"--no-pdf-header-footer", "--print-to-pdf=" + pdf.string(), base_ + page}));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::ifstream in(pdf, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    const PdfText text = ExtractPdfText(bytes.str());
    EXPECT_EQ(text.error, PdfError::kNone) << page;
    return text.text;
  }

  HttpTestServer server_;
  DaemonHarness harness_;
  std::string base_;
};

// Text without whitespace and hyphens: a printed page breaks long words and ids where its
// columns end (and Poppler joins a word hyphenated at a line end without its hyphen), so
// what is seen is compared with what is expected both compacted.
std::string Compact(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f' && c != '-') out += c;
  }
  return out;
}

// Whether `seen` (printed text) shows `expected`.
::testing::AssertionResult Shows(const std::string& seen, const std::string& expected) {
  if (Compact(seen).find(Compact(expected)) != std::string::npos) {
    return ::testing::AssertionSuccess();
  }
  return ::testing::AssertionFailure() << "the page does not show '" << expected << "':\n" << seen;
}

TEST_F(WebViewBrowserTest, NoWatchedTextRunsInAnyPage) {
  for (const std::string page :
       {"", "document?doc=acme%2Fprivacy-policy", "diff?doc=acme%2Fprivacy-policy",
        "diff?doc=acme%2Fprivacy-policy&layout=side-by-side",
        "evidence?doc=acme%2Fprivacy-policy&version=2"}) {
    const std::string dom = Dom(page);
    ASSERT_THAT(dom, HasSubstr("</html>")) << page;
    EXPECT_THAT(dom, Not(HasSubstr("data-pwned"))) << page << "\n" << dom;
    EXPECT_THAT(dom, Not(HasSubstr("<script"))) << page;
  }
}

TEST_F(WebViewBrowserTest, APersonSeesTheDocumentsTheHistoryAndTheChange) {
  const std::string documents = Seen("");
  for (const char* id : {"acme/privacy-policy", "hooli/privacy-policy", "initech/privacy-policy"}) {
    EXPECT_TRUE(Shows(documents, id));
  }

  const json history =
      harness_.Control({{"cmd", "history"}, {"doc", "acme/privacy-policy"}})["result"];
  ASSERT_EQ(history["versions"].size(), 2u);
  const std::string document = Seen("document?doc=acme%2Fprivacy-policy");
  for (const json& version : history["versions"]) {
    EXPECT_TRUE(Shows(document, version["text_hash"].get<std::string>().substr(0, 12)));
  }
  EXPECT_TRUE(Shows(document, "substantive"));

  // The diff shows the removed and the added sentence, and the attack as the words it is.
  for (const std::string layout : {"inline", "side-by-side"}) {
    const std::string diff = Seen("diff?doc=acme%2Fprivacy-policy&layout=" + layout);
    EXPECT_TRUE(Shows(diff, "Acme keeps your email address.")) << layout;
    EXPECT_TRUE(Shows(diff, "Acme sells your email address.")) << layout;
    EXPECT_TRUE(Shows(diff, "<script>document.documentElement.dataset.pwned='script'")) << layout;
    EXPECT_TRUE(Shows(diff, "## Data")) << layout;
  }

  const std::string evidence = Seen("evidence?doc=acme%2Fprivacy-policy&version=2");
  EXPECT_TRUE(Shows(evidence, history["versions"][1]["text_hash"].get<std::string>()));
}

}  // namespace
}  // namespace policyd::testing

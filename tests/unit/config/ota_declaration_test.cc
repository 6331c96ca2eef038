// Open Terms Archive declarations as targets: LoadOtaDeclaration and LoadTargetsDir on *.json.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "policyd/config.h"
#include "test_files.h"

namespace policyd {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

class OtaDeclarationTest : public ::testing::Test {
 protected:
  Status Load(const std::string& json, const std::string& name = "Tinder.json") {
    path_ = scratch_.Write(name, json);
    return LoadOtaDeclaration(path_, &docs_, &warnings_);
  }

  testing::ScratchDir scratch_;
  std::filesystem::path path_;
  std::vector<DocumentSpec> docs_;
  std::vector<std::string> warnings_;
};

TEST_F(OtaDeclarationTest, SimpleDeclaration) {
  const Status status = Load(R"({
    "name": "Tinder",
    "terms": {
      "Privacy Policy": {
        "fetch": "https://policies.tinder.com/privacy/intl/en",
        "select": ["main", {"startBefore": "#intro", "endAfter": "#contact"}],
        "remove": [".cookie-banner", "nav"]
      },
      "Terms of Service": {"fetch": "https://policies.tinder.com/terms/intl/en", "select": "article"}
    }
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs_, SizeIs(2));
  EXPECT_EQ(docs_[0].id, "tinder/privacy-policy");
  EXPECT_EQ(docs_[0].platform, "Tinder");
  EXPECT_EQ(docs_[0].type, "Privacy Policy");
  EXPECT_EQ(docs_[0].url, "https://policies.tinder.com/privacy/intl/en");
  EXPECT_THAT(docs_[0].select, ElementsAre("main"));
  EXPECT_THAT(docs_[0].select_ranges, ElementsAre(SelectRange{"#intro", "", "", "#contact"}));
  EXPECT_THAT(docs_[0].remove, ElementsAre(".cookie-banner", "nav"));
  EXPECT_EQ(docs_[0].source_file, path_);
  EXPECT_THAT(docs_[1].select, ElementsAre("article"));
  EXPECT_THAT(warnings_, IsEmpty());
}

TEST_F(OtaDeclarationTest, WarnsAboutWhatCannotBeHonoured) {
  const Status status = Load(R"({
    "name": "Hinge",
    "terms": {
      "Privacy Policy": {
        "fetch": "https://hinge.co/privacy",
        "select": "main",
        "remove": [{"startBefore": "#a", "endBefore": "#b"}],
        "filter": ["removeTrackingLinks"],
        "executeClientScripts": true
      }
    }
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs_, SizeIs(1));
  EXPECT_THAT(docs_[0].remove, IsEmpty());
  // Ranges in remove are honoured (issue 16 item 6) ...
  EXPECT_THAT(docs_[0].remove_ranges, ElementsAre(SelectRange{"#a", "", "#b", ""}));
  // ... and so is executeClientScripts: the page is rendered in the browser.
  EXPECT_EQ(docs_[0].render, RenderMode::kBrowser);
  // Only the custom JavaScript filter cannot be.
  ASSERT_THAT(warnings_, SizeIs(1));
  EXPECT_THAT(warnings_[0], AllOf(HasSubstr(path_.string()), HasSubstr("hinge/privacy-policy"),
                                  HasSubstr("removeTrackingLinks")));
}

// A misspelt key changes what is fetched or rendered without a word: every level of a
// declaration names the keys it does not know, with the closest known one.
TEST_F(OtaDeclarationTest, UnknownKeysAreNamedAtEveryLevelWithTheClosestKnownOne) {
  const Status status = Load(R"({
    "name": "Hinge",
    "nmae": "Hinge Inc",
    "terms": {
      "Privacy Policy": {
        "executeClientScript": true,
        "combine": [
          {"fetch": "https://hinge.co/privacy", "selct": "article"},
          {"fetch": "https://hinge.co/cookies"}
        ]
      }
    }
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_THAT(warnings_,
              ElementsAre(AllOf(HasSubstr("page https://hinge.co/privacy"),
                                HasSubstr("unknown key 'selct' ignored (did you mean 'select'?)")),
                          AllOf(HasSubstr("hinge/privacy-policy"),
                                HasSubstr("unknown key 'executeClientScript' ignored (did you "
                                          "mean 'executeClientScripts'?)")),
                          AllOf(HasSubstr(path_.string()),
                                HasSubstr("unknown key 'nmae' ignored (did you mean 'name'?)"))));
}

// OTA refuses a select that matches nothing; an empty list is a mistake, not "choose for me".
TEST_F(OtaDeclarationTest, AnEmptySelectListIsAnError) {
  const Status status = Load(R"({"name": "Hinge", "terms": {"Privacy Policy": {
    "fetch": "https://hinge.co/privacy", "select": []}}})");
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(),
              AllOf(HasSubstr("terms 'Privacy Policy'"), HasSubstr("select"), HasSubstr("empty")));
}

// A declaration as contrib-declarations writes them: the consent banner that sits inside the
// selected content, from its heading to the footer, is a range in `remove`.
TEST_F(OtaDeclarationTest, RemoveRangeDropsTheCookieBannerFromTheSelectedText) {
  const Status status = Load(R"({
  "name": "Lovebird",
  "terms": {
    "Privacy Policy": {
      "fetch": "https://www.lovebird.example/legal/privacy",
      "select": [
        ".legal-content"
      ],
      "remove": [
        ".back-to-top",
        {
          "startBefore": "#cookie-banner",
          "endBefore": "footer"
        }
      ]
    }
  }
}
)",
                             "Lovebird.json");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs_, SizeIs(1));
  EXPECT_THAT(warnings_, IsEmpty());
  EXPECT_THAT(docs_[0].remove, ElementsAre(".back-to-top"));
  EXPECT_THAT(docs_[0].remove_ranges, ElementsAre(SelectRange{"#cookie-banner", "", "footer", ""}));
  EXPECT_TRUE(docs_[0].page_options.empty());
  const std::string html = R"(<!DOCTYPE html>
<html lang="en"><head><title>Privacy Policy | Lovebird</title></head><body>
<div class="legal-content">
  <h1>Privacy Policy</h1>
  <p>We process your profile to suggest matches.</p>
  <a class="back-to-top" href="#top">Back to top</a>
  <h2>Your choices</h2>
  <p>You may delete your account at any time.</p>
  <h2 id="cookie-banner">Cookie banner</h2>
  <p>We and our 143 partners store cookies on your device.</p>
  <button>Accept all</button> <a href="/settings">Settings</a>
</div>
<footer>Lovebird Ltd</footer>
</body></html>)";
  EXPECT_EQ(ExtractText(html, *docs_[0].extraction, "text/html").text,
            "# Privacy Policy\n\nWe process your profile to suggest matches.\n\n## Your "
            "choices\n\nYou may delete your account at any time.\n");
}

TEST_F(OtaDeclarationTest, CombinedPagesHonourRemoveRangesPerPage) {
  const Status status = Load(R"({
    "name": "Hinge",
    "terms": {
      "Terms of Service": {
        "select": "main",
        "remove": {"startAfter": "h1", "endBefore": ".terms"},
        "combine": [
          {"fetch": "https://hinge.co/terms/1"},
          {"fetch": "https://hinge.co/terms/2",
           "remove": [{"startBefore": ".faq", "endAfter": "main"}]},
          {"fetch": "https://hinge.co/terms/3", "remove": ".summary"}
        ]
      }
    }
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs_, SizeIs(1));
  EXPECT_THAT(warnings_, Not(Contains(HasSubstr("remove"))));
  EXPECT_THAT(docs_[0].remove_ranges, ElementsAre(SelectRange{"", "h1", ".terms", ""}));
  ASSERT_THAT(docs_[0].page_options, SizeIs(3));
  EXPECT_FALSE(docs_[0].page_options[0]);
  ASSERT_TRUE(docs_[0].page_options[1]);
  EXPECT_THAT(docs_[0].page_options[1]->remove_ranges,
              ElementsAre(SelectRange{".faq", "", "", "main"}));
  EXPECT_THAT(docs_[0].page_options[1]->select, ElementsAre("main"));  // inherited
  ASSERT_TRUE(docs_[0].page_options[2]);
  EXPECT_THAT(docs_[0].page_options[2]->remove, ElementsAre(".summary"));
  EXPECT_THAT(docs_[0].page_options[2]->remove_ranges, IsEmpty());  // replaced, as in OTA
  const std::string html =
      "<html><body><main><h1>Terms</h1><p class='summary'>In short: be nice.</p>"
      "<div class='terms'><p>Be nice to other members.</p></div>"
      "<div class='faq'><p>Questions? Write to us.</p></div></main></body></html>";
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(0), "text/html").text,
            "# Terms\n\nBe nice to other members.\n\nQuestions? Write to us.\n");
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(1), "text/html").text,
            "# Terms\n\nIn short: be nice.\n\nBe nice to other members.\n");
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(2), "text/html").text,
            "# Terms\n\nBe nice to other members.\n\nQuestions? Write to us.\n");
}

TEST_F(OtaDeclarationTest, BadRemoveRangeIsAnErrorNamingTheTerms) {
  Status status = Load(R"({"name": "X", "terms": {"Privacy Policy": {
      "fetch": "https://x.example/", "remove": [{"startBefore": "h2", "endBefore": "p >"}]}}})");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), StartsWith(path_.string() + ": terms 'Privacy Policy': remove "
                                                            "range: invalid selector \"p >\""));
  EXPECT_THAT(docs_, IsEmpty());
  status = Load(R"({"name": "X", "terms": {"Privacy Policy": {
      "fetch": "https://x.example/", "remove": [{"endBefore": "footer"}]}}})");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("a range needs exactly one of startBefore/startAfter"));
}

TEST_F(OtaDeclarationTest, CombineBecomesExtraUrls) {
  const Status status = Load(R"({
    "name": "Bumble",
    "terms": {
      "Terms of Service": {
        "select": ".legal",
        "combine": [
          {"fetch": "https://bumble.com/terms/1"},
          {"fetch": "https://bumble.com/terms/2"},
          {"fetch": "https://bumble.com/terms/3", "select": "#other"}
        ]
      }
    }
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs_, SizeIs(1));
  EXPECT_EQ(docs_[0].url, "https://bumble.com/terms/1");
  EXPECT_THAT(docs_[0].extra_urls,
              ElementsAre("https://bumble.com/terms/2", "https://bumble.com/terms/3"));
  EXPECT_THAT(docs_[0].select, ElementsAre(".legal"));
  // Combining is honoured in full (issue 16 item 6): nothing to warn about, at every reload.
  EXPECT_THAT(warnings_, IsEmpty());
  // The third page's own select is honoured, the others use the terms'.
  ASSERT_THAT(docs_[0].page_options, SizeIs(3));
  EXPECT_FALSE(docs_[0].page_options[0]);
  EXPECT_FALSE(docs_[0].page_options[1]);
  ASSERT_TRUE(docs_[0].page_options[2]);
  EXPECT_THAT(docs_[0].page_options[2]->select, ElementsAre("#other"));
  const std::string html =
      "<html><body><div class='legal'><p>Legal text of the page.</p></div>"
      "<div id='other'><p>Other text of the page.</p></div></body></html>";
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(0), "text/html").text,
            "Legal text of the page.\n");
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(1), "text/html").text,
            "Legal text of the page.\n");
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(2), "text/html").text,
            "Other text of the page.\n");
}

TEST_F(OtaDeclarationTest, BuiltInRemoveQueryParamsIsHonouredCustomFiltersAreNot) {
  const Status status = Load(R"({
    "name": "Grindr",
    "terms": {
      "Terms of Service": {
        "fetch": "https://grindr.com/terms",
        "select": "main",
        "filter": [{"removeQueryParams": ["utm_source", "utm_medium"]}, "removeDates"]
      },
      "Privacy Policy": {
        "fetch": "https://grindr.com/privacy",
        "select": "main",
        "filter": [{"removeQueryParams": ["lang"]}]
      }
    }
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs_, SizeIs(2));
  EXPECT_THAT(warnings_, ElementsAre(AllOf(HasSubstr("grindr/terms-of-service"),
                                           HasSubstr("[\"removeDates\"]"))));
  EXPECT_FALSE(docs_[0].include_link_urls);  // no URL in the text: no parameter to remove
}

TEST_F(OtaDeclarationTest, CombinedPagesInheritTheTermsRemoveAndMayReplaceIt) {
  const Status status = Load(R"({
    "name": "Hinge",
    "terms": {
      "Privacy Policy": {
        "select": "main",
        "remove": ".ad",
        "combine": [
          {"fetch": "https://hinge.co/privacy/1"},
          {"fetch": "https://hinge.co/privacy/2", "remove": [".ad", ".related"]}
        ]
      }
    }
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs_, SizeIs(1));
  ASSERT_THAT(docs_[0].page_options, SizeIs(2));
  ASSERT_TRUE(docs_[0].page_options[1]);
  EXPECT_THAT(docs_[0].page_options[1]->select, ElementsAre("main"));  // inherited
  EXPECT_THAT(docs_[0].page_options[1]->remove, ElementsAre(".ad", ".related"));
  const std::string html =
      "<html><body><main><p>We keep your data safe.</p><p class='ad'>Buy now</p>"
      "<p class='related'>Related: our blog</p></main></body></html>";
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(0), "text/html").text,
            "We keep your data safe.\n\nRelated: our blog\n");
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(1), "text/html").text,
            "We keep your data safe.\n");
}

// OTA's engine builds each page of `combine` from the page's own keys, falling back to the
// terms' (`page.remove ?? terms.remove`): never to another page's. A page that sets no
// `remove` keeps its headings although the first page drops its own.
TEST_F(OtaDeclarationTest, APageWithoutItsOwnRemoveTakesTheTermsNotTheFirstPages) {
  const Status status = Load(R"({
    "name": "Gamma",
    "terms": {
      "Community Guidelines": {
        "combine": [
          {"fetch": "https://gamma.example/rules/1", "select": "main", "remove": "h1"},
          {"fetch": "https://gamma.example/rules/2", "select": "main"}
        ]
      }
    }
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs_, SizeIs(1));
  const std::string html =
      "<html><body><main><h1>Part</h1><p>Be kind to others.</p></main>"
      "<footer><p>Footer</p></footer></body></html>";
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(0), "text/html").text,
            "Be kind to others.\n");
  EXPECT_EQ(ExtractText(html, *docs_[0].ExtractionOfPage(1), "text/html").text,
            "# Part\n\nBe kind to others.\n");
}

// With `combine`, the terms' `fetch` is not a page of its own: it is the URL of the pages that
// name none (two selections of one page are a valid declaration).
TEST_F(OtaDeclarationTest, TheTermsFetchIsTheUrlOfCombinedPagesThatNameNone) {
  Status status = Load(R"({
    "name": "Delta",
    "terms": {
      "Privacy Policy": {
        "fetch": "https://delta.example/privacy",
        "select": "main",
        "combine": [
          {"fetch": "https://delta.example/privacy/1"},
          {"fetch": "https://delta.example/privacy/2"}
        ]
      },
      "Terms of Service": {
        "fetch": "https://delta.example/terms",
        "combine": [{"select": "#general"}, {"select": "#paid"}]
      }
    }
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs_, SizeIs(2));
  EXPECT_EQ(docs_[0].url, "https://delta.example/privacy/1");
  EXPECT_THAT(docs_[0].extra_urls, ElementsAre("https://delta.example/privacy/2"));
  EXPECT_EQ(docs_[1].url, "https://delta.example/terms");
  EXPECT_THAT(docs_[1].extra_urls, ElementsAre("https://delta.example/terms"));
  const std::string html =
      "<html><body><div id='general'><p>General terms.</p></div>"
      "<div id='paid'><p>Terms of paid plans.</p></div></body></html>";
  EXPECT_EQ(ExtractText(html, *docs_[1].ExtractionOfPage(0), "text/html").text, "General terms.\n");
  EXPECT_EQ(ExtractText(html, *docs_[1].ExtractionOfPage(1), "text/html").text,
            "Terms of paid plans.\n");
  // A page with no URL of its own and none from the terms is an error naming the terms.
  docs_.clear();
  status =
      Load(R"({"name": "Eps", "terms": {"Privacy Policy": {"combine": [{"select": "main"}]}}})",
           "Eps.json");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("needs a 'fetch' URL string"));
}

TEST_F(OtaDeclarationTest, ErrorsNameTheFile) {
  for (const char* json : {
           R"({"name": "X", "terms": {"Privacy Policy": {"select": "main"}}})",
           R"({"name": "X", "terms": {"Privacy Policy": {"fetch": "ftp://x.example/"}}})",
           R"({"name": "X", "terms": {"Privacy Policy": {"fetch": 3}}})",
           R"({"name": "X", "terms": {"Privacy Policy": {"fetch": "https://x.example/",
               "select": [{"startBefore": "a"}]}}})",
           R"({"name": "X"})",
           R"({"name": "X", "terms": {"Privacy Policy": {"fetch": "https://x.example/",
               "executeClientScripts": "yes"}}})",
           R"({"name": "X", "terms": {"Privacy Policy": {"combine": [
               {"fetch": "https://x.example/", "executeClientScripts": 1}]}}})",
           R"({"name": "X", "terms": {"Privacy Policy": {"fetch": "https://x.example/",)",
           R"([1, 2])",
       }) {
    docs_.clear();
    const Status status = Load(json);
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << json;
    EXPECT_THAT(status.message(), HasSubstr(path_.string())) << json;
    EXPECT_THAT(docs_, IsEmpty()) << json;
  }
}

// A declaration nested deeper than any real one (a 300 KB `filter` of 150,000 arrays) is
// refused before anything copies it: copying or dumping it recursed once per level and
// overflowed the stack, which killed a running daemon on reload.
TEST_F(OtaDeclarationTest, NestingIsBoundedBeforeTheDeclarationIsRead) {
  const int levels = 150'000;
  const std::string deep = R"({"name": "Deep", "terms": {"Privacy Policy": {)"
                           R"("fetch": "https://deep.example/privacy", "filter": [)" +
                           std::string(levels, '[') + std::string(levels, ']') + "]}}}";
  const Status status = Load(deep, "Deep.json");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), StartsWith(path_.string() + ": JSON nested deeper than"));
  EXPECT_THAT(docs_, IsEmpty());
  // A real declaration's depth, with ranges inside a combined page, loads.
  EXPECT_TRUE(Load(R"({"name": "Ok", "terms": {"Privacy Policy": {"combine": [{)"
                   R"("fetch": "https://ok.example/a", "select": [{"startBefore": "#a", )"
                   R"("endBefore": "#b"}]}]}}})",
                   "Ok.json")
                  .ok());
}

TEST_F(OtaDeclarationTest, SelectorThatDoesNotParseIsAnErrorNamingTheTerms) {
  const Status status = Load(R"({"name": "X", "terms": {"Privacy Policy": {
      "fetch": "https://x.example/", "select": ["main", "div[[["]}}})");
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), StartsWith(path_.string() + ": terms 'Privacy Policy': select: "
                                                            "invalid selector \"div[[[\""));
  EXPECT_THAT(docs_, IsEmpty());
}

TEST_F(OtaDeclarationTest, ExtractionIsCompiledWhenLoaded) {
  ASSERT_TRUE(Load(R"({"name": "X", "terms": {"Privacy Policy": {
      "fetch": "https://x.example/", "select": ["main"]}}})")
                  .ok());
  ASSERT_EQ(docs_.size(), 1u);
  ASSERT_NE(docs_[0].extraction, nullptr);
  EXPECT_EQ(
      ExtractText("<nav>n</nav><main><p>Only this.</p></main>", *docs_[0].extraction, "").text,
      "Only this.\n");
}

TEST(OtaTargetsDirTest, LoadsJsonDeclarationsBesideTomlFiles) {
  testing::ScratchDir dir;
  dir.Write("Tinder.json", R"({"name": "Tinder", "terms": {"Privacy Policy": {
      "fetch": "https://policies.tinder.com/privacy", "filter": ["x"]}}})");
  dir.Write("Tinder.history.json", R"({"Privacy Policy": [{"fetch": "https://old.example/"}]})");
  dir.Write("zoom.toml",
            "name = \"Zoom\"\n[[documents]]\ntype = \"Terms\"\nurl = \"https://zoom.us/t\"\n");
  std::vector<DocumentSpec> docs;
  std::vector<std::string> warnings;
  const Status status = LoadTargetsDir(dir.path(), &docs, &warnings);
  ASSERT_TRUE(status.ok()) << status.ToString();
  ASSERT_THAT(docs, SizeIs(2));
  EXPECT_EQ(docs[0].id, "tinder/privacy-policy");
  EXPECT_EQ(docs[1].id, "zoom/terms");
  EXPECT_THAT(warnings, ElementsAre(HasSubstr("filters")));
  // Without the warnings parameter the documents load the same.
  std::vector<DocumentSpec> again;
  ASSERT_TRUE(LoadTargetsDir(dir.path(), &again).ok());
  EXPECT_THAT(again, SizeIs(2));
}

TEST(OtaTargetsDirTest, DuplicateIdAcrossTomlAndJsonIsAnError) {
  testing::ScratchDir dir;
  dir.Write("a.json", R"({"name": "Zoom", "terms": {"Terms": {"fetch": "https://zoom.us/a"}}})");
  dir.Write("b.toml",
            "name = \"Zoom\"\n[[documents]]\ntype = \"Terms\"\nurl = \"https://zoom.us/t\"\n");
  std::vector<DocumentSpec> docs;
  const Status status = LoadTargetsDir(dir.path(), &docs, nullptr);
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("duplicate document id 'zoom/terms'"));
}

}  // namespace
}  // namespace policyd

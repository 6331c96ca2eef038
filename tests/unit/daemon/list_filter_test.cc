#include "list_filter.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

DocumentSpec Spec(const std::string& platform, const std::string& type) {
  DocumentSpec spec;
  spec.platform = platform;
  spec.type = type;
  spec.id = MakeDocumentId(platform, type);
  return spec;
}

TEST(ListFilter, ParsesTheOptionalFiltersAndRefusesBadValues) {
  auto none = ParseListFilter({{"cmd", "list"}});
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->failing);
  EXPECT_EQ(none->platform, "");
  EXPECT_EQ(none->type, "");

  auto all = ParseListFilter(
      {{"cmd", "list"}, {"failing", true}, {"platform", "Coursera"}, {"type", "privacy-policy"}});
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(all->failing);
  EXPECT_EQ(all->platform, "Coursera");
  EXPECT_EQ(all->type, "privacy-policy");

  EXPECT_EQ(ParseListFilter({{"failing", "yes"}}).status().message(),
            "\"failing\" must be true or false");
  EXPECT_EQ(ParseListFilter({{"platform", 3}}).status().message(), "\"platform\" must be a string");
  EXPECT_EQ(ParseListFilter({{"type", ""}}).status().message(), "\"type\" is empty");
  EXPECT_EQ(ParseListFilter({{"platform", std::string(257, 'a')}}).status().message(),
            "\"platform\" is longer than 256 bytes");
  EXPECT_TRUE(ParseListFilter({{"platform", std::string(256, 'a')}}).ok());
  EXPECT_EQ(ParseListFilter({{"failing", true}}).status().code(), Status::Code::kOk);
}

TEST(ListFilter, MatchesNamesBySlugAndFailingByStreak) {
  const DocumentSpec terms = Spec("Acme Corp", "Terms of Service");
  DocState ok;
  DocState failing;
  failing.consecutive_failures = 2;

  EXPECT_TRUE(PassesListFilter({}, terms, ok));
  EXPECT_FALSE(PassesListFilter({.failing = true}, terms, ok));
  EXPECT_TRUE(PassesListFilter({.failing = true}, terms, failing));

  for (const char* platform : {"Acme Corp", "acme-corp", "ACME corp"}) {
    EXPECT_TRUE(PassesListFilter({.platform = platform}, terms, ok)) << platform;
  }
  EXPECT_FALSE(PassesListFilter({.platform = "Acme"}, terms, ok));
  EXPECT_TRUE(PassesListFilter({.type = "terms-of-service"}, terms, ok));
  EXPECT_FALSE(PassesListFilter({.type = "Privacy Policy"}, terms, ok));
  EXPECT_FALSE(PassesListFilter({.failing = true, .platform = "acme-corp"}, terms, ok));
  EXPECT_TRUE(PassesListFilter(
      {.failing = true, .platform = "acme-corp", .type = "Terms of Service"}, terms, failing));
  // Names in another script compare by their transliterated slugs ("bai-du", "bai", "du").
  EXPECT_TRUE(NameMatches("\xE7\x99\xBE\xE5\xBA\xA6", "\xE7\x99\xBE\xE5\xBA\xA6"));
  EXPECT_FALSE(NameMatches("\xE7\x99\xBE", "\xE5\xBA\xA6"));
}

TEST(ListFilter, RefusalNamesTheClosestExistingValues) {
  const std::set<std::string> platforms = {"Google", "Google Play", "Gogo", "Zoom", "Apple"};
  // Plausible misspellings only, closest first: "Apple" is 3 edits from "gogle", too far, and
  // "google-play" 7.
  EXPECT_EQ(ClosestFilterValues("gogle", platforms, 3),
            (std::vector<std::string>{"Google", "Gogo"}));
  EXPECT_EQ(ClosestFilterValues("google", platforms, 3),
            (std::vector<std::string>{"Google", "Google Play"}));
  EXPECT_EQ(ClosestFilterValues("gogle", platforms, 1), (std::vector<std::string>{"Google"}));
  EXPECT_EQ(ClosestFilterValues("play", platforms, 3), (std::vector<std::string>{"Google Play"}));
  EXPECT_EQ(ClosestFilterValues("zoom.us", platforms, 3), (std::vector<std::string>{"Zoom"}));
  EXPECT_EQ(ClosestFilterValues("microsoft", platforms, 3), std::vector<std::string>{});

  const nlohmann::json error = UnknownNameError("platform", "Gogle", platforms);
  EXPECT_EQ(error["ok"], false);
  EXPECT_EQ(error["error"]["code"], "not_found");
  EXPECT_EQ(error["error"]["message"],
            "no watched document has platform 'Gogle' (closest: 'Google', 'Gogo')");
  EXPECT_EQ(error["error"]["suggestions"], nlohmann::json({"Google", "Gogo"}));

  const nlohmann::json far = UnknownNameError("platform", "Microsoft", platforms);
  EXPECT_EQ(far["error"]["message"],
            "no watched document has platform 'Microsoft' (none is close to it: `policyctl "
            "list` shows every document)");
  EXPECT_EQ(far["error"]["suggestions"], nlohmann::json::array());

  const nlohmann::json nothing = UnknownNameError("type", "terms", {});
  EXPECT_EQ(nothing["error"]["message"],
            "no watched document has type 'terms' (no documents are watched)");
  EXPECT_EQ(nothing["error"]["suggestions"], nlohmann::json::array());
}

}  // namespace
}  // namespace policyd

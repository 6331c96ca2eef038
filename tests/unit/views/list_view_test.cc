#include "list_view.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

nlohmann::json Doc(const std::string& id, int versions, const nlohmann::json& last_check,
                   int failures, const std::string& last_error) {
  return {{"id", id},
          {"versions", versions},
          {"last_check", last_check},
          {"last_change", versions > 0 ? nlohmann::json("2026-11-20T08:00:00.000Z") : nullptr},
          {"next_due", "2026-11-23T08:00:00.000Z"},
          {"consecutive_failures", failures},
          {"last_error", last_error}};
}

TEST(RenderList, TodaysColumnsAligned) {
  const nlohmann::json list = {{"documents",
                                {Doc("acme/privacy-policy", 3, "2026-11-22T08:00:00.000Z", 0, ""),
                                 Doc("hooli/terms-of-service", 0, "2026-11-22T08:01:00.000Z", 2,
                                     "http_5xx: HTTP status 500"),
                                 Doc("initech/cookie-policy", 0, nullptr, 0, "")}},
                               {"total", 3}};
  EXPECT_EQ(RenderList(list),
            "DOCUMENT                VERSIONS  LAST CHECK                LAST CHANGE               "
            "NEXT DUE                  STATUS\n"
            "acme/privacy-policy     3         2026-11-22T08:00:00.000Z  2026-11-20T08:00:00.000Z  "
            "2026-11-23T08:00:00.000Z  ok\n"
            "hooli/terms-of-service  0         2026-11-22T08:01:00.000Z  -                         "
            "2026-11-23T08:00:00.000Z  failing x2: http_5xx: HTTP status 500\n"
            "initech/cookie-policy   0         -                         -                         "
            "2026-11-23T08:00:00.000Z  pending\n");
}

// Two states are not a failure streak and must not read "ok" either: a new text held back as
// suspicious until a later check confirms it, and a check not requested while its host rested
// (HOSTILE.md), which does not count toward the streak but is retried soon.
TEST(RenderList, AHeldTextOrAHeldCheckIsNotOk) {
  nlohmann::json suspicious = Doc("acme/privacy-policy", 3, "2026-11-22T08:00:00.000Z", 0,
                                  "suspicious: the text shrank by 62%; held until seen on 2 "
                                  "consecutive checks");
  suspicious["status"] = "suspicious";
  nlohmann::json retrying = Doc("hooli/terms-of-service", 2, "2026-11-22T08:01:00.000Z", 0,
                                "timeout: not requested: the server is struggling");
  retrying["status"] = "retrying";
  const std::string out = RenderList({{"documents", {suspicious, retrying}}});
  EXPECT_NE(out.find("  suspicious: the text shrank by 62%; held until seen on 2 consecutive "
                     "checks\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("  retrying: timeout: not requested: the server is struggling\n"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find(" ok\n"), std::string::npos) << out;
  // [fleet] A document left to the member that owns its site was "pending" for ever here.
  nlohmann::json elsewhere = Doc("initech/cookie-policy", 0, nullptr, 0, "");
  elsewhere["status"] = "other_member";
  EXPECT_NE(RenderList({{"documents", {elsewhere}}})
                .find("  checked by the fleet member that owns its site\n"),
            std::string::npos);
  // A daemon from before `status`: the failure count alone.
  EXPECT_NE(RenderList({{"documents", {Doc("a/b", 1, "2026-11-22T08:00:00.000Z", 0, "x")}}})
                .find(" ok\n"),
            std::string::npos);
}

TEST(RenderList, AFilteredListSaysHowManyOfTheWatched) {
  const nlohmann::json filtered = {
      {"documents", {Doc("hooli/terms-of-service", 1, "2026-11-22T08:01:00.000Z", 1, "dns: x")}},
      {"total", 674}};
  const std::string out = RenderList(filtered);
  EXPECT_EQ(out.substr(out.rfind('\n', out.size() - 2) + 1), "1 of 674 documents\n");
  EXPECT_EQ(RenderList({{"documents", nlohmann::json::array()}, {"total", 674}}),
            "no document matches (674 watched)\n");
  EXPECT_EQ(RenderList({{"documents", nlohmann::json::array()}, {"total", 0}}),
            "no documents are watched\n");
  // A daemon without `total`: the table alone.
  EXPECT_EQ(RenderList({{"documents", {Doc("a/b", 1, nullptr, 0, "")}}}).find(" of "),
            std::string::npos);
}

}  // namespace
}  // namespace policyd

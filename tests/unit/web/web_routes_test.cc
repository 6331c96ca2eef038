#include "policyd/web_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace policyd {
namespace {

using ::testing::HasSubstr;
using json = nlohmann::json;

std::vector<json> Requests(const WebRoute& route) {
  std::vector<json> out;
  for (const WebControlRequest& request : route.requests) out.push_back(request.request);
  return out;
}

TEST(WebRoutesTest, PagesAskForTheReadCommandsTheyShow) {
  auto documents = RouteWebRequest("/", "failing=on&platform=Acme&utm_source=x");
  ASSERT_TRUE(documents.ok()) << documents.status().ToString();
  EXPECT_EQ(documents->view, WebView::kDocuments);
  EXPECT_EQ(Requests(*documents),
            (std::vector<json>{{{"cmd", "status"}},
                               {{"cmd", "list"}, {"failing", true}, {"platform", "Acme"}}}));

  auto document = RouteWebRequest("/document", "doc=acme%2Fprivacy-policy");
  ASSERT_TRUE(document.ok());
  EXPECT_EQ(document->view, WebView::kDocument);
  ASSERT_EQ(document->requests.size(), 2u);
  EXPECT_EQ(document->requests[0].request, (json{{"cmd", "show"}, {"doc", "acme/privacy-policy"}}));
  EXPECT_TRUE(document->requests[0].optional);  // a removed document has history, no spec
  EXPECT_EQ(document->requests[1].request,
            (json{{"cmd", "history"}, {"doc", "acme/privacy-policy"}}));
  EXPECT_FALSE(document->requests[1].optional);

  auto diff = RouteWebRequest("/diff", "doc=a%2Fb&a=1&b=3&layout=side-by-side&word=1");
  ASSERT_TRUE(diff.ok());
  EXPECT_EQ(diff->view, WebView::kDiff);
  EXPECT_EQ(diff->layout, DiffLayout::kSideBySide);
  EXPECT_EQ(Requests(*diff),
            (std::vector<json>{
                {{"cmd", "diff"}, {"doc", "a/b"}, {"a", "1"}, {"b", "3"}, {"word", true}}}));
  EXPECT_EQ(RouteWebRequest("/diff", "doc=a%2Fb")->layout, DiffLayout::kInline);

  EXPECT_EQ(Requests(*RouteWebRequest("/evidence", "doc=a%2Fb&version=2")),
            (std::vector<json>{{{"cmd", "evidence"}, {"doc", "a/b"}, {"version", "2"}}}));
  EXPECT_EQ(Requests(*RouteWebRequest("/text", "doc=a%2Fb&hash=abc")),
            (std::vector<json>{{{"cmd", "text"}, {"doc", "a/b"}, {"hash", "abc"}}}));
  EXPECT_EQ(Requests(*RouteWebRequest("/feed.atom", "platform=Acme")),
            (std::vector<json>{{{"cmd", "atom"}, {"platform", "Acme"}}}));
  EXPECT_EQ(Requests(*RouteWebRequest("/feed.atom", "")), (std::vector<json>{{{"cmd", "atom"}}}));
  EXPECT_EQ(Requests(*RouteWebRequest("/metrics", "")), (std::vector<json>{{{"cmd", "metrics"}}}));
  auto css = RouteWebRequest("/style.css", "");
  ASSERT_TRUE(css.ok());
  EXPECT_EQ(css->view, WebView::kStylesheet);
  EXPECT_TRUE(css->requests.empty());
}

TEST(WebRoutesTest, DocumentsPageKeepsItsRowAndFiltersForItsPagerLinks) {
  auto route = RouteWebRequest("/", "first=1000&failing=on&platform=Acme&utm_source=x");
  ASSERT_TRUE(route.ok()) << route.status().ToString();
  EXPECT_EQ(route->first_row, 1000u);
  const QueryParams filters = {{"failing", "1"}, {"platform", "Acme"}};
  EXPECT_EQ(ListFilters(route->requests.at(1).request), filters);
  EXPECT_EQ(RouteWebRequest("/", "")->first_row, 0u);
  EXPECT_THAT(RouteWebRequest("/", "first=ten").status().message(),
              HasSubstr("'first' must be a row number"));
}

// A feed reader subscribes once and reads for months: a misspelt parameter would silently
// give everyone's feed (or a page's parameters ignored, as pages do). Like the JSON API, the
// feed refuses an unknown parameter with the closest name.
TEST(WebRoutesTest, TheFeedRefusesAnUnknownParameter) {
  const auto route = RouteWebRequest("/feed.atom", "platfrom=Acme");
  ASSERT_FALSE(route.ok());
  EXPECT_EQ(route.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(route.status().message(),
              HasSubstr("unknown parameter 'platfrom' for atom (did you mean 'platform'?)"));
}

TEST(WebRoutesTest, PagesWithoutTheirDocumentOrWithABadLayoutAreRefused) {
  for (const auto& [path, query] : std::vector<std::pair<std::string, std::string>>{
           {"/document", ""}, {"/diff", "a=1"}, {"/evidence", "doc="}, {"/text", "doc=a%2Fb"}}) {
    const auto route = RouteWebRequest(path, query);
    ASSERT_FALSE(route.ok()) << path;
    EXPECT_EQ(route.status().code(), Status::Code::kInvalidArgument) << path;
    EXPECT_THAT(route.status().message(), HasSubstr("needs '")) << path;
  }
  EXPECT_THAT(RouteWebRequest("/diff", "doc=a&layout=sideways").status().message(),
              HasSubstr("inline or side-by-side"));
  EXPECT_EQ(RouteWebRequest("/admin", "").status().code(), Status::Code::kNotFound);
  EXPECT_FALSE(RouteWebRequest("/document", "doc=a%00b").ok());
}

TEST(WebRoutesTest, ApiMirrorsTheReadCommandsWithTypedArguments) {
  auto list = RouteWebRequest("/api/v1/list", "failing=false&type=Terms");
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->view, WebView::kApi);
  EXPECT_EQ(Requests(*list),
            (std::vector<json>{{{"cmd", "list"}, {"failing", false}, {"type", "Terms"}}}));
  auto events = RouteWebRequest("/api/v1/events", "since=41&limit=2");
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->requests.size(), 1u);
  const json& request = events->requests[0].request;
  EXPECT_EQ(request, (json{{"cmd", "events"}, {"since", 41u}, {"limit", 2u}}));
  EXPECT_TRUE(request["since"].is_number_unsigned());
  EXPECT_EQ(Requests(*RouteWebRequest("/api/v1/status", "")),
            (std::vector<json>{{{"cmd", "status"}}}));
  EXPECT_EQ(RouteWebRequest("/api/v1/", "")->view, WebView::kApiIndex);
  EXPECT_EQ(RouteWebRequest("/api", "")->view, WebView::kApiIndex);
}

TEST(WebRoutesTest, ApiRefusesWritesUnknownParametersAndBadValues) {
  for (const char* write :
       {"check", "add", "remove", "reload", "gc", "backup", "verify", "webhooks_test"}) {
    const auto route = RouteWebRequest(std::string("/api/v1/") + write, "doc=a%2Fb");
    ASSERT_FALSE(route.ok()) << write;
    EXPECT_EQ(route.status().code(), Status::Code::kNotFound) << write;
    EXPECT_THAT(route.status().message(), HasSubstr("only reads")) << write;
  }
  EXPECT_THAT(RouteWebRequest("/api/v1/histroy", "").status().message(),
              HasSubstr("did you mean 'history'?"));
  EXPECT_THAT(RouteWebRequest("/api/v1/history", "dco=a").status().message(),
              HasSubstr("unknown parameter 'dco' for history (did you mean 'doc'?)"));
  EXPECT_THAT(RouteWebRequest("/api/v1/status", "x=1").status().message(), HasSubstr("takes none"));
  EXPECT_THAT(RouteWebRequest("/api/v1/events", "since=-1").status().message(),
              HasSubstr("'since' must be a non-negative integer, not '-1'"));
  EXPECT_THAT(RouteWebRequest("/api/v1/list", "failing=maybe").status().message(),
              HasSubstr("'failing' must be true or false"));
  EXPECT_THAT(RouteWebRequest("/api/v1/show", "doc=a&doc=b").status().message(),
              HasSubstr("given twice"));
}

TEST(WebRoutesTest, ApiIndexListsEveryCommandWithItsParameters) {
  const json index = WebApiIndex();
  std::vector<std::string> names;
  for (const json& command : index["commands"]) {
    names.push_back(command["command"]);
    const auto route = RouteWebRequest("/" + command["path"].get<std::string>(), "");
    EXPECT_TRUE(route.ok()) << command.dump();
  }
  EXPECT_THAT(names, ::testing::Contains("history"));
  EXPECT_THAT(names, ::testing::Not(::testing::Contains("check")));
  EXPECT_EQ(index["commands"][4]["parameters"], (json{{"doc", "string"},
                                                      {"a", "string"},
                                                      {"b", "string"},
                                                      {"word", "boolean"},
                                                      {"context", "integer"}}));
}

}  // namespace
}  // namespace policyd

// Issue 18 item 4: the read-only web view of the real daemon, on loopback. The JSON API must
// be policyctl's results (the same control answers), the pages must show the record, and text
// from the watched pages must never become markup, whatever it holds.
#include <sys/stat.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "daemon_harness.h"
#include "policyd/base64.h"
#include "policyd/sha256.h"
#include "test_pages.h"
#include "web_client.h"

namespace policyd::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;
namespace http = boost::beast::http;

// Text a watched page may hold; in the page's HTML it is escaped, so the extracted text (and
// every stored version, event and diff) holds it literally.
constexpr const char* kHostileText =
    "<script>document.body.dataset.pwned=1</script><img src=x onerror=\"document.title='pwned'\">";

// The same text as the page's HTML source carries it.
constexpr const char* kHostileTextInHtml =
    "&lt;script&gt;document.body.dataset.pwned=1&lt;/script&gt;&lt;img src=x "
    "onerror=\"document.title='pwned'\"&gt;";

class WebViewTest : public ::testing::Test {
 protected:
  WebViewTest() : harness_("web_listen = \"127.0.0.1:0\"\n") {}

  void SetUp() override {
    WatchThreePrivacyPolicies(&server_, &harness_);
    server_.Set("/acme/privacy", PolicyPage("Acme Privacy", std::string("Acme collects ") +
                                                                kHostileTextInHtml + "."));
    ASSERT_TRUE(harness_.Start()) << harness_.log();
    ASSERT_TRUE(harness_.WaitForChecks(3)) << harness_.log();
    server_.Set("/acme/privacy", PolicyPage("Acme Privacy", std::string("Acme now sells ") +
                                                                kHostileTextInHtml + "."));
    const json checked = harness_.Control(
        {{"cmd", "check"}, {"doc", "acme/privacy-policy"}, {"wait", true}}, kWaitForAnswer);
    ASSERT_EQ(checked["ok"], true) << checked.dump();
    const json status = harness_.Control({{"cmd", "status"}})["result"];
    ASSERT_TRUE(status["web"].is_object()) << status.dump();
    const std::string listen = status["web"]["listen"];
    ASSERT_THAT(listen, ::testing::StartsWith("127.0.0.1:"));
    port_ = static_cast<uint16_t>(std::stoi(listen.substr(listen.find(':') + 1)));
    ASSERT_NE(port_, 0);
  }

  WebAnswer Get(const std::string& target) { return WebGet(port_, target); }

  json Result(const json& request) {
    const json answer = harness_.Control(request);
    EXPECT_EQ(answer["ok"], true) << answer.dump();
    return answer["result"];
  }

  HttpTestServer server_;
  DaemonHarness harness_;
  uint16_t port_ = 0;
};

TEST_F(WebViewTest, ApiAnswersArePolicyctlsResults) {
  const std::string doc = "acme%2Fprivacy-policy";
  const std::vector<std::pair<std::string, json>> same = {
      {"/api/v1/history?doc=" + doc, {{"cmd", "history"}, {"doc", "acme/privacy-policy"}}},
      {"/api/v1/diff?doc=" + doc, {{"cmd", "diff"}, {"doc", "acme/privacy-policy"}}},
      {"/api/v1/evidence?doc=" + doc + "&version=1",
       {{"cmd", "evidence"}, {"doc", "acme/privacy-policy"}, {"version", "1"}}},
      {"/api/v1/segments?doc=" + doc, {{"cmd", "segments"}, {"doc", "acme/privacy-policy"}}},
      {"/api/v1/events?since=1&limit=2", {{"cmd", "events"}, {"since", 1}, {"limit", 2}}},
      {"/api/v1/list?failing=on", {{"cmd", "list"}, {"failing", true}}},
      {"/api/v1/removed", {{"cmd", "removed"}}},
      {"/api/v1/webhooks", {{"cmd", "webhooks"}}},
  };
  for (const auto& [target, request] : same) {
    const WebAnswer answer = Get(target);
    ASSERT_EQ(answer.status, 200u) << target << " " << answer.error << answer.body;
    EXPECT_EQ(answer.Header("content-type"), "application/json") << target;
    EXPECT_EQ(json::parse(answer.body), Result(request)) << target;
  }
  // The failing list names exactly the document whose server answers 500.
  const json failing = json::parse(Get("/api/v1/list?failing=true").body);
  ASSERT_EQ(failing["documents"].size(), 1u);
  EXPECT_EQ(failing["documents"][0]["id"], "hooli/privacy-policy");
  // The events page: two first_seen (hooli never had a version), then the acme change.
  const json all = json::parse(Get("/api/v1/events").body);
  ASSERT_EQ(all["events"].size(), 3u) << all.dump();
  EXPECT_EQ(all["last_seq"], 3);
  EXPECT_EQ(all["more"], false);
  const json events = json::parse(Get("/api/v1/events?since=2").body);
  ASSERT_EQ(events["events"].size(), 1u);
  EXPECT_EQ(events["events"][0]["seq"], 3);
  EXPECT_EQ(events["events"][0]["type"], "document.changed");
  EXPECT_EQ(events["events"][0]["doc"], "acme/privacy-policy");
  // The history carries the change's size as its event counted it.
  const json versions = Result({{"cmd", "history"}, {"doc", "acme/privacy-policy"}})["versions"];
  ASSERT_EQ(versions.size(), 2u);
  EXPECT_FALSE(versions[0].contains("words_added"));  // a first version
  EXPECT_EQ(versions[1]["words_added"], events["events"][0]["words_added"]);
  EXPECT_EQ(versions[1]["words_removed"], events["events"][0]["words_removed"]);
  EXPECT_GT(versions[1]["words_added"].get<int>(), 0);
}

TEST_F(WebViewTest, ApiErrorsHaveHttpStatusesAndWritesHaveNoUrl) {
  WebAnswer answer = Get("/api/v1/history?doc=nobody%2Fterms");
  EXPECT_EQ(answer.status, 404u);
  EXPECT_EQ(json::parse(answer.body)["error"]["code"], "not_found");
  answer = Get("/api/v1/list?failing=maybe");
  EXPECT_EQ(answer.status, 400u);
  EXPECT_THAT(json::parse(answer.body)["error"]["message"].get<std::string>(),
              HasSubstr("'failing' must be true or false"));
  answer = Get("/api/v1/histroy");
  EXPECT_EQ(answer.status, 404u);
  EXPECT_THAT(answer.body, HasSubstr("did you mean 'history'?"));
  for (const char* write : {"/api/v1/check?doc=acme%2Fprivacy-policy", "/api/v1/remove",
                            "/api/v1/reload", "/api/v1/gc", "/api/v1/backup", "/api/v1/add"}) {
    EXPECT_EQ(Get(write).status, 404u) << write;
  }
  // Still watched, nothing scheduled by the requests above.
  EXPECT_EQ(Result({{"cmd", "status"}})["documents"], 3);
  for (const http::verb method : {http::verb::post, http::verb::put, http::verb::delete_}) {
    answer = WebGet(port_, "/api/v1/status", method);
    EXPECT_EQ(answer.status, 405u);
    EXPECT_EQ(answer.Header("allow"), "GET, HEAD");
  }
  answer = Get("/no/such/page");
  EXPECT_EQ(answer.status, 404u);
  EXPECT_EQ(answer.Header("content-type"), "text/html; charset=utf-8");
}

TEST_F(WebViewTest, PagesShowTheRecordAndNeverTheWatchedTextAsMarkup) {
  const std::vector<std::string> pages = {
      "/",
      "/document?doc=acme%2Fprivacy-policy",
      "/diff?doc=acme%2Fprivacy-policy",
      "/diff?doc=acme%2Fprivacy-policy&a=1&b=2&layout=side-by-side",
      "/evidence?doc=acme%2Fprivacy-policy&version=2",
  };
  for (const std::string& page : pages) {
    const WebAnswer answer = Get(page);
    ASSERT_EQ(answer.status, 200u) << page << answer.error;
    EXPECT_EQ(answer.Header("content-type"), "text/html; charset=utf-8") << page;
    EXPECT_THAT(answer.Header("content-security-policy"), HasSubstr("default-src 'none'"));
    EXPECT_EQ(answer.Header("x-content-type-options"), "nosniff");
    EXPECT_THAT(answer.body, Not(HasSubstr("<script"))) << page;
    EXPECT_THAT(answer.body, Not(HasSubstr("<img"))) << page;
    EXPECT_THAT(answer.body, Not(HasSubstr("onerror=\""))) << page;
  }
  const std::string documents = Get("/").body;
  for (const char* id : {"acme/privacy-policy", "hooli/privacy-policy", "initech/privacy-policy"}) {
    EXPECT_THAT(documents, HasSubstr(id));
  }
  EXPECT_THAT(documents, HasSubstr("href=\"document?doc=acme%2Fprivacy-policy\""));
  EXPECT_THAT(documents, HasSubstr("failing"));

  const json diff = Result({{"cmd", "diff"}, {"doc", "acme/privacy-policy"}});
  const std::string diff_page = Get("/diff?doc=acme%2Fprivacy-policy").body;
  EXPECT_THAT(diff_page, HasSubstr(diff["new_hash"].get<std::string>().substr(0, 12)));
  EXPECT_THAT(diff_page, HasSubstr("## Data"));
  EXPECT_THAT(diff_page, HasSubstr("substantive"));
  // The hostile text is there, as text.
  EXPECT_THAT(diff_page, HasSubstr("&lt;script&gt;document.body.dataset.pwned=1&lt;/script&gt;"));

  const std::string history = Get("/document?doc=acme%2Fprivacy-policy").body;
  const json versions = Result({{"cmd", "history"}, {"doc", "acme/privacy-policy"}})["versions"];
  ASSERT_EQ(versions.size(), 2u);
  for (const json& version : versions) {
    EXPECT_THAT(history, HasSubstr(version["text_hash"].get<std::string>().substr(0, 12)));
  }
}

// The evidence names the SHA-256 of the bytes as received; an analyst must be able to download
// those bytes and find that hash, also for a page that is not UTF-8 (JSON cannot hold its
// bytes as text: the control answer adds them as base64, the web view serves them as they are).
TEST_F(WebViewTest, ARawCaptureThatIsNotUtf8IsServedByteForByte) {
  const std::string bytes =
      "<html><body><main><h1>Politique de confidentialit\xE9</h1><p>Vos donn\xE9"
      "es sont "
      "conserv\xE9"
      "es deux ans.</p></main></body></html>";
  server_.Set("/latin", {.status = 200,
                         .headers = {{"Content-Type", "text/html; charset=windows-1252"}},
                         .body = bytes});
  ASSERT_EQ(harness_.Control({{"cmd", "add"},
                              {"platform", "Latin"},
                              {"type", "Privacy Policy"},
                              {"url", server_.Url("/latin")}})["ok"],
            true);
  const json checked = harness_.Control(
      {{"cmd", "check"}, {"doc", "latin/privacy-policy"}, {"wait", true}}, kWaitForAnswer);
  ASSERT_EQ(checked["ok"], true) << checked.dump();
  const json evidence = Result({{"cmd", "evidence"}, {"doc", "latin/privacy-policy"}});
  const std::string raw_hash = evidence["raw_hash"];
  ASSERT_EQ(raw_hash, Sha256Hex(bytes)) << evidence.dump();

  const json text = Result({{"cmd", "text"}, {"doc", "latin/privacy-policy"}, {"hash", raw_hash}});
  ASSERT_TRUE(text.contains("base64")) << text.dump();
  EXPECT_EQ(Base64Decode(text["base64"].get<std::string>()), std::optional<std::string>(bytes));
  const WebAnswer raw = Get("/text?doc=latin%2Fprivacy-policy&hash=" + raw_hash);
  ASSERT_EQ(raw.status, 200u);
  EXPECT_EQ(raw.Header("content-type"), "application/octet-stream");
  EXPECT_EQ(Sha256Hex(raw.body), raw_hash);
  // A text that is UTF-8 (every extracted text) is answered as before, without base64.
  const json extracted =
      Result({{"cmd", "text"}, {"doc", "latin/privacy-policy"}, {"hash", evidence["text_hash"]}});
  EXPECT_FALSE(extracted.contains("base64"));
}

TEST_F(WebViewTest, TextFeedsMetricsAndStylesheetHaveTheirTypes) {
  const json history = Result({{"cmd", "history"}, {"doc", "acme/privacy-policy"}});
  const std::string hash = history["versions"][1]["text_hash"];
  WebAnswer text = Get("/text?doc=acme%2Fprivacy-policy&hash=" + hash);
  ASSERT_EQ(text.status, 200u);
  EXPECT_EQ(text.Header("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(text.Header("x-content-type-options"), "nosniff");
  EXPECT_EQ(text.body,
            Result({{"cmd", "text"}, {"doc", "acme/privacy-policy"}, {"hash", hash}})["text"]);
  EXPECT_THAT(text.body, HasSubstr(kHostileText));

  const WebAnswer feed = Get("/feed.atom?doc=acme%2Fprivacy-policy");
  ASSERT_EQ(feed.status, 200u);
  EXPECT_EQ(feed.Header("content-type"), "application/atom+xml; charset=utf-8");
  EXPECT_EQ(feed.body, Result({{"cmd", "atom"}, {"doc", "acme/privacy-policy"}})["xml"]);
  EXPECT_EQ(Get("/feed.atom?platform=nobody").status, 404u);

  const WebAnswer metrics = Get("/metrics");
  ASSERT_EQ(metrics.status, 200u);
  EXPECT_EQ(metrics.Header("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(metrics.body, HasSubstr("policyd_checks_total{outcome=\"changed\"} 1"));

  const WebAnswer css = Get("/style.css");
  ASSERT_EQ(css.status, 200u);
  EXPECT_EQ(css.Header("content-type"), "text/css; charset=utf-8");
  EXPECT_FALSE(css.body.empty());

  const WebAnswer head = WebGet(port_, "/style.css", http::verb::head);
  EXPECT_EQ(head.status, 200u);
  EXPECT_EQ(head.Header("content-length"), std::to_string(css.body.size()));
}

// Web clients that hold every place, never finish a request or never read their answer take
// nothing from the checks: a change is still checked, stored and announced, the control socket
// answers, and a newcomer still gets a page (the longest-idle connection gives its place).
TEST(WebViewHostileClientsTest, SilentAndStuckClientsNeverHoldChecksBack) {
  DaemonHarness harness("web_listen = \"127.0.0.1:0\"\nmax_web_clients = 4\n");
  HttpTestServer server;
  WatchThreePrivacyPolicies(&server, &harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  ASSERT_TRUE(harness.WaitForChecks(3)) << harness.log();
  const std::string listen =
      harness.Control({{"cmd", "status"}})["result"]["web"]["listen"].get<std::string>();
  const auto port = static_cast<uint16_t>(std::stoi(listen.substr(listen.find(':') + 1)));

  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> clients;
  const boost::asio::ip::tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), port);
  for (int i = 0; i < 2; ++i) {  // silent
    clients.emplace_back(io).connect(endpoint);
  }
  clients.emplace_back(io).connect(endpoint);  // half a request line, then nothing
  boost::asio::write(clients.back(), boost::asio::buffer(std::string("GET /api/v1/sta")));
  // Many requests for a big page, answers never read: the fourth and last place.
  clients.emplace_back(io).connect(endpoint);
  std::string requests;
  for (int r = 0; r < 200; ++r) requests += "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n";
  boost::asio::write(clients.back(), boost::asio::buffer(requests));

  server.Set("/acme/privacy", PolicyPage("Acme Privacy", "Acme now sells your email address."));
  const json checked = harness.Control(
      {{"cmd", "check"}, {"doc", "acme/privacy-policy"}, {"wait", true}}, kWaitForAnswer);
  ASSERT_EQ(checked["ok"], true) << checked.dump();
  const json history =
      harness.Control({{"cmd", "history"}, {"doc", "acme/privacy-policy"}})["result"];
  ASSERT_EQ(history["versions"].size(), 2u);
  EXPECT_EQ(history["versions"][1]["change_class"], "substantive");

  const WebAnswer answer = WebGet(port, "/api/v1/history?doc=acme%2Fprivacy-policy");
  ASSERT_EQ(answer.status, 200u) << answer.error;
  EXPECT_EQ(json::parse(answer.body), history);
  const json status = harness.Control({{"cmd", "status"}})["result"];
  EXPECT_LE(status["web"]["connections"].get<int>(), 4);
}

TEST(WebViewSocketTest, ServesOnAUnixSocketWithMode0660AndIsOffByDefault) {
  DaemonHarness off;
  HttpTestServer server;
  WatchThreePrivacyPolicies(&server, &off);
  ASSERT_TRUE(off.Start()) << off.log();
  EXPECT_TRUE(off.Control({{"cmd", "status"}})["result"]["web"].is_null());
  off.Stop();

  DaemonHarness harness("web_listen = \"run/web.sock\"\n");
  WatchThreePrivacyPolicies(&server, &harness);
  ASSERT_TRUE(harness.Start()) << harness.log();
  const std::filesystem::path socket = harness.dir() / "run" / "web.sock";
  EXPECT_EQ(harness.Control({{"cmd", "status"}})["result"]["web"]["listen"], socket.string());
  struct stat info {};
  ASSERT_EQ(::stat(socket.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0660u);
  const WebAnswer answer = WebGetUnix(socket, "/api/v1/status");
  ASSERT_EQ(answer.status, 200u) << answer.error;
  EXPECT_EQ(json::parse(answer.body)["documents"], 3);
}

}  // namespace
}  // namespace policyd::testing

#include "policyd/web_view.h"

#include "policyd/base64.h"
#include "policyd/json_text.h"
#include "policyd/metrics.h"
#include "policyd/web_pages.h"

namespace policyd {
namespace {

using json = nlohmann::json;

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kJson = "application/json";
constexpr std::string_view kPlainText = "text/plain; charset=utf-8";
constexpr std::string_view kAtom = "application/atom+xml; charset=utf-8";
constexpr std::string_view kCss = "text/css; charset=utf-8";

// No script, no plugin, no frame, nothing from elsewhere; forms only to the view itself.
constexpr std::string_view kContentSecurityPolicy =
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'";

WebResponse Respond(unsigned status, std::string_view content_type, std::string body) {
  WebResponse response;
  response.status = status;
  response.content_type = std::string(content_type);
  response.body = std::move(body);
  response.headers = {{"Content-Security-Policy", std::string(kContentSecurityPolicy)},
                      {"X-Content-Type-Options", "nosniff"},
                      {"Referrer-Policy", "no-referrer"},
                      {"X-Frame-Options", "DENY"},
                      // Every answer is the daemon's state now: a browser asks again.
                      {"Cache-Control", "no-cache"}};
  return response;
}

// An API answer: indented JSON (invalid UTF-8, a raw capture's bytes, becomes U+FFFD).
std::string ApiBody(const json& value) { return JsonText(value, 2) + "\n"; }

unsigned HttpStatusOf(std::string_view code) {
  if (code == "not_found") return 404;
  if (code == "invalid_argument" || code == "bad_request") return 400;
  if (code == "busy") return 503;
  if (code == "too_large") return 422;
  return 500;
}

std::string StringField(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

WebResponse ControlErrorResponse(const json& answer, bool api) {
  const json error = answer.is_object() && answer.contains("error") && answer["error"].is_object()
                         ? answer["error"]
                         : json{{"code", "internal"}, {"message", "no answer"}};
  const std::string code = StringField(error, "code");
  const unsigned status = HttpStatusOf(code);
  if (api) return Respond(status, kJson, ApiBody({{"error", error}}));
  return Respond(status, kHtml, ErrorPage(status, code, StringField(error, "message")));
}

bool Succeeded(const json& answer) {
  return answer.is_object() && answer.value("ok", false) && answer.contains("result");
}

// The results of a route's answers, or the first required one that failed.
const json* FirstFailure(const WebRoute& route, const std::vector<json>& answers) {
  for (std::size_t i = 0; i < route.requests.size(); ++i) {
    if (i >= answers.size()) return nullptr;
    if (!route.requests[i].optional && !Succeeded(answers[i])) return &answers[i];
  }
  return nullptr;
}

json ResultOf(const std::vector<json>& answers, std::size_t i) {
  return i < answers.size() && Succeeded(answers[i]) ? answers[i]["result"] : json();
}

WebResponse PageResponse(const WebRoute& route, const std::vector<json>& answers) {
  const json first = ResultOf(answers, 0);
  switch (route.view) {
    case WebView::kDocuments:
      return Respond(200, kHtml,
                     DocumentsPage(first, ResultOf(answers, 1), route.first_row,
                                   ListFilters(route.requests.at(1).request)));
    case WebView::kDocument:
      return Respond(200, kHtml, DocumentPage(first, ResultOf(answers, 1)));
    case WebView::kDiff:
      return Respond(200, kHtml, DiffPage(first, route.layout));
    case WebView::kEvidence:
      return Respond(200, kHtml, EvidencePage(first));
    case WebView::kText:
      // A raw capture that is not UTF-8: its exact bytes, which hash to the evidence's raw_hash.
      if (const auto bytes = Base64Decode(StringField(first, "base64"));
          first.contains("base64") && bytes) {
        return Respond(200, "application/octet-stream", *bytes);
      }
      return Respond(200, kPlainText, StringField(first, "text"));
    case WebView::kFeed:
      return Respond(200, kAtom, StringField(first, "xml"));
    case WebView::kMetrics:
      return Respond(200, MetricsRegistry::kContentType, StringField(first, "text"));
    case WebView::kStylesheet:
      return Respond(200, kCss, std::string(kWebStylesheet));
    case WebView::kApiIndex:
      return Respond(200, kJson, ApiBody(WebApiIndex()));
    case WebView::kApi:
      return Respond(200, kJson, ApiBody(first));
  }
  return Respond(500, kPlainText, "unknown view\n");
}

}  // namespace

bool IsWebApiPath(std::string_view path) { return path == "/api" || path.starts_with("/api/"); }

WebResponse WebViewResponse(const WebRoute& route, const std::vector<json>& answers) {
  const bool api = route.view == WebView::kApi || route.view == WebView::kApiIndex;
  if (const json* failure = FirstFailure(route, answers)) {
    return ControlErrorResponse(*failure, api);
  }
  return PageResponse(route, answers);
}

WebResponse WebRouteErrorResponse(const Status& status, bool api) {
  const bool not_found = status.code() == Status::Code::kNotFound;
  const json error = {{"code", not_found ? "not_found" : "invalid_argument"},
                      {"message", status.message()}};
  return ControlErrorResponse({{"ok", false}, {"error", error}}, api);
}

}  // namespace policyd

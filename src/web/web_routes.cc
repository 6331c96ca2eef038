#include "policyd/web_routes.h"

#include <array>
#include <charconv>
#include <optional>

#include "policyd/did_you_mean.h"
#include "policyd/url_query.h"

namespace policyd {
namespace {

constexpr std::string_view kApiPrefix = "/api/v1/";

WebRoute RouteTo(WebView view, std::vector<WebControlRequest> requests = {}) {
  WebRoute route;
  route.view = view;
  route.requests = std::move(requests);
  return route;
}

enum class ParamType { kString, kBool, kCount };

struct ApiParam {
  std::string_view name;
  ParamType type;
};

// One read command of the control protocol, as the JSON API offers it.
struct ApiCommand {
  std::string_view name;
  std::vector<ApiParam> params;
};

const std::vector<ApiCommand>& ApiCommands() {
  static const std::vector<ApiCommand> commands = {
      {"status", {}},
      {"list",
       {{"failing", ParamType::kBool},
        {"platform", ParamType::kString},
        {"type", ParamType::kString}}},
      {"show", {{"doc", ParamType::kString}}},
      {"history", {{"doc", ParamType::kString}}},
      {"diff",
       {{"doc", ParamType::kString},
        {"a", ParamType::kString},
        {"b", ParamType::kString},
        {"word", ParamType::kBool},
        {"context", ParamType::kCount}}},
      {"evidence", {{"doc", ParamType::kString}, {"version", ParamType::kString}}},
      {"text", {{"doc", ParamType::kString}, {"hash", ParamType::kString}}},
      {"removed", {}},
      {"segments", {{"doc", ParamType::kString}, {"version", ParamType::kString}}},
      {"offsets",
       {{"doc", ParamType::kString},
        {"from", ParamType::kString},
        {"to", ParamType::kString},
        {"at", ParamType::kCount}}},
      {"events", {{"since", ParamType::kCount}, {"limit", ParamType::kCount}}},
      {"atom",
       {{"doc", ParamType::kString},
        {"platform", ParamType::kString},
        {"limit", ParamType::kCount}}},
      {"metrics", {}},
      {"webhooks", {}},
  };
  return commands;
}

const char* ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kString:
      return "string";
    case ParamType::kBool:
      return "boolean";
    case ParamType::kCount:
      return "integer";
  }
  return "string";
}

// As HTML forms send them: a checkbox sends "on"; "?failing" alone means true.
std::optional<bool> ParseBool(std::string_view text) {
  for (const std::string_view yes : {"", "1", "true", "on", "yes"}) {
    if (text == yes) return true;
  }
  for (const std::string_view no : {"0", "false", "off", "no"}) {
    if (text == no) return false;
  }
  return std::nullopt;
}

std::optional<uint64_t> ParseCount(std::string_view text) {
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return std::nullopt;
  }
  return value;
}

Result<nlohmann::json> TypedValue(const QueryParam& param, ParamType type) {
  switch (type) {
    case ParamType::kString:
      return nlohmann::json(param.value);
    case ParamType::kBool:
      if (const auto value = ParseBool(param.value)) return nlohmann::json(*value);
      return Status::InvalidArgument("'" + param.name + "' must be true or false, not '" +
                                     param.value + "'");
    case ParamType::kCount:
      if (const auto value = ParseCount(param.value)) return nlohmann::json(*value);
      return Status::InvalidArgument("'" + param.name + "' must be a non-negative integer, not '" +
                                     param.value + "'");
  }
  return Status::InvalidArgument("bad parameter");
}

std::vector<std::string> ParamNames(const std::vector<ApiParam>& params) {
  std::vector<std::string> names;
  for (const ApiParam& param : params) names.emplace_back(param.name);
  return names;
}

// The control request `cmd` with the query's parameters, typed. `strict`: an unknown
// parameter is refused (the JSON API) rather than ignored (the HTML pages).
Result<nlohmann::json> ControlRequest(std::string_view cmd, const std::vector<ApiParam>& params,
                                      const QueryParams& query, bool strict) {
  nlohmann::json request = {{"cmd", cmd}};
  for (const QueryParam& given : query) {
    const ApiParam* known = nullptr;
    for (const ApiParam& param : params) {
      if (param.name == given.name) known = &param;
    }
    if (known == nullptr) {
      if (!strict) continue;
      const std::vector<std::string> names = ParamNames(params);
      return Status::InvalidArgument(
          "unknown parameter '" + given.name + "' for " + std::string(cmd) +
          (names.empty() ? std::string(" (it takes none)")
                         : DidYouMean(ClosestNames(given.name, names, 2, 3))));
    }
    if (request.contains(given.name)) {
      return Status::InvalidArgument("parameter '" + given.name + "' given twice");
    }
    auto value = TypedValue(given, known->type);
    if (!value.ok()) return value.status();
    request[given.name] = std::move(*value);
  }
  return request;
}

const ApiCommand* FindApiCommand(std::string_view name) {
  for (const ApiCommand& command : ApiCommands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

// An HTML page's request: `cmd` with the parameters `names` of the API command of that name.
Result<nlohmann::json> PageRequest(std::string_view cmd, const QueryParams& query) {
  return ControlRequest(cmd, FindApiCommand(cmd)->params, query, /*strict=*/false);
}

Status RequireParam(const QueryParams& query, std::string_view name, std::string_view page) {
  const std::string* value = FindQueryParam(query, name);
  if (value != nullptr && !value->empty()) return Status::Ok();
  return Status::InvalidArgument("the " + std::string(page) + " page needs '" + std::string(name) +
                                 "' in its query");
}

Result<WebRoute> ApiRoute(std::string_view name, const QueryParams& query) {
  if (name.empty()) return RouteTo(WebView::kApiIndex);
  const ApiCommand* command = FindApiCommand(name);
  if (command == nullptr) {
    std::vector<std::string> names;
    for (const ApiCommand& known : ApiCommands()) names.emplace_back(known.name);
    return Status::NotFound("no API command '" + std::string(name) + "'" +
                            DidYouMean(ClosestNames(name, names, 2, 3)) +
                            " (api/v1/ lists them; the API only reads)");
  }
  auto request = ControlRequest(command->name, command->params, query, /*strict=*/true);
  if (!request.ok()) return request.status();
  return RouteTo(WebView::kApi, {WebControlRequest{std::move(*request)}});
}

Result<DiffLayout> LayoutOf(const QueryParams& query) {
  const std::string* layout = FindQueryParam(query, "layout");
  if (layout == nullptr || layout->empty() || *layout == "inline") return DiffLayout::kInline;
  if (*layout == "side-by-side") return DiffLayout::kSideBySide;
  return Status::InvalidArgument("'layout' must be inline or side-by-side, not '" + *layout + "'");
}

Result<WebRoute> DocumentsRoute(const QueryParams& query) {
  auto list = PageRequest("list", query);
  if (!list.ok()) return list.status();
  WebRoute route = RouteTo(WebView::kDocuments,
                           {WebControlRequest{{{"cmd", "status"}}}, WebControlRequest{*list}});
  if (const std::string* first = FindQueryParam(query, "first")) {
    const auto row = ParseCount(*first);
    if (!row) return Status::InvalidArgument("'first' must be a row number, not '" + *first + "'");
    route.first_row = static_cast<std::size_t>(*row);
  }
  return route;
}

Result<WebRoute> PageRoute(std::string_view path, const QueryParams& query) {
  auto one = [&](WebView view, std::string_view cmd) -> Result<WebRoute> {
    auto request = PageRequest(cmd, query);
    if (!request.ok()) return request.status();
    return RouteTo(view, {WebControlRequest{std::move(*request)}});
  };
  if (path == "/" || path.empty()) return DocumentsRoute(query);
  if (path == "/document") {
    if (Status s = RequireParam(query, "doc", "document"); !s.ok()) return s;
    const std::string& doc = *FindQueryParam(query, "doc");
    return RouteTo(WebView::kDocument,
                   {WebControlRequest{{{"cmd", "show"}, {"doc", doc}}, /*optional=*/true},
                    WebControlRequest{{{"cmd", "history"}, {"doc", doc}}}});
  }
  if (path == "/diff") {
    if (Status s = RequireParam(query, "doc", "diff"); !s.ok()) return s;
    auto layout = LayoutOf(query);
    if (!layout.ok()) return layout.status();
    auto route = one(WebView::kDiff, "diff");
    if (route.ok()) route->layout = *layout;
    return route;
  }
  if (path == "/evidence") {
    if (Status s = RequireParam(query, "doc", "evidence"); !s.ok()) return s;
    return one(WebView::kEvidence, "evidence");
  }
  if (path == "/text") {
    if (Status s = RequireParam(query, "doc", "text"); !s.ok()) return s;
    if (Status s = RequireParam(query, "hash", "text"); !s.ok()) return s;
    return one(WebView::kText, "text");
  }
  if (path == "/feed.atom") {
    // Strict like the API: a feed reader would read a misspelt scope's feed for months.
    auto request = ControlRequest("atom", FindApiCommand("atom")->params, query, /*strict=*/true);
    if (!request.ok()) return request.status();
    return RouteTo(WebView::kFeed, {WebControlRequest{std::move(*request)}});
  }
  if (path == "/metrics") {
    return RouteTo(WebView::kMetrics, {WebControlRequest{{{"cmd", "metrics"}}}});
  }
  if (path == "/style.css") return RouteTo(WebView::kStylesheet);
  return Status::NotFound("no page at '" + std::string(path) + "'");
}

}  // namespace

Result<WebRoute> RouteWebRequest(std::string_view path, std::string_view query) {
  auto params = ParseQuery(query);
  if (!params.ok()) return params.status();
  if (path == "/api" || path == "/api/v1") return ApiRoute("", *params);
  if (path.starts_with(kApiPrefix)) return ApiRoute(path.substr(kApiPrefix.size()), *params);
  return PageRoute(path, *params);
}

QueryParams ListFilters(const nlohmann::json& list_request) {
  QueryParams filters;
  for (const auto& [name, value] : list_request.items()) {
    if (name == "cmd") continue;
    filters.push_back(
        {name, value.is_boolean() ? (value.get<bool>() ? "1" : "0") : value.get<std::string>()});
  }
  return filters;
}

nlohmann::json WebApiIndex() {
  nlohmann::json commands = nlohmann::json::array();
  for (const ApiCommand& command : ApiCommands()) {
    nlohmann::json params = nlohmann::json::object();
    for (const ApiParam& param : command.params) params[param.name] = ParamTypeName(param.type);
    commands.push_back({{"command", command.name},
                        {"path", std::string("api/v1/") + std::string(command.name)},
                        {"parameters", std::move(params)}});
  }
  return {{"api", "policyd read-only JSON API, v1"},
          {"results", "the control command's result (docs/CONTROL.md), as policyctl --json"},
          {"errors", "{\"error\": {\"code\", \"message\"}} with an HTTP status"},
          {"commands", std::move(commands)}};
}

}  // namespace policyd

#include "web_framing.h"

#include <sstream>

#include <boost/beast/http/field.hpp>
#include <boost/beast/http/write.hpp>

namespace policyd {

namespace http = boost::beast::http;

namespace {

constexpr const char* kServerName = "policyd/" POLICYD_VERSION;

// RFC 9110 token characters: what a header name may be made of.
bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Why the server cannot send the header `name: value` (empty when it can).
std::string HeaderProblem(std::string_view name, std::string_view value) {
  if (name.empty()) return "an empty header name";
  for (const char c : name) {
    if (!IsTokenChar(c)) return "an invalid header name";
  }
  if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
    return "CR, LF or NUL in header " + std::string(name);
  }
  switch (http::string_to_field(boost::beast::string_view(name.data(), name.size()))) {
    case http::field::content_length:
    case http::field::transfer_encoding:
    case http::field::connection:
      return "the server's own header " + std::string(name);
    default:
      return {};
  }
  return {};
}

std::string ResponseProblem(const WebResponse& response) {
  if (response.status < 200 || response.status > 599) {
    return "status " + std::to_string(response.status) + " outside 200..599";
  }
  if (std::string problem = HeaderProblem("Content-Type", response.content_type);
      !problem.empty()) {
    return problem;
  }
  for (const auto& [name, value] : response.headers) {
    if (std::string problem = HeaderProblem(name, value); !problem.empty()) return problem;
  }
  return {};
}

}  // namespace

RequestVerdict ClassifyRequest(const WebHttpRequest& request, bool has_body) {
  if (request.method() != http::verb::get && request.method() != http::verb::head) {
    return RequestVerdict::kMethodNotAllowed;
  }
  if (has_body || request.count(http::field::transfer_encoding) > 0) {
    return RequestVerdict::kHasBody;
  }
  if (!request.target().starts_with('/')) return RequestVerdict::kNotOriginForm;
  return RequestVerdict::kHandle;
}

Refusal RefusalFor(RequestVerdict verdict) {
  switch (verdict) {
    case RequestVerdict::kHandle:
      break;
    case RequestVerdict::kMethodNotAllowed:
      // The connection stays usable unless the request also has a body, which is never read.
      return {405, "method not allowed: this server answers only GET and HEAD", false};
    case RequestVerdict::kHasBody:
      return {413, "request bodies are not accepted: this server answers only GET and HEAD", true};
    case RequestVerdict::kNotOriginForm:
      return {400, "bad request: the target must be a path starting with '/'", true};
  }
  return {500, "internal error: no refusal for an accepted request", true};
}

WebRequest ToWebRequest(const WebHttpRequest& request) {
  WebRequest web{request.method(), std::string(request.target()), {}, {}};
  const auto question = web.target.find('?');
  web.path = web.target.substr(0, question);
  if (question != std::string::npos) web.query = web.target.substr(question + 1);
  return web;
}

WebHttpResponse FrameResponse(WebResponse response, unsigned version, bool keep_alive, bool head) {
  if (const std::string problem = ResponseProblem(response); !problem.empty()) {
    return FrameError(500, "internal error: the page's response has " + problem, version,
                      keep_alive, head);
  }
  WebHttpResponse message;
  message.version(version);
  message.result(response.status);
  message.set(http::field::server, kServerName);
  if (!response.content_type.empty()) {
    message.set(http::field::content_type, response.content_type);
  }
  for (auto& [name, value] : response.headers) message.insert(name, value);
  message.keep_alive(keep_alive);
  message.content_length(response.body.size());
  if (!head) message.body() = std::move(response.body);
  return message;
}

WebHttpResponse FrameError(unsigned status, std::string_view reason, unsigned version,
                           bool keep_alive, bool head) {
  WebHttpResponse message;
  message.version(version);
  message.result(status);
  message.set(http::field::server, kServerName);
  message.set(http::field::content_type, "text/plain; charset=utf-8");
  if (status == 405) message.set(http::field::allow, "GET, HEAD");
  if (status == 503) message.set(http::field::retry_after, "1");
  // As the view's pages say (INTEGRATIONS.md): nothing runs, nothing is sniffed or framed.
  message.set("Content-Security-Policy", "default-src 'none'");
  message.set("X-Content-Type-Options", "nosniff");
  message.set("Referrer-Policy", "no-referrer");
  message.set("X-Frame-Options", "DENY");
  message.keep_alive(keep_alive);
  message.body() = std::string(reason) + "\n";
  message.content_length(message.body().size());
  if (head) message.body().clear();
  return message;
}

std::string SerializeResponse(const WebHttpResponse& response) {
  std::ostringstream out;
  out << response;
  return std::move(out).str();
}

}  // namespace policyd

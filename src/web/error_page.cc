// ErrorPage: what went wrong (the HTTP status, the control error's code and message) and the
// way back to the documents.
#include <string>

#include "html_page.h"
#include "policyd/web_pages.h"

namespace policyd {
namespace {

// The reason phrases of the statuses the web view answers with.
std::string_view ReasonPhrase(unsigned http_status) {
  switch (http_status) {
    case 400:
      return "Bad Request";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "Error";
  }
}

}  // namespace

std::string ErrorPage(unsigned http_status, std::string_view code, std::string_view message) {
  std::string out;
  out.reserve(2048 + message.size());
  const std::string title =
      std::to_string(http_status) + " " + std::string(ReasonPhrase(http_status));
  web_internal::AppendPageStart(&out, title);
  out.append("<p class=\"alert\"><code>");
  web_internal::AppendText(&out, code);
  out.append("</code>: ");
  web_internal::AppendText(&out, message);
  out.append("</p>\n<p><a href=\"./\">Back to the documents</a></p>\n");
  web_internal::AppendPageEnd(&out);
  return out;
}

}  // namespace policyd

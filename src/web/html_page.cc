#include "html_page.h"

#include "policyd/ascii.h"
#include "policyd/clock.h"
#include "policyd/markup_escape.h"

namespace policyd::web_internal {

const nlohmann::json* FieldValue(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string DisplayText(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = FieldValue(object, key);
  if (value == nullptr || value->is_null() || value->is_structured()) return {};
  if (value->is_string()) return value->get<std::string>();
  return value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void AppendEscaped(std::string* out, std::string_view text) { out->append(EscapeMarkup(text)); }

void AppendText(std::string* out, std::string_view text) {
  if (text.empty()) {
    out->append(kNone);
  } else {
    AppendEscaped(out, text);
  }
}

void AppendTextField(std::string* out, std::string_view name, std::string_view value) {
  out->append("<dt>").append(name).append("</dt><dd>");
  AppendText(out, value);
  out->append("</dd>\n");
}

std::string Href(std::string_view page, const QueryParams& params) {
  std::string href(page);
  if (!params.empty()) href.append("?").append(EncodeQuery(params));
  return href;
}

void AppendLink(std::string* out, std::string_view href, std::string_view text) {
  out->append("<a href=\"");
  AppendEscaped(out, href);
  out->append("\">");
  AppendText(out, text);
  out->append("</a>");
}

bool IsHttpUrl(std::string_view url) {
  const std::string head = AsciiLower(url.substr(0, 8));
  return head.starts_with("http://") || head.starts_with("https://");
}

void AppendExternalUrl(std::string* out, std::string_view url) {
  if (!IsHttpUrl(url)) {
    AppendText(out, url);
    return;
  }
  out->append("<a class=\"external\" rel=\"noreferrer noopener\" href=\"");
  AppendEscaped(out, url);
  out->append("\">");
  AppendEscaped(out, url);
  out->append("</a>");
}

std::string ShortTime(std::string_view timestamp) {
  if (!ParseTimestamp(timestamp)) return std::string(timestamp);
  // ParseTimestamp accepted exactly "YYYY-MM-DDTHH:MM:SS.mmmZ": plain ASCII.
  return std::string(timestamp.substr(0, 10)) + " " + std::string(timestamp.substr(11, 5)) + " UTC";
}

void AppendTime(std::string* out, std::string_view timestamp) {
  if (!ParseTimestamp(timestamp)) {
    AppendText(out, timestamp);
    return;
  }
  out->append("<time datetime=\"").append(timestamp).append("\" title=\"").append(timestamp);
  out->append("\">").append(ShortTime(timestamp)).append("</time>");
}

void AppendHash(std::string* out, std::string_view hash, bool shorten) {
  if (hash.empty()) {
    out->append(kNone);
    return;
  }
  if (shorten && hash.size() > 12) {
    out->append("<code class=\"hash\" title=\"");
    AppendEscaped(out, hash);
    out->append("\">");
    AppendEscaped(out, hash.substr(0, 12));
  } else {
    out->append("<code class=\"hash\">");
    AppendEscaped(out, hash);
  }
  out->append("</code>");
}

void AppendPageStart(std::string* out, std::string_view title) {
  out->append(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"referrer\" content=\"no-referrer\">\n<title>");
  AppendText(out, title);
  out->append(
      " \u00b7 policyd</title>\n<link rel=\"stylesheet\" href=\"style.css\">\n</head>\n<body>\n"
      "<nav aria-label=\"policyd\"><a href=\"./\">Documents</a> \u00b7 "
      "<a href=\"feed.atom\">Feed</a> \u00b7 <a href=\"metrics\">Metrics</a></nav>\n<main>\n<h1>");
  AppendText(out, title);
  out->append("</h1>\n");
}

void AppendPageEnd(std::string* out) { out->append("</main>\n</body>\n</html>\n"); }

}  // namespace policyd::web_internal

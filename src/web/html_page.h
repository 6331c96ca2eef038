// The building blocks the web view's pages share (src/web/*_page.cc): the page shell (head,
// stylesheet, nav), escaped text, relative links with encoded queries, external links that are
// links only for http(s), and the "—" reading of missing JSON fields. Everything appends to one
// std::string so a page of 674 rows is built in linear time.
#ifndef POLICYD_WEB_HTML_PAGE_H_
#define POLICYD_WEB_HTML_PAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "policyd/json_fields.h"
#include "policyd/url_query.h"

namespace policyd::web_internal {

// What a missing, null or empty field shows.
inline constexpr std::string_view kNone = "\u2014";

// Fields as strings, integers and booleans: FieldString, FieldInt, FieldBool of policyctl's
// views (daemon/views/view_fields.h), which never throw. Here only what the web adds:

// The field `key` of `object` as text: a string as is, a number or boolean as JSON writes it,
// "" when absent, null or a container (the callers show "—" for it). Never throws.
std::string DisplayText(const nlohmann::json& object, std::string_view key);
// The field itself, or nullptr when absent (or `object` is not an object).
const nlohmann::json* FieldValue(const nlohmann::json& object, std::string_view key);

// Appends EscapeMarkup(text), or "—" when `text` is empty.
void AppendText(std::string* out, std::string_view text);
// One entry of a definition list: <dt>name</dt><dd>value as AppendText</dd>.
void AppendTextField(std::string* out, std::string_view name, std::string_view value);
// Appends EscapeMarkup(text) as it is (for attribute values and text that may be empty).
void AppendEscaped(std::string* out, std::string_view text);

// A relative link target: "page" or "page?encoded-query" (not yet escaped for markup).
std::string Href(std::string_view page, const QueryParams& params = {});
// <a href="HREF">text</a>, both escaped.
void AppendLink(std::string* out, std::string_view href, std::string_view text);
// True for a URL whose scheme is http or https (ASCII case-insensitive).
bool IsHttpUrl(std::string_view url);
// A link to another site (rel="noreferrer noopener") for an http(s) URL; any other URL
// (javascript:, data:, relative ...) only as text. "—" for an empty URL.
void AppendExternalUrl(std::string* out, std::string_view url);

// A daemon time ("2026-11-22T12:13:23.456Z") for people: "2026-11-22 12:13 UTC"; any other
// text as it is.
std::string ShortTime(std::string_view timestamp);
// A daemon time as <time> showing "2026-11-22 12:13 UTC" with the
// exact time in its title; any other text as text; "—" when empty.
void AppendTime(std::string* out, std::string_view timestamp);
// A SHA-256 hex hash in monospace: the first 12 digits with the whole hash in the title
// (`shorten`), or the whole hash, wrappable. "—" when empty.
void AppendHash(std::string* out, std::string_view hash, bool shorten);

// "<!DOCTYPE html>...<body><nav>...</nav><main>" with `title` (escaped) in <title> and <h1>.
void AppendPageStart(std::string* out, std::string_view title);
// "</main></body></html>".
void AppendPageEnd(std::string* out);

}  // namespace policyd::web_internal

#endif  // POLICYD_WEB_HTML_PAGE_H_

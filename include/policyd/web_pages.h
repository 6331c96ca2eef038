// The HTML pages of policyd's read-only web view (issue 18 item 4): pure functions from the
// `result` objects of the daemon's control commands (docs/CONTROL.md) to whole HTML5
// documents. No I/O, no JavaScript, no external assets.
//
// Contract:
// - Every text taken from the JSON (policy text, section names, URLs, error messages, doc ids:
//   all of it may come from hostile web pages) goes through EscapeMarkup, attribute values
//   included, and query strings through EncodeQuery; a URL is a link only when it is
//   http(s), and then with rel="noreferrer noopener".
// - Any field may be missing, null or of another type (old daemons, removed documents): it
//   renders as "—"; nothing here throws.
// - Links are relative without a leading slash (the view may sit under a sub-path behind a
//   reverse proxy): "./", "document?doc=ID", "diff?doc=ID&a=REF&b=REF&layout=inline",
//   "evidence?doc=ID&version=REF", "text?doc=ID&hash=HASH", "feed.atom[?doc=ID|platform=P]",
//   "metrics"; every page links the stylesheet as "style.css".
// - Output is bounded: one row per document or version, and at most kMaxDiffRows lines of a
//   diff (the rest is counted and said).
#ifndef POLICYD_WEB_PAGES_H_
#define POLICYD_WEB_PAGES_H_

#include <cstddef>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "policyd/url_query.h"

namespace policyd {

enum class DiffLayout { kInline, kSideBySide };

// "inline" / "side-by-side", as the `layout` query parameter spells them.
std::string_view DiffLayoutName(DiffLayout layout);

// The stylesheet every page links as "style.css" (the router serves it as text/css).
extern const std::string_view kWebStylesheet;

// Lines of a unified diff a diff page shows at most; further lines are counted, not shown.
inline constexpr std::size_t kMaxDiffRows = 5000;

// Rows the documents page shows at most: a million watched documents must not make a
// 500 MB page. Further rows are on the next pages ("./?first=1000").
inline constexpr std::size_t kDocumentsPerPage = 1000;

// "./": the daemon summary (`status`) and the table of documents (`list`), rows `first` to
// first + kDocumentsPerPage - 1, with links to the pages before and after that keep
// `filters` (the list filters the page was asked with, as query parameters).
std::string DocumentsPage(const nlohmann::json& status, const nlohmann::json& list,
                          std::size_t first = 0, const QueryParams& filters = {});

// "document?doc=ID": one document (`show`, with recent_checks) and its versions (`history`).
std::string DocumentPage(const nlohmann::json& show, const nlohmann::json& history);

// "diff?doc=ID&a=X&b=Y&layout=...": the result of `diff` (without word or colour marking).
std::string DiffPage(const nlohmann::json& diff, DiffLayout layout);

// "evidence?doc=ID&version=X": the result of `evidence`.
std::string EvidencePage(const nlohmann::json& evidence);

// Any failure: the HTTP status, the control error's code and message.
std::string ErrorPage(unsigned http_status, std::string_view code, std::string_view message);

}  // namespace policyd

#endif  // POLICYD_WEB_PAGES_H_

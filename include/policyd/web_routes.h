// The web view's URLs (issue 18 item 4) and the control requests each one is answered from.
// Pure: no I/O. The web view is read-only because every route maps to read commands of the
// control protocol (docs/CONTROL.md) and nothing else: check, add, remove, reload, gc, backup,
// verify (a whole-database scan) and webhooks_test have no URL.
//
//   /                    documents            status + list (failing, platform, type); first
//   /document?doc=ID     one document         show (optional: a removed one has none) + history
//   /diff?doc=ID&a=&b=&layout=inline|side-by-side   diff
//   /evidence?doc=ID&version=REF                     evidence
//   /text?doc=ID&hash=H  a version's text       text         (text/plain)
//   /feed.atom[?doc=ID | ?platform=P]            atom         (application/atom+xml)
//   /metrics                                     metrics      (Prometheus text)
//   /style.css                                   the stylesheet, no request
//   /api/v1/            the JSON API's index, no request
//   /api/v1/<command>?<arguments>                the command, its result as JSON
// Every link the pages make is relative, so the view also works under a reverse proxy's
// sub-path. HTML pages ignore query parameters they do not know (a proxy or a tracker may add
// some); the JSON API refuses them, with a did-you-mean, as policyctl refuses a bad option.
#ifndef POLICYD_WEB_ROUTES_H_
#define POLICYD_WEB_ROUTES_H_

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/status.h"
#include "policyd/url_query.h"
#include "policyd/web_pages.h"  // DiffLayout

namespace policyd {

enum class WebView {
  kDocuments,
  kDocument,
  kDiff,
  kEvidence,
  kText,
  kFeed,
  kMetrics,
  kStylesheet,
  kApiIndex,
  kApi,
};

// One control request a view needs; an optional one may fail and the view still renders.
struct WebControlRequest {
  nlohmann::json request;  // {"cmd": ..., arguments}
  bool optional = false;
};

struct WebRoute {
  WebView view = WebView::kDocuments;
  std::vector<WebControlRequest> requests;  // run in order; their answers go to the view
  DiffLayout layout = DiffLayout::kInline;  // kDiff
  std::size_t first_row = 0;                // kDocuments: the first row shown ("first")
};

// The route for a request's path and (still encoded) query. NotFound for a path that is not a
// view; InvalidArgument for a query that cannot be read or, on the JSON API, an unknown
// parameter or a value of the wrong type; both with a message for the person or program that
// asked.
Result<WebRoute> RouteWebRequest(std::string_view path, std::string_view query);

// A `list` request's filters as query parameters ("failing=1", "platform=Acme"), for the
// documents page's links to the pages before and after.
QueryParams ListFilters(const nlohmann::json& list_request);

// The JSON API's commands with their parameters and types, for its index page and docs.
nlohmann::json WebApiIndex();

}  // namespace policyd

#endif  // POLICYD_WEB_ROUTES_H_

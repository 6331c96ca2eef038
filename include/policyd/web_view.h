// The web view's responses (issue 18 item 4): a route's control answers (policyd/web_routes.h)
// turned into what the browser or the API client receives. Pure: no I/O; the daemon calls
// WebViewResponse on its worker pool, since a page of 674 documents or a long diff is CPU
// work.
//
// Every response carries headers that make hostile page text harmless even if an escape were
// missed: a Content-Security-Policy that allows no script, no plugin, no frame and no
// resource from elsewhere (only style.css from the view itself), X-Content-Type-Options:
// nosniff (a stored raw capture served as text/plain is never sniffed into HTML),
// Referrer-Policy: no-referrer (links to the watched sites do not reveal the view's address)
// and X-Frame-Options: DENY.
//
// Control errors map to HTTP statuses: not_found 404, invalid_argument 400, busy 503,
// too_large 422, anything else 500; the API answers {"error": {"code", "message", ...}} (the
// control error object as is), the pages an HTML error page.
#ifndef POLICYD_WEB_VIEW_H_
#define POLICYD_WEB_VIEW_H_

#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/status.h"
#include "policyd/web_routes.h"
#include "policyd/web_server.h"

namespace policyd {

// `answers[i]` is the whole control answer ({"ok": ..., "result" | "error"}) to
// `route.requests[i]`: null for a request that was not run.
WebResponse WebViewResponse(const WebRoute& route, const std::vector<nlohmann::json>& answers);

// The response to a request that could not be routed (RouteWebRequest's Status); `api`: the
// path is under api/, so the answer is JSON.
WebResponse WebRouteErrorResponse(const Status& status, bool api);

// True when `path` is under the JSON API.
bool IsWebApiPath(std::string_view path);

}  // namespace policyd

#endif  // POLICYD_WEB_VIEW_H_

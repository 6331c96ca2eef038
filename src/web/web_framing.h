// The web server's framing decisions as pure functions (no I/O), so that the I/O code in
// web_connection.cc only moves bytes: which requests reach the handler, and how a handler's
// WebResponse or the server's own refusal becomes an HTTP message. policyd/web_server.h
// states the rules.
#ifndef POLICYD_SRC_WEB_WEB_FRAMING_H_
#define POLICYD_SRC_WEB_WEB_FRAMING_H_

#include <string>
#include <string_view>

#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "policyd/web_server.h"

namespace policyd {

using WebHttpRequest = boost::beast::http::request<boost::beast::http::empty_body>;
using WebHttpResponse = boost::beast::http::response<boost::beast::http::string_body>;

enum class RequestVerdict {
  kHandle,            // GET or HEAD, origin-form, no body: the handler answers
  kMethodNotAllowed,  // 405
  kHasBody,           // Content-Length > 0 or Transfer-Encoding: 413
  kNotOriginForm,     // target not starting with '/': 400
};

// `has_body`: the parser expects a body after the header (it is not done).
RequestVerdict ClassifyRequest(const WebHttpRequest& request, bool has_body);

// What the server answers by itself for a verdict other than kHandle, and whether it closes.
struct Refusal {
  unsigned status;
  std::string reason;  // the text/plain body, without the final newline
  bool close;
};
Refusal RefusalFor(RequestVerdict verdict);

// The handler's view of a request that passed ClassifyRequest.
WebRequest ToWebRequest(const WebHttpRequest& request);

// The message for the handler's `response` to a request of HTTP `version` (10 or 11). HEAD:
// the headers with the Content-Length of the body, and no body. A response the server cannot
// frame (status outside 200..599, a header with CR/LF/NUL or an invalid name, or one of the
// headers the server owns: Content-Length, Transfer-Encoding, Connection) becomes a 500.
WebHttpResponse FrameResponse(WebResponse response, unsigned version, bool keep_alive, bool head);

// The server's own answer: `status` with `reason` as a short text/plain body (announced but
// not sent when `head`).
WebHttpResponse FrameError(unsigned status, std::string_view reason, unsigned version,
                           bool keep_alive, bool head = false);

// The response as bytes on the wire (for the 503 written without a connection).
std::string SerializeResponse(const WebHttpResponse& response);

}  // namespace policyd

#endif  // POLICYD_SRC_WEB_WEB_FRAMING_H_

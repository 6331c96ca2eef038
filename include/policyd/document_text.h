// Phases 1 and 2 of a check (policyd/check.h), apart from the rest: what the responses for a
// document become before hashing, the text a version would hold, or why the check fails, with
// the reasons' stored names. No store, no fetcher, no clock: the daemon's check and
// `policyctl extract` (which links neither curl, RocksDB nor Asio) share this one decision, so
// the tool prints exactly what the daemon would store.
#ifndef POLICYD_DOCUMENT_TEXT_H_
#define POLICYD_DOCUMENT_TEXT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/config.h"
#include "policyd/fetch_response.h"
#include "policyd/pdf.h"

namespace policyd {

// Why a check failed. Stored and sent by name (FailureReasonName: CheckRecord::reason,
// document.fetch_failed's `reason`); inside the check it is this enum.
enum class FailureReason {
  kNone = 0,
  // The transfer (FetchError): no usable HTTP response.
  kBadUrl,            // "bad_url"
  kDns,               // "dns"
  kConnect,           // "connect"
  kBlockedAddress,    // "blocked_address": the name resolves to a non-public address
  kTls,               // "tls"
  kTimeout,           // "timeout"
  kTooLarge,          // "too_large": the body (or a rendered DOM) beyond its limit
  kTooManyRedirects,  // "too_many_redirects"
  kProtocol,          // "protocol"
  kRobots,            // "robots": a robots.txt rule disallows the page
  kAborted,           // "aborted": the fetcher shut down (never recorded by the daemon)
  // The response.
  kHttp4xx,      // "http_4xx"
  kHttp429,      // "http_429"
  kHttp5xx,      // "http_5xx"
  kHttpStatus,   // "http_status": 1xx or 3xx without a redirect to follow
  kContentType,  // "content_type": not HTML, XHTML, plain text or PDF, or binary data
  // What the page is (src/check/error_page_guard.h, src/check/redirect_stub.h).
  kChallenge,     // "challenge": a bot challenge or captcha wall
  kBlocked,       // "blocked": a firewall's or CDN's block page
  kErrorPage,     // "error_page": an error page served as a success
  kLoginWall,     // "login_wall"
  kRedirectStub,  // "redirect_stub": only "you are being redirected", a meta refresh page
  kEmpty,         // "empty": no text could be extracted
  kExtract,       // "extract": internal error, the extraction settings were not compiled
  // A PDF (policyd/pdf.h).
  kPdfEncrypted,    // "pdf_encrypted"
  kPdfNoText,       // "pdf_no_text"
  kPdfMalformed,    // "pdf_malformed"
  kPdfTooLarge,     // "pdf_too_large"
  kPdfTimeout,      // "pdf_timeout"
  kPdfUnavailable,  // "pdf_unavailable"
  // The browser (policyd/browser.h).
  kBrowserTimeout,      // "browser_timeout"
  kBrowserCrashed,      // "browser_crashed"
  kBrowserUnavailable,  // "browser_unavailable"
  kBrowserProtocol,     // "browser_protocol"
  // The document's settings.
  kRangeUnmatched,  // "range_unmatched": a boundary of a select or remove range is not on the page
  // The daemon itself.
  kInterrupted,  // "interrupted": the daemon ended twice or more in a row processing the page
};
// The last reason: what ParseFailureReason and the daemon's metrics iterate up to. A reason
// added after it must become it (FailureReasonTest.TheLastReasonIsTheLastOneNamed fails).
inline constexpr FailureReason kLastFailureReason = FailureReason::kInterrupted;

// The stable lower-case name ("dns", "http_5xx", "redirect_stub", ...); "" for kNone.
std::string_view FailureReasonName(FailureReason reason);
// The reason of a stored name; nullopt for a name no reason has ("" included).
std::optional<FailureReason> ParseFailureReason(std::string_view name);
// The reason of a transfer error and of a PDF conversion error (a browser's render errors are
// mapped where the browser is driven, daemon/browser_checks.cc).
FailureReason FailureFromFetchError(FetchError error);
FailureReason FailureFromPdfError(PdfError error);

// The failure reason of a response that is not a usable page, or kNone when it is usable
// (kDns, kTimeout, ..., kHttp4xx, kHttp429, kHttp5xx, kContentType: a media type
// other than HTML, XHTML, plain text or PDF, or a body that SniffBody finds is binary but not
// a PDF; kHttpStatus: a 1xx or 3xx, and a 304 to a request that carried no validators). A
// PDF is usable here: whether it converts is ExtractDocumentText's decision.
FailureReason ClassifyResponse(const FetchResponse& response);

// Makes `url`, found in a page whose URL is `base`, an absolute http(s) URL; nullopt when it
// is not one. The daemon resolves with the parser its transfers use (ResolveHttpUrl,
// policyd/http_url.h).
using UrlResolver = std::optional<std::string> (*)(std::string_view url, std::string_view base);

// What the pages of a document become before hashing: the text a version would hold, or why
// the check fails. The one implementation of that decision, behind ProcessCheck and
// `policyctl extract`, so the tool prints exactly what the daemon would store.
struct DocumentText {
  // kNone: `text` is usable (or the first page is a 304: nothing to extract).
  FailureReason reason = FailureReason::kNone;
  std::string message;
  std::size_t failing_page = 0;  // index of the page `reason` is about
  bool extracted = false;        // the pages were usable responses and were extracted
  std::string text;              // the pages' texts joined in order (even when refused)
  // kRedirectStub: the absolute URL the stub sends its reader to, "" when it names none (or
  // there was no `resolve_url`).
  std::string redirect_target;
  std::string charset;  // of the last page extracted
  int64_t decode_us = 0;
  int64_t parse_us = 0;
  int64_t extract_us = 0;
};

// Classifies each response (ClassifyResponse: transport errors, HTTP status, content type,
// sniffed binary bodies), then extracts each page: a PDF (Content-Type application/pdf or a
// body starting with "%PDF-") with ExtractPdfText (policyd/pdf.h; its failures are the check's
// reason: `pdf_encrypted`, `pdf_no_text`, `pdf_malformed`, `pdf_too_large`, `pdf_timeout`,
// `pdf_unavailable`), anything else with spec.extraction (compiled when the target was loaded),
// refusing what the error-page guard recognises in a web page (`challenge`, `blocked`,
// `error_page`, `login_wall`) and redirect stubs (`redirect_stub`); empty texts, of web pages and
// PDFs alike, fail as `empty`. A PDF's text is the whole document's: the spec's
// select/remove/ranges/ignore_lines are for web pages and do not apply to it. `pages` are the
// responses for spec.url then spec.extra_urls; never empty. A redirect stub's target is made
// absolute with `resolve_url` (nullptr: named as the page writes it, and not followed).
DocumentText ExtractDocumentText(const DocumentSpec& spec,
                                 const std::vector<const FetchResponse*>& pages,
                                 UrlResolver resolve_url);

}  // namespace policyd

#endif  // POLICYD_DOCUMENT_TEXT_H_

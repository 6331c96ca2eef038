// The names under which failure reasons are stored and sent, and the reasons of transfer and
// PDF errors.
#include "policyd/document_text.h"

namespace policyd {

std::string_view FailureReasonName(FailureReason reason) {
  switch (reason) {
    case FailureReason::kNone:
      return "";
    case FailureReason::kBadUrl:
      return "bad_url";
    case FailureReason::kDns:
      return "dns";
    case FailureReason::kConnect:
      return "connect";
    case FailureReason::kBlockedAddress:
      return "blocked_address";
    case FailureReason::kTls:
      return "tls";
    case FailureReason::kTimeout:
      return "timeout";
    case FailureReason::kTooLarge:
      return "too_large";
    case FailureReason::kTooManyRedirects:
      return "too_many_redirects";
    case FailureReason::kProtocol:
      return "protocol";
    case FailureReason::kRobots:
      return "robots";
    case FailureReason::kAborted:
      return "aborted";
    case FailureReason::kHttp4xx:
      return "http_4xx";
    case FailureReason::kHttp429:
      return "http_429";
    case FailureReason::kHttp5xx:
      return "http_5xx";
    case FailureReason::kHttpStatus:
      return "http_status";
    case FailureReason::kContentType:
      return "content_type";
    case FailureReason::kChallenge:
      return "challenge";
    case FailureReason::kBlocked:
      return "blocked";
    case FailureReason::kErrorPage:
      return "error_page";
    case FailureReason::kLoginWall:
      return "login_wall";
    case FailureReason::kRedirectStub:
      return "redirect_stub";
    case FailureReason::kEmpty:
      return "empty";
    case FailureReason::kExtract:
      return "extract";
    case FailureReason::kPdfEncrypted:
      return "pdf_encrypted";
    case FailureReason::kPdfNoText:
      return "pdf_no_text";
    case FailureReason::kPdfMalformed:
      return "pdf_malformed";
    case FailureReason::kPdfTooLarge:
      return "pdf_too_large";
    case FailureReason::kPdfTimeout:
      return "pdf_timeout";
    case FailureReason::kPdfUnavailable:
      return "pdf_unavailable";
    case FailureReason::kBrowserTimeout:
      return "browser_timeout";
    case FailureReason::kBrowserCrashed:
      return "browser_crashed";
    case FailureReason::kBrowserUnavailable:
      return "browser_unavailable";
    case FailureReason::kBrowserProtocol:
      return "browser_protocol";
    case FailureReason::kRangeUnmatched:
      return "range_unmatched";
    case FailureReason::kInterrupted:
      return "interrupted";
  }
  return "unknown";
}

std::optional<FailureReason> ParseFailureReason(std::string_view name) {
  if (name.empty()) return std::nullopt;
  for (int value = static_cast<int>(FailureReason::kBadUrl);
       value <= static_cast<int>(kLastFailureReason); ++value) {
    const auto reason = static_cast<FailureReason>(value);
    if (FailureReasonName(reason) == name) return reason;
  }
  return std::nullopt;
}

FailureReason FailureFromFetchError(FetchError error) {
  switch (error) {
    case FetchError::kNone:
      return FailureReason::kNone;
    case FetchError::kBadUrl:
      return FailureReason::kBadUrl;
    case FetchError::kDns:
      return FailureReason::kDns;
    case FetchError::kConnect:
      return FailureReason::kConnect;
    case FetchError::kBlockedAddress:
      return FailureReason::kBlockedAddress;
    case FetchError::kTls:
      return FailureReason::kTls;
    case FetchError::kTimeout:
      return FailureReason::kTimeout;
    case FetchError::kTooLarge:
      return FailureReason::kTooLarge;
    case FetchError::kTooManyRedirects:
      return FailureReason::kTooManyRedirects;
    case FetchError::kProtocol:
      return FailureReason::kProtocol;
    case FetchError::kRobotsDisallowed:
      return FailureReason::kRobots;
    case FetchError::kContentType:
      return FailureReason::kContentType;
    case FetchError::kAborted:
      return FailureReason::kAborted;
  }
  return FailureReason::kProtocol;
}

FailureReason FailureFromPdfError(PdfError error) {
  switch (error) {
    case PdfError::kNone:
      return FailureReason::kNone;
    case PdfError::kEncrypted:
      return FailureReason::kPdfEncrypted;
    case PdfError::kNoText:
      return FailureReason::kPdfNoText;
    case PdfError::kMalformed:
      return FailureReason::kPdfMalformed;
    case PdfError::kTooLarge:
      return FailureReason::kPdfTooLarge;
    case PdfError::kTimeout:
      return FailureReason::kPdfTimeout;
    case PdfError::kUnavailable:
      return FailureReason::kPdfUnavailable;
  }
  return FailureReason::kPdfMalformed;
}

}  // namespace policyd

// Phase 1 of a check: is a response a usable page at all?
#include "response_class.h"

#include "policyd/document_text.h"
#include "policyd/extract.h"
#include "policyd/media_type.h"

namespace policyd {

bool IsAcceptedMediaType(const std::string& media_type) {
  return media_type.empty() || media_type == "text/html" || media_type == "application/xhtml+xml" ||
         media_type == "text/plain";
}

bool IsPdf(const FetchResponse& page) {
  const std::string media_type = MediaType(page.content_type);
  return media_type == "application/pdf" || media_type == "application/x-pdf" ||
         SniffBody(page.body, page.content_type) == BodySniff::kPdf;
}

FailureReason ClassifyResponse(const FetchResponse& response) {
  if (response.error != FetchError::kNone) return FailureFromFetchError(response.error);
  const long status = response.http_status;
  // A 304 answers the validators of a conditional request; to one without, it is no answer.
  if (status == 304)
    return response.conditional ? FailureReason::kNone : FailureReason::kHttpStatus;
  if (status == 429) return FailureReason::kHttp429;
  if (status >= 400 && status < 500) return FailureReason::kHttp4xx;
  if (status >= 500) return FailureReason::kHttp5xx;
  // 206 is part of a page: policyd never asks for a range, so it is never a version.
  if (status < 200 || status >= 300 || status == 206) return FailureReason::kHttpStatus;
  if (IsPdf(response)) return FailureReason::kNone;  // ExtractPdfText has its own reasons
  if (!IsAcceptedMediaType(MediaType(response.content_type))) return FailureReason::kContentType;
  // An image or other binary data behind an HTML (or missing) label would store garbage.
  if (SniffBody(response.body, response.content_type) != BodySniff::kText) {
    return FailureReason::kContentType;
  }
  return FailureReason::kNone;
}

}  // namespace policyd

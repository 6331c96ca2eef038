// Helpers of the check component (src/check/) for what kind of page a response is; used where
// responses are classified and extracted (no store, no fetcher: policyd_check_text).
#ifndef POLICYD_CHECK_RESPONSE_CLASS_H_
#define POLICYD_CHECK_RESPONSE_CLASS_H_

#include <string>

#include "policyd/fetch_response.h"

namespace policyd {

// HTML, XHTML and plain text; an absent Content-Type is sniffed as HTML by browsers, as here.
bool IsAcceptedMediaType(const std::string& media_type);

// A PDF by its label or by its first bytes ("%PDF-"): converted with ExtractPdfText.
bool IsPdf(const FetchResponse& page);

}  // namespace policyd

#endif  // POLICYD_CHECK_RESPONSE_CLASS_H_

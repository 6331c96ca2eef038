// When may a failed check be retried: soon for transient failures (the server's Retry-After
// is policyd/retry_after.h's).
#include "policyd/check.h"

namespace policyd {

bool IsTransientFailure(FailureReason reason) {
  switch (reason) {
    case FailureReason::kDns:
    case FailureReason::kConnect:
    case FailureReason::kTls:
    case FailureReason::kTimeout:
    case FailureReason::kProtocol:
    case FailureReason::kHttp429:
    case FailureReason::kHttp5xx:
    case FailureReason::kChallenge:
    case FailureReason::kBlocked:
    case FailureReason::kErrorPage:
    case FailureReason::kEmpty:
    case FailureReason::kRangeUnmatched:  // like a select matching nothing: maybe one render's
    case FailureReason::kRedirectStub:    // an interstitial is usually one render's accident
    case FailureReason::kBrowserTimeout:
    case FailureReason::kBrowserCrashed:
    case FailureReason::kBrowserUnavailable:
    case FailureReason::kBrowserProtocol:
    case FailureReason::kPdfTimeout:
    case FailureReason::kPdfUnavailable:
      return true;
    default:
      return false;
  }
}

}  // namespace policyd

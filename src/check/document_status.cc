#include "policyd/document_status.h"

namespace policyd {

DocumentStatus DocumentStatusOf(const DocState& state) {
  if (state.last_check_ms == 0) return DocumentStatus::kPending;
  if (state.consecutive_failures > 0) return DocumentStatus::kFailing;
  if (state.last_error.empty()) return DocumentStatus::kOk;
  // A held text's error is its suspicion, written by the check that held it; any later check
  // that failed without counting wrote its own error over it.
  if (state.suspect_count > 0 && state.last_error.starts_with("suspicious")) {
    return DocumentStatus::kSuspicious;
  }
  return DocumentStatus::kRetrying;
}

std::string_view DocumentStatusName(DocumentStatus status) {
  switch (status) {
    case DocumentStatus::kPending:
      return "pending";
    case DocumentStatus::kOk:
      return "ok";
    case DocumentStatus::kFailing:
      return "failing";
    case DocumentStatus::kSuspicious:
      return "suspicious";
    case DocumentStatus::kRetrying:
      return "retrying";
    case DocumentStatus::kOtherMember:
      return "other_member";
  }
  return "ok";
}

}  // namespace policyd

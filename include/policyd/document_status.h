// A watched document's status in one word, as `list`, `show` and the web view give it
// (docs/CONTROL.md): what an operator scanning hundreds of rows must tell apart.
//
//   pending     never checked (in this database)
//   ok          the last check read the page: its current version, or a new one
//   failing     in a failure streak (the last check failed, and counted toward it:
//               CountsTowardStreak in src/check/process_check.cc); `last_error` says why
//   suspicious  the last check read a new text that is held back (a drastic shrink, a page cut
//               short: docs/HOSTILE.md) until a later check confirms it
//   retrying    the last check failed without counting: it was not requested while its host
//               rested after trouble on other pages; it is tried again soon, and counts once
//               the host has failed often enough to be an outage
//   other_member [fleet] left to the member that owns its site, which checks it (the
//               daemon's knowledge, not the stored state's: DocumentStatusOf never says it)
//
// Derived from the stored state alone, so that every view agrees; it lives with the check,
// which decides what the state's fields mean.
#ifndef POLICYD_DOCUMENT_STATUS_H_
#define POLICYD_DOCUMENT_STATUS_H_

#include <string_view>

#include "policyd/store.h"

namespace policyd {

enum class DocumentStatus { kPending, kOk, kFailing, kSuspicious, kRetrying, kOtherMember };

DocumentStatus DocumentStatusOf(const DocState& state);

// "pending", "ok", "failing", "suspicious", "retrying", "other_member".
std::string_view DocumentStatusName(DocumentStatus status);

}  // namespace policyd

#endif  // POLICYD_DOCUMENT_STATUS_H_

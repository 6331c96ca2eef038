// Rebuilding a document's state when its stored record cannot be decoded (a damaged record, or
// one that a newer policyd wrote before a downgrade). The state only summarises what the store
// keeps in full (the document's versions and checks), so that is where it is rebuilt from:
// one unreadable record must not leave a document unwatched, nor stop the daemon that watches
// the others. Store::RepairDocState (policyd/store.h) reads and writes; this file is the rule.
#ifndef POLICYD_SRC_STORE_DOC_STATE_REPAIR_H_
#define POLICYD_SRC_STORE_DOC_STATE_REPAIR_H_

#include <cstddef>
#include <span>
#include <string_view>

#include "policyd/store.h"

namespace policyd::store_internal {

// Where RepairDocState keeps an unreadable record: "unreadable_doc_state/<doc_id>@<now_ms>" in
// meta (SetMeta refuses the prefix: only the store writes there).
inline constexpr std::string_view kUnreadableDocStatePrefix = "unreadable_doc_state/";

// How many of the newest checks a rebuild reads: enough for any failure streak worth resuming.
inline constexpr std::size_t kChecksReadForRepair = 256;

// The state of a document with `history` (oldest first) and `newest_checks` (newest first):
//   from the newest version: last_text_hash and last_change_ms; version_count = history's size,
//     so that the next check compares with the text last stored and announces nothing when the
//     page is as it was;
//   from the checks: last_check_ms (the newest), last_success_ms (the newest that was not
//     "failed"), consecutive_failures and last_error (the run of "failed" checks at the top);
//   afresh: the validators (etag, last_modified: the next fetch is unconditional), next_due_ms
//     (0: the scheduler places the document as a new one), the error-page guard's suspect
//     (a shrink held back is confirmed again), the render choice (tried again), and
//     failure_reported = false (a failure streak that was reported may be reported once more:
//     a repeated alert is better than a lost one).
DocState RebuildDocState(std::span<const VersionRecord> history,
                         std::span<const CheckRecord> newest_checks);

}  // namespace policyd::store_internal

#endif  // POLICYD_SRC_STORE_DOC_STATE_REPAIR_H_

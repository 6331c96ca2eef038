// DocumentRecords: the fleet's record of each document (DocumentRecord, policyd/fleet_records.h)
// in the fleet's durable bucket ("<bucket>-docs"), over the bucket interface
// (policyd/fleet_kv.h). Pure logic: the daemon's fleet thread calls it on a JetStreamKv, the
// tests on an InMemoryKv.
//
//  - Read: the record, or why there is none. An unreadable value (not the documented object)
//    counts as absent for the caller (kUnreadable), as the other fleet records do.
//  - Write: after a check committed, by the lease holder. A compare-and-set on the revision
//    read, so that two writers (a holder that lost its lease a moment ago and the next one)
//    never overwrite each other blindly: the record keeps the later check (greater
//    checked_ms; a record holding a later check is left alone: kKeptLater). A conflict is
//    read and tried again, at most kMaxWriteAttempts times.
#ifndef POLICYD_FLEET_DOCUMENT_RECORDS_H_
#define POLICYD_FLEET_DOCUMENT_RECORDS_H_

#include <optional>
#include <string_view>

#include "policyd/fleet_kv.h"
#include "policyd/fleet_records.h"

namespace policyd {

enum class DocumentReadOutcome {
  kFound,
  kAbsent,       // never written (or deleted)
  kUnreadable,   // a value that is not a DocumentRecord: treated as absent
  kUnavailable,  // the bucket did not answer
};
const char* DocumentReadOutcomeName(DocumentReadOutcome outcome);

struct DocumentRead {
  DocumentReadOutcome outcome = DocumentReadOutcome::kUnavailable;
  std::optional<DocumentRecord> record;  // kFound
};

enum class DocumentWriteOutcome {
  kWritten,
  kKeptLater,    // the record holds a later check than this one: left as it is
  kConflict,     // other writers won every attempt
  kUnavailable,  // the bucket did not answer
};
const char* DocumentWriteOutcomeName(DocumentWriteOutcome outcome);

class DocumentRecords {
 public:
  static constexpr int kMaxWriteAttempts = 3;

  explicit DocumentRecords(FleetKv* kv) : kv_(kv) {}  // `kv` must outlive this

  DocumentRead Read(std::string_view document_id);
  DocumentWriteOutcome Write(std::string_view document_id, const DocumentRecord& record);

 private:
  FleetKv* kv_;
};

}  // namespace policyd

#endif  // POLICYD_FLEET_DOCUMENT_RECORDS_H_

#include "policyd/fleet_document_records.h"

#include <string>

namespace policyd {

const char* DocumentReadOutcomeName(DocumentReadOutcome outcome) {
  switch (outcome) {
    case DocumentReadOutcome::kFound:
      return "found";
    case DocumentReadOutcome::kAbsent:
      return "absent";
    case DocumentReadOutcome::kUnreadable:
      return "unreadable";
    case DocumentReadOutcome::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

const char* DocumentWriteOutcomeName(DocumentWriteOutcome outcome) {
  switch (outcome) {
    case DocumentWriteOutcome::kWritten:
      return "written";
    case DocumentWriteOutcome::kKeptLater:
      return "kept_later";
    case DocumentWriteOutcome::kConflict:
      return "conflict";
    case DocumentWriteOutcome::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

DocumentRead DocumentRecords::Read(std::string_view document_id) {
  KvEntry entry;
  switch (kv_->Get(DocumentKey(document_id), &entry)) {
    case KvOutcome::kOk:
      break;
    case KvOutcome::kNotFound:
      return {DocumentReadOutcome::kAbsent, std::nullopt};
    case KvOutcome::kConflict:
    case KvOutcome::kUnavailable:
      return {DocumentReadOutcome::kUnavailable, std::nullopt};
  }
  std::optional<DocumentRecord> record = DecodeDocumentRecord(entry.value);
  if (!record) return {DocumentReadOutcome::kUnreadable, std::nullopt};
  return {DocumentReadOutcome::kFound, std::move(record)};
}

DocumentWriteOutcome DocumentRecords::Write(std::string_view document_id,
                                            const DocumentRecord& record) {
  const std::string key = DocumentKey(document_id);
  const std::string value = EncodeDocumentRecord(record);
  for (int attempt = 0; attempt < kMaxWriteAttempts; ++attempt) {
    KvEntry entry;
    KvWrite write;
    switch (kv_->Get(key, &entry)) {
      case KvOutcome::kOk: {
        const std::optional<DocumentRecord> stored = DecodeDocumentRecord(entry.value);
        if (stored && stored->checked_ms > record.checked_ms) {
          return DocumentWriteOutcome::kKeptLater;
        }
        write = kv_->Update(key, value, entry.revision);  // an unreadable value is replaced
        break;
      }
      case KvOutcome::kNotFound:
        write = kv_->Create(key, value);
        break;
      case KvOutcome::kConflict:
      case KvOutcome::kUnavailable:
        return DocumentWriteOutcome::kUnavailable;
    }
    switch (write.outcome) {
      case KvOutcome::kOk:
        return DocumentWriteOutcome::kWritten;
      case KvOutcome::kConflict:
        continue;  // another writer came between: read again
      case KvOutcome::kNotFound:
      case KvOutcome::kUnavailable:
        return DocumentWriteOutcome::kUnavailable;
    }
  }
  return DocumentWriteOutcome::kConflict;
}

}  // namespace policyd

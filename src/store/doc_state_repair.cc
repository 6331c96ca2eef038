// Store::RepairDocState and the rule it applies (src/store/doc_state_repair.h).
#include "src/store/doc_state_repair.h"

#include "src/store/doc_state_codec.h"
#include "src/store/store_impl.h"

namespace policyd {
namespace store_internal {

namespace {
constexpr std::string_view kFailedOutcome = "failed";  // CheckResultName(CheckResult::kFailed)
}  // namespace

DocState RebuildDocState(std::span<const VersionRecord> history,
                         std::span<const CheckRecord> newest_checks) {
  DocState state;
  if (!history.empty()) {
    state.last_text_hash = history.back().text_hash;
    state.last_change_ms = history.back().time_ms;
    state.version_count = history.size();
  }
  if (!newest_checks.empty()) state.last_check_ms = newest_checks.front().time_ms;
  for (const CheckRecord& check : newest_checks) {
    if (check.outcome != kFailedOutcome) {
      state.last_success_ms = check.time_ms;
      break;
    }
    if (state.consecutive_failures == 0) {  // the newest failure says what is wrong now
      state.last_error = check.reason + (check.message.empty() ? "" : ": " + check.message);
    }
    ++state.consecutive_failures;
  }
  return state;
}

}  // namespace store_internal

Result<DocState> Store::RebuiltDocState(const std::string& doc_id) const {
  const Result<std::vector<VersionRecord>> history = GetHistory(doc_id);
  if (!history.ok()) return history.status();
  const Result<std::vector<CheckRecord>> checks =
      GetChecks(doc_id, store_internal::kChecksReadForRepair);
  if (!checks.ok()) return checks.status();
  return store_internal::RebuildDocState(*history, *checks);
}

Result<DocState> Store::RepairDocState(const std::string& doc_id, int64_t now_ms) {
  if (!store_internal::IsValidDocId(doc_id)) return InvalidDocId(doc_id);
  // Rebuilt through the public calls first: each takes its own hold on the database.
  const Result<DocState> rebuilt = RebuiltDocState(doc_id);
  if (!rebuilt.ok()) return rebuilt.status();

  const auto access = impl_->Use();
  if (!access.ok()) return access.status();
  const Result<std::string> record = impl_->Get(Cf::kDocs, doc_id, "doc state of " + doc_id);
  if (!record.ok()) return record.status();
  if (Result<DocState> readable = store_internal::DecodeDocState(*record); readable.ok()) {
    return readable;  // nothing to repair (another caller did, or it never needed it)
  }
  const std::string kept_under = std::string(store_internal::kUnreadableDocStatePrefix) + doc_id +
                                 "@" + std::to_string(now_ms);
  rocksdb::WriteBatch batch;
  Status status = FromRocks(batch.Put(impl_->cf(Cf::kMeta), kept_under, *record), "batching");
  if (status.ok()) {
    status =
        FromRocks(batch.Put(impl_->cf(Cf::kDocs), doc_id, store_internal::EncodeDocState(*rebuilt)),
                  "batching");
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = true;  // rare, and it replaces a record: make it durable at once
  if (status.ok()) status = impl_->Write(write_options, &batch, "repairing doc state of " + doc_id);
  if (!status.ok()) return status;
  return rebuilt;
}

}  // namespace policyd

#include "fleet_document_bucket.h"

#include <algorithm>
#include <random>
#include <utility>

#include <spdlog/spdlog.h>

#include "policyd/backoff.h"
#include "policyd/fleet_records.h"

namespace policyd {

FleetDocumentBucket::FleetDocumentBucket(const NatsConfig& nats, const FleetConfig& fleet,
                                         std::string member_id)
    : nats_(nats),
      bucket_(FleetDocumentBucketName(fleet.bucket)),
      member_id_(std::move(member_id)),
      timeout_(std::clamp(fleet.timing.heartbeat_interval, std::chrono::milliseconds(200),
                          std::chrono::milliseconds(5'000))) {}

FleetKv* FleetDocumentBucket::Bucket(int64_t now_ms) {
  if (kv_ != nullptr && !kv_->closed()) return kv_.get();
  if (now_ms < next_open_ms_) return nullptr;
  JetStreamKvOptions options;
  options.bucket = bucket_;
  options.max_age = std::chrono::milliseconds(0);  // durable: kept until deleted
  options.timeout = timeout_;
  options.client_name = "policyd fleet documents " + member_id_;
  auto opened = JetStreamKv::Open(nats_, options);
  if (opened.ok()) {
    kv_ = std::move(opened).value();
    open_failures_ = 0;
    return kv_.get();
  }
  kv_.reset();
  last_error_ = opened.status().ToString();
  if (open_failures_++ == 0) spdlog::warn("fleet: bucket {}: {}", bucket_, last_error_);
  thread_local std::mt19937_64 rng{std::random_device{}()};
  next_open_ms_ =
      now_ms +
      BackoffDelay(nats_.retry_min, nats_.retry_max, open_failures_, std::nullopt, rng).count();
  return nullptr;
}

std::optional<DocumentRecord> FleetDocumentBucket::Read(const std::string& document_id,
                                                        int64_t now_ms) {
  ++reads_;
  FleetKv* kv = Bucket(now_ms);
  if (kv == nullptr) {
    ++read_failures_;
    return std::nullopt;
  }
  DocumentRead read = DocumentRecords(kv).Read(document_id);
  switch (read.outcome) {
    case DocumentReadOutcome::kFound:
      ++found_;
      break;
    case DocumentReadOutcome::kAbsent:
      break;
    case DocumentReadOutcome::kUnreadable:
      ++unreadable_;
      spdlog::warn("fleet: {}: the fleet's record is unreadable: checked as if absent",
                   document_id);
      break;
    case DocumentReadOutcome::kUnavailable:
      ++read_failures_;
      last_error_ = kv_->last_error();
      break;
  }
  return std::move(read.record);
}

void FleetDocumentBucket::Write(const std::string& document_id, const DocumentRecord& record,
                                int64_t now_ms) {
  ++writes_;
  FleetKv* kv = Bucket(now_ms);
  const DocumentWriteOutcome outcome = kv == nullptr
                                           ? DocumentWriteOutcome::kUnavailable
                                           : DocumentRecords(kv).Write(document_id, record);
  if (outcome == DocumentWriteOutcome::kWritten || outcome == DocumentWriteOutcome::kKeptLater) {
    writes_failing_ = false;
    return;
  }
  ++write_failures_;
  if (kv_ != nullptr && !kv_->last_error().empty()) last_error_ = kv_->last_error();
  if (!writes_failing_) {
    spdlog::warn(
        "fleet: cannot record the check of {} in bucket {} ({}{}): another member taking it "
        "over may check it early",
        document_id, bucket_, DocumentWriteOutcomeName(outcome),
        last_error_.empty() ? "" : ": " + last_error_);
  }
  writes_failing_ = true;
}

nlohmann::json FleetDocumentBucket::StatusJson() const {
  return {{"bucket", bucket_},
          {"connected", kv_ != nullptr && !kv_->closed()},
          {"reads", reads_},
          {"found", found_},
          {"unreadable", unreadable_},
          {"read_failures", read_failures_},
          {"writes", writes_},
          {"write_failures", write_failures_},
          {"last_error", last_error_.empty() ? nlohmann::json() : nlohmann::json(last_error_)}};
}

}  // namespace policyd

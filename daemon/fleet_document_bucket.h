// FleetDocumentBucket: the fleet's durable bucket of document records ("<bucket>-docs",
// policyd/fleet_document_records.h), for the fleet thread (fleet_agent.h) only.
//
// Contract:
//  - The bucket is opened at the first call, and again after the [nats] backoff when its
//    connection is lost (a JetStreamKv of its own: created when missing with history 1 and no
//    max_age, so records outlive any outage of the members).
//  - Read: the document's record when the bucket holds a readable one; nullopt when it is
//    absent, unreadable or the bucket does not answer (counted apart). The check then goes on
//    as without a fleet: at worst a second first_seen, as before the bucket existed.
//  - Write: after a check committed. Best effort: a failure is counted and logged (first one
//    of a run of failures), never retried; the next owner may then check early and announce a
//    change from an older version (a duplicate announcement, never a missed change).
//  - Calls block up to the bucket's timeout; never from the io thread.
#ifndef POLICYD_DAEMON_FLEET_DOCUMENT_BUCKET_H_
#define POLICYD_DAEMON_FLEET_DOCUMENT_BUCKET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "policyd/config.h"
#include "policyd/fleet_document_records.h"
#include "policyd/jetstream_kv.h"

namespace policyd {

class FleetDocumentBucket {
 public:
  FleetDocumentBucket(const NatsConfig& nats, const FleetConfig& fleet, std::string member_id);

  std::optional<DocumentRecord> Read(const std::string& document_id, int64_t now_ms);
  void Write(const std::string& document_id, const DocumentRecord& record, int64_t now_ms);

  // {"bucket", "connected", "reads", "found", "unreadable", "read_failures", "writes",
  //  "write_failures", "last_error"}
  nlohmann::json StatusJson() const;

 private:
  // The open bucket, or nullptr while it cannot be opened (at most one attempt per backoff
  // step).
  FleetKv* Bucket(int64_t now_ms);

  const NatsConfig nats_;
  const std::string bucket_;
  const std::string member_id_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<JetStreamKv> kv_;
  int64_t next_open_ms_ = 0;
  int open_failures_ = 0;
  bool writes_failing_ = false;  // logs the first failure of a run only
  std::string last_error_;
  uint64_t reads_ = 0;
  uint64_t found_ = 0;
  uint64_t unreadable_ = 0;
  uint64_t read_failures_ = 0;
  uint64_t writes_ = 0;
  uint64_t write_failures_ = 0;
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_FLEET_DOCUMENT_BUCKET_H_

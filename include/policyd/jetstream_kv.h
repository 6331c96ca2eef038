// JetStreamKv: FleetKv (policyd/fleet_kv.h) over a JetStream key-value bucket of a NATS
// server (2.9 or later), through cnats's kvStore_* calls, on its own connection.
//
// Contract:
//  - Open connects with the [nats] settings (ConnectToNats: servers in turn, token or
//    credentials, no automatic reconnection) and binds the bucket, creating it when it is
//    missing with history 1 (the fleet only reads last values) and max_age `max_age`
//    (FleetBucketMaxAge; 0: kept until deleted, as the fleet's document records are). An
//    existing bucket is used as it is.
//  - Outcomes: Get of a missing, deleted or expired key is kNotFound; Create of a key with a
//    value and Update on a revision that is not the key's last are kConflict (the server's
//    "wrong last sequence" answer); anything else that fails (no answer within `timeout`,
//    the connection gone, no JetStream) is kUnavailable, and last_error() says why.
//  - List(prefix) reads the last values under `prefix` with a watcher that stops after the
//    initial values (deleted keys left out), sorted by key; a prefix that ends in '.' is
//    watched as the subject filter "<prefix>>", any other through every key of the bucket.
//  - Once closed() (the server went away, a ping unanswered) every call answers
//    kUnavailable: the owner opens a new JetStreamKv; this one does not reconnect.
//  - Threads: one thread at a time (calls block up to `timeout`); cnats keeps its own.
#ifndef POLICYD_JETSTREAM_KV_H_
#define POLICYD_JETSTREAM_KV_H_

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policyd/config.h"
#include "policyd/fleet_kv.h"
#include "policyd/status.h"

namespace policyd {

struct JetStreamKvOptions {
  std::string bucket = "policyd-fleet";
  std::chrono::milliseconds max_age = std::chrono::seconds(40);
  std::chrono::milliseconds timeout = std::chrono::seconds(2);  // per call
  std::string client_name = "policyd fleet";                    // as the server shows it
};

class JetStreamKv final : public FleetKv {
 public:
  static Result<std::unique_ptr<JetStreamKv>> Open(const NatsConfig& nats,
                                                   const JetStreamKvOptions& options);
  ~JetStreamKv() override;
  JetStreamKv(const JetStreamKv&) = delete;
  JetStreamKv& operator=(const JetStreamKv&) = delete;

  KvOutcome Get(std::string_view key, KvEntry* out) override;
  KvWrite Create(std::string_view key, std::string_view value) override;
  KvWrite Update(std::string_view key, std::string_view value, uint64_t revision) override;
  KvOutcome Delete(std::string_view key) override;
  KvOutcome List(std::string_view prefix,
                 std::vector<std::pair<std::string, KvEntry>>* out) override;

  bool closed() const;
  const std::string& url() const;
  // Why the last call that answered kUnavailable failed ("" when none has).
  const std::string& last_error() const;

 private:
  struct Handles;  // the cnats handles, kept out of this header
  explicit JetStreamKv(std::unique_ptr<Handles> handles);

  std::unique_ptr<Handles> handles_;
};

}  // namespace policyd

#endif  // POLICYD_JETSTREAM_KV_H_

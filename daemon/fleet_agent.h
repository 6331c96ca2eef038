// FleetAgent: the daemon's member of a [fleet] (policyd/fleet_member.h), on its own thread
// ("policyd-fleet"), so that the io thread never waits for NATS.
//
// Contract:
//  - The thread opens the bucket (JetStreamKv, again with backoff when the connection is
//    lost), writes the heartbeat and re-reads the members every heartbeat_interval, renews
//    the leases of the checks in flight at their NextRenewal, and answers the daemon's
//    requests in the order they came. Without a bucket every request answers as the bucket
//    would: kUnavailable.
//  - RequestStart: TryStart on the fleet thread and, when started, the fleet's record of the
//    document (fleet_document_bucket.h: nullopt when absent, unreadable or unavailable); the
//    answer is posted to the io thread. RecordCheck writes the record after a committed check
//    (best effort), in order with Finish: a member that takes the lease next reads it.
//    StillHolds (from a pool thread, before the store commit): Continue() on the fleet thread
//    and false when the lease is lost or its renewal failed past the deadline; waits for the
//    answer. Finish releases the lease (no wait).
//  - Ownership: after every change of the live set, or of whether this member is joined, the
//    `on_ownership_change` callback is posted to the io thread, which looks again at the
//    documents it left to their owners.
//  - A lease lost while its check runs (a renewal that conflicts, or none possible before the
//    deadline): `on_lease_lost(document id)` is posted to the io thread, which stops the
//    check's fetches; StillHolds says false from then on.
//  - Stop (destruction): the pending requests are answered (StillHolds: false), then
//    Leave() releases the leases and deletes the heartbeat, so the others take over at once.
//  - Status: a snapshot (mutex held for moments) with member id, joined, live members,
//    documents owned, leases held, last error; Snapshot() the same as values, with the
//    member records of its view, for `policyctl fleet` (fleet_status_service.h).
//  - Lag: the io thread hands over its scheduler's earliest due time and its checks in flight
//    (SetSchedulerState, atomics); each heartbeat carries FleetLagMs of it
//    (policyd/fleet_status.h).
#ifndef POLICYD_DAEMON_FLEET_AGENT_H_
#define POLICYD_DAEMON_FLEET_AGENT_H_

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <nlohmann/json.hpp>

#include "fleet_document_bucket.h"
#include "policyd/config.h"
#include "policyd/fleet_member.h"
#include "policyd/fleet_orphans.h"
#include "policyd/jetstream_kv.h"

namespace policyd {

class FleetAgent {
 public:
  FleetAgent(const NatsConfig& nats, const FleetConfig& fleet, std::string member_id,
             boost::asio::io_context& io, std::function<void()> on_ownership_change,
             std::function<void(const std::string&)> on_lease_lost);
  ~FleetAgent();  // stops the thread: answers what is pending, Leave()s, joins
  FleetAgent(const FleetAgent&) = delete;
  FleetAgent& operator=(const FleetAgent&) = delete;

  void Start();

  // The key hash (FleetHash of FleetKeyOfUrl) of every watched document, for the count of
  // documents owned; replaced at every catalog change.
  void SetDocuments(std::vector<uint64_t> key_hashes);

  // Asks to check a due document (`interval`: this daemon's for it). kStarted for a document
  // of a site this member owns, or of one whose owner does not check it (OrphanWatch: the
  // fleet's record is read for every document left to its owner), with the fleet's record.
  void RequestStart(std::string document_id, uint64_t key_hash, std::chrono::milliseconds interval,
                    std::function<void(StartAnswer, std::optional<DocumentRecord>)> done);
  void RecordCheck(std::string document_id, DocumentRecord record);
  bool StillHolds(const std::string& document_id);  // blocks; never from the io thread
  void Finish(std::string document_id);

  const std::string& member_id() const { return member_id_; }
  nlohmann::json StatusJson() const;

  // The member as values, taken at its last heartbeat or request.
  struct Snapshot {
    uint64_t incarnation = 0;
    int64_t started_ms = 0;
    bool connected = false;
    bool joined = false;
    std::vector<std::string> live;      // sorted
    std::vector<MemberRecord> records;  // every member record of its view, live or not
    uint64_t documents = 0;
    uint64_t documents_owned = 0;
    uint64_t leases_held = 0;
    uint64_t checks_in_flight = 0;  // the daemon's, asks included
    int64_t lag_ms = 0;
    uint64_t leases_lost = 0;         // renewals that found the lease taken, since start
    uint64_t view_changes = 0;        // changes of the live set seen, since start
    uint64_t heartbeat_failures = 0;  // heartbeats not written (no bucket, no answer, id taken)
    std::string last_error;
  };
  Snapshot CurrentSnapshot() const;
  // The scheduler's earliest due time among documents not in flight, and the checks
  // dispatched and not committed (io thread).
  void SetSchedulerState(std::optional<int64_t> earliest_due_ms, std::size_t checks_in_flight);

 private:
  class ReconnectingKv;  // FleetKv over the JetStreamKv of the moment
  using Task = std::function<void()>;

  void Run();
  void Post(Task task);
  void RunTasks();
  // A due document of a site another member owns: kStarted when OrphanWatch finds that nobody
  // checks it (logged once), else kNotOwner.
  StartAnswer StartIfOrphaned(const std::string& document_id, std::chrono::milliseconds interval);
  // Opens the bucket when there is none (at most once per backoff step).
  void EnsureBucket(int64_t now_ms);
  void TickIfDue(int64_t now_ms);
  void RenewLeases(int64_t now_ms);
  void PublishSnapshot();
  int64_t LagMs(int64_t now_ms) const;  // FleetLagMs of the io thread's earliest due time

  const NatsConfig nats_;
  const FleetConfig fleet_;
  const std::string member_id_;
  boost::asio::io_context& io_;
  std::function<void()> on_ownership_change_;
  std::function<void(const std::string&)> on_lease_lost_;
  std::unique_ptr<ReconnectingKv> kv_;
  std::unique_ptr<FleetMember> member_;             // fleet thread only
  std::unique_ptr<FleetDocumentBucket> documents_;  // fleet thread only
  OrphanWatch orphans_;                             // fleet thread only

  int64_t started_ms_ = 0;
  // Fleet thread only.
  int64_t next_tick_ms_ = 0;
  int64_t task_now_ms_ = 0;  // the clock of the task running (RunTasks)
  int64_t next_open_ms_ = 0;
  int open_failures_ = 0;
  bool was_joined_ = false;
  std::set<std::string> lost_;  // leases whose renewal said kStop
  uint64_t leases_lost_ = 0;
  uint64_t view_changes_ = 0;
  uint64_t heartbeat_failures_ = 0;
  std::vector<uint64_t> key_hashes_;

  mutable std::mutex mutex_;  // guards what follows
  std::condition_variable wake_;
  std::deque<Task> tasks_;
  bool stop_ = false;
  nlohmann::json snapshot_;
  Snapshot values_;
  std::atomic<int64_t> earliest_due_ms_{INT64_MAX};  // INT64_MAX: nothing waits
  std::atomic<uint64_t> checks_in_flight_{0};
  std::thread thread_;
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_FLEET_AGENT_H_

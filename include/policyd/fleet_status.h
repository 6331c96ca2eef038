// The fleet's status over NATS request-reply (`policyctl fleet`, docs/SCALE.md "Asking the
// fleet"): what one member answers about itself, and how the member that asks gathers the
// answers into one report. Pure: no I/O, the clock is passed in; the NATS side is
// policyd/fleet_bus.h, the daemon's thread daemon/fleet_status_service.h.
//
// The exchange:
//  - Every member subscribes to FleetStatusSubject(bucket): "policyd.fleet.<bucket>.status".
//    No stream stores it: the config reader refuses a [nats] subject_prefix whose events
//    stream ("<prefix>.>") would take it (FleetStatusSubjectClashes).
//  - The asker publishes one request (body "{}") with a fresh reply inbox and reads replies
//    until every member live in its view of the bucket has answered, or the timeout passes.
//  - Each reply is EncodeFleetReply of the member's FleetMemberReport: one JSON object of at
//    most kMaxFleetReplyBytes (the live member list is cut to kMaxFleetReplyLiveMembers, the
//    last error to kMaxFleetReplyErrorBytes; the counts stay whole).
//  - FleetGather keeps at most kMaxFleetMembers answers (one per member id, the first wins);
//    a reply that does not decode is counted and dropped, never an error of the whole.
#ifndef POLICYD_FLEET_STATUS_H_
#define POLICYD_FLEET_STATUS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/fleet_records.h"

namespace policyd {

// 64 ids of at most 64 bytes, an error of 512 bytes even when every byte is escaped, and the
// counts fit.
inline constexpr std::size_t kMaxFleetReplyBytes = 16 * 1024;
inline constexpr std::size_t kMaxFleetReplyLiveMembers = 64;
inline constexpr std::size_t kMaxFleetReplyErrorBytes = 512;
inline constexpr std::size_t kMaxFleetMembers = 1024;

// "policyd.fleet.<bucket>.status" (a bucket name is a valid subject token: A-Z, a-z, 0-9, '-'
// and '_').
std::string FleetStatusSubject(std::string_view bucket);

// True when the events stream of `subject_prefix` ("<prefix>.>") would store `subject`, or
// the prefix is the subject itself.
bool FleetStatusSubjectClashes(std::string_view subject, std::string_view subject_prefix);

// How late the most overdue document waiting in this member's scheduler is: now − its due
// time, 0 when none is overdue (or none waits). `earliest_due_ms` is the scheduler's earliest
// due time among the documents not in flight (Scheduler::NextDueMs).
int64_t FleetLagMs(std::optional<int64_t> earliest_due_ms, int64_t now_ms);

// One member's answer about itself.
struct FleetMemberReport {
  std::string member_id;
  uint64_t incarnation = 0;
  int64_t started_ms = 0;
  bool connected = false;  // its bucket connection
  bool joined = false;
  std::vector<std::string> live_members;  // its view, sorted, at most kMaxFleetReplyLiveMembers
  uint64_t live_member_count = 0;         // the whole count
  uint64_t documents = 0;                 // documents it watches (the same in every member)
  uint64_t documents_owned = 0;
  uint64_t checks_in_flight = 0;        // dispatched and not committed (asks included), now
  uint64_t leases_held = 0;             // at its last heartbeat (or request it served)
  int64_t lag_ms = 0;                   // FleetLagMs at its last heartbeat
  std::optional<uint64_t> publish_lag;  // events not yet in the stream (status.nats.lag)
  std::string publish_state;            // NatsStateName, "" without an outbox
  std::string last_error;               // "" when none
  std::string version;                  // POLICYD_VERSION
  int64_t now_ms = 0;                   // its clock when it answered
};

// The reply body (bounded as above: the list and the error are cut to fit).
std::string EncodeFleetReply(const FleetMemberReport& report);
// nullopt for a body over kMaxFleetReplyBytes, not JSON, nested deeper than 4 levels, or
// without a valid member_id; optional fields of the wrong type are refused too.
std::optional<FleetMemberReport> DecodeFleetReply(std::string_view body);

// One member in the asker's report: what its heartbeat in the bucket says and, when it
// answered, its reply.
struct FleetReportRow {
  std::string member_id;
  bool live = false;                        // live in the asker's view
  bool answered = false;                    // its reply came within the timeout
  std::optional<int64_t> heartbeat_age_ms;  // from its record in the bucket, if any
  std::optional<MemberRecord> heartbeat;    // that record
  std::optional<FleetMemberReport> reply;
};

struct FleetReport {
  std::vector<FleetReportRow> members;     // by member id
  std::vector<std::string> not_answering;  // live members without a reply
  uint64_t answered = 0;
  uint64_t live = 0;
  uint64_t documents_owned = 0;  // summed over the replies
  uint64_t checks_in_flight = 0;
  uint64_t leases_held = 0;
  int64_t max_lag_ms = 0;
  uint64_t rejected_replies = 0;  // that did not decode, or came from a member already heard
  bool complete = false;          // every live member answered
};
// {"complete", "live", "answered", "not_answering": [...], "rejected_replies",
//  "totals": {"documents_owned", "checks_in_flight", "leases_held", "max_lag_ms"},
//  "members": [{"member_id", "live", "answered", "heartbeat_age_ms", "joined", "incarnation",
//   "documents", "documents_owned", "checks_in_flight", "leases_held", "lag_ms",
//   "publish_lag", "publish_state", "live_members", "last_error", "version"}]}; a member that
//  did not answer has what its heartbeat says (owned, in_flight, lag_ms) and nulls.
nlohmann::json ToJson(const FleetReport& report);

// The gathering of one request's replies.
class FleetGather {
 public:
  // `records`: the member records of the asker's view (MembershipView::records());
  // `live`: the ids live in it.
  FleetGather(std::vector<MemberRecord> records, std::vector<std::string> live);

  // One reply body. True when it was taken (decoded, a member not heard yet, room left).
  bool Offer(std::string_view body);
  // Every live member has answered. False while the view has no live member (the asker has
  // read no heartbeat yet): it knows nobody to wait for, so it gathers until its timeout.
  bool Complete() const;
  FleetReport Report(int64_t now_ms) const;

 private:
  std::vector<MemberRecord> records_;
  std::vector<std::string> live_;  // sorted
  std::map<std::string, FleetMemberReport> replies_;
  uint64_t rejected_ = 0;
};

}  // namespace policyd

#endif  // POLICYD_FLEET_STATUS_H_

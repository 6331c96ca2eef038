// What a fleet keeps in its key-value bucket (policyd/fleet_kv.h): the key layout and the
// values, as small JSON objects.
//
//   members.<member id>      MemberRecord: a member's heartbeat, rewritten every
//                            heartbeat_interval by that member only (compare-and-set on its
//                            own last revision), deleted when it leaves cleanly
//   leases.<document token>  LeaseRecord: who may check the document, until when; released
//                            leases stay as a free record, so every later write to the key
//                            is an Update on a known revision
//
// and in the fleet's second bucket, "<bucket>-docs" (durable: no max_age, history 1; the
// first bucket's max_age of seconds cannot hold it):
//
//   docs.<document token>    DocumentRecord: the document's version the fleet's stream
//                            announced last and when its last completed check was, written
//                            by the lease holder after its check committed (docs/SCALE.md,
//                            "Handing documents over")
//
// A document token is the document id with every byte outside A-Z, a-z, 0-9, '-' and '_'
// written as '=' and two upper-case hex digits ("coursera/privacy-policy" is
// "coursera=2Fprivacy-policy"): a NATS key may hold only [-/_=.A-Za-z0-9], and '.' would
// split it into more subject tokens. Decoders refuse values over 1 KiB and anything that is
// not the documented object; the callers treat an unreadable value as absent.
#ifndef POLICYD_FLEET_RECORDS_H_
#define POLICYD_FLEET_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace policyd {

inline constexpr std::string_view kFleetMemberPrefix = "members.";
inline constexpr std::string_view kFleetLeasePrefix = "leases.";
inline constexpr std::string_view kFleetDocumentPrefix = "docs.";

std::string FleetKeyToken(std::string_view text);  // the document token above
std::string MemberKey(std::string_view member_id);
std::string LeaseKey(std::string_view document_id);
std::string DocumentKey(std::string_view document_id);
// The name of the fleet's durable bucket of document records: "<bucket>-docs".
std::string FleetDocumentBucketName(std::string_view bucket);

// {"member": "web1-3fa2b9c1", "incarnation": 1732270403456, "heartbeat_ms": ...,
//  "started_ms": ..., "owned": 12345, "in_flight": 3, "lag_ms": 0}
struct MemberRecord {
  std::string member_id;
  uint64_t incarnation = 0;  // new at every start of the member's process
  int64_t heartbeat_ms = 0;  // the member's clock when it wrote this heartbeat
  int64_t started_ms = 0;    // the member's clock when this incarnation started
  // What the member reported at this heartbeat, for people (policyctl): the documents it owns
  // in its view, its checks in flight, and how late its most overdue owned document is.
  uint64_t owned = 0;
  uint64_t in_flight = 0;
  int64_t lag_ms = 0;
};
std::string EncodeMemberRecord(const MemberRecord& record);
std::optional<MemberRecord> DecodeMemberRecord(std::string_view text);

// {"holder": "web1-3fa2b9c1", "incarnation": 1732270403456, "expires_ms": ...}; a released
// lease is {"holder": "", "incarnation": 0, "expires_ms": 0}.
struct LeaseRecord {
  std::string holder;        // member id; "" = free
  uint64_t incarnation = 0;  // the holder's
  int64_t expires_ms = 0;    // by the holder's clock
  bool free() const { return holder.empty(); }
};
std::string EncodeLeaseRecord(const LeaseRecord& record);
std::optional<LeaseRecord> DecodeLeaseRecord(std::string_view text);

// {"version": "<sha256 hex of the text>", "checked_ms": ..., "by": "web1-3fa2b9c1"}: the
// version of the document the fleet's stream announced last (its first_seen, changed or
// reread event's hash), when the last completed check of it was (by the checker's clock), and
// which member checked it (and holds that version in its own store). The decoder refuses a
// version that is not 64 lower-case hex digits and a negative time.
struct DocumentRecord {
  std::string version;
  int64_t checked_ms = 0;
  std::string by;
};
std::string EncodeDocumentRecord(const DocumentRecord& record);
std::optional<DocumentRecord> DecodeDocumentRecord(std::string_view text);

}  // namespace policyd

#endif  // POLICYD_FLEET_RECORDS_H_

// policyctl's human `fleet`: the daemon's `fleet` result (docs/CONTROL.md) as one row per
// member the asking daemon knows of, a totals line, and who did not answer.
//
//   MEMBER   STATE     JOINED  OWNED  IN FLIGHT  LEASES  LAG   PUBLISH LAG  HEARTBEAT
//   member0  answered  yes     104    2          1       0ms   0            400ms ago
//   member1  silent    -       98     0          -       0ms   -            2s ago
//   member2  dropped   -       98     0          -       0ms   -            25s ago
//   3 members (2 live), 1 answered in 1s: 104 of 300 documents owned, 2 checks in flight,
//   most lag 0ms
//   not answering: member1
//
// STATE: answered; silent (live in the asker's view, no answer within the timeout);
// dropped (its heartbeat is older than ttl: no longer live, and no answer). A member that did
// not answer shows what its last heartbeat said (owned, in flight, lag).
#ifndef POLICYD_DAEMON_VIEWS_FLEET_VIEW_H_
#define POLICYD_DAEMON_VIEWS_FLEET_VIEW_H_

#include <string>

#include <nlohmann/json.hpp>

namespace policyd {

std::string RenderFleet(const nlohmann::json& result);

// policyctl fleet's exit status rule: true when every live member answered.
bool FleetAnswerComplete(const nlohmann::json& result);

}  // namespace policyd

#endif  // POLICYD_DAEMON_VIEWS_FLEET_VIEW_H_

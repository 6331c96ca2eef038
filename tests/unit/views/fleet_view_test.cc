#include "fleet_view.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

TEST(RenderFleet, OneRowPerMemberTotalsAndWhoDidNotAnswer) {
  const nlohmann::json result = nlohmann::json::parse(R"({
    "bucket": "policyd-fleet", "complete": false, "live": 2, "answered": 1,
    "not_answering": ["member1"], "elapsed_ms": 1000,
    "totals": {"documents_owned": 104, "checks_in_flight": 2, "leases_held": 1,
               "max_lag_ms": 1500},
    "members": [
      {"member_id": "member0", "live": true, "answered": true, "heartbeat_age_ms": 400,
       "joined": true, "documents": 300, "documents_owned": 104, "checks_in_flight": 2,
       "leases_held": 1, "lag_ms": 1500, "publish_lag": 0, "last_error": null},
      {"member_id": "member1", "live": true, "answered": false, "heartbeat_age_ms": 2000,
       "joined": null, "documents": null, "documents_owned": 98, "checks_in_flight": 0,
       "leases_held": null, "lag_ms": 0, "publish_lag": null, "last_error": null},
      {"member_id": "member2", "live": false, "answered": false, "heartbeat_age_ms": 25000,
       "joined": null, "documents_owned": 98, "checks_in_flight": 0, "leases_held": null,
       "lag_ms": 0, "publish_lag": null, "last_error": null}]})");
  EXPECT_EQ(RenderFleet(result),
            "MEMBER   STATE     JOINED  OWNED  IN FLIGHT  LEASES  LAG  PUBLISH LAG  HEARTBEAT  "
            "LAST ERROR\n"
            "member0  answered  yes     104    2          1       1s   0            400ms ago  -\n"
            "member1  silent    -       98     0          -       0ms  -            2s ago     -\n"
            "member2  dropped   -       98     0          -       0ms  -            25s ago    -\n"
            "3 members (2 live), 1 answered in 1s: 104 of 300 documents owned, 2 checks in "
            "flight, most lag 1s\n"
            "not answering: member1\n");
  EXPECT_FALSE(FleetAnswerComplete(result));
  EXPECT_TRUE(FleetAnswerComplete(nlohmann::json::parse(R"({"complete": true})")));
}

TEST(RenderFleet, NobodyKnown) {
  EXPECT_EQ(RenderFleet(nlohmann::json::parse(R"({"bucket": "b", "members": []})")),
            "no members in bucket b answered or have a heartbeat\n");
}

}  // namespace
}  // namespace policyd

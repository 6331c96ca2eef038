// policyctl's human `check --wait`: the daemon's answer (docs/CONTROL.md, `check` with "wait")
// as one row per document, then a summary line:
//
//   DOCUMENT                OUTCOME    DETAIL                     DURATION
//   acme/privacy-policy     changed    new version 9f2c4b1a0d3e   412ms
//   hooli/privacy-policy    failed     http_5xx: HTTP status 500  35ms
//   initech/privacy-policy  unchanged  -                          3m 12s
//   3 documents: 1 changed, 1 unchanged, 1 failed
//
// A wait that timed out says so after the summary (those checks still run).
#ifndef POLICYD_DAEMON_VIEWS_CHECK_VIEW_H_
#define POLICYD_DAEMON_VIEWS_CHECK_VIEW_H_

#include <string>

#include <nlohmann/json.hpp>

namespace policyd {

std::string RenderCheckOutcomes(const nlohmann::json& result);

}  // namespace policyd

#endif  // POLICYD_DAEMON_VIEWS_CHECK_VIEW_H_

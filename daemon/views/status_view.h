// policyctl's human `status`: the daemon's `status` result (docs/CONTROL.md) as labelled lines
// with human units: uptime, database size, "first pass 312/674" while the first pass runs.
// Fields a daemon does not send (an older version) leave their line out or show "-".
#ifndef POLICYD_DAEMON_VIEWS_STATUS_VIEW_H_
#define POLICYD_DAEMON_VIEWS_STATUS_VIEW_H_

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace policyd {

// `now_ms` (Unix milliseconds) turns the next due time into "in 3m".
std::string RenderStatus(const nlohmann::json& status, int64_t now_ms);

}  // namespace policyd

#endif  // POLICYD_DAEMON_VIEWS_STATUS_VIEW_H_

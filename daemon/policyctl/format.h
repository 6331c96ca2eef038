// Small formatting helpers shared by the human (non --json) output of policyctl's commands.
#ifndef POLICYD_DAEMON_POLICYCTL_FORMAT_H_
#define POLICYD_DAEMON_POLICYCTL_FORMAT_H_

#include <string>

#include <nlohmann/json.hpp>

namespace policyd::ctl {

// A JSON value as a table cell: strings as they are, "-" for null and empty strings, anything
// else as compact JSON.
std::string Str(const nlohmann::json& value);

// The first 12 hex digits of a hash, "-" when there is none.
std::string Short(const nlohmann::json& hash);

}  // namespace policyd::ctl

#endif  // POLICYD_DAEMON_POLICYCTL_FORMAT_H_

// Internal to the config component: the daemon config's [fleet] table.
#ifndef POLICYD_SRC_CONFIG_FLEET_CONFIG_H_
#define POLICYD_SRC_CONFIG_FLEET_CONFIG_H_

#include "config/toml_reader.h"
#include "policyd/config.h"

namespace policyd::config_internal {

// Reads the root table's `fleet` (a table) into config->fleet. Every problem is recorded in
// the reader's diagnostics at the line of the key at fault: unknown keys (with a
// did-you-mean), a member id or bucket name that cannot be part of a NATS key or bucket,
// durations out of range, and timings that break the fleet's rules (CheckFleetTiming).
void ReadFleet(TableReader& root, DaemonConfig* config);

}  // namespace policyd::config_internal

#endif  // POLICYD_SRC_CONFIG_FLEET_CONFIG_H_

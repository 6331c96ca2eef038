// Internal to the config component: the daemon config's [[webhooks]] tables.
#ifndef POLICYD_SRC_CONFIG_WEBHOOK_CONFIG_H_
#define POLICYD_SRC_CONFIG_WEBHOOK_CONFIG_H_

#include <filesystem>
#include <vector>

#include "config/toml_reader.h"
#include "policyd/config.h"

namespace policyd::config_internal {

// Reads the root table's `webhooks` (an array of tables) into config->webhooks. Every problem
// is recorded in the reader's diagnostics at the line of the key or entry at fault: unknown
// keys and values (with a did-you-mean), a name that is not [a-z0-9-] or is used twice, a URL
// that is not http(s), a URL whose host is a literal loopback/private address (or
// "localhost") while `allow_private_addresses` is off and `allowed_addresses` does not admit
// it, a missing, short or shared-readable secret, retry_min above retry_max. Reads
// config->allow_private_addresses and config->allowed_addresses: call it after them.
void ReadWebhooks(TableReader& root, const std::filesystem::path& base_dir, DaemonConfig* config);

}  // namespace policyd::config_internal

#endif  // POLICYD_SRC_CONFIG_WEBHOOK_CONFIG_H_

// Internal to the config component: the daemon config's [nats] table.
#ifndef POLICYD_SRC_CONFIG_NATS_CONFIG_H_
#define POLICYD_SRC_CONFIG_NATS_CONFIG_H_

#include <filesystem>

#include "config/toml_reader.h"
#include "policyd/config.h"

namespace policyd::config_internal {

// Reads the root table's `nats` (a table) into config->nats, enabled when present. Every
// problem is recorded in the reader's diagnostics at the line of the key at fault: unknown
// keys and values (with a did-you-mean), no `urls`, a URL that is not nats:// or tls://
// host[:port] (or carries a user name or password: use token_file or credentials_file), a
// stream name or subject prefix NATS would refuse, a duplicate_window longer than max_age,
// both token_file and credentials_file, a credentials or token file that others may read.
void ReadNats(TableReader& root, const std::filesystem::path& base_dir, DaemonConfig* config);

}  // namespace policyd::config_internal

#endif  // POLICYD_SRC_CONFIG_NATS_CONFIG_H_

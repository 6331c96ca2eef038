// The keys of policyd.toml's top level and of a target file's, for the readers of the tables
// below them to tell a top-level key written after a table header from a typo
// (TableReader::set_enclosing). Internal to the config component.
#ifndef POLICYD_SRC_CONFIG_TOP_LEVEL_KEYS_H_
#define POLICYD_SRC_CONFIG_TOP_LEVEL_KEYS_H_

#include <string_view>

namespace policyd::config_internal {

bool IsDaemonTopLevelKey(std::string_view key);      // DaemonConfigKeys()
bool IsTargetFileTopLevelKey(std::string_view key);  // ListTargetFileKeys().file

}  // namespace policyd::config_internal

#endif  // POLICYD_SRC_CONFIG_TOP_LEVEL_KEYS_H_

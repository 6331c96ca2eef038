// Internal to the config component: target-file loading that keeps where each document was
// defined, so that duplicate ids across files can be reported with both locations.
#ifndef POLICYD_SRC_CONFIG_TARGET_FILE_H_
#define POLICYD_SRC_CONFIG_TARGET_FILE_H_

#include <filesystem>
#include <memory>
#include <string_view>
#include <vector>

#include "config/toml_reader.h"
#include "policyd/config.h"
#include "policyd/status.h"

namespace policyd::config_internal {

struct LocatedDocument {
  // Allocated once, filled in place, then shared as is (a daemon with a million documents
  // does not copy specs around).
  std::shared_ptr<DocumentSpec> spec;
  Position position;  // of the document's [[documents]] table
};

// LoadTargetFile with positions. Appends to `out` only on success.
Status LoadLocatedTargetFile(const std::filesystem::path& path, std::vector<LocatedDocument>* out);
// The same from `text`, the bytes already read from `path`.
Status LoadLocatedTargetText(std::string_view text, const std::filesystem::path& path,
                             std::vector<LocatedDocument>* out);

}  // namespace policyd::config_internal

#endif  // POLICYD_SRC_CONFIG_TARGET_FILE_H_

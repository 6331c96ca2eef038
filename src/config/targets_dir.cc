#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "config/target_file.h"
#include "policyd/config.h"

namespace policyd {
namespace {

// Target files of `dir`: regular *.toml files and *.json OTA declarations (symlinks followed),
// hidden ones excluded so that editor backups and WriteTargetFile's temporary files are never
// picked up. Sorted by name.
Status ListTargetFiles(const std::filesystem::path& dir,
                       std::vector<std::filesystem::path>* files) {
  std::error_code error;
  std::filesystem::directory_iterator it(dir, error);
  if (error) {
    return Status::IoError(dir.string() + ": cannot read targets directory: " + error.message());
  }
  for (const std::filesystem::directory_iterator end; it != end; it.increment(error)) {
    const std::filesystem::path& path = it->path();
    const std::string name = path.filename().string();
    std::error_code type_error;
    const bool toml = path.extension() == ".toml";
    // OTA keeps past versions of a declaration in <name>.history.json: not current targets.
    const bool json = path.extension() == ".json" && !name.ends_with(".history.json");
    if (name.starts_with(".") || !(toml || json) || !it->is_regular_file(type_error)) continue;
    files->push_back(path);
  }
  if (error) {
    return Status::IoError(dir.string() + ": cannot read targets directory: " + error.message());
  }
  std::sort(files->begin(), files->end(),
            [](const std::filesystem::path& a, const std::filesystem::path& b) {
              return a.filename() < b.filename();
            });
  return Status::Ok();
}

}  // namespace

Status LoadTargetsDir(const std::filesystem::path& dir, std::vector<DocumentSpec>* out) {
  return LoadTargetsDir(dir, out, nullptr);
}

Status LoadTargetsDir(const std::filesystem::path& dir, std::vector<DocumentSpec>* out,
                      std::vector<std::string>* warnings) {
  std::vector<std::filesystem::path> files;
  if (Status status = ListTargetFiles(dir, &files); !status.ok()) return status;

  // Ids already in `out` (from another directory, say) count too: ids must be unique overall.
  std::map<std::string, std::string> defined_at;  // id -> "path[:line:col]"
  for (const DocumentSpec& existing : *out) {
    defined_at.emplace(existing.id, existing.source_file.string());
  }

  std::vector<DocumentSpec> loaded;
  std::vector<std::string> found;
  for (const std::filesystem::path& file : files) {
    std::vector<config_internal::LocatedDocument> documents;
    if (file.extension() == ".json") {
      std::vector<DocumentSpec> specs;
      if (Status status = LoadOtaDeclaration(file, &specs, &found); !status.ok()) return status;
      for (DocumentSpec& spec : specs) documents.push_back({std::move(spec), {}});
    } else if (Status status = config_internal::LoadLocatedTargetFile(file, &documents);
               !status.ok()) {
      return status;
    }
    for (config_internal::LocatedDocument& document : documents) {
      const std::string here = config_internal::Locate(file, document.position);
      const auto [it, inserted] = defined_at.emplace(document.spec.id, here);
      if (!inserted) {
        return Status::InvalidArgument(here + ": duplicate document id '" + document.spec.id +
                                       "' (already defined at " + it->second + ")");
      }
      loaded.push_back(std::move(document.spec));
    }
  }
  for (DocumentSpec& spec : loaded) out->push_back(std::move(spec));
  if (warnings != nullptr) warnings->insert(warnings->end(), found.begin(), found.end());
  return Status::Ok();
}

}  // namespace policyd

#include "target_catalog.h"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "policyd/private_files.h"

namespace policyd {

namespace {
constexpr char kRemovedKey[] = "removed_targets";
}  // namespace

TargetCatalog::TargetCatalog(std::filesystem::path bundled_dir, std::filesystem::path runtime_dir,
                             Store* store)
    : bundled_dir_(std::move(bundled_dir)), runtime_dir_(std::move(runtime_dir)), store_(store) {}

Status TargetCatalog::Load() {
  std::vector<DocumentSpec> bundled;
  std::vector<std::string> warnings;  // what an imported declaration asks for but we cannot do
  if (Status s = LoadTargetsDir(bundled_dir_, &bundled, &warnings); !s.ok()) return s;
  std::vector<DocumentSpec> runtime;
  std::error_code ec;
  if (std::filesystem::is_directory(runtime_dir_, ec)) {
    if (Status s = LoadTargetsDir(runtime_dir_, &runtime, &warnings); !s.ok()) return s;
  }
  for (const auto& warning : warnings) spdlog::warn("targets: {}", warning);
  std::set<std::string> removed;
  if (auto stored = store_->GetMeta(kRemovedKey); stored.ok()) {
    const auto list = nlohmann::json::parse(*stored, nullptr, false);
    if (list.is_array()) {
      for (const auto& id : list) {
        if (id.is_string()) removed.insert(id.get<std::string>());
      }
    }
  } else if (!stored.status().IsNotFound()) {
    return stored.status();
  }

  std::map<std::string, std::shared_ptr<const DocumentSpec>> documents;
  for (auto& spec : bundled) {
    std::string id = spec.id;
    documents[std::move(id)] = std::make_shared<const DocumentSpec>(std::move(spec));
  }
  bundled = {};  // moved-from shells of up to 100,000 specs
  runtime_.clear();
  for (auto& spec : runtime) {
    // The id is copied before the spec is moved: in `map[spec.id] = make_shared(move(spec))`
    // the right side runs first (C++17), and every run-time document would land under "".
    std::string id = spec.id;
    runtime_[id] = spec;
    // A run-time entry overrides a bundled one.
    documents[std::move(id)] = std::make_shared<const DocumentSpec>(std::move(spec));
  }
  for (const auto& id : removed) documents.erase(id);
  removed_ = std::move(removed);
  documents_.clear();
  documents_.reserve(documents.size());
  for (auto& [id, spec] : documents) documents_.push_back(std::move(spec));
  return Status::Ok();
}

Result<DocumentSpec> TargetCatalog::Add(DocumentSpec spec) {
  spec.id = MakeDocumentId(spec.platform, spec.type);
  if (Status s = ValidateDocumentSpec(spec); !s.ok()) return s;
  // Compiled here, once, like a loaded target's: a selector that does not parse is refused
  // now instead of failing every check of the document.
  if (Status s = CompileDocumentExtraction(&spec); !s.ok()) return s;
  const auto position = LowerBound(spec.id);
  if (position != documents_.end() && (*position)->id == spec.id) {
    return Status::InvalidArgument("document '" + spec.id + "' is already watched");
  }
  const std::string platform_slug = Slugify(spec.platform);
  spec.source_file = SharedPath(runtime_dir_ / (platform_slug + ".toml"));
  runtime_[spec.id] = spec;
  if (Status s = WriteRuntimePlatform(platform_slug); !s.ok()) {
    runtime_.erase(spec.id);
    return s;
  }
  if (removed_.erase(spec.id) > 0) {
    if (Status s = SaveRemoved(); !s.ok()) return s;
  }
  // `position` is still right: nothing above touched documents_.
  documents_.insert(position, std::make_shared<const DocumentSpec>(spec));
  return spec;
}

Status TargetCatalog::Remove(const std::string& doc_id) {
  const auto it = FindDocument(doc_id);
  if (it == documents_.end()) return Status::NotFound("no watched document '" + doc_id + "'");
  const std::string platform_slug = Slugify((*it)->platform);
  if (runtime_.erase(doc_id) > 0) {
    if (Status s = WriteRuntimePlatform(platform_slug); !s.ok()) return s;
  }
  // Also remember the removal, in case a bundled file declares the same document.
  removed_.insert(doc_id);
  if (Status s = SaveRemoved(); !s.ok()) return s;
  documents_.erase(it);
  return Status::Ok();
}

TargetCatalog::SpecList::iterator TargetCatalog::LowerBound(std::string_view id) {
  return std::lower_bound(
      documents_.begin(), documents_.end(), id,
      [](const std::shared_ptr<const DocumentSpec>& doc, std::string_view wanted) {
        return std::string_view(doc->id) < wanted;
      });
}

TargetCatalog::SpecList::iterator TargetCatalog::FindDocument(std::string_view id) {
  const auto it = LowerBound(id);
  return it != documents_.end() && (*it)->id == id ? it : documents_.end();
}

Status TargetCatalog::SaveRemoved() {
  return store_->SetMeta(kRemovedKey, nlohmann::json(removed_).dump());
}

Status TargetCatalog::WriteRuntimePlatform(const std::string& platform_slug) {
  std::vector<DocumentSpec> docs;
  std::string platform;
  for (const auto& [id, spec] : runtime_) {
    if (Slugify(spec.platform) == platform_slug) {
      docs.push_back(spec);
      platform = spec.platform;
    }
  }
  const auto path = runtime_dir_ / (platform_slug + ".toml");
  std::error_code ec;
  if (docs.empty()) {
    std::filesystem::remove(path, ec);
    if (ec) return Status::IoError("cannot remove " + path.string() + ": " + ec.message());
    return Status::Ok();
  }
  if (Status s = CreatePrivateDirectory(runtime_dir_, ExistingDirectory::kEnforceMode); !s.ok()) {
    return s;
  }
  return WriteTargetFile(path, platform, docs);
}

}  // namespace policyd

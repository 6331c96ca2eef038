#include "target_catalog.h"

#include <spdlog/spdlog.h>

#include <pthread.h>

#include <algorithm>
#include <exception>
#include <set>

#include "policyd/json_text.h"
#include "policyd/private_files.h"
#include "policyd/shell_quote.h"
#include "webhook_filter_check.h"

namespace policyd {

namespace {
constexpr char kRemovedKey[] = "removed_targets";

// True when an `add` asks for `declared` as its target file has it: the same URL and no
// settings of its own (an add that sets any is a run-time entry of its own).
bool AsDeclared(const DocumentSpec& added, const DocumentSpec& declared) {
  return added.url == declared.url && added.select.empty() && added.remove.empty() &&
         added.select_ranges.empty() && added.remove_ranges.empty() &&
         added.interval.count() == 0 && added.render == RenderMode::kAuto;
}

// Documents named in one load's warning of a kind; beyond, a count (a whole file of them
// needs no more lines).
constexpr std::size_t kNamedWarnings = 10;
}  // namespace

TargetCatalog::TargetCatalog(std::filesystem::path bundled_dir, std::filesystem::path runtime_dir,
                             Store* store, std::size_t load_threads,
                             std::unique_ptr<TargetFileCache> cache,
                             const DaemonConfig* address_policy)
    : bundled_dir_(std::move(bundled_dir)),
      runtime_dir_(std::move(runtime_dir)),
      store_(store),
      load_threads_(load_threads),
      cache_(std::move(cache)),
      address_policy_(address_policy) {}

TargetCatalog::~TargetCatalog() { WaitForCacheWrite(); }

void TargetCatalog::WaitForCacheWrite() {
  if (cache_writer_.joinable()) cache_writer_.join();
}

Status TargetCatalog::Load() {
  Result<Snapshot> snapshot = Read(generation_);
  if (!snapshot.ok()) return snapshot.status();
  return Adopt(std::move(*snapshot));
}

Result<TargetCatalog::Snapshot> TargetCatalog::Read(uint64_t generation) {
  WaitForCacheWrite();  // the cache is the writer's until then
  if (cache_ != nullptr) {
    if (Status s = cache_->Open(); s.code() == Status::Code::kUnsupported) {
      spdlog::info("target cache: {} (parsing every target file once)", s.message());
    } else if (!s.ok()) {
      spdlog::warn("target cache: {} (parsing every target file)", s.message());
    }
  }
  Snapshot snapshot;
  snapshot.generation = generation;
  const Status status = ReadDocuments(&snapshot);
  FinishCacheLoad(status.ok());
  if (!status.ok()) return status;
  return snapshot;
}

Status TargetCatalog::Adopt(Snapshot snapshot) {
  if (snapshot.generation != generation_) {
    return Status::Busy("the targets changed (add or remove) while they were read");
  }
  runtime_ = std::move(snapshot.runtime);
  removed_ = std::move(snapshot.removed);
  removed_declared_ = std::move(snapshot.removed_declared);
  documents_ = std::move(snapshot.documents);
  return Status::Ok();
}

void TargetCatalog::FinishCacheLoad(bool loaded) {
  if (cache_ == nullptr) return;
  const bool changed = cache_->Close();
  // The cache holds TOML files only: a declaration (JSON) is parsed at every load. A load that
  // failed stopped its readers at the first error: their counts would say nothing true (they
  // varied from 0 to 26 of 30 files), and the error line says what happened.
  if (loaded) {
    spdlog::info(
        "target files: {} parsed, {} from the cache (TOML files; Open Terms Archive "
        "declarations are parsed at every load)",
        cache_->misses(), cache_->hits());
  }
  if (!loaded || !changed) {
    cache_->Discard();
    return;
  }
  // Encoding and writing a million documents' cache takes a few tenths of a second: not on the
  // start's path. The specs it reads are immutable and shared.
  cache_writer_ = std::thread([cache = cache_.get()] {
    pthread_setname_np(pthread_self(), "policyd-tcache");
    Status status;
    try {
      status = cache->Save();
    } catch (const std::exception& exception) {  // std::bad_alloc
      status = Status::IoError(cache->path().string() + ": cannot write: " + exception.what());
    }
    if (!status.ok()) {
      spdlog::warn("target cache: {} (the next start parses every target file)", status.message());
    }
  });
}

Status TargetCatalog::ReadDocuments(Snapshot* snapshot) {
  SpecList bundled;
  std::vector<std::string> warnings;  // what an imported declaration asks for but we cannot do
  if (Status s =
          LoadSharedTargetsDir(bundled_dir_, load_threads_, &bundled, &warnings, cache_.get());
      !s.ok())
    return s;
  SpecList runtime;
  std::error_code ec;
  if (std::filesystem::is_directory(runtime_dir_, ec)) {
    if (Status s =
            LoadSharedTargetsDir(runtime_dir_, load_threads_, &runtime, &warnings, cache_.get());
        !s.ok())
      return s;
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

  for (const auto& spec : runtime) snapshot->runtime.emplace(spec->id, *spec);
  // Three lists sorted by id, merged in one pass: a run-time document overrides a bundled one
  // with its id, and removed ids are left out.
  SpecList& documents = snapshot->documents;
  documents.reserve(bundled.size() + runtime.size());
  auto next_runtime = runtime.begin();
  auto next_removed = removed.begin();
  const auto keep = [&](std::shared_ptr<const DocumentSpec> spec) {
    while (next_removed != removed.end() && *next_removed < spec->id) ++next_removed;
    if (next_removed == removed.end() || *next_removed != spec->id) {
      documents.push_back(std::move(spec));
    } else {
      snapshot->removed_declared.emplace(spec->id, std::move(spec));
    }
  };
  std::size_t overridden = 0;
  for (auto& spec : bundled) {
    while (next_runtime != runtime.end() && (*next_runtime)->id < spec->id) {
      keep(std::move(*next_runtime++));
    }
    if (next_runtime != runtime.end() && (*next_runtime)->id == spec->id) {
      // Edits of the bundled entry (a package upgrade's) no longer apply: said at each load.
      if (++overridden <= kNamedWarnings) {
        spdlog::warn("targets: {}: added at run time ({}), which overrides its entry in {}",
                     spec->id, (*next_runtime)->source_file.string(), spec->source_file.string());
      }
      continue;
    }
    keep(std::move(spec));
  }
  if (overridden > kNamedWarnings) {
    spdlog::warn("targets: {} more documents added at run time override a bundled entry",
                 overridden - kNamedWarnings);
  }
  while (next_runtime != runtime.end()) keep(std::move(*next_runtime++));
  snapshot->removed = std::move(removed);
  NoteRemovedDeclared(snapshot->removed_declared);
  WarnAboutRefusedAddresses(documents);
  WarnAboutUnmatchedWebhookFilters(documents);
  return Status::Ok();
}

void TargetCatalog::NoteRemovedDeclared(
    const std::map<std::string, std::shared_ptr<const DocumentSpec>>& removed_declared) {
  std::size_t named = 0;
  for (const auto& [id, spec] : removed_declared) {
    if (++named > kNamedWarnings) break;
    // Not a warning: the operator chose it. Said at each load all the same, since an edit of
    // the declaration changes nothing while it stays removed.
    spdlog::info(
        "targets: {}: declared in {}, not watched: removed at run time (policyctl add "
        "--platform {} --type {} --url {} watches it as declared again)",
        id, spec->source_file.string(), ShellWord(spec->platform), ShellWord(spec->type),
        ShellWord(spec->url));
  }
  if (removed_declared.size() > kNamedWarnings) {
    spdlog::info("targets: {} more declared documents not watched: removed at run time",
                 removed_declared.size() - kNamedWarnings);
  }
}

void TargetCatalog::WarnAboutRefusedAddresses(const SpecList& documents) const {
  if (address_policy_ == nullptr) return;
  std::size_t refused = 0;
  for (const auto& spec : documents) {
    const std::string refusal = TargetAddressRefusal(*spec, *address_policy_);
    if (refusal.empty()) continue;
    if (++refused <= kNamedWarnings) spdlog::warn("targets: {}: {}", spec->id, refusal);
  }
  if (refused > kNamedWarnings) {
    spdlog::warn("targets: {} more documents on addresses the address policy refuses",
                 refused - kNamedWarnings);
  }
}

void TargetCatalog::WarnAboutUnmatchedWebhookFilters(const SpecList& documents) const {
  if (address_policy_ == nullptr || address_policy_->webhooks.empty()) return;
  std::set<std::string> platforms;
  std::set<std::string> doc_types;
  for (const auto& spec : documents) {
    platforms.insert(spec->platform);
    doc_types.insert(spec->type);
  }
  for (const WebhookSpec& webhook : address_policy_->webhooks) {
    for (const std::string& warning : UnmatchedWebhookFilters(webhook, platforms, doc_types)) {
      spdlog::warn("{}", warning);
    }
  }
}

Result<std::shared_ptr<const DocumentSpec>> TargetCatalog::Add(DocumentSpec spec) {
  ++generation_;  // even a refused add may have written a file before it failed
  spec.id = MakeDocumentId(spec.platform, spec.type);
  if (Status s = ValidateDocumentSpec(spec); !s.ok()) return s;
  if (address_policy_ != nullptr) {
    if (std::string refusal = TargetAddressRefusal(spec, *address_policy_); !refusal.empty()) {
      return Status::InvalidArgument(std::move(refusal));
    }
  }
  // Compiled here, once, like a loaded target's: a selector that does not parse is refused
  // now instead of failing every check of the document.
  if (Status s = CompileDocumentExtraction(&spec); !s.ok()) return s;
  const auto position = LowerBound(spec.id);
  if (position != documents_.end() && (*position)->id == spec.id) {
    return Status::InvalidArgument("document '" + spec.id + "' is already watched");
  }
  if (const auto declared = removed_declared_.find(spec.id);
      declared != removed_declared_.end() && AsDeclared(spec, *declared->second)) {
    // Back as its target file declares it (ranges, pages, rendering and all): no run-time
    // entry that would hide the declaration's later edits.
    removed_.erase(spec.id);
    if (Status s = SaveRemoved(); !s.ok()) {
      removed_.insert(spec.id);
      return s;
    }
    std::shared_ptr<const DocumentSpec> restored = std::move(declared->second);
    removed_declared_.erase(declared);
    return *documents_.insert(position, std::move(restored));
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
  return *documents_.insert(position, std::make_shared<const DocumentSpec>(std::move(spec)));
}

Status TargetCatalog::Remove(const std::string& doc_id) {
  ++generation_;
  const auto it = FindDocument(doc_id);
  if (it == documents_.end()) return Status::NotFound("no watched document '" + doc_id + "'");
  const std::string platform_slug = Slugify((*it)->platform);
  const bool added_at_run_time = runtime_.erase(doc_id) > 0;
  if (added_at_run_time) {
    if (Status s = WriteRuntimePlatform(platform_slug); !s.ok()) return s;
  }
  // Also remember the removal, in case a bundled file declares the same document.
  removed_.insert(doc_id);
  if (Status s = SaveRemoved(); !s.ok()) return s;
  // A declared one: its `add` right after (the log suggests it) brings it back as declared,
  // as after the next load (Add), not as a run-time entry that hides the file's later edits.
  if (!added_at_run_time) removed_declared_[doc_id] = *it;
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
  return store_->SetMeta(kRemovedKey, JsonText(nlohmann::json(removed_)));
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

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "config/target_file.h"
#include "policyd/config.h"
#include "policyd/parallel.h"

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

// What one file gave: its documents and where each is (a declaration's have no line), or why
// it could not be read.
struct LoadedFile {
  Status status;
  std::vector<config_internal::LocatedDocument> documents;
  std::vector<std::string> warnings;
};

LoadedFile LoadOneFile(const std::filesystem::path& file) {
  LoadedFile loaded;
  if (file.extension() == ".json") {
    std::vector<DocumentSpec> specs;
    loaded.status = LoadOtaDeclaration(file, &specs, &loaded.warnings);
    for (DocumentSpec& spec : specs) {
      loaded.documents.push_back({std::make_shared<DocumentSpec>(std::move(spec)), {}});
    }
  } else {
    loaded.status = config_internal::LoadLocatedTargetFile(file, &loaded.documents);
  }
  return loaded;
}

// Loads `files` on up to `threads` threads (RunParts). Files are independent;
// the result is the same whatever the threads' timing: every file before the first that fails
// is loaded, those after it may be skipped (nobody reads them).
std::vector<LoadedFile> LoadFiles(const std::vector<std::filesystem::path>& files,
                                  std::size_t threads) {
  std::vector<LoadedFile> loaded(files.size());
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> first_failed{files.size()};
  const auto work = [&] {
    for (std::size_t i = next++; i < files.size(); i = next++) {
      if (i > first_failed.load()) continue;
      loaded[i] = LoadOneFile(files[i]);
      if (loaded[i].status.ok()) continue;
      std::size_t failed = first_failed.load();
      while (i < failed && !first_failed.compare_exchange_weak(failed, i)) {
      }
    }
  };
  RunParts(std::min(threads, files.size()), [&work](std::size_t) { work(); });
  return loaded;
}

// A document of the directory (or one given before it) as the duplicate check sees it.
struct IdEntry {
  std::string_view id;
  uint32_t index;  // in definition order: earlier documents first
};

// Sorts `entries` by id, then definition order, on up to `threads` threads.
void SortById(std::vector<IdEntry>* entries, std::size_t threads) {
  const auto less = [](const IdEntry& a, const IdEntry& b) {
    const int order = a.id.compare(b.id);
    return order != 0 ? order < 0 : a.index < b.index;
  };
  // Two halves sorted at once, then merged in one pass: at a million documents the sort is a
  // noticeable part of the daemon's start.
  if (threads < 2 || entries->size() < 100'000) {
    std::sort(entries->begin(), entries->end(), less);
    return;
  }
  const auto middle = entries->begin() + static_cast<std::ptrdiff_t>(entries->size() / 2);
  RunParts(2, [&](std::size_t half) {
    if (half == 0) {
      std::sort(entries->begin(), middle, less);
    } else {
      std::sort(middle, entries->end(), less);
    }
  });
  std::inplace_merge(entries->begin(), middle, entries->end(), less);
}

// The documents of a targets directory, every file loaded and the ids checked.
struct LoadedDir {
  std::vector<std::shared_ptr<DocumentSpec>> specs;  // in definition order
  std::vector<uint32_t> by_id;                       // indexes of `specs` in id order
};

// Loads the files of `dir` and checks that no id is defined twice, counting `earlier` (ids
// defined before, each with where) too. The first problem in definition order (a file that
// does not load, or a document whose id was defined before it) is the error, as if the files
// were read one after another.
Status LoadDir(const std::filesystem::path& dir,
               const std::vector<std::pair<std::string_view, std::string>>& earlier,
               std::size_t threads, LoadedDir* out, std::vector<std::string>* warnings) {
  std::vector<std::filesystem::path> files;
  if (Status status = ListTargetFiles(dir, &files); !status.ok()) return status;
  std::vector<LoadedFile> loaded = LoadFiles(files, threads);

  // Where each document was defined, for the messages: earlier ones, then the files'.
  std::vector<IdEntry> entries;
  std::vector<std::pair<uint32_t, config_internal::Position>> located;  // (file, position)
  for (const auto& [id, where] : earlier) {
    entries.push_back({id, static_cast<uint32_t>(entries.size())});
  }
  std::size_t failed = files.size();
  for (std::size_t f = 0; f < files.size(); ++f) {
    if (!loaded[f].status.ok()) {
      failed = f;
      break;
    }
    for (const config_internal::LocatedDocument& document : loaded[f].documents) {
      entries.push_back({document.spec->id, static_cast<uint32_t>(entries.size())});
      located.emplace_back(static_cast<uint32_t>(f), document.position);
    }
  }
  const auto where = [&](uint32_t index) {
    if (index < earlier.size()) return earlier[index].second;
    const auto& [file, position] = located[index - earlier.size()];
    return config_internal::Locate(files[file], position);
  };

  SortById(&entries, threads);
  // The first duplicate in definition order: the earliest document of the directory whose id
  // was defined before it (ids repeated among `earlier` are not this directory's business).
  struct Duplicate {
    uint32_t again;
    uint32_t first;
    std::string_view id;
  };
  std::optional<Duplicate> duplicate;
  for (std::size_t run = 0, end = 0; run < entries.size(); run = end) {
    end = run + 1;
    while (end < entries.size() && entries[end].id == entries[run].id) ++end;
    std::size_t again = run + 1;  // in the run, definition order: the first one of the dir
    while (again < end && entries[again].index < earlier.size()) ++again;
    if (again < end && (!duplicate || entries[again].index < duplicate->again)) {
      duplicate = Duplicate{entries[again].index, entries[run].index, entries[run].id};
    }
  }
  if (duplicate) {
    return Status::InvalidArgument(where(duplicate->again) + ": duplicate document id '" +
                                   std::string(duplicate->id) + "' (already defined at " +
                                   where(duplicate->first) + ")");
  }
  if (failed < files.size()) return loaded[failed].status;

  for (LoadedFile& file : loaded) {
    for (config_internal::LocatedDocument& document : file.documents) {
      out->specs.push_back(std::move(document.spec));
    }
    if (warnings != nullptr) {
      warnings->insert(warnings->end(), file.warnings.begin(), file.warnings.end());
    }
  }
  out->by_id.reserve(out->specs.size());
  for (const IdEntry& entry : entries) {
    if (entry.index >= earlier.size()) out->by_id.push_back(entry.index - earlier.size());
  }
  return Status::Ok();
}

}  // namespace

Status LoadTargetsDir(const std::filesystem::path& dir, std::vector<DocumentSpec>* out) {
  return LoadTargetsDir(dir, out, nullptr);
}

Status LoadTargetsDir(const std::filesystem::path& dir, std::vector<DocumentSpec>* out,
                      std::vector<std::string>* warnings) {
  // Ids already in `out` (from another directory, say) count too: ids must be unique overall.
  std::vector<std::pair<std::string_view, std::string>> earlier;
  earlier.reserve(out->size());
  for (const DocumentSpec& existing : *out) {
    earlier.emplace_back(existing.id, existing.source_file.string());
  }
  LoadedDir loaded;
  if (Status status = LoadDir(dir, earlier, 1, &loaded, warnings); !status.ok()) return status;
  out->reserve(out->size() + loaded.specs.size());
  for (const auto& spec : loaded.specs) out->push_back(std::move(*spec));
  return Status::Ok();
}

Status LoadSharedTargetsDir(const std::filesystem::path& dir, std::size_t threads,
                            std::vector<std::shared_ptr<const DocumentSpec>>* out,
                            std::vector<std::string>* warnings) {
  LoadedDir loaded;
  if (Status status = LoadDir(dir, {}, std::max<std::size_t>(threads, 1), &loaded, warnings);
      !status.ok()) {
    return status;
  }
  out->clear();
  out->reserve(loaded.by_id.size());
  for (const uint32_t index : loaded.by_id) out->push_back(std::move(loaded.specs[index]));
  return Status::Ok();
}

}  // namespace policyd

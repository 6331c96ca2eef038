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
#include "policyd/file_read.h"
#include "policyd/parallel.h"
#include "policyd/sha256.h"
#include "policyd/target_file_cache.h"

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
    if (name.starts_with(".") || !(toml || json)) continue;
    // A link whose file has gone would otherwise be skipped like a folder, and its documents
    // no longer watched without a word.
    if (it->is_symlink(type_error) && !it->exists(type_error)) {
      return Status::IoError(path.string() + ": a symbolic link to a missing file (" +
                             std::filesystem::read_symlink(path, type_error).string() + ")");
    }
    if (!it->is_regular_file(type_error)) continue;
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

// A target file through the cache: read once, hashed, looked up, and parsed from the bytes
// read only when the cache has no documents for them; kept for the next cache once loaded.
void LoadThroughCache(const std::filesystem::path& file, TargetFileCache& cache,
                      LoadedFile* loaded) {
  Result<std::string> text = ReadRegularFile(file, kMaxConfigFileBytes);
  if (!text.ok()) {
    loaded->status = text.status();
    return;
  }
  std::string sha256 = Sha256Hex(*text);
  std::vector<CachedDocument> cached;
  const bool hit = cache.Lookup(file, sha256, &cached);
  if (hit) {
    loaded->documents.reserve(cached.size());
    for (const CachedDocument& document : cached) {
      loaded->documents.push_back({document.spec, {document.line, document.column}});
    }
  } else {
    loaded->status = config_internal::LoadLocatedTargetText(*text, file, &loaded->documents);
    if (!loaded->status.ok()) return;
    cached.reserve(loaded->documents.size());
    for (const config_internal::LocatedDocument& document : loaded->documents) {
      cached.push_back({document.spec, document.position.line, document.position.column});
    }
  }
  cache.Keep(file, std::move(sha256), std::move(cached), hit);
}

LoadedFile LoadOneFile(const std::filesystem::path& file, TargetFileCache* cache) {
  LoadedFile loaded;
  if (file.extension() == ".toml" && cache != nullptr) {
    LoadThroughCache(file, *cache, &loaded);
  } else if (file.extension() == ".json") {
    std::vector<DocumentSpec> specs;
    loaded.status = LoadOtaDeclaration(file, &specs, &loaded.warnings);
    for (DocumentSpec& spec : specs) {
      loaded.documents.push_back({std::make_shared<DocumentSpec>(std::move(spec)), {}});
    }
  } else {
    loaded.status = config_internal::LoadLocatedTargetFile(file, &loaded.documents);
  }
  // Gone since the directory was listed (a run-time `remove` deletes its platform's file
  // while a reload reads): absent, as it would have been a moment later. It failed reloads.
  if (loaded.status.IsNotFound()) loaded = LoadedFile{};
  return loaded;
}

// A document as the duplicate check sees it: its id, and where it comes in definition order.
struct IdEntry {
  std::string_view id;
  uint64_t order;  // OrderOf(source, index)
};

// Definition order: source 0 holds the documents defined before the directory, source f + 1
// its file f; `index` is the document's place in its source.
constexpr uint64_t OrderOf(std::size_t source, std::size_t index) {
  return (static_cast<uint64_t>(source) << 32) | index;
}
constexpr std::size_t SourceOf(uint64_t order) { return static_cast<std::size_t>(order >> 32); }
constexpr std::size_t IndexOf(uint64_t order) {
  return static_cast<std::size_t>(order & 0xffff'ffff);
}

bool ById(const IdEntry& a, const IdEntry& b) {
  const int order = a.id.compare(b.id);
  return order != 0 ? order < 0 : a.order < b.order;
}

// Merges lists each sorted ById into one.
std::vector<IdEntry> MergeById(std::vector<std::vector<IdEntry>> lists) {
  std::vector<IdEntry> merged;
  for (std::vector<IdEntry>& list : lists) {
    if (merged.empty()) {
      merged = std::move(list);
      continue;
    }
    std::vector<IdEntry> both(merged.size() + list.size());
    std::merge(merged.begin(), merged.end(), list.begin(), list.end(), both.begin(), ById);
    merged = std::move(both);
  }
  return merged;
}

// The files of a directory loaded, and their documents' ids sorted ById.
struct LoadedFiles {
  std::vector<LoadedFile> files;
  std::vector<IdEntry> ids;
};

// One file's ids, sorted ById, as a range of its thread's list.
struct IdRun {
  std::size_t part;  // the thread whose list holds it
  std::size_t begin;
  std::size_t end;
};

// The runs of every thread's list (each list the concatenation of its runs) as one list sorted
// ById, when no two runs overlap: files usually hold one platform each, so that sorting the
// runs by their first id and putting them end to end is enough, however the files were shared
// among the threads and whatever their names' order. Returns false, leaving *out alone, when
// runs overlap (ids interleave across files, or repeat).
bool ConcatenateDisjointRuns(const std::vector<std::vector<IdEntry>>& lists,
                             std::vector<IdRun> runs, std::vector<IdEntry>* out) {
  const auto first = [&lists](const IdRun& run) { return lists[run.part][run.begin]; };
  const auto last = [&lists](const IdRun& run) { return lists[run.part][run.end - 1]; };
  std::erase_if(runs, [](const IdRun& run) { return run.begin == run.end; });
  std::sort(runs.begin(), runs.end(),
            [&first](const IdRun& a, const IdRun& b) { return ById(first(a), first(b)); });
  for (std::size_t r = 1; r < runs.size(); ++r) {
    if (!ById(last(runs[r - 1]), first(runs[r]))) return false;
  }
  std::size_t total = 0;
  for (const IdRun& run : runs) total += run.end - run.begin;
  out->clear();
  out->reserve(total);
  for (const IdRun& run : runs) {
    const std::vector<IdEntry>& list = lists[run.part];
    out->insert(out->end(), list.begin() + static_cast<std::ptrdiff_t>(run.begin),
                list.begin() + static_cast<std::ptrdiff_t>(run.end));
  }
  return true;
}

// Loads `files` on up to `threads` threads (RunParts). Files are independent; the result is the
// same whatever the threads' timing: every file before the first that fails is loaded, those
// after it may be skipped (nobody reads them). Each thread sorts the ids of each file it loads
// (a run), while their specs are still in its cache. The runs are then put end to end in id
// order when they do not overlap (ConcatenateDisjointRuns): the million-id sort of whole lists
// (a tenth of a start's CPU when the files' names do not sort as their platforms do) is needed
// only when they do, and then each thread's list is sorted and the lists merged.
LoadedFiles LoadFiles(const std::vector<std::filesystem::path>& files, std::size_t threads,
                      TargetFileCache* cache) {
  LoadedFiles loaded;
  loaded.files.resize(files.size());
  const std::size_t parts = std::min(threads, files.size());
  std::vector<std::vector<IdEntry>> ids(parts);
  std::vector<std::vector<IdRun>> runs(parts);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> first_failed{files.size()};
  const auto work = [&](std::size_t part) {
    std::vector<IdEntry>& mine = ids[part];
    for (std::size_t i = next++; i < files.size(); i = next++) {
      if (i > first_failed.load()) continue;
      LoadedFile& file = loaded.files[i];
      file = LoadOneFile(files[i], cache);
      if (file.status.ok()) {
        const std::size_t run = mine.size();
        for (std::size_t k = 0; k < file.documents.size(); ++k) {
          mine.push_back({file.documents[k].spec->id, OrderOf(i + 1, k)});
        }
        std::sort(mine.begin() + static_cast<std::ptrdiff_t>(run), mine.end(), ById);
        runs[part].push_back({part, run, mine.size()});
        continue;
      }
      std::size_t failed = first_failed.load();
      while (i < failed && !first_failed.compare_exchange_weak(failed, i)) {
      }
    }
  };
  RunParts(parts, work);
  std::vector<IdRun> all_runs;
  for (const std::vector<IdRun>& part_runs : runs) {
    all_runs.insert(all_runs.end(), part_runs.begin(), part_runs.end());
  }
  if (ConcatenateDisjointRuns(ids, std::move(all_runs), &loaded.ids)) return loaded;
  for (std::vector<IdEntry>& list : ids) {
    if (!std::is_sorted(list.begin(), list.end(), ById)) std::sort(list.begin(), list.end(), ById);
  }
  loaded.ids = MergeById(std::move(ids));
  return loaded;
}

// Loads the files of `dir` and checks that no id is defined twice, counting `earlier` (ids
// defined before, each with where) too. The first problem in definition order (a file that
// does not load, or a document whose id was defined before it) is the error, as if the files
// were read one after another.
Status LoadDir(const std::filesystem::path& dir,
               const std::vector<std::pair<std::string_view, std::string>>& earlier,
               std::size_t threads, TargetFileCache* cache, LoadedFiles* out) {
  std::vector<std::filesystem::path> files;
  if (Status status = ListTargetFiles(dir, &files); !status.ok()) return status;
  *out = LoadFiles(files, threads, cache);
  const std::vector<LoadedFile>& loaded = out->files;
  std::size_t failed = files.size();  // the first file that did not load
  for (std::size_t f = 0; f < files.size() && failed == files.size(); ++f) {
    if (!loaded[f].status.ok()) failed = f;
  }
  if (!earlier.empty()) {
    std::vector<IdEntry> before;
    for (std::size_t i = 0; i < earlier.size(); ++i) before.push_back({earlier[i].first, i});
    std::sort(before.begin(), before.end(), ById);
    out->ids = MergeById({std::move(before), std::move(out->ids)});
  }
  const auto where = [&](uint64_t order) {
    const std::size_t source = SourceOf(order);
    if (source == 0) return earlier[IndexOf(order)].second;
    const LoadedFile& file = loaded[source - 1];
    return config_internal::Locate(files[source - 1], file.documents[IndexOf(order)].position);
  };

  // The first duplicate in definition order: the earliest document of the directory, from a
  // file before the first that failed, whose id was defined before it (ids repeated among
  // `earlier` are not this directory's business).
  const auto counts = [failed](const IdEntry& entry) { return SourceOf(entry.order) <= failed; };
  struct Duplicate {
    uint64_t again;
    uint64_t first;
    std::string_view id;
  };
  std::optional<Duplicate> duplicate;
  const std::vector<IdEntry>& ids = out->ids;
  for (std::size_t run = 0, end = 0; run < ids.size(); run = end) {
    end = run + 1;
    while (end < ids.size() && ids[end].id == ids[run].id) ++end;
    if (!counts(ids[run])) continue;  // the run's first, in definition order, is after `failed`
    std::size_t again = run + 1;      // the run's first document of the directory after another
    while (again < end && SourceOf(ids[again].order) == 0) ++again;
    if (again < end && counts(ids[again]) && (!duplicate || ids[again].order < duplicate->again)) {
      duplicate = Duplicate{ids[again].order, ids[run].order, ids[run].id};
    }
  }
  if (duplicate) {
    return Status::InvalidArgument(where(duplicate->again) + ": duplicate document id '" +
                                   std::string(duplicate->id) + "' (already defined at " +
                                   where(duplicate->first) + ")");
  }
  if (failed < files.size()) return loaded[failed].status;
  return Status::Ok();
}

void AppendWarnings(const LoadedFiles& loaded, std::vector<std::string>* warnings) {
  if (warnings == nullptr) return;
  for (const LoadedFile& file : loaded.files) {
    warnings->insert(warnings->end(), file.warnings.begin(), file.warnings.end());
  }
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
  LoadedFiles loaded;
  if (Status status = LoadDir(dir, earlier, 1, nullptr, &loaded); !status.ok()) return status;
  AppendWarnings(loaded, warnings);
  for (LoadedFile& file : loaded.files) {
    for (config_internal::LocatedDocument& document : file.documents) {
      out->push_back(std::move(*document.spec));
    }
  }
  return Status::Ok();
}

Status LoadSharedTargetsDir(const std::filesystem::path& dir, std::size_t threads,
                            std::vector<std::shared_ptr<const DocumentSpec>>* out,
                            std::vector<std::string>* warnings, TargetFileCache* cache) {
  LoadedFiles loaded;
  if (Status status = LoadDir(dir, {}, std::max<std::size_t>(threads, 1), cache, &loaded);
      !status.ok()) {
    return status;
  }
  AppendWarnings(loaded, warnings);
  out->clear();
  out->reserve(loaded.ids.size());
  for (const IdEntry& entry : loaded.ids) {
    LoadedFile& file = loaded.files[SourceOf(entry.order) - 1];
    out->push_back(std::move(file.documents[IndexOf(entry.order)].spec));
  }
  return Status::Ok();
}

}  // namespace policyd

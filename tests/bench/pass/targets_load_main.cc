// policyd_bench_targets_load: LoadSharedTargetsDir over a targets directory, as the daemon's
// fresh start does, timed alone (no daemon, no store): wall and CPU seconds of each run, so a
// change to the target loading can be measured and profiled (perf record -g) without the rest
// of a start. A development tool, not a test.
//
// With --cache FILE, every run goes through a TargetFileCache kept in FILE, as the daemon's
// loads do (policyd/target_file_cache.h): a run that parsed anything writes it (timed apart,
// as "save"), and the next runs read the files from it; each run says how many came from it.
// Delete FILE first to time a first start.
//
// Usage: policyd_bench_targets_load DIR [--threads T] [--runs R] [--cache FILE]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policyd/config.h"
#include "policyd/target_file_cache.h"

namespace {

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

struct Arguments {
  std::string dir;
  std::size_t threads = 2;
  int runs = 3;
  std::string cache_file;  // empty: no cache
};

// The arguments, or nullopt after saying what is wrong.
std::optional<Arguments> ParseArguments(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DIR [--threads T] [--runs R] [--cache FILE]\n", argv[0]);
    return std::nullopt;
  }
  Arguments arguments;
  arguments.dir = argv[1];
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string_view arg = argv[i];
    if (arg == "--threads") {
      arguments.threads = std::strtoul(argv[i + 1], nullptr, 10);
    } else if (arg == "--runs") {
      arguments.runs = std::atoi(argv[i + 1]);
    } else if (arg == "--cache") {
      arguments.cache_file = argv[i + 1];
    } else {
      std::fprintf(stderr, "unknown argument %s\n", argv[i]);
      return std::nullopt;
    }
  }
  return arguments;
}

// Writes a cache that the run changed (timed apart), or lets it go; false on a write error.
bool FinishCache(policyd::TargetFileCache* cache, bool changed) {
  if (cache == nullptr) return true;
  if (!changed) {
    cache->Discard();
    return true;
  }
  const auto save_start = std::chrono::steady_clock::now();
  if (const policyd::Status saved = cache->Save(); !saved.ok()) {
    std::fprintf(stderr, "cache: %s\n", saved.ToString().c_str());
    return false;
  }
  std::printf("  save: %.3f s wall\n",
              std::chrono::duration<double>(std::chrono::steady_clock::now() - save_start).count());
  return true;
}

// One timed load, printed; false when the load or the cache's write failed.
bool RunOnce(const Arguments& arguments, int run) {
  std::vector<std::shared_ptr<const policyd::DocumentSpec>> specs;
  std::vector<std::string> warnings;
  std::unique_ptr<policyd::TargetFileCache> cache;
  const double cpu_before = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  if (!arguments.cache_file.empty()) {
    cache = std::make_unique<policyd::TargetFileCache>(arguments.cache_file,
                                                       "policyd_bench_targets_load");
    if (const policyd::Status opened = cache->Open(); !opened.ok()) {
      std::fprintf(stderr, "cache: %s\n", opened.ToString().c_str());
    }
  }
  const policyd::Status status = policyd::LoadSharedTargetsDir(arguments.dir, arguments.threads,
                                                               &specs, &warnings, cache.get());
  const bool changed = cache != nullptr && cache->Close();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = CpuSeconds() - cpu_before;
  if (!status.ok()) {
    std::fprintf(stderr, "%s\n", status.ToString().c_str());
    return false;
  }
  std::printf("run %d: %zu documents, %zu warnings: %.3f s wall, %.3f s CPU", run, specs.size(),
              warnings.size(), wall, cpu);
  if (cache != nullptr) {
    std::printf("; %zu files parsed, %zu from the cache", cache->misses(), cache->hits());
  }
  std::printf("\n");
  return FinishCache(cache.get(), changed);
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Arguments> arguments = ParseArguments(argc, argv);
  if (!arguments) return 2;
  for (int run = 0; run < arguments->runs; ++run) {
    if (!RunOnce(*arguments, run)) return 1;
  }
  return 0;
}

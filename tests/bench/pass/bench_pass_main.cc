// policyd_bench_pass: one full pass of the real policyd over N pages served from loopback,
// then a pass where every page answers 304, then one where 10% of the pages changed; the
// Gumbo parse-only throughput over the same bytes with the daemon's worker count; and the
// scale checks (--scale-docs documents, 100,000 unless told; issue 19's goals are for
// 1,000,000). Prints a report and writes it as JSON. Exits 1 when the changed pass does not
// emit exactly the expected number of document.changed events (or the daemon fails), 0
// otherwise; goals missed are reported, not fatal (machines are noisy).
//
// Usage: policyd_bench_pass [--docs N] [--corpus DIR] [--inflight K] [--workers W]
//            [--hosts H] [--server-threads T] [--seed S] [--scale-docs M] [--json FILE]
//            [--keep-log]
#include <gumbo.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "corpus.h"
#include "daemon_process.h"
#include "page_server.h"
#include "percentile.h"
#include "policyd/extract.h"
#include "scale.h"

namespace policyd::bench {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
  std::size_t docs = 1000;
  std::filesystem::path corpus;  // empty: generated pages
  std::size_t inflight = 64;
  int workers = 0;  // 0: one per core, like the daemon's default
  std::size_t hosts = 8;
  int server_threads = 1;
  uint64_t seed = 1;
  std::size_t scale_docs = 100'000;  // 0: skip the scale part
  double change_share = 0.10;
  std::filesystem::path json_path = "bench-pass.json";
  bool keep_log = false;
};

[[noreturn]] void Usage(const std::string& message) {
  std::cerr << "policyd_bench_pass: " << message
            << "\nusage: policyd_bench_pass [--docs N] [--corpus DIR] [--inflight K] "
               "[--workers W] [--hosts H] [--server-threads T] [--seed S] [--scale-docs M] "
               "[--json FILE] [--keep-log]\n";
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(arg + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--docs") {
        options.docs = std::stoul(value());
      } else if (arg == "--corpus") {
        options.corpus = value();
      } else if (arg == "--inflight") {
        options.inflight = std::stoul(value());
      } else if (arg == "--workers") {
        options.workers = std::stoi(value());
      } else if (arg == "--hosts") {
        options.hosts = std::stoul(value());
      } else if (arg == "--server-threads") {
        options.server_threads = std::stoi(value());
      } else if (arg == "--seed") {
        options.seed = std::stoull(value());
      } else if (arg == "--scale-docs") {
        options.scale_docs = std::stoul(value());
      } else if (arg == "--change-share") {
        options.change_share = std::stod(value());
      } else if (arg == "--json") {
        options.json_path = value();
      } else if (arg == "--keep-log") {
        options.keep_log = true;
      } else {
        Usage("unknown option " + arg);
      }
    } catch (const std::logic_error&) {
      Usage("bad value for " + arg);
    }
  }
  if (options.docs == 0 || options.inflight == 0 || options.hosts == 0 || options.hosts > 250)
    Usage("--docs, --inflight and --hosts (1..250) must be positive");
  return options;
}

json Distribution(const std::vector<double>& values) {
  if (values.empty()) return {{"count", 0}};
  double sum = 0;
  for (double v : values) sum += v;
  return {{"count", values.size()},
          {"p50", Percentile(values, 0.50)},
          {"p99", Percentile(values, 0.99)},
          {"max", Percentile(values, 1.0)},
          {"mean", sum / static_cast<double>(values.size())}};
}

// The page index is the number that ends every benchmark document id.
std::optional<std::size_t> IndexOfDoc(const std::string& doc) {
  std::size_t start = doc.size();
  while (start > 0 && std::isdigit(static_cast<unsigned char>(doc[start - 1]))) --start;
  if (start == doc.size()) return std::nullopt;
  return std::stoul(doc.substr(start));
}

std::string DocType(std::size_t index) {
  char text[40];
  std::snprintf(text, sizeof(text), "Privacy Policy %06zu", index);
  return text;
}

// --- Pages and the planned change --------------------------------------------------------

struct PlannedChanges {
  std::map<std::size_t, std::string> pages;  // index -> changed page
  std::vector<std::size_t> order;            // indexes in the order they were chosen
  std::size_t candidates_tried = 0;
  std::size_t candidates_skipped = 0;  // no extractable text, or no edit changed the text
  std::size_t not_versioned = 0;       // dropped: the daemon stored no first version

  // The most recently chosen page still planned.
  std::map<std::size_t, std::string>::iterator order_last() {
    while (!order.empty() && pages.count(order.back()) == 0) order.pop_back();
    return pages.find(order.back());
  }
};

// The text policyd would store for `html` served as UTF-8 HTML (no select/remove: the
// benchmark's targets use the automatic main-content choice).
std::optional<std::string> Extract(const std::string& html) {
  ExtractOptions options;
  options.content_type = "text/html; charset=utf-8";
  ExtractResult result;
  if (!ExtractText(html, options, &result).ok() || result.text.empty()) return std::nullopt;
  return result.text;
}

// Chooses share*N pages (seeded) and an edit for each that really changes the extracted text,
// checked with the daemon's own extractor, so the expected number of document.changed events
// is exact.
PlannedChanges PlanChanges(const std::vector<std::shared_ptr<const std::string>>& pages,
                           double share, uint64_t seed) {
  PlannedChanges plan;
  const auto wanted =
      static_cast<std::size_t>(std::llround(share * static_cast<double>(pages.size())));
  std::vector<std::size_t> order(pages.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::shuffle(order.begin(), order.end(), std::mt19937_64(seed ^ 0x5eed));
  for (std::size_t index : order) {
    if (plan.pages.size() >= wanted) break;
    ++plan.candidates_tried;
    const auto before = Extract(*pages[index]);
    bool done = false;
    for (int attempt = 0; before && attempt < 8 && !done; ++attempt) {
      std::string changed = ChangePage(*pages[index], plan.pages.size() + 1, attempt);
      if (changed.empty()) break;
      const auto after = Extract(changed);
      if (after && *after != *before) {
        plan.pages.emplace(index, std::move(changed));
        plan.order.push_back(index);
        done = true;
      }
    }
    if (!done) ++plan.candidates_skipped;
  }
  return plan;
}

// A small page (about 2 KB of text) whose text is unique to (index, round): processing it
// costs well under a millisecond, so "event time -> receipt" on such pages measures the
// commit, publish and delivery path, not HTML parsing.
std::string ProbePage(std::size_t index, int round) {
  std::string page =
      "<!DOCTYPE html><html><head><title>Probe</title></head><body><main><h1>"
      "Privacy Policy " +
      std::to_string(index) + "</h1>\n";
  for (int p = 0; p < 8; ++p) {
    page += "<p>Probe round " + std::to_string(round) + ", document " + std::to_string(index) +
            ", paragraph " + std::to_string(p) +
            ": we keep your personal data only as long as the purposes described in this "
            "policy require, and delete it afterwards unless the law requires otherwise.</p>\n";
  }
  return page + "</main></body></html>\n";
}

// --- Baselines ---------------------------------------------------------------------------

// Runs `work(i)` for every page index on `threads` threads; returns the wall time in seconds.
template <typename Work>
double ParallelOver(std::size_t count, int threads, Work work) {
  std::atomic<std::size_t> next{0};
  const auto start = Clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      for (std::size_t i = next++; i < count; i = next++) work(i);
    });
  }
  for (auto& thread : pool) thread.join();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double ParseOnlySeconds(const std::vector<std::shared_ptr<const std::string>>& pages, int threads,
                        bool daemon_options) {
  GumboOptions options = kGumboDefaultOptions;
  // The daemon parses with max_errors = 0 (it never reads parse errors); plain gumbo_parse
  // records every error.
  if (daemon_options) options.max_errors = 0;
  return ParallelOver(pages.size(), threads, [&](std::size_t i) {
    GumboOutput* output = gumbo_parse_with_options(&options, pages[i]->data(), pages[i]->size());
    gumbo_destroy_output(&options, output);
  });
}

double ExtractOnlySeconds(const std::vector<std::shared_ptr<const std::string>>& pages,
                          int threads) {
  return ParallelOver(pages.size(), threads, [&](std::size_t i) { (void)Extract(*pages[i]); });
}

// --- Passes ------------------------------------------------------------------------------

constexpr const char* kStages[] = {"queue",   "fetch", "pool_wait", "decode", "parse",
                                   "extract", "hash",  "diff",      "store",  "publish"};

struct Bench {
  Options options;
  DaemonProcess* daemon = nullptr;
  EventCollector* events = nullptr;
  PageServer* server = nullptr;
};

// What a pass is measured by besides the daemon's status, read before and after it.
struct PassCounters {
  ProcStats daemon;
  std::map<std::string, double> daemon_threads;
  ProcStats self;
  PageServer::Counters served;
};

PassCounters ReadPassCounters(const Bench& bench) {
  return {ReadProcStats(bench.daemon->pid()), ReadThreadCpu(bench.daemon->pid()),
          ReadProcStats(getpid()), bench.server->counters()};
}

// The daemon's stage times over the pass (status.stages_us): per stage, in all and per check.
json StageReport(const json& before, const json& after, double* checks, double* stage_sum_us) {
  json stages = json::object();
  *checks = static_cast<double>(after["stages_us"]["checks"].get<int64_t>() -
                                before["stages_us"]["checks"].get<int64_t>());
  *stage_sum_us = 0;
  for (const char* stage : kStages) {
    const double total = static_cast<double>(after["stages_us"][stage].get<int64_t>() -
                                             before["stages_us"][stage].get<int64_t>());
    *stage_sum_us += total;
    stages[stage] = {{"total_ms", total / 1000.0},
                     {"per_check_us", *checks > 0 ? total / *checks : 0.0}};
  }
  return stages;
}

// The events of the pass: counted by type, and three latencies of each as received.
struct PassEvents {
  std::map<std::string, std::size_t> counts;
  std::vector<double> check_latency_ms;    // page requested -> event received
  std::vector<double> delivery_ms;         // check began -> event received
  std::vector<double> commit_delivery_ms;  // committed -> event received
};

PassEvents ReadPassEvents(const Bench& bench, std::size_t first_event) {
  PassEvents events;
  for (const auto& event : bench.events->Since(first_event)) {
    ++events.counts[event.type];
    if (event.time_ms > 0) {
      events.delivery_ms.push_back(static_cast<double>(event.received_us - event.time_ms * 1000) /
                                   1e3);
    }
    if (event.commit_us > 0) {
      events.commit_delivery_ms.push_back(static_cast<double>(event.received_us - event.commit_us) /
                                          1e3);
    }
    const auto index = IndexOfDoc(event.doc);
    if (index && *index < bench.options.docs) {
      const int64_t requested = bench.server->LastRequestMicros(*index);
      if (requested > 0) {
        events.check_latency_ms.push_back(static_cast<double>(event.received_us - requested) / 1e3);
      }
    }
  }
  return events;
}

// Where the daemon's CPU went, per document, by thread name.
json CpuByThread(const std::map<std::string, double>& before,
                 const std::map<std::string, double>& after, std::size_t docs) {
  json cpu_by_thread = json::object();
  for (const auto& [thread, total] : after) {
    const auto before_it = before.find(thread);
    const double used = total - (before_it == before.end() ? 0.0 : before_it->second);
    cpu_by_thread[thread] = {{"cpu_s", used},
                             {"cpu_ms_per_doc", 1e3 * used / static_cast<double>(docs)}};
  }
  return cpu_by_thread;
}

// Asks for a check of every document and waits until all are committed; the daemon's status
// then.
json CheckEverything(const Bench& bench, uint64_t checks_done_before) {
  const json response = bench.daemon->Control({{"cmd", "check"}, {"all", true}});
  if (response.value("ok", false) != true) {
    throw std::runtime_error("check --all refused: " + response.dump());
  }
  const json after =
      bench.daemon->WaitForChecks(checks_done_before + bench.options.docs, std::chrono::minutes(30),
                                  std::chrono::milliseconds(10));
  return after;
}

json RunPass(const Bench& bench, const std::string& name) {
  const std::size_t n = bench.options.docs;
  const json status_before = bench.daemon->Status();
  if (status_before.is_null()) throw std::runtime_error("status failed before pass " + name);
  const PassCounters before = ReadPassCounters(bench);
  const std::size_t events0 = bench.events->size();
  const auto start = Clock::now();
  const json status_after = CheckEverything(bench, status_before["checks_done"].get<uint64_t>());
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const PassCounters after = ReadPassCounters(bench);
  // Every event of the pass is committed; give the subscriber time to read the last ones.
  const uint64_t last_seq = status_after["last_seq"].get<uint64_t>();
  const auto drain_deadline = Clock::now() + std::chrono::seconds(10);
  while (bench.events->last_seq() < last_seq && Clock::now() < drain_deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  double checks = 0;
  double stage_sum_us = 0;
  const json stages = StageReport(status_before, status_after, &checks, &stage_sum_us);
  const PassEvents events = ReadPassEvents(bench, events0);
  const uint64_t bytes = after.served.body_bytes - before.served.body_bytes;
  const double daemon_cpu_s = after.daemon.cpu_seconds - before.daemon.cpu_seconds;
  return {
      {"name", name},
      {"documents", n},
      {"seconds", seconds},
      {"docs_per_s", static_cast<double>(n) / seconds},
      {"body_bytes", bytes},
      {"mb_per_s", static_cast<double>(bytes) / 1e6 / seconds},
      {"responses",
       {{"200", after.served.ok - before.served.ok},
        {"304", after.served.not_modified - before.served.not_modified},
        {"other", after.served.not_found - before.served.not_found}}},
      {"daemon_cpu_s", daemon_cpu_s},
      {"daemon_cpu_share_of_wall", daemon_cpu_s / seconds},
      {"daemon_cpu_by_thread", CpuByThread(before.daemon_threads, after.daemon_threads, n)},
      {"bench_process_cpu_s", after.self.cpu_seconds - before.self.cpu_seconds},
      {"daemon_rss_kb_after", after.daemon.rss_kb},
      {"daemon_peak_rss_kb", after.daemon.peak_rss_kb},
      {"checks_in_stages", checks},
      {"stages", stages},
      {"mean_check_us_from_stages", checks > 0 ? stage_sum_us / checks : 0.0},
      {"events", events.counts},
      {"check_latency_ms_request_to_event", Distribution(events.check_latency_ms)},
      {"event_latency_ms_process_start_to_receipt", Distribution(events.delivery_ms)},
      {"event_latency_ms_commit_to_receipt", Distribution(events.commit_delivery_ms)},
      {"server_connections_total", after.served.connections},
  };
}

// --- Report ------------------------------------------------------------------------------

std::string Fmt(double value, int decimals = 1) {
  char text[64];
  std::snprintf(text, sizeof(text), "%.*f", decimals, value);
  return text;
}

std::string MachineLine(const char* key) {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind(key, 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "";
}

json Machine() {
  std::ifstream meminfo("/proc/meminfo");
  std::string mem_line;
  std::getline(meminfo, mem_line);
  const std::time_t now = std::time(nullptr);
  char date[32];
  std::strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return {{"nproc", std::thread::hardware_concurrency()},
          {"cpu", MachineLine("model name")},
          {"mem_total_kb", std::stoll(mem_line.substr(mem_line.find(':') + 1))},
          {"date", date}};
}

void PrintPass(const json& pass) {
  std::printf("\n[%s] %zu docs in %.2f s: %.1f docs/s, %.1f MB/s; 200=%llu 304=%llu other=%llu\n",
              pass["name"].get<std::string>().c_str(), pass["documents"].get<std::size_t>(),
              pass["seconds"].get<double>(), pass["docs_per_s"].get<double>(),
              pass["mb_per_s"].get<double>(),
              static_cast<unsigned long long>(pass["responses"]["200"].get<uint64_t>()),
              static_cast<unsigned long long>(pass["responses"]["304"].get<uint64_t>()),
              static_cast<unsigned long long>(pass["responses"]["other"].get<uint64_t>()));
  std::printf(
      "  daemon CPU %.2f s (%.0f%% of one core over the pass), bench process CPU %.2f s, "
      "RSS %.1f MB, peak %.1f MB\n",
      pass["daemon_cpu_s"].get<double>(), 100 * pass["daemon_cpu_share_of_wall"].get<double>(),
      pass["bench_process_cpu_s"].get<double>(), pass["daemon_rss_kb_after"].get<double>() / 1024,
      pass["daemon_peak_rss_kb"].get<double>() / 1024);
  std::printf("  daemon CPU per document by thread (ms):");
  for (const auto& [thread, used] : pass["daemon_cpu_by_thread"].items())
    std::printf(" %s=%s", thread.c_str(), Fmt(used["cpu_ms_per_doc"].get<double>(), 2).c_str());
  std::printf("\n  stages per check (us):");
  for (const char* stage : kStages)
    std::printf(" %s=%s", stage,
                Fmt(pass["stages"][stage]["per_check_us"].get<double>(), 0).c_str());
  std::printf("\n  events:");
  for (const auto& [type, count] : pass["events"].items())
    std::printf(" %s=%zu", type.c_str(), count.get<std::size_t>());
  const json& latency = pass["check_latency_ms_request_to_event"];
  const json& delivery = pass["event_latency_ms_process_start_to_receipt"];
  const json& commit_delivery = pass["event_latency_ms_commit_to_receipt"];
  if (commit_delivery["count"].get<std::size_t>() > 0) {
    std::printf("\n  event delivery (commit_us -> received) p50 %s ms, p99 %s ms",
                Fmt(commit_delivery["p50"].get<double>(), 2).c_str(),
                Fmt(commit_delivery["p99"].get<double>(), 2).c_str());
  }
  if (latency["count"].get<std::size_t>() > 0) {
    std::printf("\n  check latency (server request -> event received) p50 %s ms, p99 %s ms",
                Fmt(latency["p50"].get<double>(), 2).c_str(),
                Fmt(latency["p99"].get<double>(), 2).c_str());
    std::printf(
        "\n  event latency (event time = processing start, ms precision -> received) "
        "p50 %s ms, p99 %s ms",
        Fmt(delivery["p50"].get<double>(), 2).c_str(),
        Fmt(delivery["p99"].get<double>(), 2).c_str());
  }
  std::printf("\n");
}

using Pages = std::vector<std::shared_ptr<const std::string>>;

// The benchmark's pages (generated, or read from a corpus) and the report's "corpus" part.
Pages LoadPages(const Options& options, int workers, json* report) {
  const auto load_start = Clock::now();
  std::vector<std::string> raw;
  if (options.corpus.empty()) {
    raw.reserve(options.docs);
    for (std::size_t i = 0; i < options.docs; ++i)
      raw.push_back(GeneratePolicyPage(i, options.seed));
  } else {
    raw = LoadCorpus(options.corpus, options.docs, options.seed);
  }
  Pages pages;
  for (auto& page : raw) pages.push_back(std::make_shared<const std::string>(std::move(page)));
  uint64_t corpus_bytes = 0;
  std::vector<double> sizes;
  for (const auto& page : pages) {
    corpus_bytes += page->size();
    sizes.push_back(static_cast<double>(page->size()) / 1024.0);
  }
  (*report)["corpus"] = {
      {"pages", pages.size()},
      {"bytes", corpus_bytes},
      {"page_kb", Distribution(sizes)},
      {"load_seconds", std::chrono::duration<double>(Clock::now() - load_start).count()}};
  std::printf(
      "policyd pass benchmark: %zu pages (%s), %.1f MB, median %.0f KB; %d workers, "
      "%zu in flight, %zu hosts\n",
      pages.size(), (*report)["options"]["corpus"].get<std::string>().c_str(),
      static_cast<double>(corpus_bytes) / 1e6, Percentile(sizes, 0.5), workers, options.inflight,
      options.hosts);
  return pages;
}

// The daemon's config for the passes: nothing is due until the benchmark asks for a pass (so
// pass 1 is timed from the request, not from start-up), no politeness delay, everything on
// loopback.
std::string PassConfig(const Options& options, int workers) {
  return "default_interval = \"30d\"\n"
         "first_check_window = \"30d\"\n"
         "per_host_delay = \"0ms\"\n"
         "allow_private_addresses = true\n"
         "max_concurrency = " +
         std::to_string(options.inflight) + "\n" +
         "per_host_concurrency = " + std::to_string(options.inflight) + "\n" +
         "worker_threads = " + std::to_string(workers) + "\n" +
         "log_level = \"info\"\n"
         // The latency probe replaces every page by a small one: without this, the error-page
         // guard would hold those shrunken texts back. Passes 1-3 never shrink a text.
         "shrink_guard = 0.0\n";
}

// One target file per 100 documents, each document's page on its host (round-robin).
void WriteTargets(const DaemonProcess& daemon, const PageServer& server, std::size_t pages,
                  std::size_t hosts) {
  for (std::size_t file = 0; file * 100 < pages; ++file) {
    std::ofstream out(daemon.targets_dir() / ("bench-" + std::to_string(file) + ".toml"));
    char name[40];
    std::snprintf(name, sizeof(name), "Bench Platform %04zu", file);
    out << "name = \"" << name << "\"\n";
    for (std::size_t i = file * 100; i < std::min(pages, (file + 1) * 100); ++i) {
      out << "\n[[documents]]\ntype = \"" << DocType(i) << "\"\nurl = \""
          << server.BaseUrl(i % hosts) << "/p/" << i << "\"\n";
    }
  }
}

// Keeps the first `wanted` planned changes among the pages the first pass versioned (in the
// plan's seeded choice order): a page the daemon refused to version cannot change.
void KeepVersionedChanges(const EventCollector& events, std::size_t wanted, PlannedChanges* plan,
                          json* report) {
  std::set<std::size_t> versioned;
  for (const auto& event : events.Since(0)) {
    const auto index = IndexOfDoc(event.doc);
    if (event.type == "document.first_seen" && index) versioned.insert(*index);
  }
  (*report)["first_pass_versioned"] = versioned.size();
  for (auto it = plan->pages.begin(); it != plan->pages.end();) {
    if (versioned.count(it->first) == 0) {
      ++plan->not_versioned;
      it = plan->pages.erase(it);
    } else {
      ++it;
    }
  }
  while (plan->pages.size() > wanted) plan->pages.erase(plan->order_last());
  (*report)["planned_changes"]["pages"] = plan->pages.size();
  (*report)["planned_changes"]["not_versioned_in_first_pass"] = plan->not_versioned;
}

// The four passes (full, not_modified, changed, latency_probe) against one daemon, then its
// memory, disk and stop. The passes' reports go to *passes, the daemon's to the report;
// false (after printing why and the daemon's log) when the daemon does not start or a pass
// fails.
bool RunDaemonPasses(const Options& options, const Pages& pages, std::size_t wanted,
                     const std::string& config, PageServer* server, PlannedChanges* plan,
                     json* report, json* passes) {
  DaemonProcess daemon(config);
  WriteTargets(daemon, *server, pages.size(), options.hosts);
  const auto startup = daemon.Start();
  if (startup.count() < 0) {
    std::cerr << "policyd did not start:\n" << daemon.Log();
    return false;
  }
  (*report)["daemon_startup_ms"] = static_cast<double>(startup.count()) / 1000.0;
  (*report)["daemon_rss_kb_after_startup"] = ReadProcStats(daemon.pid()).rss_kb;
  EventCollector events(daemon.events_socket());
  Bench bench{options, &daemon, &events, server};
  uint64_t database_bytes_after_passes = 0;
  const auto run = [&](const char* name) {
    passes->push_back(RunPass(bench, name));
    PrintPass(passes->back());
  };
  try {
    run("full");
    run("not_modified");
    KeepVersionedChanges(events, wanted, plan, report);
    for (const auto& [index, page] : plan->pages) {
      server->SetPage(index, std::make_shared<const std::string>(page),
                      "\"v2-" + std::to_string(index) + "\"");
    }
    run("changed");
    database_bytes_after_passes = DirectoryBytes(daemon.state_dir());
    // Latency probe: every page becomes a small new version, so each check commits an event
    // almost as soon as it is fetched.
    for (std::size_t i = 0; i < pages.size(); ++i) {
      server->SetPage(i, std::make_shared<const std::string>(ProbePage(i, 1)),
                      "\"probe-" + std::to_string(i) + "\"");
    }
    run("latency_probe");
  } catch (const std::exception& error) {
    std::cerr << "benchmark failed: " << error.what() << "\n" << daemon.Log();
    return false;
  }
  const json status = daemon.Status();
  const ProcStats stats = ReadProcStats(daemon.pid());
  (*report)["daemon"] = {
      {"peak_rss_kb", stats.peak_rss_kb},
      {"rss_kb_end", stats.rss_kb},
      {"database_bytes_status", status.is_null() ? json() : status["database_bytes"]},
      {"state_dir_bytes_after_three_passes", database_bytes_after_passes},
      {"state_dir_bytes_after_probe", DirectoryBytes(daemon.state_dir())},
      {"failing", status.is_null() ? json() : status["failing"]},
      {"subscriber_failed", events.failed()}};
  const auto stop_start = Clock::now();
  (*report)["daemon"]["stop_exit_code"] = daemon.Stop();
  (*report)["daemon"]["stop_ms"] =
      std::chrono::duration<double, std::milli>(Clock::now() - stop_start).count();
  (*report)["daemon"]["state_dir_bytes_after_stop"] = DirectoryBytes(daemon.state_dir());
  if (options.keep_log) std::ofstream(options.json_path.string() + ".daemon.log") << daemon.Log();
  return true;
}

// Parse-only and extract-only over exactly the bytes of the first pass, same thread count,
// after the daemon has stopped (so the two do not compete for the cores), and the first
// pass's ratios to them (report["baseline"]).
// Each baseline runs twice, interleaved with the others, and keeps its faster run (with its
// CPU, read around it): a single run was measured 10-30% off on this shared machine, and the
// first run of a fresh process over its threads' malloc arenas pays page faults that a
// long-running daemon has long paid.
void RunBaselines(const Pages& pages, int workers, const json& first_pass, json* report) {
  struct Timed {
    double seconds = 1e300;
    double cpu_seconds = 0;
  };
  const auto keep_faster = [](Timed* best, const auto& run) {
    const double cpu_before = ReadProcStats(getpid()).cpu_seconds;
    const double seconds = run();
    if (seconds < best->seconds) {
      *best = {seconds, ReadProcStats(getpid()).cpu_seconds - cpu_before};
    }
  };
  Timed parse_run;
  Timed plain_run;
  Timed extract_run;
  for (int round = 0; round < 2; ++round) {
    keep_faster(&parse_run, [&] { return ParseOnlySeconds(pages, workers, true); });
    keep_faster(&plain_run, [&] { return ParseOnlySeconds(pages, workers, false); });
    keep_faster(&extract_run, [&] { return ExtractOnlySeconds(pages, workers); });
  }
  const double parse_s = parse_run.seconds;
  const double parse_plain_s = plain_run.seconds;
  const double extract_s = extract_run.seconds;
  const double n = static_cast<double>(pages.size());
  const double parse_cpu_ms = 1e3 * parse_run.cpu_seconds / n;
  const double extract_cpu_ms = 1e3 * extract_run.cpu_seconds / n;
  const double daemon_cpu_ms = 1e3 * first_pass["daemon_cpu_s"].get<double>() / n;
  const double mb = static_cast<double>((*report)["corpus"]["bytes"].get<uint64_t>()) / 1e6;
  const double full_docs_per_s = first_pass["docs_per_s"].get<double>();
  (*report)["baseline"] = {{"threads", workers},
                           {"parse_only_docs_per_s", n / parse_s},
                           {"parse_only_mb_per_s", mb / parse_s},
                           {"parse_only_plain_gumbo_docs_per_s", n / parse_plain_s},
                           {"extract_only_docs_per_s", n / extract_s},
                           {"extract_only_mb_per_s", mb / extract_s},
                           {"full_pass_over_parse_only", full_docs_per_s / (n / parse_s)},
                           {"full_pass_over_plain_gumbo", full_docs_per_s / (n / parse_plain_s)},
                           {"full_pass_over_extract_only", full_docs_per_s / (n / extract_s)},
                           {"cpu_ms_per_doc",
                            {{"parse_only", parse_cpu_ms},
                             {"extract_only", extract_cpu_ms},
                             {"daemon_first_pass", daemon_cpu_ms},
                             {"daemon_beyond_extraction", daemon_cpu_ms - extract_cpu_ms}}}};
  std::printf(
      "\nbaseline on %d threads over the same %.1f MB: Gumbo parse-only (daemon options) "
      "%.1f docs/s = %.1f MB/s; plain gumbo_parse %.1f docs/s; full extraction %.1f docs/s"
      "\n  full pass / parse-only = %.2f; full pass / extraction-only = %.2f\n",
      workers, mb, n / parse_s, mb / parse_s, n / parse_plain_s, n / extract_s,
      full_docs_per_s / (n / parse_s), full_docs_per_s / (n / extract_s));
  std::printf(
      "  CPU per document: parse-only %.1f ms, extraction-only %.1f ms, daemon first pass %.1f "
      "ms (%.1f ms beyond extraction: fetch, decode, hash, store, publish, RocksDB)\n",
      parse_cpu_ms, extract_cpu_ms, daemon_cpu_ms, daemon_cpu_ms - extract_cpu_ms);
}

// --scale-docs: start-up, restart and the scheduler at that many documents (report["scale"],
// report["scheduler"]).
void RunScale(const Options& options, const PageServer& server, json* report) {
  (*report)["scale"] = RunStartupScale(options.scale_docs, server.BaseUrl(0));
  (*report)["scheduler"] = RunSchedulerBench(options.scale_docs);
  const json& scaled = (*report)["scale"]["scaled"];
  if (scaled.contains("startup_ms")) {
    std::printf(
        "\nscale: %zu documents: startup %.0f ms (%.2f s CPU), RSS %.1f MB, "
        "%.0f bytes RSS per document\n",
        options.scale_docs, scaled["startup_ms"].get<double>(),
        scaled["startup_cpu_s"].get<double>(), scaled["rss_kb"].get<double>() / 1024,
        (*report)["scale"].value("rss_bytes_per_document", 0.0));
  } else {
    std::printf("\nscale: %s\n", scaled.dump().c_str());
  }
  const json& restart = scaled.value("restart", json::object());
  if (restart.contains("startup_ms")) {
    std::printf(
        "scale: restart with %zu stored states: startup %.0f ms (%.2f s CPU), RSS %.1f MB, "
        "%.0f bytes RSS per document (states stored in %.1f s; restored: %s)\n",
        options.scale_docs, restart["startup_ms"].get<double>(),
        restart["startup_cpu_s"].get<double>(), restart["rss_kb"].get<double>() / 1024,
        (*report)["scale"].value("restart_rss_bytes_per_document", 0.0),
        restart["storing_states_s"].get<double>(),
        restart.value("stored_state_restored", false) ? "yes" : "NO");
  } else if (!restart.empty()) {
    std::printf("scale: restart: %s\n", restart.dump().c_str());
  }
  if (const json reload = restart.value("reload", json::object()); reload.contains("reload_ms")) {
    std::printf(
        "scale: reload of %zu documents: %.0f ms (%s); meanwhile %zu status answers, the "
        "longest %.0f ms (%.2f of the reload)\n",
        options.scale_docs, reload["reload_ms"].get<double>(),
        reload.value("reload_ok", false) ? "ok" : "FAILED",
        reload.value("status_answers_during_reload", std::size_t{0}),
        reload["longest_status_ms"].get<double>(), reload.value("longest_status_per_reload", 0.0));
  }
  if (const json changes = restart.value("add_and_remove", json::object());
      changes.contains("add_median_ms")) {
    std::printf(
        "scale: run-time add %.1f ms, remove %.1f ms (medians of 10%s); show of one document "
        "%.2f ms: add %.1fx, remove %.1fx a show\n",
        changes["add_median_ms"].get<double>(), changes["remove_median_ms"].get<double>(),
        changes.value("all_ok", false) ? "" : ", SOME FAILED",
        changes["show_median_ms"].get<double>(), changes.value("add_per_show", 0.0),
        changes.value("remove_per_show", 0.0));
  }
  const json& sched = (*report)["scheduler"];
  std::printf(
      "scheduler over %zu docs: upsert %.0f ns, NextDueMs %.0f ns, PopDue %.0f ns/doc, "
      "Complete %.0f ns, decision (pop+complete) %.0f ns, CheckNow %.0f ns, "
      "%.0f heap bytes/doc\n",
      options.scale_docs, sched["upsert_new_ns"].get<double>(), sched["next_due_ns"].get<double>(),
      sched["pop_due_ns_per_document"].get<double>(), sched["complete_ns"].get<double>(),
      sched["decision_ns"].get<double>(), sched["check_now_ns"].get<double>(),
      sched["heap_bytes_per_document"].get<double>());
}

// The document.changed events of the changed pass.
std::size_t ChangedEvents(const json& passes) {
  const json& changed = passes[2];
  return changed["events"].contains("document.changed")
             ? changed["events"]["document.changed"].get<std::size_t>()
             : 0;
}

class GoalList {
 public:
  void Add(const std::string& what, const std::string& target, const std::string& measured,
           bool met) {
    goals_.push_back({{"goal", what}, {"target", target}, {"measured", measured}, {"met", met}});
  }
  json release() { return std::move(goals_); }

 private:
  json goals_ = json::array();
};

// Issue 19 item 4: one node's ceiling, measured at --scale-docs 1000000.
void AddScaleGoals(const Options& options, const json& report, GoalList* goals) {
  const std::string docs = std::to_string(options.scale_docs);
  if (report.contains("scale") && report["scale"]["scaled"].contains("startup_ms")) {
    const double startup_ms = report["scale"]["scaled"]["startup_ms"].get<double>();
    goals->Add("startup with " + docs + " documents", "<= 2000 ms", Fmt(startup_ms, 0) + " ms",
               startup_ms <= 2000);
    const double per_document = report["scale"].value("rss_bytes_per_document", 0.0);
    goals->Add("RSS per idle document (" + docs + " documents)", "<= 1024 B",
               Fmt(per_document, 0) + " B", per_document <= 1024);
  }
  if (report.contains("scale") && report["scale"]["scaled"].contains("restart") &&
      report["scale"]["scaled"]["restart"].contains("startup_ms")) {
    const json& restart = report["scale"]["scaled"]["restart"];
    const double startup_ms = restart["startup_ms"].get<double>();
    const bool restored = restart.value("stored_state_restored", false);
    goals->Add("restart with " + docs + " stored states", "<= 2000 ms, states restored",
               Fmt(startup_ms, 0) + " ms" + (restored ? "" : ", states NOT restored"),
               restored && startup_ms <= 2000);
    const double per_document = report["scale"].value("restart_rss_bytes_per_document", 0.0);
    goals->Add("RSS per idle checked document (" + docs + " documents)", "<= 1024 B",
               Fmt(per_document, 0) + " B", per_document <= 1024);
  }
  if (report.contains("scheduler")) {
    const double decision_ns = report["scheduler"]["decision_ns"].get<double>();
    goals->Add("scheduler decision, PopDue + Complete (" + docs + " documents)", "< 10 us",
               Fmt(decision_ns / 1000, 2) + " us", decision_ns < 10'000);
  }
}

// The goals, each with its target, what was measured and whether it is met.
json Goals(const Options& options, const json& report, const json& passes,
           std::size_t planned_changes) {
  const json& full = passes[0];
  const json& not_modified = passes[1];
  const double cpu_share = not_modified["daemon_cpu_s"].get<double>() /
                           std::max(1e-9, full["daemon_cpu_s"].get<double>());
  // Event delivery: commit -> receipt when the daemon stamps commits; otherwise the probe
  // pass's "event time -> receipt", an upper bound (it adds the processing of a 2 KB page and
  // up to 1 ms of truncation of "time").
  const json& probe = passes[3];
  const bool exact = probe["event_latency_ms_commit_to_receipt"]["count"].get<std::size_t>() > 0;
  const json& delivery = exact ? probe["event_latency_ms_commit_to_receipt"]
                               : probe["event_latency_ms_process_start_to_receipt"];
  const double delivery_p99 =
      delivery["count"].get<std::size_t>() > 0 ? delivery["p99"].get<double>() : 1e9;
  GoalList goals;
  const double ratio = report["baseline"]["full_pass_over_parse_only"].get<double>();
  goals.Add("first pass vs Gumbo parse-only", ">= 0.75", Fmt(ratio, 2), ratio >= 0.75);
  const double peak_mb = report["daemon"]["peak_rss_kb"].get<double>() / 1024;
  goals.Add("daemon peak RSS (" + std::to_string(options.docs) + " docs, " +
                std::to_string(options.inflight) + " in flight)",
            "< 150 MB", Fmt(peak_mb) + " MB", peak_mb < 150);
  goals.Add(exact ? "event delivery p99 (commit -> subscriber)"
                  : "event delivery p99 (probe pass, upper bound)",
            "< 10 ms", Fmt(delivery_p99, 2) + " ms", delivery_p99 < 10);
  goals.Add("304 pass CPU / first pass CPU", "<= 0.10", Fmt(cpu_share, 3), cpu_share <= 0.10);
  const std::size_t changed_events = ChangedEvents(passes);
  goals.Add("document.changed events in the changed pass", std::to_string(planned_changes),
            std::to_string(changed_events), changed_events == planned_changes);
  AddScaleGoals(options, report, &goals);
  return goals.release();
}

void PrintGoals(const json& goals) {
  std::printf("\ngoals:\n");
  for (const auto& g : goals) {
    std::printf("  %-4s %-60s target %-10s measured %s\n", g["met"].get<bool>() ? "MET" : "MISS",
                g["goal"].get<std::string>().c_str(), g["target"].get<std::string>().c_str(),
                g["measured"].get<std::string>().c_str());
  }
}

int Main(int argc, char** argv) {
  // Progress should show as it happens even when stdout is a file or a pipe.
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const Options options = ParseOptions(argc, argv);
  const int workers = options.workers > 0
                          ? options.workers
                          : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  json report = {{"machine", Machine()},
                 {"options",
                  {{"docs", options.docs},
                   {"corpus", options.corpus.empty() ? "generated" : options.corpus.string()},
                   {"inflight", options.inflight},
                   {"workers", workers},
                   {"hosts", options.hosts},
                   {"server_threads", options.server_threads},
                   {"seed", options.seed}}}};
  const Pages pages = LoadPages(options, workers, &report);

  // Twice the changes needed: a page the daemon refuses to version in the first pass (error-
  // page guard, empty text) cannot emit document.changed; the first `wanted` planned pages
  // that did get a version are changed.
  const auto wanted = static_cast<std::size_t>(
      std::llround(options.change_share * static_cast<double>(pages.size())));
  PlannedChanges plan = PlanChanges(pages, 2 * options.change_share, options.seed);
  report["planned_changes"] = {{"wanted", wanted},
                               {"candidates_planned", plan.pages.size()},
                               {"candidates_tried", plan.candidates_tried},
                               {"candidates_skipped", plan.candidates_skipped}};

  // Origin server on 127.0.0.1..127.0.0.H, one page per document, round-robin over hosts.
  std::vector<std::string> addresses;
  for (std::size_t h = 1; h <= options.hosts; ++h) {
    addresses.push_back("127.0.0." + std::to_string(h));
  }
  PageServer server(addresses, pages.size(), options.server_threads);
  for (std::size_t i = 0; i < pages.size(); ++i) {
    server.SetPage(i, pages[i], "\"v1-" + std::to_string(i) + "\"");
  }
  json passes = json::array();
  if (!RunDaemonPasses(options, pages, wanted, PassConfig(options, workers), &server, &plan,
                       &report, &passes)) {
    return 1;
  }
  report["passes"] = passes;
  RunBaselines(pages, workers, passes[0], &report);
  if (options.scale_docs > 0) RunScale(options, server, &report);

  report["goals"] = Goals(options, report, passes, plan.pages.size());
  PrintGoals(report["goals"]);
  int exit_code = 0;
  if (const std::size_t changed_events = ChangedEvents(passes);
      changed_events != plan.pages.size()) {
    std::fprintf(stderr, "FAIL: expected %zu document.changed events, received %zu\n",
                 plan.pages.size(), changed_events);
    exit_code = 1;
  }
  std::ofstream(options.json_path) << report.dump(2) << "\n";
  std::printf("\nJSON report: %s\n", options.json_path.c_str());
  return exit_code;
}

}  // namespace
}  // namespace policyd::bench

int main(int argc, char** argv) {
  try {
    return policyd::bench::Main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "policyd_bench_pass: %s\n", error.what());
    return 1;
  }
}

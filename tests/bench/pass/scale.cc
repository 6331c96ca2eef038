#include "scale.h"

#include <malloc.h>

#include <chrono>
#include <cstdio>
#include <fstream>

#include "daemon_process.h"
#include "policyd/scheduler.h"

namespace policyd::bench {

namespace {

using Clock = std::chrono::steady_clock;

double NanosPer(Clock::time_point start, std::size_t operations) {
  const auto elapsed = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
  return operations == 0 ? 0.0 : elapsed / static_cast<double>(operations);
}

std::string ScaleConfig() {
  // Nothing is due for a year: the daemon only loads, schedules and waits.
  return "default_interval = \"300d\"\n"
         "first_check_window = \"300d\"\n"
         "allow_private_addresses = true\n"
         "log_level = \"warn\"\n";
}

void WriteTargets(DaemonProcess& daemon, std::size_t docs, const std::string& base_url) {
  const std::size_t per_file = 100;
  for (std::size_t file = 0; file * per_file < docs; ++file) {
    std::ofstream out(daemon.targets_dir() / ("platform-" + std::to_string(file) + ".toml"));
    out << "name = \"" << ScalePlatformName(file) << "\"\n";
    for (std::size_t i = file * per_file; i < std::min(docs, (file + 1) * per_file); ++i) {
      out << "\n[[documents]]\ntype = \"" << ScaleDocType(i) << "\"\nurl = \"" << base_url << "/p/"
          << i << "\"\n";
    }
  }
}

nlohmann::json StartAndMeasure(std::size_t docs, const std::string& base_url) {
  DaemonProcess daemon(ScaleConfig());
  WriteTargets(daemon, docs, base_url);
  const auto startup = daemon.Start(std::chrono::seconds(120));
  nlohmann::json result = {{"documents", docs}};
  if (startup.count() < 0) {
    result["error"] = "policyd did not start: " + daemon.Log();
    return result;
  }
  const ProcStats stats = ReadProcStats(daemon.pid());
  const nlohmann::json status = daemon.Status();
  result["startup_ms"] = static_cast<double>(startup.count()) / 1000.0;
  result["rss_kb"] = stats.rss_kb;
  result["peak_rss_kb"] = stats.peak_rss_kb;
  result["startup_cpu_s"] = stats.cpu_seconds;
  result["documents_reported"] = status.is_null() ? nlohmann::json() : status["documents"];
  result["stop_exit_code"] = daemon.Stop();
  return result;
}

}  // namespace

std::string ScalePlatformName(std::size_t file) {
  char name[32];
  std::snprintf(name, sizeof(name), "Platform %05zu", file);
  return name;
}

std::string ScaleDocType(std::size_t doc) { return "Terms of Service " + std::to_string(doc); }

nlohmann::json RunStartupScale(std::size_t docs, const std::string& base_url) {
  nlohmann::json one = StartAndMeasure(1, base_url);
  nlohmann::json many = StartAndMeasure(docs, base_url);
  nlohmann::json result = {{"baseline", one}, {"scaled", many}};
  if (one.contains("rss_kb") && many.contains("rss_kb") && docs > 1) {
    result["rss_bytes_per_document"] =
        (many["rss_kb"].get<double>() - one["rss_kb"].get<double>()) * 1024.0 /
        static_cast<double>(docs - 1);
  }
  return result;
}

nlohmann::json RunSchedulerBench(std::size_t docs) {
  // The scheduler knows documents by handle (the daemon's document table index); ids live in
  // that table, not here.
  const auto handles = static_cast<DocHandle>(docs);
  const int64_t now = 1'800'000'000'000;
  const auto interval = std::chrono::hours(24);
  const int64_t interval_ms = 24 * 3600 * 1000;

  // In use: small chunks plus mmap()ed ones (the queue's and the entries' arrays are those).
  const auto heap_in_use = [] {
    const struct mallinfo2 info = mallinfo2();
    return info.uordblks + info.hblkhd;
  };
  const std::size_t heap_before = heap_in_use();
  Scheduler scheduler(ScheduleOptions{.jitter = 0.1,
                                      .first_check_window = std::chrono::hours(24),
                                      .retry_base = std::chrono::minutes(1)},
                      42);
  auto start = Clock::now();
  for (DocHandle doc = 0; doc < handles; ++doc) scheduler.Upsert(doc, interval, 0, now);
  const double upsert_new_ns = NanosPer(start, docs);
  const std::size_t heap_after = heap_in_use();

  start = Clock::now();
  for (DocHandle doc = 0; doc < handles; ++doc) scheduler.Upsert(doc, interval, 0, now);
  const double upsert_existing_ns = NanosPer(start, docs);

  start = Clock::now();
  int64_t sink = 0;
  for (std::size_t i = 0; i < docs; ++i) sink += scheduler.NextDueMs().value_or(0);
  const double next_due_ns = NanosPer(start, docs);

  // One full day of the daemon's loop: pop what is due in batches of 128 (the daemon's
  // 2 x max_concurrency), complete each check with its next due time.
  const int64_t later = now + interval_ms;
  double pop_ns_total = 0;
  double complete_ns_total = 0;
  std::size_t popped = 0;
  for (;;) {
    auto pop_start = Clock::now();
    const auto batch = scheduler.PopDue(later, 128);
    pop_ns_total += std::chrono::duration<double, std::nano>(Clock::now() - pop_start).count();
    if (batch.empty()) break;
    popped += batch.size();
    auto complete_start = Clock::now();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      scheduler.Complete(batch[i], later + interval_ms + static_cast<int64_t>(popped + i));
    }
    complete_ns_total +=
        std::chrono::duration<double, std::nano>(Clock::now() - complete_start).count();
  }

  start = Clock::now();
  for (DocHandle doc = 0; doc < handles; ++doc) scheduler.CheckNow(doc, later);
  const double check_now_ns = NanosPer(start, docs);

  return {{"documents", docs},
          {"upsert_new_ns", upsert_new_ns},
          {"upsert_existing_ns", upsert_existing_ns},
          {"next_due_ns", next_due_ns},
          {"pop_due_ns_per_document", popped ? pop_ns_total / static_cast<double>(popped) : 0.0},
          {"complete_ns", popped ? complete_ns_total / static_cast<double>(popped) : 0.0},
          {"decision_ns",
           popped ? (pop_ns_total + complete_ns_total) / static_cast<double>(popped) : 0.0},
          {"check_now_ns", check_now_ns},
          {"popped", popped},
          {"heap_bytes_per_document",
           static_cast<double>(heap_after - heap_before) / static_cast<double>(docs)},
          {"checksum", sink % 7}};
}

}  // namespace policyd::bench

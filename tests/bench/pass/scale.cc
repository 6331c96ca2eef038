#include "scale.h"

#include <malloc.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>
#include <variant>
#include <vector>

#include "daemon_process.h"
#include "percentile.h"
#include "policyd/config.h"
#include "policyd/scheduler.h"
#include "policyd/sha256.h"
#include "policyd/store.h"

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

constexpr std::size_t kDocsPerFile = 100;

void WriteTargets(DaemonProcess& daemon, std::size_t docs, const std::string& base_url) {
  const std::size_t per_file = kDocsPerFile;
  for (std::size_t file = 0; file * per_file < docs; ++file) {
    std::ofstream out(daemon.targets_dir() / ("platform-" + std::to_string(file) + ".toml"));
    out << "name = \"" << ScalePlatformName(file) << "\"\n";
    for (std::size_t i = file * per_file; i < std::min(docs, (file + 1) * per_file); ++i) {
      out << "\n[[documents]]\ntype = \"" << ScaleDocType(i) << "\"\nurl = \"" << base_url << "/p/"
          << i << "\"\n";
    }
  }
}

std::string ScaleDocumentId(std::size_t doc) {
  return MakeDocumentId(ScalePlatformName(doc / kDocsPerFile), ScaleDocType(doc));
}

// What a checked document's stored state looks like: a version's hash, validators, the
// check times; due again within the 300 days of ScaleConfig, so nothing is fetched.
DocState CheckedState(std::size_t doc, int64_t now_ms) {
  constexpr int64_t kDayMs = 24 * 3600 * 1000;
  DocState state;
  state.last_text_hash = Sha256Hex("text of document " + std::to_string(doc));
  state.etag = "\"" + state.last_text_hash.substr(0, 16) + "\"";
  state.last_modified = "Tue, 01 Dec 2026 10:00:00 GMT";
  state.next_due_ms = now_ms + kDayMs + static_cast<int64_t>(doc % 200) * kDayMs;
  state.last_check_ms = now_ms - static_cast<int64_t>(doc % 1000) * 1000;
  state.last_success_ms = state.last_check_ms;
  state.last_change_ms = state.last_check_ms - 30 * kDayMs;
  state.version_count = 1 + doc % 5;
  state.render_choice = RenderChoice::kStatic;
  state.render_tested_ms = state.last_check_ms;
  return state;
}

// Stores a checked state for each of the `docs` documents of WriteTargets in the (stopped)
// daemon's store, as the daemon would have after checking them all. Returns the seconds it
// took, or an error message.
std::variant<double, std::string> StoreCheckedStates(const DaemonProcess& daemon,
                                                     std::size_t docs) {
  const auto start = Clock::now();
  StoreOptions options;
  options.sync_on_version = false;
  auto store = Store::Open(daemon.state_dir() / "db", options);  // the daemon's store
  if (!store.ok()) return "opening the store: " + store.status().ToString();
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  for (std::size_t doc = 0; doc < docs; ++doc) {
    const std::string id = ScaleDocumentId(doc);
    if (Status s = (*store)->PutDocState(id, CheckedState(doc, now_ms)); !s.ok()) {
      return "storing the state of " + id + ": " + s.ToString();
    }
  }
  // As a daemon that ran for a while: its states in sorted tables, not in the write-ahead log.
  if (Status s = (*store)->CompactForTest(); !s.ok()) return "compacting: " + s.ToString();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Whether the running daemon shows the state stored for the last document (its text hash and
// version count): a restart that lost the states must not pass for a fast one.
bool ShowsStoredState(const DaemonProcess& daemon, std::size_t docs) {
  const std::size_t last = docs - 1;
  const nlohmann::json shown = daemon.Control({{"cmd", "show"}, {"doc", ScaleDocumentId(last)}});
  const DocState stored = CheckedState(last, 0);
  const nlohmann::json* result = shown.contains("result") ? &shown["result"] : nullptr;
  return result != nullptr && result->value("current_hash", "") == stored.last_text_hash &&
         result->value("versions", uint64_t{0}) == stored.version_count;
}

// A reload of every target file (`policyctl reload`) while another client asks `status`
// again and again: how long the reload took, and the longest the event loop kept a `status`
// waiting meanwhile. The reload is its own baseline: a loop that waited for the whole read
// would answer in about the reload's time (ratio ~1).
nlohmann::json MeasureReload(const DaemonProcess& daemon) {
  std::atomic<bool> done = false;
  nlohmann::json answer;
  int64_t reload_us = 0;
  std::thread reload([&] {
    const int64_t start = UnixMicros();
    answer = daemon.Control({{"cmd", "reload"}});
    reload_us = UnixMicros() - start;
    done = true;
  });
  int64_t longest_status_us = 0;
  std::size_t answers = 0;
  while (!done) {
    const int64_t start = UnixMicros();
    const bool answered = !daemon.Status().is_null();
    const int64_t took = UnixMicros() - start;
    if (answered) ++answers;
    longest_status_us = std::max(longest_status_us, took);
  }
  reload.join();
  nlohmann::json result = {{"reload_ms", static_cast<double>(reload_us) / 1000.0},
                           {"reload_ok", answer.value("ok", false)},
                           {"status_answers_during_reload", answers},
                           {"longest_status_ms", static_cast<double>(longest_status_us) / 1000.0}};
  if (reload_us > 0) {
    result["longest_status_per_reload"] =
        static_cast<double>(longest_status_us) / static_cast<double>(reload_us);
  }
  return result;
}

// `policyctl add` and `remove` at run time, ten of each, one after another: their median
// answer time against the median `show` of one document of the same daemon, asked the same
// way just before (the baseline: a command about one document, through the control socket,
// the event loop and the store; `status` is no baseline, it counts over every document).
nlohmann::json MeasureAddAndRemove(const DaemonProcess& daemon, const std::string& base_url,
                                   const std::string& shown_doc) {
  constexpr int kTimes = 10;
  // Each answer's time in milliseconds.
  const auto timed = [&daemon](const nlohmann::json& request, std::vector<double>* samples) {
    const int64_t start = UnixMicros();
    const nlohmann::json answer = daemon.Control(request);
    samples->push_back(static_cast<double>(UnixMicros() - start) / 1000.0);
    return answer.value("ok", false);
  };
  std::vector<double> show_ms, add_ms, remove_ms;
  bool all_ok = true;
  for (int i = 0; i < kTimes; ++i) all_ok &= timed({{"cmd", "show"}, {"doc", shown_doc}}, &show_ms);
  for (int i = 0; i < kTimes; ++i) {
    all_ok &= timed({{"cmd", "add"},
                     {"platform", "Added At Run Time " + std::to_string(i)},
                     {"type", "Privacy Policy"},
                     {"url", base_url + "/added/" + std::to_string(i)}},
                    &add_ms);
  }
  for (int i = 0; i < kTimes; ++i) {
    all_ok &= timed(
        {{"cmd", "remove"}, {"doc", "added-at-run-time-" + std::to_string(i) + "/privacy-policy"}},
        &remove_ms);
  }
  const double show = Percentile(show_ms, 0.5);
  const double add = Percentile(add_ms, 0.5);
  const double remove = Percentile(remove_ms, 0.5);
  nlohmann::json result = {{"all_ok", all_ok},
                           {"show_median_ms", show},
                           {"add_median_ms", add},
                           {"remove_median_ms", remove}};
  if (show > 0) {
    result["add_per_show"] = add / show;
    result["remove_per_show"] = remove / show;
  }
  return result;
}

// Starts the daemon, waits for its control socket, and adds the time, memory and CPU to
// `result` (under "error" when it did not start); with `docs`, whether the last document's
// stored state was restored, a reload, and run-time adds and removes.
void MeasureStart(DaemonProcess& daemon, nlohmann::json& result, const std::string& base_url,
                  std::size_t docs = 0) {
  const auto startup = daemon.Start(std::chrono::seconds(120));
  if (startup.count() < 0) {
    result["error"] = "policyd did not start: " + daemon.Log();
    return;
  }
  const ProcStats stats = ReadProcStats(daemon.pid());
  const nlohmann::json status = daemon.Status();
  result["startup_ms"] = static_cast<double>(startup.count()) / 1000.0;
  result["rss_kb"] = stats.rss_kb;
  result["peak_rss_kb"] = stats.peak_rss_kb;
  result["startup_cpu_s"] = stats.cpu_seconds;
  result["documents_reported"] = status.is_null() ? nlohmann::json() : status["documents"];
  if (docs > 0) {
    result["stored_state_restored"] = ShowsStoredState(daemon, docs);
    result["reload"] = MeasureReload(daemon);
    result["add_and_remove"] = MeasureAddAndRemove(daemon, base_url, ScaleDocumentId(docs - 1));
  }
  result["stop_exit_code"] = daemon.Stop();
}

// A fresh start with `docs` documents; with `restart`, also a restart of the same daemon
// after a checked state was stored for every document (what a real daemon restarts with).
nlohmann::json StartAndMeasure(std::size_t docs, const std::string& base_url, bool restart) {
  DaemonProcess daemon(ScaleConfig());
  WriteTargets(daemon, docs, base_url);
  nlohmann::json result = {{"documents", docs}};
  MeasureStart(daemon, result, base_url);
  if (!restart || result.contains("error")) return result;
  nlohmann::json again = {{"documents", docs}};
  const auto stored = StoreCheckedStates(daemon, docs);
  if (const std::string* error = std::get_if<std::string>(&stored)) {
    again["error"] = *error;
  } else {
    again["states_stored"] = docs;
    again["storing_states_s"] = std::get<double>(stored);
    MeasureStart(daemon, again, base_url, docs);
  }
  result["restart"] = again;
  return result;
}

// One full day of the daemon's loop at `later`: pop what is due in batches of 128 (the
// daemon's 2 x max_concurrency), complete each check with its next due time.
struct DayOfDecisions {
  double pop_ns = 0;       // in PopDue, in all
  double complete_ns = 0;  // in Complete, in all
  std::size_t popped = 0;
};

DayOfDecisions RunOneDay(Scheduler& scheduler, int64_t later, int64_t interval_ms) {
  DayOfDecisions day;
  for (;;) {
    auto pop_start = Clock::now();
    const auto batch = scheduler.PopDue(later, 128);
    day.pop_ns += std::chrono::duration<double, std::nano>(Clock::now() - pop_start).count();
    if (batch.empty()) break;
    day.popped += batch.size();
    auto complete_start = Clock::now();
    for (std::size_t i = 0; i < batch.size(); ++i) {
      scheduler.Complete(batch[i], later + interval_ms + static_cast<int64_t>(day.popped + i));
    }
    day.complete_ns +=
        std::chrono::duration<double, std::nano>(Clock::now() - complete_start).count();
  }
  return day;
}

}  // namespace

std::string ScalePlatformName(std::size_t file) {
  char name[32];
  std::snprintf(name, sizeof(name), "Platform %05zu", file);
  return name;
}

std::string ScaleDocType(std::size_t doc) { return "Terms of Service " + std::to_string(doc); }

nlohmann::json RunStartupScale(std::size_t docs, const std::string& base_url) {
  nlohmann::json one = StartAndMeasure(1, base_url, /*restart=*/true);
  nlohmann::json many = StartAndMeasure(docs, base_url, /*restart=*/true);
  nlohmann::json result = {{"baseline", one}, {"scaled", many}};
  const auto per_document = [docs](const nlohmann::json& base, const nlohmann::json& scaled) {
    return (scaled["rss_kb"].get<double>() - base["rss_kb"].get<double>()) * 1024.0 /
           static_cast<double>(docs - 1);
  };
  if (one.contains("rss_kb") && many.contains("rss_kb") && docs > 1) {
    result["rss_bytes_per_document"] = per_document(one, many);
  }
  if (docs > 1 && one.contains("restart") && one["restart"].contains("rss_kb") &&
      many["restart"].contains("rss_kb")) {
    result["restart_rss_bytes_per_document"] = per_document(one["restart"], many["restart"]);
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
  for (DocHandle doc = 0; doc < handles; ++doc) scheduler.Upsert(doc, interval, 0, 0, now);
  const double upsert_new_ns = NanosPer(start, docs);
  const std::size_t heap_after = heap_in_use();

  start = Clock::now();
  for (DocHandle doc = 0; doc < handles; ++doc) scheduler.Upsert(doc, interval, 0, 0, now);
  const double upsert_existing_ns = NanosPer(start, docs);

  start = Clock::now();
  int64_t sink = 0;
  for (std::size_t i = 0; i < docs; ++i) sink += scheduler.NextDueMs().value_or(0);
  const double next_due_ns = NanosPer(start, docs);

  const int64_t later = now + interval_ms;
  const DayOfDecisions day = RunOneDay(scheduler, later, interval_ms);
  const double pop_ns_total = day.pop_ns;
  const double complete_ns_total = day.complete_ns;
  const std::size_t popped = day.popped;

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

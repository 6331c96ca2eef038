// policyd_bench_render: what pages that need a browser, and PDFs, cost the real daemon
// (issue 15, item 6). One fresh daemon per pass over N documents served from loopback:
//   plain          plain-docs (1000) server-rendered pages, the browser enabled (never needed,
//   never started) plain_nobrowser the same pages with browser_enabled = false: the browser's cost
//   to plain
//                  documents is the ratio of these two (it should be 1)
//   browser_c1/c2  N app shells whose text a script builds (render = "auto" finds them),
//                  browser_concurrency 1 and 2
//   pdf            N generated PDFs
// Each pass reports documents per second (from `check --all` to N checks committed), the
// versions stored, and the peak resident memory of the daemon plus its child processes
// (Chromium, PDF converters; proportional set size, so shared pages count once), sampled every
// 20 ms. Ratios against the plain pass of the same
// run, because the machines are shared and noisy.
//
// Usage: policyd_bench_render [--docs N] [--plain-docs N] [--json FILE] [--keep-log]
#include <dirent.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "daemon_process.h"
#include "page_server.h"
#include "support/pdf_writer.h"

namespace policyd::bench {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Options {
  std::size_t docs = 50;
  std::size_t plain_docs = 1000;  // the two plain passes: enough pages to time them
  std::filesystem::path json_path = "bench-render.json";
  bool keep_log = false;
};

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--keep-log") {
      options.keep_log = true;
    } else if (arg == "--docs" && i + 1 < argc) {
      options.docs = std::stoul(argv[++i]);
    } else if (arg == "--plain-docs" && i + 1 < argc) {
      options.plain_docs = std::stoul(argv[++i]);
    } else if (arg == "--json" && i + 1 < argc) {
      options.json_path = argv[++i];
    } else {
      std::cerr << "usage: policyd_bench_render [--docs N] [--plain-docs N] [--json FILE] "
                   "[--keep-log]\n";
      std::exit(2);
    }
  }
  if (options.docs == 0) options.docs = 1;
  if (options.plain_docs == 0) options.plain_docs = 1;
  return options;
}

// --- Pages ---------------------------------------------------------------------------------

std::vector<std::string> Paragraphs(std::size_t index) {
  std::vector<std::string> paragraphs;
  for (int i = 0; i < 12; ++i) {
    paragraphs.push_back("Clause " + std::to_string(i + 1) + " of policy " + std::to_string(index) +
                         ": we process the personal data you give us to provide the service, "
                         "keep it only as long as needed, and never sell it to third parties.");
  }
  return paragraphs;
}

std::string ServerRendered(std::size_t index) {
  std::string html =
      "<!doctype html><html><body><main><h1>Privacy Policy " + std::to_string(index) + "</h1>";
  for (const std::string& p : Paragraphs(index)) html += "<p>" + p + "</p>";
  return html + "</main><script>window.analytics = 1;</script></body></html>";
}

// The same words, built by a script into an empty #root (what `auto` recognises as a shell).
std::string AppShell(std::size_t index) {
  json texts = Paragraphs(index);
  return "<!doctype html><html><body><div id=\"root\"></div><script>"
         "const texts = " +
         texts.dump() +
         ";const main = document.createElement('main');"
         "const h = document.createElement('h1'); h.textContent = 'Privacy Policy " +
         std::to_string(index) +
         "'; main.appendChild(h);"
         "for (const t of texts) { const p = document.createElement('p'); p.textContent = t;"
         " main.appendChild(p); }"
         "document.getElementById('root').appendChild(main);</script></body></html>";
}

std::string Pdf(std::size_t index) {
  std::vector<testing::PdfPage> pages(2);
  const std::vector<std::string> paragraphs = Paragraphs(index);
  for (std::size_t p = 0; p < pages.size(); ++p) {
    pages[p].texts.push_back({72, 750, 18, "Privacy Policy " + std::to_string(index)});
    const std::vector<std::string> half(paragraphs.begin() + static_cast<long>(p * 6),
                                        paragraphs.begin() + static_cast<long>(p * 6 + 6));
    testing::AddParagraphs(half, 72, 720, 11, 14, 90, &pages[p]);
    pages[p].texts.push_back({300, 40, 9, std::to_string(p + 1)});  // a page number
  }
  return testing::WritePdf(pages);
}

// --- Memory of the daemon and its children -------------------------------------------------

// Proportional set size (kB) of one process: shared pages divided among their users, so that
// Chromium's many processes sharing one binary are not counted many times over (their summed
// RSS would be).
int64_t PssKb(pid_t pid) {
  std::ifstream rollup("/proc/" + std::to_string(pid) + "/smaps_rollup");
  std::string line;
  while (std::getline(rollup, line)) {
    if (line.rfind("Pss:", 0) == 0) return std::atoll(line.c_str() + 4);
  }
  return 0;
}

// PSS (kB) of `root` and every process descending from it, from /proc.
int64_t TreePssKb(pid_t root) {
  std::map<pid_t, pid_t> parent;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return 0;
  while (const dirent* entry = readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atol(entry->d_name));
    if (pid <= 0) continue;
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("PPid:", 0) == 0)
        parent[pid] = static_cast<pid_t>(std::atol(line.c_str() + 5));
    }
  }
  closedir(proc);
  int64_t total = 0;
  for (const auto& [pid, ppid] : parent) {
    for (pid_t at = pid; at > 1; at = parent.count(at) ? parent[at] : 0) {
      if (at == root) {
        total += PssKb(pid);
        break;
      }
    }
  }
  return total;
}

// Samples TreePssKb every 20 ms on its own thread and keeps the peak.
class PeakSampler {
 public:
  explicit PeakSampler(pid_t root)
      : thread_([this, root] {
          while (!stop_) {
            peak_ = std::max(peak_.load(), TreePssKb(root));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
          }
        }) {}
  ~PeakSampler() { Stop(); }
  int64_t Stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    return peak_;
  }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int64_t> peak_{0};
  std::thread thread_;
};

// --- One pass ------------------------------------------------------------------------------

struct PassSpec {
  std::string name;
  bool plain = false;                          // plain_docs documents instead of docs
  std::string config;                          // appended to the daemon config
  std::string (*page)(std::size_t) = nullptr;  // the body of page i
};

json RunPass(const Options& options, const PassSpec& spec) {
  const std::size_t n = spec.plain ? options.plain_docs : options.docs;
  PageServer server({"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4"}, n, 2);
  for (std::size_t i = 0; i < n; ++i) {
    server.SetPage(i, std::make_shared<const std::string>(spec.page(i)), "");
  }
  DaemonProcess daemon(
      "allow_private_addresses = true\nper_host_delay = \"0s\"\ndefault_interval = \"24h\"\n"
      "first_check_window = \"24h\"\n" +
      std::string(options.keep_log ? "log_level = \"info\"\n" : "log_level = \"warn\"\n") +
      spec.config);
  std::ofstream targets(daemon.targets_dir() / "bench.toml");
  targets << "name = \"Bench\"\n";
  for (std::size_t i = 0; i < n; ++i) {
    targets << "[[documents]]\ntype = \"Policy " << i << "\"\nurl = \""
            << server.BaseUrl(i % server.hosts()) << "/p/" << i << "\"\n";
  }
  targets.close();
  if (daemon.Start().count() < 0)
    throw std::runtime_error(spec.name + ": start failed\n" + daemon.Log());

  PeakSampler sampler(daemon.pid());
  const uint64_t done0 = daemon.Status()["checks_done"].get<uint64_t>();
  const auto start = Clock::now();
  if (daemon.Control({{"cmd", "check"}, {"all", true}}).value("ok", false) != true) {
    throw std::runtime_error(spec.name + ": check --all refused");
  }
  json status;
  for (;;) {
    status = daemon.Status();
    if (status.is_null()) throw std::runtime_error(spec.name + ": daemon stopped\n" + daemon.Log());
    if (status["checks_done"].get<uint64_t>() >= done0 + n) break;
    if (Clock::now() - start > std::chrono::minutes(20))
      throw std::runtime_error(spec.name + ": timeout");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const int64_t peak_tree_kb = sampler.Stop();
  const ProcStats daemon_stats = ReadProcStats(daemon.pid());

  std::size_t with_version = 0;
  std::map<std::string, std::size_t> choices;
  const json listed = daemon.Control({{"cmd", "list"}});  // kept: the loop reads into it
  for (const json& doc : listed["result"]["documents"]) {
    with_version += doc["versions"].get<uint64_t>() > 0;
    ++choices[doc.value("render_choice", std::string())];
  }
  if (options.keep_log) std::cerr << "--- " << spec.name << " log ---\n" << daemon.Log();
  daemon.Stop();
  return {{"name", spec.name},
          {"documents", n},
          {"seconds", seconds},
          {"docs_per_s", static_cast<double>(n) / seconds},
          {"documents_with_a_version", with_version},
          {"render_choices", choices},
          {"browser", status["browser"]},
          {"daemon_peak_rss_kb", daemon_stats.peak_rss_kb},
          {"daemon_and_children_peak_pss_kb", peak_tree_kb}};
}

}  // namespace
}  // namespace policyd::bench

int main(int argc, char** argv) {
  using namespace policyd::bench;
  const Options options = ParseOptions(argc, argv);
  const std::vector<PassSpec> passes = {
      {"plain", true, "", ServerRendered},
      {"plain_nobrowser", true, "browser_enabled = false\n", ServerRendered},
      {"browser_c1", false, "browser_concurrency = 1\n", AppShell},
      {"browser_c2", false, "browser_concurrency = 2\n", AppShell},
      {"pdf", false, "", Pdf},
  };
  json report = {{"docs", options.docs}, {"passes", json::array()}};
  try {
    for (const PassSpec& pass : passes) {
      json result = RunPass(options, pass);
      std::cout << result["name"].get<std::string>() << ": " << result["docs_per_s"] << " docs/s, "
                << result["documents_with_a_version"] << "/" << result["documents"]
                << " versions, peak RSS daemon " << result["daemon_peak_rss_kb"]
                << " kB, daemon + children (PSS) " << result["daemon_and_children_peak_pss_kb"]
                << " kB\n";
      report["passes"].push_back(std::move(result));
    }
  } catch (const std::exception& error) {
    std::cerr << "policyd_bench_render: " << error.what() << "\n";
    return 1;
  }
  const auto& p = report["passes"];
  const double plain = p[0]["docs_per_s"];
  report["ratios_to_plain"] = {{"plain_nobrowser", p[1]["docs_per_s"].get<double>() / plain},
                               {"browser_c1", p[2]["docs_per_s"].get<double>() / plain},
                               {"browser_c2", p[3]["docs_per_s"].get<double>() / plain},
                               {"pdf", p[4]["docs_per_s"].get<double>() / plain}};
  std::cout << "docs/s relative to the plain pass: " << report["ratios_to_plain"].dump() << "\n";
  std::ofstream(options.json_path) << report.dump(2) << "\n";
  bool all_stored = true;
  for (const json& pass : p) all_stored &= pass["documents_with_a_version"] == pass["documents"];
  return all_stored ? 0 : 1;
}

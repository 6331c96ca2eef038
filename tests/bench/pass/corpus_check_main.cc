// policyd_corpus_check: does the real daemon store every page of a corpus folder? Serves each
// *.html(.gz) file of the folder from loopback (the pass benchmark's page server), watches
// one document per file with a fresh policyd, checks them all once and reports the pages
// stored (a first version) and the pages refused, counted by reason and listed with the
// daemon's message. A development tool for the error-page guard (docs/HOSTILE.md): a real
// policy must never be refused as a bot challenge, block page or error page.
//
// Usage: policyd_corpus_check (--corpus DIR | --generate N) [--hosts H] [--json FILE]
//            [--expect-all-stored] [--keep-log]   (--keep-log: the daemon log on stderr)
// Exit status: 0 when the run completed (with --expect-all-stored: and every page was
// stored), 3 when --expect-all-stored and a page was refused, 1 when the daemon or the tool
// failed, 2 on bad usage.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "corpus.h"
#include "daemon_process.h"
#include "page_server.h"

namespace policyd::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

struct Options {
  std::filesystem::path corpus;
  std::size_t generate = 0;  // generated pages instead of a folder
  std::size_t hosts = 4;
  std::filesystem::path json_path;
  bool expect_all_stored = false;
  bool keep_log = false;
};

[[noreturn]] void Usage(const std::string& message) {
  std::cerr << "policyd_corpus_check: " << message
            << "\nusage: policyd_corpus_check (--corpus DIR | --generate N) [--hosts H] "
               "[--json FILE] [--expect-all-stored] [--keep-log]\n";
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(arg + " needs a value");
      return argv[++i];
    };
    try {
      if (arg == "--corpus") {
        options.corpus = value();
      } else if (arg == "--generate") {
        options.generate = std::stoul(value());
      } else if (arg == "--hosts") {
        options.hosts = std::stoul(value());
      } else if (arg == "--json") {
        options.json_path = value();
      } else if (arg == "--expect-all-stored") {
        options.expect_all_stored = true;
      } else if (arg == "--keep-log") {
        options.keep_log = true;
      } else {
        Usage("unknown option " + arg);
      }
    } catch (const std::logic_error&) {
      Usage("bad value for " + arg);
    }
  }
  if (options.corpus.empty() == (options.generate == 0))
    Usage("give exactly one of --corpus DIR and --generate N (N > 0)");
  if (options.hosts == 0 || options.hosts > 250) Usage("--hosts must be 1..250");
  return options;
}

struct Page {
  std::string name;  // the file name, or "generated-N"
  std::shared_ptr<const std::string> html;
};

std::vector<Page> LoadPages(const Options& options) {
  std::vector<Page> pages;
  if (options.generate > 0) {
    for (std::size_t i = 0; i < options.generate; ++i) {
      pages.push_back({"generated-" + std::to_string(i),
                       std::make_shared<const std::string>(GeneratePolicyPage(i, 1))});
    }
    return pages;
  }
  for (const auto& path : ListCorpusPages(options.corpus)) {
    pages.push_back(
        {path.filename().string(), std::make_shared<const std::string>(ReadCorpusPage(path))});
  }
  return pages;
}

// One target file per 100 pages; document types "Page 000042" (ids end in the page index).
void WriteTargets(const DaemonProcess& daemon, const PageServer& server, std::size_t count) {
  for (std::size_t file = 0; file * 100 < count; ++file) {
    std::ofstream out(daemon.targets_dir() / ("corpus-" + std::to_string(file) + ".toml"));
    out << "name = \"Corpus " << file << "\"\n";
    for (std::size_t i = file * 100; i < std::min(count, (file + 1) * 100); ++i) {
      char type[32];
      std::snprintf(type, sizeof(type), "Page %06zu", i);
      out << "\n[[documents]]\ntype = \"" << type << "\"\nurl = \""
          << server.BaseUrl(i % server.hosts()) << "/p/" << i << "\"\n";
    }
  }
}

// Asks for a check of every document and waits until the daemon has done `count` more.
double CheckAll(const DaemonProcess& daemon, std::size_t count) {
  const json before = daemon.Status();
  if (before.is_null()) throw std::runtime_error("status failed");
  const uint64_t target = before["checks_done"].get<uint64_t>() + count;
  const auto start = Clock::now();
  const json response = daemon.Control({{"cmd", "check"}, {"all", true}});
  if (response.value("ok", false) != true)
    throw std::runtime_error("check --all refused: " + response.dump());
  daemon.WaitForChecks(target, std::chrono::minutes(30), std::chrono::milliseconds(20));
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The latest check of every document, keyed by page index (from the document's URL).
std::map<std::size_t, json> LatestChecks(const DaemonProcess& daemon) {
  const json listed = daemon.Control({{"cmd", "list"}});
  if (listed.value("ok", false) != true) throw std::runtime_error("list failed: " + listed.dump());
  std::map<std::size_t, json> checks;
  for (const json& doc : listed["result"]["documents"]) {
    const std::string url = doc["url"];
    const std::size_t index = std::stoul(url.substr(url.rfind('/') + 1));
    const json shown = daemon.Control({{"cmd", "show"}, {"doc", doc["id"]}});
    const json& recent = shown["result"]["recent_checks"];
    json check = recent.empty() ? json::object() : recent[0];
    check["versions"] = shown["result"]["versions"];
    checks[index] = std::move(check);
  }
  return checks;
}

// Stored pages, refused pages by reason, and the list of refused pages.
json Report(const std::vector<Page>& pages, const std::map<std::size_t, json>& checks) {
  std::size_t stored = 0;
  std::map<std::string, std::size_t> by_reason;
  json refused = json::array();
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const auto it = checks.find(i);
    const json check = it == checks.end() ? json::object() : it->second;
    if (check.value("versions", 0) > 0) {
      ++stored;
      continue;
    }
    std::string reason = check.value("reason", "");
    if (reason.empty()) reason = check.value("outcome", "not checked");
    ++by_reason[reason];
    refused.push_back({{"page", pages[i].name},
                       {"bytes", pages[i].html->size()},
                       {"outcome", check.value("outcome", "")},
                       {"reason", reason},
                       {"http_status", check.value("http_status", 0)},
                       {"message", check.value("message", "")}});
  }
  return {{"pages", pages.size()},
          {"stored", stored},
          {"refused", refused.size()},
          {"refused_by_reason", by_reason},
          {"refused_pages", refused}};
}

void Print(const Options& options, const json& report, double seconds) {
  const std::string source = options.generate > 0
                                 ? std::to_string(options.generate) + " generated pages"
                                 : options.corpus.string();
  std::printf("policyd_corpus_check: %zu pages from %s, checked once in %.1f s\n",
              report["pages"].get<std::size_t>(), source.c_str(), seconds);
  std::printf("  stored (a first version): %zu\n", report["stored"].get<std::size_t>());
  std::printf("  refused: %zu\n", report["refused"].get<std::size_t>());
  for (const auto& [reason, count] : report["refused_by_reason"].items())
    std::printf("    %-14s %zu\n", reason.c_str(), count.get<std::size_t>());
  for (const json& page : report["refused_pages"]) {
    std::printf("  refused %s (%zu bytes): %s: %s\n", page["page"].get<std::string>().c_str(),
                page["bytes"].get<std::size_t>(), page["reason"].get<std::string>().c_str(),
                page["message"].get<std::string>().c_str());
  }
}

int Main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  const std::vector<Page> pages = LoadPages(options);

  std::vector<std::string> addresses;
  for (std::size_t h = 1; h <= options.hosts; ++h)
    addresses.push_back("127.0.0." + std::to_string(h));
  PageServer server(addresses, pages.size(), 1);
  for (std::size_t i = 0; i < pages.size(); ++i)
    server.SetPage(i, pages[i].html, "\"p" + std::to_string(i) + "\"");

  // Defaults everywhere that matters to the guard; nothing due until asked, no politeness
  // delay on loopback, and every refusal recorded with its reason at once.
  DaemonProcess daemon(
      "default_interval = \"30d\"\n"
      "first_check_window = \"30d\"\n"
      "per_host_delay = \"0ms\"\n"
      "allow_private_addresses = true\n"
      "max_concurrency = 16\n"
      "per_host_concurrency = 16\n"
      "failure_threshold = 1\n"
      "log_level = \"info\"\n");
  WriteTargets(daemon, server, pages.size());
  if (daemon.Start().count() < 0) {
    std::cerr << "policyd did not start:\n" << daemon.Log();
    return 1;
  }
  json report;
  double seconds = 0;
  try {
    seconds = CheckAll(daemon, pages.size());
    report = Report(pages, LatestChecks(daemon));
  } catch (const std::exception& error) {
    std::cerr << "policyd_corpus_check: " << error.what() << "\n" << daemon.Log();
    return 1;
  }
  report["seconds"] = seconds;
  report["source"] = options.generate > 0 ? "generated" : options.corpus.string();
  if (options.keep_log) std::cerr << daemon.Log();
  daemon.Stop();
  Print(options, report, seconds);
  if (!options.json_path.empty()) std::ofstream(options.json_path) << report.dump(2) << "\n";
  if (options.expect_all_stored && report["refused"].get<std::size_t>() > 0) return 3;
  return 0;
}

}  // namespace
}  // namespace policyd::bench

int main(int argc, char** argv) {
  try {
    return policyd::bench::Main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "policyd_corpus_check: %s\n", error.what());
    return 1;
  }
}

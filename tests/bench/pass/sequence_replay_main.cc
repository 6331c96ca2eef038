// policyd_sequence_replay: the real daemon's change path over real consecutive captures. For
// each document of an ota-dating-sequences style corpus, a fresh policyd watches one URL per
// document on loopback; step by step, the page server serves each document's next capture and
// the tool asks for a check of it, waits until the check is done and records what a
// subscriber saw (document.first_seen / changed / reread events, with change class and
// segment count) and how the check ended (stored, unchanged, failed with its reason).
//
// This scores what `score.py` scores for `policyctl extract`, but through everything the
// daemon adds on the way: the error-page guard, the shrink hold, rereads, the version
// comparison. A change event at a capture where the curators saw their words change is
// found; one that comes a few captures later (the shrink hold confirms a capture on its next
// check) is found late; a text change with no event before the curators' next change is
// missed; any other change event is a false change (selector upgrades of the curators and
// markup-only changes are not counted, as in score.py).
//
// Usage: policyd_sequence_replay (CORPUS_DIR | --generate N) [--json FILE] [--keep-log]
//            [--expect-exact]
//   CORPUS_DIR holds sequences.json and pages/<snapshot>.html.gz (e.g.
//   ../shared/corpora/ota-dating-sequences); --generate N replays three generated documents
//   of N captures each, every capture re-served with new bytes (a trailing comment) and a
//   sentence added at two known captures: the smoke test's truth.
// Exit status: 0 when the replay completed (with --expect-exact: and every text change was
// found on time, with no false change and no failed check), 3 when --expect-exact did not
// hold, 1 when the daemon or the tool failed, 2 on bad usage.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
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
  std::size_t generate = 0;  // captures per generated document instead of a corpus
  std::filesystem::path json_path;
  bool keep_log = false;
  bool expect_exact = false;
};

[[noreturn]] void Usage(const std::string& message) {
  std::cerr << "policyd_sequence_replay: " << message
            << "\nusage: policyd_sequence_replay (CORPUS_DIR | --generate N) [--json FILE] "
               "[--keep-log] [--expect-exact]\n";
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--json") {
      if (i + 1 >= argc) Usage("--json needs a value");
      options.json_path = argv[++i];
    } else if (arg == "--keep-log") {
      options.keep_log = true;
    } else if (arg == "--expect-exact") {
      options.expect_exact = true;
    } else if (arg == "--generate") {
      if (i + 1 >= argc) Usage("--generate needs a value");
      try {
        options.generate = std::stoul(argv[++i]);
      } catch (const std::logic_error&) {
        Usage("bad value for --generate");
      }
      if (options.generate < 4 || options.generate > 1000) Usage("--generate must be 4..1000");
    } else if (!arg.empty() && arg[0] != '-' && options.corpus.empty()) {
      options.corpus = arg;
    } else {
      Usage("unexpected argument " + arg);
    }
  }
  if (options.corpus.empty() == (options.generate == 0))
    Usage("give exactly one of CORPUS_DIR and --generate N");
  return options;
}

// One document of the corpus: its captures in order and what the curators saw.
struct Sequence {
  std::string name;  // "Match/Trackers"
  std::vector<std::shared_ptr<const std::string>> captures;
  std::vector<std::string> capture_ids;
  std::map<std::size_t, std::string> curated_changes;  // capture index -> "text" | "markup"
  std::set<std::size_t> selector_upgrades;
};

std::vector<Sequence> LoadSequences(const std::filesystem::path& corpus) {
  std::ifstream in(corpus / "sequences.json");
  if (!in) throw std::runtime_error("cannot read " + (corpus / "sequences.json").string());
  const json data = json::parse(in);
  std::vector<Sequence> sequences;
  for (const json& document : data.at("documents")) {
    Sequence sequence;
    sequence.name = document.at("document");
    for (const json& id : document.at("snapshots")) {
      sequence.capture_ids.push_back(id);
      sequence.captures.push_back(std::make_shared<const std::string>(
          ReadCorpusPage(corpus / "pages" / (id.get<std::string>() + ".html.gz"))));
    }
    for (const json& change : document.at("changes"))
      sequence.curated_changes[change.at("index")] = change.at("kind");
    for (const json& index : document.at("selector_upgrades"))
      sequence.selector_upgrades.insert(index.get<std::size_t>());
    sequences.push_back(std::move(sequence));
  }
  return sequences;
}

// Three documents of `captures` captures; each capture differs from the previous one in its
// bytes (a trailing comment, as a re-render would), and at captures captures/3 and
// 2*captures/3 a sentence is added to the policy: the only text changes.
std::vector<Sequence> GenerateSequences(std::size_t captures) {
  std::vector<Sequence> sequences;
  for (std::size_t doc = 0; doc < 3; ++doc) {
    Sequence sequence;
    sequence.name = "Generated " + std::to_string(doc) + "/Privacy Policy";
    std::string html = GeneratePolicyPage(doc, 7);
    std::size_t changes = 0;
    for (std::size_t i = 0; i < captures; ++i) {
      if (i == captures / 3 || i == 2 * captures / 3) {
        std::string changed;
        for (int attempt = 0; changed.empty() && attempt < 8; ++attempt)
          changed = ChangePage(html, ++changes, attempt);
        if (changed.empty()) throw std::runtime_error("the generated page took no change");
        html = std::move(changed);
        sequence.curated_changes[i] = "text";
      }
      sequence.capture_ids.push_back("gen-" + std::to_string(doc) + "-" + std::to_string(i));
      sequence.captures.push_back(std::make_shared<const std::string>(
          html + "\n<!-- rendered " + std::to_string(i) + " -->\n"));
    }
    sequences.push_back(std::move(sequence));
  }
  return sequences;
}

// Whether every text change was found on time, with no false change and no failed check.
bool Exact(const json& total) {
  return total["found"] == total["text_changes"] && total["late"] == 0 && total["false"] == 0 &&
         total["failed"] == 0;
}

// One target file per document: platform and type from "Platform/Type".
void WriteTargets(const DaemonProcess& daemon, const PageServer& server,
                  const std::vector<Sequence>& sequences) {
  for (std::size_t i = 0; i < sequences.size(); ++i) {
    const std::string& name = sequences[i].name;
    const std::size_t slash = name.find('/');
    const std::string platform = slash == std::string::npos ? name : name.substr(0, slash);
    const std::string type = slash == std::string::npos ? "Page" : name.substr(slash + 1);
    std::ofstream out(daemon.targets_dir() / ("sequence-" + std::to_string(i) + ".toml"));
    out << "name = " << json(platform).dump() << "\n\n[[documents]]\ntype = " << json(type).dump()
        << "\nurl = \"" << server.BaseUrl(i % server.hosts()) << "/p/" << i << "\"\n";
  }
}

// Document id by page index (the index ends the URL).
std::map<std::size_t, std::string> DocumentIds(const DaemonProcess& daemon) {
  const json listed = daemon.Control({{"cmd", "list"}});
  if (listed.value("ok", false) != true) throw std::runtime_error("list failed: " + listed.dump());
  std::map<std::size_t, std::string> ids;
  for (const json& doc : listed["result"]["documents"]) {
    const std::string url = doc["url"];
    ids[std::stoul(url.substr(url.rfind('/') + 1))] = doc["id"];
  }
  return ids;
}

// Asks for a check of each of `docs`, waits until the daemon has done that many more and the
// subscriber has read their events.
void CheckAndWait(const DaemonProcess& daemon, const EventCollector& events,
                  const std::vector<std::string>& docs) {
  const json before = daemon.Status();
  if (before.is_null()) throw std::runtime_error("status failed");
  const uint64_t target = before["checks_done"].get<uint64_t>() + docs.size();
  for (const std::string& doc : docs) {
    const json response = daemon.Control({{"cmd", "check"}, {"doc", doc}});
    if (response.value("ok", false) != true)
      throw std::runtime_error("check " + doc + " refused: " + response.dump());
  }
  const json done =
      daemon.WaitForChecks(target, std::chrono::minutes(5), std::chrono::milliseconds(5));
  // Every event of these checks is committed; wait until the subscriber has read the last.
  const uint64_t last_seq = done["last_seq"].get<uint64_t>();
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  while (events.last_seq() < last_seq && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

// The newest check record of `doc`: outcome, reason, message.
json LatestCheck(const DaemonProcess& daemon, const std::string& doc) {
  const json shown = daemon.Control({{"cmd", "show"}, {"doc", doc}});
  const json& recent = shown["result"]["recent_checks"];
  return recent.is_array() && !recent.empty() ? recent[0] : json::object();
}

// What one capture's check produced.
struct Step {
  std::string outcome;       // the check record's outcome
  std::string reason;        // failure reason, if any
  std::string event;         // "first_seen" | "changed" | "reread" | ""
  std::string change_class;  // of a changed event
  int64_t words_added = 0;
  int64_t words_removed = 0;
  std::size_t segments_changed = 0;
};

// Serves every document's capture `index` (those that have one), checks them and records.
void ReplayStep(const DaemonProcess& daemon, PageServer& server, const EventCollector& events,
                const std::vector<Sequence>& sequences,
                const std::map<std::size_t, std::string>& ids, std::size_t index,
                std::vector<std::vector<Step>>* steps) {
  std::vector<std::string> docs;
  std::map<std::string, std::size_t> sequence_of;
  for (std::size_t s = 0; s < sequences.size(); ++s) {
    if (index >= sequences[s].captures.size()) continue;
    server.SetPage(s, sequences[s].captures[index], "\"" + sequences[s].capture_ids[index] + "\"");
    docs.push_back(ids.at(s));
    sequence_of[ids.at(s)] = s;
  }
  const std::size_t events_before = events.size();
  CheckAndWait(daemon, events, docs);
  for (const std::string& doc : docs) {
    const json check = LatestCheck(daemon, doc);
    Step step;
    step.outcome = check.value("outcome", "");
    step.reason = check.value("reason", "");
    (*steps)[sequence_of[doc]].push_back(step);
  }
  for (const EventCollector::Received& event : events.Since(events_before)) {
    const auto it = sequence_of.find(event.doc);
    if (it == sequence_of.end()) continue;
    Step& step = (*steps)[it->second].back();
    constexpr std::string_view kPrefix = "document.";
    if (event.type.rfind(kPrefix, 0) != 0) continue;
    step.event = event.type.substr(kPrefix.size());
    step.change_class = event.change_class;
    step.words_added = event.words_added;
    step.words_removed = event.words_removed;
    step.segments_changed = event.segments_changed;
  }
}

// Scores one document's steps against the curators' changes.
// What the daemon did along one sequence, counted.
struct StepTally {
  std::set<std::size_t> announced;  // captures after which a change was announced
  std::map<std::string, std::size_t> failed_by_reason;
  std::map<std::string, std::size_t> changes_by_class;
  std::size_t rereads = 0;
};

StepTally TallySteps(const std::vector<Step>& steps) {
  StepTally tally;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (steps[i].event == "changed") {
      tally.announced.insert(i);
      ++tally.changes_by_class[steps[i].change_class];
    }
    if (steps[i].event == "reread") ++tally.rereads;
    if (!steps[i].reason.empty()) ++tally.failed_by_reason[steps[i].reason];
  }
  return tally;
}

// The curators' text changes, each found (announced at its capture), found late (announced
// after it, before the curators' next change) or missed; `explained`: the announcements a
// curated change accounts for.
struct CuratedMatch {
  std::size_t text_changes = 0;
  json found = json::array();
  json late = json::array();
  json missed = json::array();
  std::set<std::size_t> explained;
};

CuratedMatch MatchCuratedChanges(const Sequence& sequence, const std::set<std::size_t>& announced,
                                 std::size_t captures) {
  CuratedMatch match;
  for (const auto& [index, kind] : sequence.curated_changes) {
    if (announced.count(index)) match.explained.insert(index);
  }
  for (const auto& [index, kind] : sequence.curated_changes) {
    if (kind != "text") continue;
    ++match.text_changes;
    if (announced.count(index)) {
      match.found.push_back(index);
      continue;
    }
    const auto next_curated = sequence.curated_changes.upper_bound(index);
    const std::size_t limit =
        next_curated == sequence.curated_changes.end() ? captures : next_curated->first;
    const auto after = announced.upper_bound(index);
    if (after != announced.end() && *after < limit) {
      match.late.push_back({{"index", index}, {"announced_at", *after}});
      match.explained.insert(*after);
    } else {
      match.missed.push_back(index);
    }
  }
  return match;
}

// Announcements that nothing the curators did explains: false changes.
json FalseChanges(const Sequence& sequence, const std::vector<Step>& steps,
                  const std::set<std::size_t>& announced, const std::set<std::size_t>& explained) {
  json false_changes = json::array();
  for (const std::size_t index : announced) {
    if (index == 0 || explained.count(index) || sequence.curated_changes.count(index) ||
        sequence.selector_upgrades.count(index))
      continue;
    false_changes.push_back({{"index", index},
                             {"capture", sequence.capture_ids[index]},
                             {"change_class", steps[index].change_class},
                             {"words_added", steps[index].words_added},
                             {"words_removed", steps[index].words_removed},
                             {"segments_changed", steps[index].segments_changed}});
  }
  return false_changes;
}

json Score(const Sequence& sequence, const std::vector<Step>& steps) {
  const StepTally tally = TallySteps(steps);
  const CuratedMatch match = MatchCuratedChanges(sequence, tally.announced, steps.size());
  return {{"document", sequence.name},
          {"captures", steps.size()},
          {"first_seen", !steps.empty() && steps[0].event == "first_seen"},
          {"text_changes", match.text_changes},
          {"found", match.found},
          {"found_late", match.late},
          {"missed", match.missed},
          {"false", FalseChanges(sequence, steps, tally.announced, match.explained)},
          {"changes_by_class", tally.changes_by_class},
          {"rereads", tally.rereads},
          {"failed_by_reason", tally.failed_by_reason}};
}

void Print(const json& report) {
  std::printf("%-28s %5s %4s %5s %4s %6s %5s %6s  %s\n", "document", "caps", "text", "found",
              "late", "missed", "false", "failed", "false at (class)");
  for (const json& doc : report["documents"]) {
    std::size_t failed = 0;
    for (const auto& [reason, count] : doc["failed_by_reason"].items())
      failed += count.get<size_t>();
    std::string false_at;
    for (const json& change : doc["false"]) {
      false_at += std::to_string(change["index"].get<std::size_t>()) + "(" +
                  change["change_class"].get<std::string>() + ") ";
    }
    std::printf("%-28.28s %5zu %4zu %5zu %4zu %6zu %5zu %6zu  %s\n",
                doc["document"].get<std::string>().c_str(), doc["captures"].get<size_t>(),
                doc["text_changes"].get<size_t>(), doc["found"].size(), doc["found_late"].size(),
                doc["missed"].size(), doc["false"].size(), failed, false_at.c_str());
  }
  const json& total = report["total"];
  std::printf(
      "TOTAL: %zu captures, text changes found %zu/%zu (%zu late), missed %zu, false %zu, "
      "failed checks %zu, rereads %zu, %.1f s\n",
      total["captures"].get<size_t>(), total["found"].get<size_t>() + total["late"].get<size_t>(),
      total["text_changes"].get<size_t>(), total["late"].get<size_t>(),
      total["missed"].get<size_t>(), total["false"].get<size_t>(), total["failed"].get<size_t>(),
      total["rereads"].get<size_t>(), report["seconds"].get<double>());
  for (const auto& [reason, count] : total["failed_by_reason"].items())
    std::printf("  failed %-20s %zu\n", reason.c_str(), count.get<size_t>());
}

json Totals(const json& documents) {
  json total = {{"captures", 0}, {"text_changes", 0}, {"found", 0},  {"late", 0},
                {"missed", 0},   {"false", 0},        {"failed", 0}, {"rereads", 0}};
  std::map<std::string, std::size_t> by_reason;
  for (const json& doc : documents) {
    total["captures"] = total["captures"].get<size_t>() + doc["captures"].get<size_t>();
    total["text_changes"] = total["text_changes"].get<size_t>() + doc["text_changes"].get<size_t>();
    total["found"] = total["found"].get<size_t>() + doc["found"].size();
    total["late"] = total["late"].get<size_t>() + doc["found_late"].size();
    total["missed"] = total["missed"].get<size_t>() + doc["missed"].size();
    total["false"] = total["false"].get<size_t>() + doc["false"].size();
    total["rereads"] = total["rereads"].get<size_t>() + doc["rereads"].get<size_t>();
    for (const auto& [reason, count] : doc["failed_by_reason"].items()) {
      by_reason[reason] += count.get<size_t>();
      total["failed"] = total["failed"].get<size_t>() + count.get<size_t>();
    }
  }
  total["failed_by_reason"] = by_reason;
  return total;
}

int Main(int argc, char** argv) {
  const Options options = ParseOptions(argc, argv);
  const std::vector<Sequence> sequences =
      options.generate > 0 ? GenerateSequences(options.generate) : LoadSequences(options.corpus);
  std::size_t longest = 0;
  for (const Sequence& sequence : sequences) longest = std::max(longest, sequence.captures.size());

  PageServer server({"127.0.0.1", "127.0.0.2"}, sequences.size(), 1);
  // Nothing due until asked, no politeness delay on loopback, every refusal recorded at once,
  // no browser (the captures' subresources are not on loopback).
  DaemonProcess daemon(
      "default_interval = \"30d\"\n"
      "first_check_window = \"30d\"\n"
      "per_host_delay = \"0ms\"\n"
      "allow_private_addresses = true\n"
      "failure_threshold = 1\n"
      "browser_enabled = false\n"
      "log_level = \"info\"\n");
  for (std::size_t s = 0; s < sequences.size(); ++s)
    server.SetPage(s, sequences[s].captures[0], "\"" + sequences[s].capture_ids[0] + "\"");
  WriteTargets(daemon, server, sequences);
  if (daemon.Start().count() < 0) {
    std::cerr << "policyd did not start:\n" << daemon.Log();
    return 1;
  }
  json report;
  const auto start = Clock::now();
  try {
    EventCollector events(daemon.events_socket());
    const std::map<std::size_t, std::string> ids = DocumentIds(daemon);
    if (ids.size() != sequences.size())
      throw std::runtime_error("the daemon watches " + std::to_string(ids.size()) +
                               " documents, not " + std::to_string(sequences.size()));
    std::vector<std::vector<Step>> steps(sequences.size());
    for (std::size_t index = 0; index < longest; ++index)
      ReplayStep(daemon, server, events, sequences, ids, index, &steps);
    json documents = json::array();
    for (std::size_t s = 0; s < sequences.size(); ++s)
      documents.push_back(Score(sequences[s], steps[s]));
    report["documents"] = documents;
    report["total"] = Totals(documents);
  } catch (const std::exception& error) {
    std::cerr << "policyd_sequence_replay: " << error.what() << "\n" << daemon.Log();
    return 1;
  }
  report["seconds"] = std::chrono::duration<double>(Clock::now() - start).count();
  report["corpus"] = options.generate > 0 ? "generated" : options.corpus.string();
  if (options.keep_log) std::cerr << daemon.Log();
  daemon.Stop();
  Print(report);
  if (!options.json_path.empty()) std::ofstream(options.json_path) << report.dump(2) << "\n";
  if (options.expect_exact && !Exact(report["total"])) return 3;
  return 0;
}

}  // namespace
}  // namespace policyd::bench

int main(int argc, char** argv) {
  try {
    return policyd::bench::Main(argc, argv);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "policyd_sequence_replay: %s\n", error.what());
    return 1;
  }
}

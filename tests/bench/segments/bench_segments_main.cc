// policyd_bench_segments: the CPU and memory of one segment alignment (issue 16 item 4):
// SplitSegments of the new text and AlignSegments against the old one's segments, on
// generated texts of about 1 MB (a policy edited in a few places, its sections reversed,
// every clause reworded and reversed, a list of tiny items all edited), compared with hashing
// the same text (SHA-256, which every check does anyway), measured in the same run, so the
// ratio means the same on any machine. With --texts, the alignments along a sequence of
// stored texts (e.g. extracted captures of one document), one line per step. A measurement
// tool, not a test: only a small smoke run is registered with ctest. Exits 1 when an
// alignment is wrong (ids lost or duplicated, an exact case approximate), never because of
// a time.
//
// Usage: policyd_bench_segments [--bytes N]
//        policyd_bench_segments --texts FILE FILE...
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "../cpu_measure.h"
#include "policyd/file_read.h"
#include "policyd/segments.h"
#include "policyd/store.h"

namespace policyd::bench {
namespace {

[[noreturn]] void Usage(const std::string& message) {
  std::fprintf(stderr,
               "policyd_bench_segments: %s\nusage: policyd_bench_segments [--bytes N]\n"
               "       policyd_bench_segments --texts FILE FILE...\n",
               message.c_str());
  std::exit(2);
}

// ---- Generated texts --------------------------------------------------------------------

struct Clause {
  std::string marker;  // "## ", "", "- "
  std::vector<std::string> words;
};

std::string Render(const std::vector<Clause>& clauses) {
  std::string text;
  for (const Clause& clause : clauses) {
    text += clause.marker;
    for (std::size_t k = 0; k < clause.words.size(); ++k) {
      text += (k == 0 ? "" : " ") + clause.words[k];
    }
    text += "\n\n";
  }
  return text;
}

// Sections of a heading, three clauses of about 30 words and two list items, until `bytes`.
std::vector<std::vector<Clause>> PolicySections(std::size_t bytes) {
  std::vector<std::vector<Clause>> sections;
  std::size_t size = 0;
  for (std::size_t i = 0; size < bytes; ++i) {
    std::vector<Clause> section;
    section.push_back({"## ", {"Section", std::to_string(i)}});
    for (std::size_t p = 0; p < 5; ++p) {
      Clause clause{p < 3 ? "" : "- ", {"Clause", std::to_string(i) + "." + std::to_string(p)}};
      for (std::size_t k = 0; k < (p < 3 ? 30 : 8); ++k) {
        clause.words.push_back("term" + std::to_string((i * 7 + p * 31 + k * 13) % 997));
      }
      section.push_back(std::move(clause));
    }
    for (const Clause& clause : section) size += clause.words.size() * 8;
    sections.push_back(std::move(section));
  }
  return sections;
}

std::vector<Clause> Flatten(const std::vector<std::vector<Clause>>& sections, bool reversed) {
  std::vector<Clause> clauses;
  for (std::size_t k = 0; k < sections.size(); ++k) {
    const auto& section = sections[reversed ? sections.size() - 1 - k : k];
    clauses.insert(clauses.end(), section.begin(), section.end());
  }
  return clauses;
}

// ---- Checks ------------------------------------------------------------------------------

struct Outcome {
  std::map<SegmentChangeKind, std::size_t> kinds;  // over the listed changes
  std::size_t changes = 0;                         // listed and left out
  bool approximate = false;
  bool ids_unique = true;
  std::size_t ids_kept = 0;  // new ids that are old ids
  std::size_t segments = 0;
};

Outcome Measure(const char* name, const std::string& old_text, const std::string& new_text) {
  const std::vector<Segment> old_segments = SplitSegments(old_text);
  std::string hash;
  const double hash_cpu = CpuOf([&] { hash = Sha256Hex(new_text); });
  SegmentAlignment result;
  const double align_cpu = CpuOf([&] { result = AlignSegments(old_text, old_segments, new_text); });
  Outcome outcome;
  outcome.approximate = result.approximate;
  outcome.segments = result.segments.size();
  outcome.changes = result.changes.size() + result.changes_truncated;
  for (const SegmentChange& change : result.changes) ++outcome.kinds[change.kind];
  std::set<std::string> old_ids;
  for (const Segment& segment : old_segments) old_ids.insert(segment.id);
  std::set<std::string> new_ids;
  for (const Segment& segment : result.segments) {
    outcome.ids_unique &= new_ids.insert(segment.id).second;
    outcome.ids_kept += old_ids.contains(segment.id) ? 1 : 0;
  }
  std::printf(
      "%-9s %5.2f MB  %6zu segments  sha256 %6.3f s  align %6.3f s  ratio %6.1f  peak RSS %4ld "
      "MB  %6zu changes (%zu modified, %zu moved, %zu added, %zu removed, %zu split, %zu "
      "merged listed)  %zu ids kept  %s\n",
      name, static_cast<double>(new_text.size()) / 1e6, outcome.segments, hash_cpu, align_cpu,
      align_cpu / std::max(hash_cpu, 1e-6), PeakRssMb(), outcome.changes,
      outcome.kinds[SegmentChangeKind::kModified], outcome.kinds[SegmentChangeKind::kMoved],
      outcome.kinds[SegmentChangeKind::kAdded], outcome.kinds[SegmentChangeKind::kRemoved],
      outcome.kinds[SegmentChangeKind::kSplit], outcome.kinds[SegmentChangeKind::kMerged],
      outcome.ids_kept, result.approximate ? "approximate" : "exact");
  return outcome;
}

int RunGenerated(std::size_t bytes) {
  const auto sections = PolicySections(bytes);
  const std::vector<Clause> clauses = Flatten(sections, false);
  const std::string old_text = Render(clauses);
  bool right = true;

  // Ten clauses with a word replaced, one inserted, one removed.
  std::vector<Clause> edited = clauses;
  const std::size_t step = std::max<std::size_t>(1, edited.size() / 10);
  std::size_t modified = 0;
  for (std::size_t k = 1; k < edited.size(); k += step) {
    if (edited[k].marker == "## ") ++k;
    if (k >= edited.size()) break;
    edited[k].words[3] = "amended";
    ++modified;
  }
  edited.erase(edited.begin() + static_cast<std::ptrdiff_t>(edited.size() / 2) + 2);
  edited.insert(edited.begin() + static_cast<std::ptrdiff_t>(edited.size() / 3),
                Clause{"", {"A", "new", "clause", "about", "arbitration"}});
  const Outcome edits = Measure("edited", old_text, Render(edited));
  right &= !edits.approximate && edits.ids_unique && edits.changes == modified + 2 &&
           edits.ids_kept == edits.segments - 1;

  // Sections in reverse order: every id kept.
  const Outcome reversed = Measure("reversed", old_text, Render(Flatten(sections, true)));
  right &= reversed.ids_unique && reversed.ids_kept == reversed.segments;

  // Every clause reworded, sections reversed: the similarity search at its bound.
  std::vector<Clause> reworded = Flatten(sections, true);
  for (Clause& clause : reworded) clause.words.back() = "revised";
  const Outcome rewording = Measure("reworded", old_text, Render(reworded));
  right &= rewording.ids_unique;

  // Tiny list items, each edited: many pairs, few words.
  std::vector<Clause> tiny;
  for (std::size_t i = 0; tiny.size() * 10 < bytes; ++i) {
    tiny.push_back({"- ", {"item", std::to_string(i)}});
  }
  std::vector<Clause> tiny_edited = tiny;
  for (Clause& clause : tiny_edited) clause.words.push_back("x");
  const Outcome tiny_items = Measure("tiny", Render(tiny), Render(tiny_edited));
  right &= tiny_items.ids_unique;

  if (!right) std::fprintf(stderr, "policyd_bench_segments: unexpected alignment\n");
  return right ? 0 : 1;
}

// ---- A sequence of stored texts ----------------------------------------------------------

int RunTexts(const std::vector<std::string>& paths) {
  std::vector<std::string> texts;
  for (const std::string& path : paths) {
    Result<std::string> text = ReadRegularFile(path, 64 << 20);
    if (!text.ok()) Usage(path + ": " + text.status().ToString());
    texts.push_back(std::move(*text));
  }
  std::vector<Segment> segments = SplitSegments(texts.front());
  std::set<std::string> first_ids;
  for (const Segment& segment : segments) first_ids.insert(segment.id);
  double total_cpu = 0;
  std::size_t steps = 0;
  for (std::size_t k = 1; k < texts.size(); ++k) {
    if (texts[k] == texts[k - 1]) continue;
    SegmentAlignment result;
    const double cpu = CpuOf([&] { result = AlignSegments(texts[k - 1], segments, texts[k]); });
    total_cpu += cpu;
    ++steps;
    std::map<SegmentChangeKind, std::size_t> kinds;
    for (const SegmentChange& change : result.changes) ++kinds[change.kind];
    std::size_t from_first = 0;
    for (const Segment& segment : result.segments) from_first += first_ids.count(segment.id);
    std::printf(
        "%s: %zu segments, %zu changes (%zu modified, %zu moved, %zu added, %zu removed, %zu "
        "split, %zu merged), %zu ids from the first text, %.1f ms%s\n",
        paths[k].c_str(), result.segments.size(), result.changes.size(),
        kinds[SegmentChangeKind::kModified], kinds[SegmentChangeKind::kMoved],
        kinds[SegmentChangeKind::kAdded], kinds[SegmentChangeKind::kRemoved],
        kinds[SegmentChangeKind::kSplit], kinds[SegmentChangeKind::kMerged], from_first, cpu * 1e3,
        result.approximate ? ", approximate" : "");
    segments = std::move(result.segments);
  }
  std::printf("%zu changed steps, %.1f ms of CPU in all, peak RSS %ld MB\n", steps, total_cpu * 1e3,
              PeakRssMb());
  return 0;
}

}  // namespace
}  // namespace policyd::bench

int main(int argc, char** argv) {
  using policyd::bench::Usage;
  if (argc >= 2 && std::string(argv[1]) == "--texts") {
    if (argc < 4) Usage("--texts needs two files or more");
    return policyd::bench::RunTexts(std::vector<std::string>(argv + 2, argv + argc));
  }
  std::size_t bytes = 1'000'000;
  if (argc == 3 && std::string(argv[1]) == "--bytes") {
    const long value = std::strtol(argv[2], nullptr, 10);
    if (value <= 0) Usage("bad value for --bytes");
    bytes = static_cast<std::size_t>(value);
  } else if (argc != 1) {
    Usage("unknown arguments");
  }
  return policyd::bench::RunGenerated(bytes);
}

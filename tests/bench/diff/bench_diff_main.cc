// policyd_bench_diff: the CPU and memory of one change summary on a hostile page (issue 14,
// item 6): a text of about 5 MB with 100,000 headings whose sections come back in the reverse
// order. The summary's CPU is compared with hashing the same text (SHA-256, which every check
// does anyway), measured in the same run, so the ratio means the same on any machine; the
// same for the text with ten lines edited (the exact path). The goal (issue 14): under 1 s
// of CPU per summary. A measurement tool, not a test: only a small smoke run is registered
// with ctest. Exits 1 when a summary is wrong (the edited text must be exact, the reversed
// one approximate with every line counted), never because of a time.
//
// Usage: policyd_bench_diff [--headings N] [--section-bytes B]
#include <sys/resource.h>
#include <time.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "../cpu_measure.h"
#include "policyd/diff.h"
#include "policyd/store.h"

namespace policyd::bench {
namespace {

struct Options {
  std::size_t headings = 100'000;
  std::size_t section_bytes = 50;  // heading + body line; 100,000 × 50 B = 5 MB
};

[[noreturn]] void Usage(const std::string& message) {
  std::fprintf(stderr,
               "policyd_bench_diff: %s\nusage: policyd_bench_diff [--headings N] "
               "[--section-bytes B]\n",
               message.c_str());
  std::exit(2);
}

Options ParseOptions(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (i + 1 >= argc) Usage("missing value for " + arg);
    const long value = std::strtol(argv[++i], nullptr, 10);
    if (value <= 0) Usage("bad value for " + arg);
    if (arg == "--headings") {
      options.headings = static_cast<std::size_t>(value);
    } else if (arg == "--section-bytes") {
      options.section_bytes = static_cast<std::size_t>(value);
    } else {
      Usage("unknown option " + arg);
    }
  }
  return options;
}

// Section i: a heading line and a body line padded to `bytes` in all.
std::string Section(std::size_t i, std::size_t bytes) {
  const std::string heading = "## Section " + std::to_string(i) + "\n";
  std::string body = "Terms of section " + std::to_string(i) + ".";
  if (heading.size() + body.size() + 1 < bytes)
    body.append(bytes - heading.size() - body.size() - 1, '.');
  return heading + body + "\n";
}

// The sections in order, or in reverse order.
std::string Text(const Options& options, bool reversed) {
  std::string text;
  text.reserve(options.headings * options.section_bytes);
  for (std::size_t k = 0; k < options.headings; ++k) {
    text += Section(reversed ? options.headings - 1 - k : k, options.section_bytes);
  }
  return text;
}

// The same text with ten body lines edited, spread over it.
std::string Scattered(const Options& options) {
  std::string text;
  for (std::size_t i = 0; i < options.headings; ++i) {
    std::string section = Section(i, options.section_bytes);
    if (i % std::max<std::size_t>(1, options.headings / 10) == 0) {
      section.insert(section.size() - 1, " Edited.");
    }
    text += section;
  }
  return text;
}

DiffSummary Report(const char* name, const std::string& old_text, const std::string& new_text) {
  std::string hash;
  const double hash_cpu = CpuOf([&] { hash = Sha256Hex(new_text); });
  DiffSummary summary;
  const double summary_cpu = CpuOf([&] { summary = SummarizeDiff(old_text, new_text); });
  std::printf(
      "%-10s %6.2f MB  sha256 %7.3f s  summary %7.3f s (goal < 1 s: %s)  ratio %7.1f  "
      "peak RSS %4ld MB  +%d -%d lines, %zu+%d sections, %s\n",
      name, static_cast<double>(new_text.size()) / 1e6, hash_cpu, summary_cpu,
      summary_cpu < 1.0 ? "met" : "MISSED", summary_cpu / std::max(hash_cpu, 1e-6), PeakRssMb(),
      summary.lines_added, summary.lines_removed, summary.sections.size(),
      summary.sections_truncated, summary.approximate ? "approximate" : "exact");
  return summary;
}

int Run(const Options& options) {
  const std::string old_text = Text(options, false);
  const DiffSummary edited = Report("scattered", old_text, Scattered(options));
  const DiffSummary reversed = Report("reversed", old_text, Text(options, true));
  const int lines = static_cast<int>(2 * options.headings);
  // Reversed: approximate, every line counted; or, for a few headings within the budget,
  // exact: all but one section (two lines) moved.
  const int reversed_lines = reversed.approximate ? lines : lines - 2;
  const bool right = !edited.approximate && edited.lines_added == edited.lines_removed &&
                     edited.lines_added > 0 && reversed.lines_added == reversed_lines &&
                     reversed.lines_removed == reversed_lines;
  if (!right) std::fprintf(stderr, "policyd_bench_diff: unexpected summary\n");
  return right ? 0 : 1;
}

}  // namespace
}  // namespace policyd::bench

int main(int argc, char** argv) {
  return policyd::bench::Run(policyd::bench::ParseOptions(argc, argv));
}

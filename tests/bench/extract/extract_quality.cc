// extract_quality: scores policyd's extractor on a main-content extraction benchmark, with the
// benchmark's own metric, and measures how much time extraction adds to HTML parsing.
//
//   extract_quality CORPUS_DIR [--worst N] [--type TYPE] [--page ID] [--select CSS]...
//   [--raw-unicode]
//
// CORPUS_DIR is one of the layouts of /work/shared/corpora (see its README.md), detected by
// its files:
//  - aeb (Scrapinghub article-extraction-benchmark): ground-truth.json + html/<id>.html.gz.
//    Tokens are Unicode `\w+` with case kept; each text is a multiset of 4-token shingles (a
//    text of fewer than 4 tokens is one shingle); per page TP/FP/FN are the shared and surplus
//    shingles, normalised to sum 1; precision is averaged over pages with TP+FP > 0, recall
//    over pages with TP+FN > 0, both are 1 when FP = FN = 0; F1 is the harmonic mean of the
//    two averages.
//  - wcxb-dev (WCXB): ground-truth/NNNN.json + html/NNNN.html.gz. Lower-case `\w+` bag of words
//    against ground_truth.main_content; per-page precision, recall and F1, each averaged over
//    pages. Grouped by _internal.page_type.primary.
//  - ota-dating (Open Terms Archive): index.json + html/<name>.html.gz + truth/<name>.md, the
//    WCXB word metric with Markdown link targets removed from the truth ("](url)" -> "]") and
//    the <br> tags it writes in table cells read as spaces.
//    Grouped by document type; also reports the lowest recall (goal: every document >= 0.9).
// Edge cases of the word metric: both texts empty -> P = R = F1 = 1; one empty -> 0.
//
// `\w` is Python's Unicode word class approximated without ICU: ASCII letters, digits and '_',
// and any other code point for which iswalnum() is true in the C.UTF-8 locale (glibc's Unicode
// letter and digit classes). The two differ on a few combining marks, which glibc counts as
// alphabetic and Python does not; on these corpora that moves scores in the fourth decimal.
//
// Timing, over the same pages in the same run: "parse only" is charset decoding plus a plain
// Gumbo parse and gumbo_destroy_output() with Gumbo's own allocator (what any Gumbo-based
// extractor pays); "extract" is the whole ExtractText call. The goal is extract - parse <= 25%
// of parse. Also shown: policyd's own parse (GumboDocument: nesting cap and arena allocator),
// the part of "extract" that parsing takes.

#include <algorithm>
#include <chrono>
#include <climits>
#include <clocale>
#include <cstdio>
#include <cstdlib>
#include <cwctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <gumbo.h>
#include <unicode/bytestream.h>
#include <unicode/normalizer2.h>
#include <nlohmann/json.hpp>

#include "gzip_file.h"
#include "policyd/extract.h"
#include "policyd/gumbo_document.h"
#include "unicode.h"

namespace fs = std::filesystem;

namespace {

using policyd::bench::ReadGzip;

enum class Corpus { kAeb, kWcxb, kOta };

struct Page {
  std::string id;
  std::string type;  // page type (wcxb), document type (ota), "article" (aeb)
  fs::path html;
  std::string truth;
};

struct Score {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  bool has_precision = true;  // aeb: pages without prediction shingles are not averaged
  bool has_recall = true;
};

bool ReadFile(const fs::path& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  *out = buffer.str();
  return true;
}

bool IsWordChar(char32_t cp) {
  if (cp < 0x80) {
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           cp == '_';
  }
  return std::iswalnum(static_cast<wint_t>(cp)) != 0;
}

// Both texts are compared in Unicode Normalization Form C unless --raw-unicode. The extractor
// writes NFC (since issue 16 item 1) while curated texts keep the site's form (some are NFD:
// "é" as e + U+0301, which `\w+` splits differently). NFC and NFD are canonically equivalent,
// the same text by Unicode's definition, so comparing bytes would count an equal word as a
// miss. --raw-unicode keeps that byte comparison, for the record. (--nfc, the old opt-in, is
// still accepted and changes nothing.)
bool g_nfc = true;

std::string Nfc(std::string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  std::string out;
  if (U_FAILURE(status) || text.size() > static_cast<size_t>(INT32_MAX)) return std::string(text);
  icu::StringByteSink<std::string> sink(&out);
  nfc->normalizeUTF8(0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink,
                     nullptr, status);
  return U_SUCCESS(status) ? out : std::string(text);
}

// The `\w+` tokens of `text`, lower-cased (towlower, C.UTF-8) when `lower`.
std::vector<std::string> Tokenize(std::string_view input, bool lower) {
  const std::string normalized = g_nfc ? Nfc(input) : std::string();
  const std::string_view text = g_nfc ? std::string_view(normalized) : input;
  std::vector<std::string> tokens;
  std::string current;
  size_t pos = 0;
  while (pos < text.size()) {
    char32_t cp = policyd::extract_internal::NextCodePoint(text, &pos);
    if (IsWordChar(cp)) {
      if (lower) cp = static_cast<char32_t>(std::towlower(static_cast<wint_t>(cp)));
      policyd::extract_internal::AppendUtf8(cp, &current);
    } else if (!current.empty()) {
      tokens.push_back(std::move(current));
      current.clear();
    }
  }
  if (!current.empty()) tokens.push_back(std::move(current));
  return tokens;
}

using Bag = std::unordered_map<std::string, long>;

Bag Shingles(std::string_view text) {
  constexpr size_t kN = 4;
  const std::vector<std::string> tokens = Tokenize(text, /*lower=*/false);
  Bag bag;
  const size_t count = tokens.size() < kN ? (tokens.empty() ? 0 : 1) : tokens.size() - kN + 1;
  for (size_t i = 0; i < count; ++i) {
    std::string key;
    for (size_t k = i; k < std::min(i + kN, tokens.size()); ++k) {
      key += tokens[k];
      key.push_back('\x01');
    }
    ++bag[key];
  }
  return bag;
}

Bag Words(std::string_view text) {
  Bag bag;
  for (std::string& token : Tokenize(text, /*lower=*/true)) ++bag[std::move(token)];
  return bag;
}

void Overlap(const Bag& truth, const Bag& predicted, double* tp, double* fp, double* fn) {
  long shared = 0;
  long truth_total = 0;
  long predicted_total = 0;
  for (const auto& [key, count] : truth) truth_total += count;
  for (const auto& [key, count] : predicted) {
    predicted_total += count;
    if (const auto it = truth.find(key); it != truth.end()) shared += std::min(count, it->second);
  }
  *tp = static_cast<double>(shared);
  *fp = static_cast<double>(predicted_total - shared);
  *fn = static_cast<double>(truth_total - shared);
}

Score AebScore(std::string_view truth, std::string_view predicted) {
  double tp = 0;
  double fp = 0;
  double fn = 0;
  Overlap(Shingles(truth), Shingles(predicted), &tp, &fp, &fn);
  Score score;
  if (fp == 0 && fn == 0) {
    score.precision = score.recall = score.f1 = 1;
    return score;
  }
  const double sum = tp + fp + fn;
  tp /= sum;
  fp /= sum;
  fn /= sum;
  score.has_precision = tp + fp > 0;
  score.has_recall = tp + fn > 0;
  if (score.has_precision) score.precision = tp / (tp + fp);
  if (score.has_recall) score.recall = tp / (tp + fn);
  const double pr = score.precision + score.recall;
  score.f1 = pr > 0 ? 2 * score.precision * score.recall / pr : 0;
  return score;
}

Score WordScore(std::string_view truth, std::string_view predicted) {
  double tp = 0;
  double fp = 0;
  double fn = 0;
  Overlap(Words(truth), Words(predicted), &tp, &fp, &fn);
  Score score;
  if (fp == 0 && fn == 0) {
    score.precision = score.recall = score.f1 = 1;
    return score;
  }
  score.precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  score.recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const double pr = score.precision + score.recall;
  score.f1 = pr > 0 ? 2 * score.precision * score.recall / pr : 0;
  return score;
}

// "[text](url)" -> "[text]": Open Terms Archive's Markdown keeps link targets, which are not
// text of the document.
std::string StripLinkTargets(std::string_view markdown) {
  std::string out;
  out.reserve(markdown.size());
  size_t i = 0;
  while (i < markdown.size()) {
    if (markdown[i] == ']' && i + 1 < markdown.size() && markdown[i + 1] == '(') {
      const size_t close = markdown.find(')', i + 2);
      if (close != std::string_view::npos) {
        out.push_back(']');
        i = close + 1;
        continue;
      }
    }
    out.push_back(markdown[i++]);
  }
  return out;
}

// "<br>", "<br/>", "<br />" (any case) -> " ": Open Terms Archive's Markdown writes a line break
// inside a table cell as that HTML tag (Markdown tables have no other way), which is markup,
// not words of the document; the extractor writes a space there (issue 16 item 1).
std::string StripLineBreakTags(std::string_view markdown) {
  std::string out;
  out.reserve(markdown.size());
  size_t i = 0;
  while (i < markdown.size()) {
    if (markdown[i] == '<' && i + 3 < markdown.size() && (markdown[i + 1] | 0x20) == 'b' &&
        (markdown[i + 2] | 0x20) == 'r') {
      size_t end = i + 3;
      while (end < markdown.size() && markdown[end] == ' ') ++end;
      if (end < markdown.size() && markdown[end] == '/') ++end;
      if (end < markdown.size() && markdown[end] == '>') {
        out.push_back(' ');
        i = end + 1;
        continue;
      }
    }
    out.push_back(markdown[i++]);
  }
  return out;
}

bool LoadCorpus(const fs::path& dir, Corpus* corpus, std::vector<Page>* pages,
                size_t* empty_truth) {
  using nlohmann::json;
  std::string text;
  if (fs::exists(dir / "ground-truth.json")) {
    *corpus = Corpus::kAeb;
    if (!ReadFile(dir / "ground-truth.json", &text)) return false;
    const json truth = json::parse(text);
    for (const auto& [id, entry] : truth.items()) {
      pages->push_back({id, "article", dir / "html" / (id + ".html.gz"),
                        entry.value("articleBody", std::string())});
    }
  } else if (fs::is_directory(dir / "ground-truth")) {
    *corpus = Corpus::kWcxb;
    for (const auto& entry : fs::directory_iterator(dir / "ground-truth")) {
      if (entry.path().extension() != ".json") continue;
      if (!ReadFile(entry.path(), &text)) return false;
      const json truth = json::parse(text);
      const std::string id = entry.path().stem().string();
      // Missing keys read as empty (operator[] on a const json must not be used for them).
      const json type_info =
          truth.value("_internal", json::object()).value("page_type", json::object());
      const std::string type = type_info.value("primary", std::string("unknown"));
      const json ground_truth = truth.value("ground_truth", json::object());
      std::string main_content;
      if (ground_truth.contains("main_content") && ground_truth.at("main_content").is_string()) {
        main_content = ground_truth.at("main_content").get<std::string>();
      }
      if (main_content.empty()) ++*empty_truth;
      pages->push_back({id, type, dir / "html" / (id + ".html.gz"), main_content});
    }
  } else if (fs::exists(dir / "index.json")) {
    *corpus = Corpus::kOta;
    if (!ReadFile(dir / "index.json", &text)) return false;
    const json index = json::parse(text);
    for (const auto& [name, entry] : index.items()) {
      std::string document = entry.value("document", name);
      const size_t slash = document.find('/');
      const std::string type = slash == std::string::npos ? "unknown" : document.substr(slash + 1);
      std::string truth;
      if (!ReadFile(dir / "truth" / (name + ".md"), &truth)) return false;
      pages->push_back({name, type, dir / "html" / (name + ".html.gz"),
                        StripLineBreakTags(StripLinkTargets(truth))});
    }
  } else {
    return false;
  }
  std::sort(pages->begin(), pages->end(), [](const Page& a, const Page& b) { return a.id < b.id; });
  return true;
}

struct Totals {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
  size_t precision_pages = 0;
  size_t recall_pages = 0;
  size_t pages = 0;

  void Add(const Score& s) {
    ++pages;
    f1 += s.f1;
    if (s.has_precision) {
      precision += s.precision;
      ++precision_pages;
    }
    if (s.has_recall) {
      recall += s.recall;
      ++recall_pages;
    }
  }
  double P() const { return precision_pages ? precision / precision_pages : 0; }
  double R() const { return recall_pages ? recall / recall_pages : 0; }
  // aeb: F1 of the averages; the word metrics: the average of per-page F1.
  double F(Corpus corpus) const {
    if (corpus == Corpus::kAeb) return P() + R() > 0 ? 2 * P() * R() / (P() + R()) : 0;
    return pages ? f1 / pages : 0;
  }
};

int Usage() {
  std::cerr << "usage: extract_quality CORPUS_DIR [--worst N] [--type TYPE] [--page ID] "
               "[--select CSS]... [--raw-unicode]\n"
               "  CORPUS_DIR: /work/shared/corpora/{aeb,wcxb-dev,ota-dating}\n"
               "  --worst N: list the N pages with the lowest F1\n"
               "  --type TYPE: only pages of this type\n"
               "  --page ID: print the extracted text of one page and its score\n"
               "  --raw-unicode: compare the texts' bytes, not their NFC forms (curated texts may "
               "be NFD)\n";
  return 2;
}

struct Args {
  fs::path dir;
  size_t worst = 0;
  std::string only_type;
  std::string only_page;
  policyd::ExtractOptions options;
};

// The command line; false when it is not understood (g_nfc is set here too).
bool ParseArgs(int argc, char** argv, Args* args) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    const bool has_value = i + 1 < argc;
    if (arg == "--worst" && has_value) {
      args->worst = static_cast<size_t>(std::strtoul(argv[++i], nullptr, 10));
    } else if (arg == "--type" && has_value) {
      args->only_type = argv[++i];
    } else if (arg == "--page" && has_value) {
      args->only_page = argv[++i];
    } else if (arg == "--nfc") {
      g_nfc = true;
    } else if (arg == "--raw-unicode") {
      g_nfc = false;
    } else if (arg == "--select" && has_value) {
      args->options.select.emplace_back(argv[++i]);
    } else if (!arg.starts_with("--") && args->dir.empty()) {
      args->dir = arg;
    } else {
      return false;
    }
  }
  return true;
}

using Clock = std::chrono::steady_clock;

struct Ranked {
  double f1;
  double precision;
  double recall;
  std::string id;
  std::string type;
};

// What the pages measured: scores overall and per type, each page's rank, and the times.
struct Measurement {
  Totals all;
  std::map<std::string, Totals> by_type;
  std::vector<Ranked> ranked;
  Clock::duration parse_time{};
  Clock::duration document_time{};
  Clock::duration extract_time{};
  int64_t parse_us = 0;
  int64_t render_us = 0;
  int64_t decode_us = 0;
  size_t bytes = 0;
  size_t below_recall_goal = 0;
  double min_recall = 1;
};

// Parse only: what a plain Gumbo-based extractor pays before any extraction work, against
// policyd's own parse. The two take turns going first, so that neither always finds the page
// warm in the cache.
void TimeParses(const std::string& html, Measurement* m) {
  const auto plain_parse = [&html] {
    std::string utf8;
    policyd::DecodeToUtf8(html, "", &utf8);
    GumboOptions gumbo_options = kGumboDefaultOptions;
    gumbo_options.max_errors = 0;
    GumboOutput* output = gumbo_parse_with_options(&gumbo_options, utf8.data(), utf8.size());
    gumbo_destroy_output(&gumbo_options, output);
  };
  const auto document_parse = [&html] {
    std::string utf8;
    policyd::DecodeToUtf8(html, "", &utf8);
    const policyd::GumboDocument document(std::move(utf8));
  };
  const bool plain_first = (m->all.pages % 2) == 0;
  for (int turn = 0; turn < 2; ++turn) {
    const bool plain = (turn == 0) == plain_first;
    const auto start = Clock::now();
    if (plain) {
      plain_parse();
    } else {
      document_parse();
    }
    (plain ? m->parse_time : m->document_time) += Clock::now() - start;
  }
}

// One page: timed, extracted and scored against its truth; false (after saying why) when
// the extractor fails.
bool MeasurePage(const Page& page, const std::string& html, const Args& args, Corpus corpus,
                 Measurement* m) {
  m->bytes += html.size();
  TimeParses(html, m);
  policyd::ExtractResult result;
  const auto start = Clock::now();
  const policyd::Status status = policyd::ExtractText(html, args.options, &result);
  m->extract_time += Clock::now() - start;
  if (!status.ok()) {
    std::cerr << "extract_quality: " << page.id << ": " << status.ToString() << "\n";
    return false;
  }
  m->decode_us += result.decode_us;
  m->parse_us += result.parse_us;
  m->render_us += result.render_us;
  const Score score = corpus == Corpus::kAeb ? AebScore(page.truth, result.text)
                                             : WordScore(page.truth, result.text);
  m->all.Add(score);
  m->by_type[page.type].Add(score);
  m->ranked.push_back({score.f1, score.precision, score.recall, page.id, page.type});
  if (corpus == Corpus::kOta) {
    m->min_recall = std::min(m->min_recall, score.recall);
    if (score.recall < 0.9) ++m->below_recall_goal;
  }
  if (!args.only_page.empty()) std::cout << result.text << "\n----\n";
  return true;
}

void PrintScores(const char* corpus_name, Corpus corpus, const Args& args, size_t empty_truth,
                 const Measurement& m) {
  std::printf("corpus %s: %zu pages (%s)\n", corpus_name, m.all.pages, args.dir.c_str());
  if (empty_truth > 0) {
    std::printf("(%zu pages of the corpus have no main_content: scored as empty truth)\n",
                empty_truth);
  }
  std::printf("%-24s %6s %9s %9s %9s\n", "type", "pages", "precision", "recall", "F1");
  for (const auto& [type, totals] : m.by_type) {
    std::printf("%-24s %6zu %9.4f %9.4f %9.4f\n", type.c_str(), totals.pages, totals.P(),
                totals.R(), totals.F(corpus));
  }
  std::printf("%-24s %6zu %9.4f %9.4f %9.4f\n", "ALL", m.all.pages, m.all.P(), m.all.R(),
              m.all.F(corpus));
  if (corpus == Corpus::kOta) {
    std::printf("lowest recall %.4f; documents below 0.9 recall: %zu\n", m.min_recall,
                m.below_recall_goal);
  }
}

void PrintTimes(const Measurement& m) {
  const auto seconds = [](Clock::duration d) { return std::chrono::duration<double>(d).count(); };
  const double parse_s = seconds(m.parse_time);
  const double extract_s = seconds(m.extract_time);
  std::printf("speed: %.1f pages/s, %.1f MB/s (extract, one thread)\n", m.all.pages / extract_s,
              static_cast<double>(m.bytes) / 1e6 / extract_s);
  std::printf(
      "time: parse only (decode + Gumbo) %.3f s, extract %.3f s, work beyond parsing "
      "%.1f%% of parsing (goal <= 25%%)\n",
      parse_s, extract_s, 100.0 * (extract_s - parse_s) / parse_s);
  std::printf("policyd's parse (decode + GumboDocument) %.3f s: %.2f of plain parse\n",
              seconds(m.document_time), seconds(m.document_time) / parse_s);
  std::printf("extract stages: decode %.3f s, parse %.3f s, render %.3f s\n", m.decode_us / 1e6,
              m.parse_us / 1e6, m.render_us / 1e6);
}

void PrintWorst(size_t worst, std::vector<Ranked> ranked) {
  std::sort(ranked.begin(), ranked.end(),
            [](const Ranked& a, const Ranked& b) { return a.f1 < b.f1; });
  std::printf("worst pages:\n");
  for (size_t i = 0; i < std::min(worst, ranked.size()); ++i) {
    std::printf("  %-40s %-14s P %.3f R %.3f F1 %.3f\n", ranked[i].id.c_str(),
                ranked[i].type.c_str(), ranked[i].precision, ranked[i].recall, ranked[i].f1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (std::setlocale(LC_CTYPE, "C.UTF-8") == nullptr) {
    std::cerr << "extract_quality: the C.UTF-8 locale is needed for Unicode \\w\n";
    return 1;
  }
  if (argc < 2) return Usage();
  Args args;
  if (!ParseArgs(argc, argv, &args)) return Usage();
  Corpus corpus = Corpus::kAeb;
  std::vector<Page> pages;
  size_t empty_truth = 0;
  try {
    if (!LoadCorpus(args.dir, &corpus, &pages, &empty_truth)) {
      std::cerr << "extract_quality: " << args.dir
                << " is not an aeb, wcxb-dev or ota-dating folder\n";
      return 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "extract_quality: bad ground truth: " << e.what() << "\n";
    return 1;
  }
  const char* corpus_name = corpus == Corpus::kAeb    ? "aeb"
                            : corpus == Corpus::kWcxb ? "wcxb-dev"
                                                      : "ota-dating";
  Measurement measurement;
  std::string html;
  for (const Page& page : pages) {
    if (!args.only_type.empty() && page.type != args.only_type) continue;
    if (!args.only_page.empty() && page.id != args.only_page) continue;
    if (!ReadGzip(page.html, &html)) {
      std::cerr << "extract_quality: cannot read " << page.html << "\n";
      return 1;
    }
    if (!MeasurePage(page, html, args, corpus, &measurement)) return 1;
  }
  if (measurement.all.pages == 0) {
    std::cerr << "extract_quality: no pages\n";
    return 1;
  }
  PrintScores(corpus_name, corpus, args, empty_truth, measurement);
  PrintTimes(measurement);
  if (args.worst > 0) PrintWorst(args.worst, measurement.ranked);
  return 0;
}

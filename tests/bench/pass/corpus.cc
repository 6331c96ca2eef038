#include "corpus.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace policyd::bench {

namespace {

std::string ReadGzip(const std::filesystem::path& path) {
  // gzread also passes plain files through, so one reader serves both kinds.
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) throw std::runtime_error("cannot open " + path.string());
  std::string data;
  std::array<char, 1 << 16> chunk;
  for (;;) {
    const int n = gzread(file, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (n < 0) {
      gzclose(file);
      throw std::runtime_error("cannot decompress " + path.string());
    }
    if (n == 0) break;
    data.append(chunk.data(), static_cast<std::size_t>(n));
  }
  gzclose(file);
  return data;
}

bool IsPage(const std::filesystem::path& path) {
  const std::string name = path.filename().string();
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".html.gz") || ends_with(".htm.gz") || ends_with(".html") || ends_with(".htm");
}

// Vocabulary of policy prose: the generated text should tokenize and compress like the real
// thing, not like random letters.
constexpr std::array<std::string_view, 96> kWords = {
    "we",          "collect",     "personal",   "information", "data",         "you",
    "your",        "our",         "services",   "use",         "may",          "share",
    "with",        "third",       "parties",    "for",         "the",          "purposes",
    "described",   "in",          "this",       "policy",      "including",    "to",
    "provide",     "improve",     "and",        "protect",     "account",      "processing",
    "legal",       "basis",       "consent",    "legitimate",  "interests",    "contract",
    "retention",   "period",      "cookies",    "similar",     "technologies", "advertising",
    "partners",    "analytics",   "providers",  "transfer",    "outside",      "European",
    "Economic",    "Area",        "safeguards", "standard",    "contractual",  "clauses",
    "rights",      "access",      "rectify",    "erase",       "restrict",     "object",
    "portability", "withdraw",    "at",         "any",         "time",         "contact",
    "controller",  "processor",   "security",   "measures",    "encryption",   "children",
    "under",       "age",         "of",         "sixteen",     "changes",      "notify",
    "by",          "email",       "or",         "notice",      "on",           "website",
    "device",      "identifiers", "location",   "payment",     "details",      "profile",
    "messages",    "content",     "is",         "are",         "as",           "such"};

class PageWriter {
 public:
  explicit PageWriter(uint64_t seed) : rng_(seed) {}

  std::size_t Uniform(std::size_t lo, std::size_t hi) {
    return std::uniform_int_distribution<std::size_t>(lo, hi)(rng_);
  }

  void Sentence(std::string* out) {
    const std::size_t words = Uniform(8, 28);
    for (std::size_t i = 0; i < words; ++i) {
      std::string_view word = kWords[Uniform(0, kWords.size() - 1)];
      if (i == 0) {
        out->push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(word[0]))));
        out->append(word.substr(1));
      } else {
        out->push_back(' ');
        out->append(word);
      }
    }
    out->append(". ");
  }

  void Paragraph(std::string* out) {
    out->append("<p>");
    const std::size_t sentences = Uniform(2, 7);
    for (std::size_t i = 0; i < sentences; ++i) Sentence(out);
    out->append("</p>\n");
  }

  void List(std::string* out) {
    const bool ordered = Uniform(0, 1) == 1;
    out->append(ordered ? "<ol>\n" : "<ul>\n");
    const std::size_t items = Uniform(3, 9);
    for (std::size_t i = 0; i < items; ++i) {
      out->append("<li>");
      Sentence(out);
      out->append("</li>\n");
    }
    out->append(ordered ? "</ol>\n" : "</ul>\n");
  }

  void Table(std::string* out) {
    out->append(
        "<table class=\"data-table\"><thead><tr><th>Category</th><th>Examples</th>"
        "<th>Retention</th></tr></thead><tbody>\n");
    const std::size_t rows = Uniform(3, 10);
    for (std::size_t i = 0; i < rows; ++i) {
      out->append("<tr><td>");
      out->append(kWords[Uniform(0, kWords.size() - 1)]);
      out->append("</td><td>");
      Sentence(out);
      out->append("</td><td>" + std::to_string(Uniform(1, 60)) + " months</td></tr>\n");
    }
    out->append("</tbody></table>\n");
  }

  void Nav(std::string* out, std::size_t links) {
    out->append("<nav class=\"site-nav\"><ul>");
    for (std::size_t i = 0; i < links; ++i) {
      const std::string_view word = kWords[Uniform(0, kWords.size() - 1)];
      out->append("<li><a href=\"/");
      out->append(word);
      out->append("/" + std::to_string(i) + "\">");
      out->append(word);
      out->append("</a></li>");
    }
    out->append("</ul></nav>\n");
  }

  void Script(std::string* out, std::size_t bytes) {
    out->append("<script>\n(function(){var q=window.__q=window.__q||[];");
    const std::size_t start = out->size();
    while (out->size() - start < bytes) {
      out->append("q.push({e:'v" + std::to_string(Uniform(0, 99999)) +
                  "',t:Date.now(),p:location.pathname});");
    }
    out->append("})();\n</script>\n");
  }

 private:
  std::mt19937_64 rng_;
};

}  // namespace

std::vector<std::filesystem::path> ListCorpusPages(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file() && IsPage(entry.path())) files.push_back(entry.path());
  }
  if (files.empty()) throw std::runtime_error("no *.html(.gz) page in " + dir.string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string ReadCorpusPage(const std::filesystem::path& path) { return ReadGzip(path); }

std::vector<std::string> LoadCorpus(const std::filesystem::path& dir, std::size_t count,
                                    uint64_t seed) {
  std::vector<std::filesystem::path> files = ListCorpusPages(dir);
  std::shuffle(files.begin(), files.end(), std::mt19937_64(seed));
  if (files.size() > count) files.resize(count);
  std::vector<std::string> distinct;
  distinct.reserve(files.size());
  for (const auto& file : files) distinct.push_back(ReadGzip(file));
  std::vector<std::string> pages;
  pages.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::string page = distinct[i % distinct.size()];
    if (i >= distinct.size()) page += "\n<!-- copy " + std::to_string(i) + " -->\n";
    pages.push_back(std::move(page));
  }
  return pages;
}

std::string GeneratePolicyPage(std::size_t index, uint64_t seed) {
  PageWriter w(seed * 1'000'003 + index);
  const std::size_t target = w.Uniform(50 * 1024, 300 * 1024);
  std::string out;
  out.reserve(target + 16 * 1024);
  const std::string company = "Platform " + std::to_string(index);
  out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>" +
             company +
             " Privacy Policy</title>\n<style>body{font-family:sans-serif}"
             ".cookie-banner{position:fixed;bottom:0}.site-nav li{display:inline}</style>\n");
  w.Script(&out, w.Uniform(2'000, 12'000));
  out.append("</head>\n<body>\n<header class=\"site-header\"><a class=\"logo\" href=\"/\">" +
             company + "</a>\n");
  w.Nav(&out, w.Uniform(8, 30));
  out.append(
      "</header>\n<div class=\"cookie-banner\" id=\"cookie-consent\"><p>We use cookies "
      "to improve your experience.</p><button>Accept all</button><button>Settings"
      "</button></div>\n<main id=\"content\"><article class=\"policy\">\n<h1>" +
      company + " Privacy Policy</h1>\n<p class=\"updated\">Last updated: 2026-0" +
      std::to_string(1 + index % 9) + "-1" + std::to_string(index % 10) + "</p>\n");
  // Body sections until the page reaches its size; the footer and scripts add the rest.
  const std::size_t body_target = target * 85 / 100;
  for (std::size_t section = 1; out.size() < body_target; ++section) {
    out.append("<section id=\"s" + std::to_string(section) + "\"><h2>" + std::to_string(section) +
               ". ");
    w.Sentence(&out);
    out.append("</h2>\n");
    const std::size_t blocks = w.Uniform(3, 9);
    for (std::size_t b = 0; b < blocks && out.size() < body_target; ++b) {
      const std::size_t kind = w.Uniform(0, 9);
      if (kind < 6) {
        w.Paragraph(&out);
      } else if (kind < 8) {
        w.List(&out);
      } else if (kind < 9) {
        w.Table(&out);
      } else {
        out.append("<h3>" + std::to_string(section) + "." + std::to_string(b) + " ");
        w.Sentence(&out);
        out.append("</h3>\n");
        w.Paragraph(&out);
      }
    }
    out.append("</section>\n");
  }
  out.append("</article></main>\n<aside class=\"sidebar\">");
  w.Nav(&out, w.Uniform(5, 15));
  out.append("</aside>\n<footer class=\"site-footer\">");
  w.Nav(&out, w.Uniform(10, 40));
  out.append("<p>&copy; 2026 " + company + ". All rights reserved.</p></footer>\n");
  while (out.size() < target) w.Script(&out, std::min<std::size_t>(target - out.size(), 8'000));
  out.append("</body></html>\n");
  return out;
}

std::string ChangePage(const std::string& html, std::size_t change_number, int attempt) {
  std::vector<std::size_t> ends;
  for (std::size_t at = html.find("</p>"); at != std::string::npos; at = html.find("</p>", at + 4))
    ends.push_back(at);
  if (ends.empty()) return "";
  // From the middle outwards: the middle of a page is the most likely to be its main text.
  const std::size_t middle = ends.size() / 2;
  const std::size_t step = static_cast<std::size_t>(attempt + 1) / 2;
  if (step > middle && step >= ends.size() - middle) return "";
  std::size_t pick = attempt % 2 == 0 ? middle + step : middle - step;
  if (pick >= ends.size()) return "";
  std::string changed = html;
  changed.insert(ends[pick], " We added clause " + std::to_string(change_number) +
                                 " about data retention for benchmark purposes.");
  return changed;
}

}  // namespace policyd::bench

// The pages of the pass benchmark: read from a corpus folder (*.html.gz or *.html) or
// generated (realistic policy pages of 50-300 KB, deterministic), and the edits that make
// 10% of them change between passes.
#ifndef POLICYD_TESTS_BENCH_PASS_CORPUS_H_
#define POLICYD_TESTS_BENCH_PASS_CORPUS_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace policyd::bench {

// The *.html.gz / *.htm.gz / *.html / *.htm files of `dir` (not recursive), sorted by name.
// Throws when the folder cannot be read or holds no page.
std::vector<std::filesystem::path> ListCorpusPages(const std::filesystem::path& dir);

// The bytes of one page file (gzip decompressed; plain files as they are). Throws on error.
std::string ReadCorpusPage(const std::filesystem::path& path);

// `count` pages from the *.html.gz / *.html files of `dir`, in a seeded random order. When the
// folder holds fewer files, they are reused; each reuse gets a distinct trailing comment so
// that raw captures are not all identical (their extracted text still is). Throws when the
// folder has no page.
std::vector<std::string> LoadCorpus(const std::filesystem::path& dir, std::size_t count,
                                    uint64_t seed);

// A privacy-policy-like page of 50-300 KB: head with styles and scripts, header with
// navigation, cookie banner, main article (headings, numbered sections, paragraphs, lists,
// tables), sidebar and footer. Same (index, seed) -> same bytes.
std::string GeneratePolicyPage(std::size_t index, uint64_t seed);

// The page with one sentence inserted into a paragraph (`attempt` picks which paragraph,
// from the middle of the page outwards). Empty when the page has no such place left.
std::string ChangePage(const std::string& html, std::size_t change_number, int attempt);

}  // namespace policyd::bench

#endif  // POLICYD_TESTS_BENCH_PASS_CORPUS_H_

// sequence_classes: how policyd classifies the changes it finds on real snapshot sequences
// (issue 16, item 3). For every document of ota-dating-sequences, each snapshot is extracted as
// `policyctl extract` does without a target (automatic main content), and each snapshot whose
// text differs from the previous one's is a change, classified with ClassifyChange. Changes are
// tallied by class and by what the curators saw there: `text` (their words changed), `markup`
// (only links or Markdown), a selector upgrade of theirs, or nothing (a false change).
//
// usage: sequence_classes CORPUS_DIR   (e.g. ../shared/corpora/ota-dating-sequences)

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "gzip_file.h"
#include "policyd/diff.h"
#include "policyd/extract.h"

namespace {

using policyd::bench::ReadGzip;

namespace fs = std::filesystem;

std::string TextOf(const fs::path& corpus, const std::string& snapshot) {
  std::string html;
  if (!ReadGzip(corpus / "pages" / (snapshot + ".html.gz"), &html)) return "";
  policyd::ExtractResult result;
  if (!policyd::ExtractText(html, policyd::ExtractOptions{}, &result).ok()) return "";
  return result.text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: sequence_classes CORPUS_DIR\n";
    return 2;
  }
  const fs::path corpus = argv[1];
  std::ifstream in(corpus / "sequences.json");
  const nlohmann::json data = nlohmann::json::parse(in, nullptr, false);
  if (!data.is_object()) {
    std::cerr << "sequence_classes: cannot read " << (corpus / "sequences.json") << "\n";
    return 1;
  }
  // truth kind -> class -> count
  std::map<std::string, std::map<std::string, int>> tally;
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& document : data["documents"]) {
    std::map<int, std::string> kinds;
    for (const auto& change : document["changes"]) kinds[change["index"]] = change["kind"];
    std::set<int> upgrades;
    for (const auto& index : document["selector_upgrades"]) upgrades.insert(index.get<int>());
    std::string previous;
    int index = 0;
    for (const auto& snapshot : document["snapshots"]) {
      std::string text = TextOf(corpus, snapshot.get<std::string>());
      if (index > 0 && text != previous) {
        const policyd::ChangeClassification change = policyd::ClassifyChange(previous, text);
        const std::string truth = kinds.count(index)      ? kinds[index]
                                  : upgrades.count(index) ? "selector_upgrade"
                                                          : "false";
        const std::string name = policyd::ChangeClassName(change.change_class);
        ++tally[truth][name];
        changes.push_back({{"document", document["document"]},
                           {"index", index},
                           {"truth", truth},
                           {"change_class", name},
                           {"words_added", change.words_added},
                           {"words_removed", change.words_removed}});
      }
      previous = std::move(text);
      ++index;
    }
  }
  std::cout << nlohmann::json{{"by_truth_and_class", tally}, {"changes", changes}}.dump(1) << "\n";
  return 0;
}

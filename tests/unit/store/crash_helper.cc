// store_crash_helper DIR: commits changes to the store under DIR forever, printing each
// committed event sequence on its own line once CommitCheck has returned. The kill -9 test
// kills it at an arbitrary point and checks that everything it reported survived.
#include <cstdio>
#include <string>

#include "policyd/store.h"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s DIR\n", argv[0]);
    return 2;
  }
  auto store = policyd::Store::Open(argv[1]);
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  for (int64_t i = 0;; ++i) {
    policyd::CheckCommit commit;
    commit.doc_id = "doc" + std::to_string(i % 7);
    commit.check.time_ms = 1000 + i;
    commit.check.outcome = "changed";
    commit.state.version_count = static_cast<uint64_t>(i / 7 + 1);
    policyd::CheckCommit::NewVersion version;
    version.text = "text " + std::to_string(i) + "\n" + std::string(2000, 'x');
    version.raw_html = "<p>" + version.text + "</p>";
    version.record.time_ms = 1000 + i;
    commit.version = version;
    commit.events = {nlohmann::json{{"type", "document.changed"}, {"doc_id", commit.doc_id}}};
    const auto result = (*store)->CommitCheck(commit);
    if (!result.ok()) {
      std::fprintf(stderr, "commit: %s\n", result.status().ToString().c_str());
      return 1;
    }
    std::printf("%llu\n", static_cast<unsigned long long>(result->front().seq));
    std::fflush(stdout);
  }
}

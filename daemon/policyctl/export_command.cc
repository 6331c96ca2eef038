// export DIR: every stored version as a Markdown file, plus an index.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/format.h"
#include "policyctl/handlers.h"
#include "policyd/clock.h"
#include "policyd/json_text.h"
#include "policyd/private_files.h"

namespace policyd::ctl {
namespace {

// A path component from a platform or document type: no separators, no dot names.
std::string PathComponent(std::string name) {
  for (char& c : name) {
    if (c == '/' || c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) c = '-';
  }
  if (name.empty() || name == "." || name == "..") name = "_" + name;
  return name;
}

class ProgressBar {
 public:
  explicit ProgressBar(std::size_t total) : total_(total), enabled_(isatty(STDERR_FILENO) != 0) {}
  ~ProgressBar() { Finish(); }
  // Ends the bar's line, so that what is printed next starts on a line of its own.
  void Finish() {
    if (enabled_ && drawn_) std::fputs("\n", stderr);
    drawn_ = false;
  }
  void Update(std::size_t done, const std::string& label) {
    if (!enabled_ || total_ == 0) return;
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = done * kWidth / total_;
    std::fprintf(stderr, "\r[%s%s] %zu/%zu %-40.40s", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, ' ').c_str(), done, total_, label.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

 private:
  std::size_t total_;
  bool enabled_;
  bool drawn_ = false;
};

// One version to export, with its document as `list` (or `removed`) describes it.
struct ExportItem {
  nlohmann::json doc;
  nlohmann::json version;
};

// Every version of every document, watched or removed, as the daemon lists them; the exit
// status when it refuses.
std::variant<std::vector<ExportItem>, int> ListVersions(const Options& options) {
  nlohmann::json documents = nlohmann::json::array();
  for (const char* cmd : {"list", "removed"}) {
    auto listed = Call(options, {{"cmd", cmd}});
    if (std::holds_alternative<int>(listed)) return std::get<int>(listed);
    for (auto& doc : std::get<nlohmann::json>(listed)["documents"]) {
      doc["watched"] = doc.value("watched", true);
      documents.push_back(std::move(doc));
    }
  }
  std::vector<ExportItem> items;
  for (const auto& doc : documents) {
    auto history = Call(options, {{"cmd", "history"}, {"doc", doc["id"]}});
    if (std::holds_alternative<int>(history)) return std::get<int>(history);
    for (const auto& version : std::get<nlohmann::json>(history)["versions"]) {
      items.push_back({doc, version});
    }
  }
  return items;
}

// The export's files under its root, one per version (DIR/<Platform>/<Type>/<date>.md), and
// its index (DIR/index.json) listing them per document.
class ExportTree {
 public:
  explicit ExportTree(std::filesystem::path root)
      : root_(std::move(root)),
        index_({{"exported", FormatTimestamp(NowUnixMillis())},
                {"documents", nlohmann::json::array()}}) {}

  // Writes one version's text, and its raw capture when given (beside it, as <date>.raw), and
  // lists them; why they could not be written otherwise ("PATH: cannot write: File too large").
  std::optional<std::string> Write(const ExportItem& item, const std::string& text,
                                   const std::optional<std::string>& raw) {
    const std::string id = item.doc["id"];
    const std::filesystem::path dir = root_ / PathComponent(item.doc.value("platform", id)) /
                                      PathComponent(item.doc.value("type", id));
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    // The capture date names the file; a second version the same day gets -2, -3, ...
    const std::string date = Str(item.version["time"]).substr(0, 10);
    std::filesystem::path file = dir / (date + ".md");
    for (int n = 2; used_.count(file) > 0; ++n) {
      file = dir / (date + "-" + std::to_string(n) + ".md");
    }
    used_.insert(file);
    if (error) return dir.string() + ": cannot create: " + error.message();
    if (const Status written = WritePrivateFileAtomically(file, text); !written.ok()) {
      return written.message();
    }
    std::optional<std::filesystem::path> raw_file;
    if (raw.has_value()) {
      raw_file = std::filesystem::path(file).replace_extension(".raw");
      if (const Status written = WritePrivateFileAtomically(*raw_file, *raw); !written.ok()) {
        return written.message();
      }
    }
    List(item, file, raw_file);
    return std::nullopt;
  }

  // Writes the index.
  Status WriteIndex() const {
    return WritePrivateFileAtomically(index_path(), JsonText(index_, 2) + "\n");
  }

  std::filesystem::path index_path() const { return root_ / "index.json"; }
  std::size_t documents() const { return index_["documents"].size(); }

 private:
  void List(const ExportItem& item, const std::filesystem::path& file,
            const std::optional<std::filesystem::path>& raw_file) {
    const std::string id = item.doc["id"];
    if (doc_slot_.count(id) == 0) {
      doc_slot_[id] = index_["documents"].size();
      index_["documents"].push_back({{"id", id},
                                     {"platform", item.doc["platform"]},
                                     {"type", item.doc["type"]},
                                     {"url", item.doc["url"]},
                                     {"watched", item.doc["watched"]},
                                     {"versions", nlohmann::json::array()}});
    }
    index_["documents"][doc_slot_[id]]["versions"].push_back(
        {{"file", std::filesystem::relative(file, root_).string()},
         {"captured", item.version["time"]},
         // What the version is: "first_seen", "reread" (the page did not change), or the
         // change's class; and the window of the change when known.
         {"class", item.version.value("change_class", "")},
         {"text_sha256", item.version["text_hash"]},
         {"raw_sha256", item.version["raw_hash"]},
         {"http_status", item.version["http_status"]},
         {"final_url", item.version["final_url"]},
         {"event_seq", item.version["event_seq"]},
         {"policyd_version", item.version["policyd_version"]}});
    nlohmann::json& listed = index_["documents"][doc_slot_[id]]["versions"].back();
    if (raw_file.has_value()) {
      listed["raw_file"] = std::filesystem::relative(*raw_file, root_).string();
    }
    for (const char* window : {"previous_seen", "held_since"}) {
      if (item.version.contains(window)) listed[window] = item.version[window];
    }
  }

  std::filesystem::path root_;
  nlohmann::json index_;
  std::map<std::string, std::size_t> doc_slot_;  // doc id -> index in index_["documents"]
  std::set<std::filesystem::path> used_;
};

}  // namespace

// export DIR: every version of every document, watched or removed (whose history is kept),
// as DIR/<Platform>/<Type>/<date>.md (the stored text byte for byte, so `sha256sum` of a file
// is its text hash) plus DIR/index.json. Exit 1 if the daemon refuses, 4 if DIR cannot be
// written.
namespace {

// An export that stops before its index is written is removed, so that a full disk leaves no
// tree without an index (which the next export would refuse as "not empty"): DIR was new or
// empty when the export began, so everything in it is the export's own.
class PartialExport {
 public:
  PartialExport(std::filesystem::path root, bool created)
      : root_(std::move(root)), created_(created) {}
  ~PartialExport() {
    if (kept_) return;
    std::error_code ignored;
    if (created_) {
      std::filesystem::remove_all(root_, ignored);
    } else {
      for (const auto& entry : std::filesystem::directory_iterator(root_, ignored)) {
        std::filesystem::remove_all(entry.path(), ignored);
      }
    }
  }
  PartialExport(const PartialExport&) = delete;
  PartialExport& operator=(const PartialExport&) = delete;

  void Keep() { kept_ = true; }
  // The error line for a write that failed, saying what became of the part written.
  std::string Failed(const std::string& why) const {
    return why + " (the incomplete export in " + root_.string() + " was removed)";
  }

 private:
  std::filesystem::path root_;
  bool created_;
  bool kept_ = false;
};

}  // namespace

int RunExport(const Options& options) {
  const std::filesystem::path root = options.positional[0];
  // Into a new or empty directory only: a previous export's files that this one does not
  // overwrite would stay beside an index that does not list them.
  std::error_code probe;
  if (std::filesystem::is_directory(root, probe) && !std::filesystem::is_empty(root, probe)) {
    std::fprintf(stderr,
                 "policyctl: %s is not empty: export into a new or empty directory (a previous "
                 "export's files would mix with this one's)\n",
                 root.c_str());
    return kExitInput;
  }
  auto listed = ListVersions(options);
  if (std::holds_alternative<int>(listed)) return std::get<int>(listed);
  const std::vector<ExportItem>& items = std::get<std::vector<ExportItem>>(listed);

  std::error_code error;
  const bool created = !std::filesystem::exists(root, error);
  std::filesystem::create_directories(root, error);
  if (error) {
    std::fprintf(stderr, "policyctl: cannot create %s: %s\n", root.c_str(),
                 error.message().c_str());
    return kExitInput;
  }
  PartialExport partial(root, created);
  ExportTree tree(root);
  ProgressBar progress(items.size());
  for (std::size_t done = 0; done < items.size(); ++done) {
    const ExportItem& item = items[done];
    const std::string id = item.doc["id"];
    progress.Update(done, id);
    const std::string what = "version " + Str(item.version["index"]) + " of " + id;
    auto text = ReadStoredBytes(options, id, item.version["text_hash"], what);
    if (std::holds_alternative<int>(text)) return std::get<int>(text);
    // With --raw, the capture the raw hash is of, so that a reader given only the export can
    // check it too (a capture gone from the store fails the export: see policyctl verify).
    std::optional<std::string> raw;
    if (options.Has("--raw")) {
      auto read = ReadStoredBytes(options, id, item.version["raw_hash"], "the capture of " + what);
      if (std::holds_alternative<int>(read)) return std::get<int>(read);
      raw = std::move(std::get<std::string>(read));
    }
    if (const auto unwritten = tree.Write(item, std::get<std::string>(text), raw)) {
      progress.Finish();
      std::fprintf(stderr, "policyctl: %s\n", partial.Failed(*unwritten).c_str());
      return kExitInput;
    }
  }
  progress.Update(items.size(), "index.json");
  if (const Status indexed = tree.WriteIndex(); !indexed.ok()) {
    progress.Finish();
    std::fprintf(stderr, "policyctl: %s\n", partial.Failed(indexed.message()).c_str());
    return kExitInput;
  }
  partial.Keep();
  progress.Finish();
  if (options.json) {
    std::cout << JsonText(nlohmann::json{{"dir", root.string()},
                                         {"documents", tree.documents()},
                                         {"versions", items.size()}},
                          2)
              << "\n";
  } else {
    std::cout << "exported " << items.size() << " version(s) of " << tree.documents()
              << " document(s) to " << root.string() << "\n";
  }
  return kExitOk;
}

}  // namespace policyd::ctl

#include "config/target_file.h"

#include <map>
#include <string>
#include <utility>

#include "config/document_checks.h"
#include "config/toml_reader.h"
#include "policyd/config.h"

namespace policyd {
namespace config_internal {
namespace {

// Reads the platform name: the `name` key, else the file stem.
std::string ReadPlatformName(TableReader& root, const std::filesystem::path& path) {
  std::string name = path.stem().string();
  if (root.ReadNonEmptyString("name", &name) && Slugify(name).empty()) {
    root.Error("name", "'name' must contain an ASCII letter or digit: it makes the document ids");
  }
  return name;
}

// Reads one [[documents]] table. Returns false (with errors recorded) if it is unusable.
bool ReadDocument(const toml::table& table, const std::string& platform,
                  const std::filesystem::path& path, Diagnostics* diagnostics, DocumentSpec* spec) {
  TableReader reader(table, diagnostics);
  const bool has_type = reader.ReadNonEmptyString("type", &spec->type);
  const bool has_url = reader.ReadNonEmptyString("url", &spec->url);
  reader.ReadDuration("interval", std::chrono::milliseconds(0), kMaxDocumentInterval,
                      &spec->interval);
  reader.ReadStringList("select", &spec->select);
  reader.ReadStringList("remove", &spec->remove);
  reader.ReadBool("ignore_robots", &spec->ignore_robots);
  reader.ReportUnknownKeys();

  if (table.get("type") == nullptr) {
    diagnostics->Add(table.source(), "document has no 'type' (e.g. type = \"Privacy Policy\")");
  }
  if (table.get("url") == nullptr) diagnostics->Add(table.source(), "document has no 'url'");
  if (has_type && Slugify(spec->type).empty()) {
    reader.Error("type", "'type' must contain an ASCII letter or digit: it makes the document id");
    return false;
  }
  if (has_url) {
    if (Status status = CheckHttpUrl(spec->url); !status.ok()) {
      reader.Error("url", status.message());
      return false;
    }
  }
  if (!has_type || !has_url) return false;
  spec->platform = platform;
  spec->id = MakeDocumentId(platform, spec->type);
  spec->source_file = path;
  return true;
}

}  // namespace

Status LoadLocatedTargetFile(const std::filesystem::path& path, std::vector<LocatedDocument>* out) {
  toml::table table;
  if (Status status = ParseTomlFile(path, &table); !status.ok()) return status;

  Diagnostics diagnostics(path);
  TableReader root(table, &diagnostics);
  const std::string platform = ReadPlatformName(root, path);

  std::vector<LocatedDocument> documents;
  if (const toml::node* node = root.Get("documents")) {
    const toml::array* array = node->as_array();
    if (array == nullptr) {
      root.Error("documents", "'documents' must be an array of tables ([[documents]]), not " +
                                  std::string(TypeName(node->type())));
    } else {
      std::map<std::string, Position> first_seen;  // id -> where it was first defined
      for (const toml::node& element : *array) {
        const toml::table* document_table = element.as_table();
        if (document_table == nullptr) {
          diagnostics.Add(element.source(), "'documents' entries must be tables, not " +
                                                std::string(TypeName(element.type())));
          continue;
        }
        LocatedDocument document{DocumentSpec{}, StartOf(document_table->source())};
        if (!ReadDocument(*document_table, platform, path, &diagnostics, &document.spec)) {
          continue;
        }
        const auto [it, inserted] = first_seen.emplace(document.spec.id, document.position);
        if (!inserted) {
          diagnostics.Add(document.position, "duplicate document id '" + document.spec.id +
                                                 "' (first defined at " + Locate(path, it->second) +
                                                 ")");
          continue;
        }
        documents.push_back(std::move(document));
      }
    }
  }
  root.ReportUnknownKeys();
  if (Status status = diagnostics.ToStatus(); !status.ok()) return status;

  for (LocatedDocument& document : documents) out->push_back(std::move(document));
  return Status::Ok();
}

}  // namespace config_internal

Status LoadTargetFile(const std::filesystem::path& path, std::vector<DocumentSpec>* out) {
  std::vector<config_internal::LocatedDocument> documents;
  if (Status status = config_internal::LoadLocatedTargetFile(path, &documents); !status.ok()) {
    return status;
  }
  for (auto& document : documents) out->push_back(std::move(document.spec));
  return Status::Ok();
}

}  // namespace policyd

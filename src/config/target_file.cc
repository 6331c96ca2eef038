#include "config/target_file.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

#include "config/document_checks.h"
#include "config/toml_reader.h"
#include "config/top_level_keys.h"
#include "policyd/clock.h"
#include "policyd/compact_vector.h"
#include "policyd/config.h"

namespace policyd {
namespace config_internal {
namespace {

// The error for a `name` or `type` beyond kMaxDocumentNameBytes (it names files).
std::string NameTooLong(const std::string& key, const std::string& value) {
  return "'" + key + "' must be at most " + std::to_string(kMaxDocumentNameBytes) + " bytes, not " +
         std::to_string(value.size());
}

// Reads the platform name: the `name` key, else the file stem.
std::string ReadPlatformName(TableReader& root, const std::filesystem::path& path) {
  std::string name = path.stem().string();
  const bool named = root.ReadNonEmptyString("name", &name);
  if (named && Slugify(name).empty()) {
    root.Error("name", "'name' must contain a letter or digit: it makes the document ids");
  } else if (!named && root.table().contains("name")) {
    // ReadNonEmptyString has said what is wrong with it.
  } else if (!named && Slugify(name).empty()) {
    root.diagnostics()->Add(Position{1, 1}, "the file name '" + name +
                                                "' has no letter or digit to make document "
                                                "ids from: give the platform a 'name'");
  } else if (name.size() > kMaxDocumentNameBytes) {
    root.Error("name", NameTooLong("name", name));
  } else if (HasControlCharacter(name)) {
    root.Error("name", "'name' must not contain control characters");
  }
  return name;
}

// Where each extraction entry of a document was written, index for index with the spec's
// lists, so that a selector or expression that does not compile is reported at its own line.
struct EntryPositions {
  std::vector<Position> select;
  std::vector<Position> remove;
  std::vector<Position> ranges;
  std::vector<Position> remove_ranges;
  std::vector<Position> ignore_lines;

  Position Of(const ExtractEntry& entry, Position fallback) const {
    const std::vector<Position>* list = &select;
    if (entry.list == ExtractEntry::List::kRemove) list = &remove;
    if (entry.list == ExtractEntry::List::kRanges) list = &ranges;
    if (entry.list == ExtractEntry::List::kRemoveRanges) list = &remove_ranges;
    if (entry.list == ExtractEntry::List::kIgnoreLines) list = &ignore_lines;
    return entry.index < list->size() ? (*list)[entry.index] : fallback;
  }
};

// The positions of the entries of a string-or-array-of-strings key that ReadStringList accepted.
std::vector<Position> ListPositions(const toml::node* node) {
  std::vector<Position> positions;
  if (node == nullptr) return positions;
  if (const toml::array* array = node->as_array()) {
    for (const toml::node& entry : *array) positions.push_back(StartOf(entry.source()));
  } else {
    positions.push_back(StartOf(node->source()));
  }
  return positions;
}

// Where a `select` or `remove` key puts its entries: CSS selectors and ranges, and where each
// was written.
struct SelectorLists {
  CompactVector<std::string>* css;
  std::vector<Position>* css_positions;
  CompactVector<SelectRange>* ranges;
  std::vector<Position>* range_positions;
};

// Reads the keys of a range table ({startBefore|startAfter = css, endBefore|endAfter = css});
// whether exactly one start and one end are set is the caller's to check.
void ReadRangeKeys(TableReader& reader, SelectRange* range) {
  reader.ReadNonEmptyString("startBefore", &range->start_before);
  reader.ReadNonEmptyString("startAfter", &range->start_after);
  reader.ReadNonEmptyString("endBefore", &range->end_before);
  reader.ReadNonEmptyString("endAfter", &range->end_after);
}

// Reads `key` (select or remove): a string, or an array of strings and range tables
// ({startBefore|startAfter = css, endBefore|endAfter = css}).
void ReadSelectors(TableReader& reader, std::string_view key, const SelectorLists& out) {
  const toml::node* node = reader.Get(key);
  if (node == nullptr) return;
  Diagnostics* diagnostics = reader.diagnostics();
  const std::string quoted = "'" + std::string(key) + "'";
  auto read_entry = [&](const toml::node& entry) {
    if (const auto* text = entry.as_string()) {
      if (text->get().empty()) {
        diagnostics->Add(entry.source(), quoted + " entries must not be empty");
      } else {
        out.css->push_back(text->get());
        out.css_positions->push_back(StartOf(entry.source()));
      }
      return;
    }
    const toml::table* table = entry.as_table();
    if (table == nullptr) {
      diagnostics->Add(entry.source(), quoted +
                                           " must be a string or an array of strings (CSS "
                                           "selectors) or range tables, not " +
                                           std::string(TypeName(entry.type())));
      return;
    }
    TableReader range_reader(*table, diagnostics);
    SelectRange range;
    ReadRangeKeys(range_reader, &range);
    range_reader.ReportUnknownKeys();
    if (range.start_before.empty() == range.start_after.empty() ||
        range.end_before.empty() == range.end_after.empty()) {
      diagnostics->Add(table->source(), "a " + quoted +
                                            " range needs exactly one of startBefore/startAfter "
                                            "and one of endBefore/endAfter");
      return;
    }
    out.ranges->push_back(std::move(range));
    out.range_positions->push_back(StartOf(table->source()));
  };
  if (const toml::array* array = node->as_array()) {
    for (const toml::node& entry : *array) read_entry(entry);
  } else {
    read_entry(*node);
  }
}

// Reads a string-or-array-of-strings extraction key, noting where each entry is.
void ReadEntries(TableReader& reader, std::string_view key, CompactVector<std::string>* out,
                 std::vector<Position>* positions) {
  std::vector<std::string> entries;
  if (!reader.ReadStringList(key, &entries)) return;
  *out = std::move(entries);
  *positions = ListPositions(reader.table().get(key));
}

// Compiles the document's extraction (every check shares the result); a selector that does
// not parse or an expression that does not compile is reported where it was written.
void CompileExtraction(const toml::table& table, const EntryPositions& positions,
                       Diagnostics* diagnostics, DocumentSpec* spec) {
  ExtractEntry failed;
  if (Status status = CompileDocumentExtraction(spec, &failed); !status.ok()) {
    diagnostics->Add(positions.Of(failed, StartOf(table.source())), status.message());
  }
}

// `render = "auto" | "static" | "browser"` (RenderMode).
void ReadRenderMode(TableReader& reader, RenderMode* out) {
  std::string name;
  if (!reader.ReadString("render", &name)) return;
  if (const auto mode = ParseRenderMode(name)) {
    *out = *mode;
    return;
  }
  reader.Error("render",
               "'render' must be \"auto\", \"static\" or \"browser\"; not '" + name + "'");
}

// Reads every key of one [[documents]] table into `spec`, noting where each extraction entry
// was written (errors recorded). What the values must satisfy together is ReadDocument's.
void ReadDocumentKeys(TableReader& reader, EntryPositions* positions, DocumentSpec* spec) {
  reader.ReadNonEmptyString("type", &spec->type);
  reader.ReadNonEmptyString("url", &spec->url);
  if (reader.ReadInterval("interval", std::chrono::milliseconds(0), kMaxDocumentInterval,
                          &spec->interval) &&
      spec->interval.count() > 0 && spec->interval < kMinDocumentInterval) {
    reader.Error("interval", "'interval' must be at least " + FormatDuration(kMinDocumentInterval) +
                                 " (or 0 for default_interval), not " +
                                 FormatDuration(spec->interval));
  }
  ReadSelectors(reader, "select",
                {&spec->select, &positions->select, &spec->select_ranges, &positions->ranges});
  ReadSelectors(
      reader, "remove",
      {&spec->remove, &positions->remove, &spec->remove_ranges, &positions->remove_ranges});
  reader.ReadBool("ignore_robots", &spec->ignore_robots);
  ReadEntries(reader, "ignore_lines", &spec->ignore_lines, &positions->ignore_lines);
  reader.ReadBool("include_link_urls", &spec->include_link_urls);
  ReadRenderMode(reader, &spec->render);
  if (std::vector<std::string> urls; reader.ReadStringList("extra_urls", &urls)) {
    spec->extra_urls = std::move(urls);
  }
}

// What every document of one target file has in common.
struct FileCommon {
  std::string platform;       // the display name
  std::string platform_slug;  // Slugify(platform): the first half of each id
  SharedPath source_file;     // one for all
};

// Reads one [[documents]] table. Returns false (with errors recorded) if it is unusable.
bool ReadDocument(const toml::table& table, const FileCommon& file, Diagnostics* diagnostics,
                  DocumentSpec* spec) {
  TableReader reader(table, diagnostics);
  reader.set_enclosing("[[documents]]", &IsTargetFileTopLevelKey);
  EntryPositions positions;
  ReadDocumentKeys(reader, &positions, spec);
  // The Read* calls leave a field alone when its key is absent or invalid.
  const bool has_type = !spec->type.empty();
  const bool has_url = !spec->url.empty();
  CompileExtraction(table, positions, diagnostics, spec);
  for (const std::string& url : spec->extra_urls) {
    if (Status status = CheckHttpUrl(url); !status.ok()) {
      reader.Error("extra_urls", status.message());
      break;
    }
  }
  reader.ReportUnknownKeys();

  if (table.get("type") == nullptr) {
    diagnostics->Add(table.source(), "document has no 'type' (e.g. type = \"Privacy Policy\")");
  }
  if (table.get("url") == nullptr) diagnostics->Add(table.source(), "document has no 'url'");
  const std::string type_slug = has_type ? Slugify(spec->type) : std::string();
  if (has_type && type_slug.empty()) {
    reader.Error("type", "'type' must contain a letter or digit: it makes the document id");
    return false;
  }
  if (has_type && spec->type.size() > kMaxDocumentNameBytes) {
    reader.Error("type", NameTooLong("type", spec->type));
    return false;
  }
  if (has_type && HasControlCharacter(spec->type)) {
    reader.Error("type", "'type' must not contain control characters");
    return false;
  }
  if (has_url) {
    if (Status status = CheckHttpUrl(spec->url); !status.ok()) {
      reader.Error("url", status.message());
      return false;
    }
  }
  if (!has_type || !has_url) return false;
  spec->platform = file.platform;
  // MakeDocumentId, the platform's slug made once per file; built in place (one allocation).
  spec->id.reserve(file.platform_slug.size() + 1 + type_slug.size());
  spec->id.append(file.platform_slug).append(1, '/').append(type_slug);
  spec->source_file = file.source_file;
  return true;
}

// Reports (and drops) every document whose id an earlier document of the file has. The ids are
// compared once all are read, by sorting views of them: no map of id copies per file.
void DropDuplicateIds(const std::filesystem::path& path, Diagnostics* diagnostics,
                      std::vector<LocatedDocument>* documents) {
  std::vector<std::pair<std::string_view, std::size_t>> ids;  // (id, index in documents)
  ids.reserve(documents->size());
  for (std::size_t i = 0; i < documents->size(); ++i) ids.emplace_back((*documents)[i].spec->id, i);
  std::sort(ids.begin(), ids.end());
  std::vector<bool> dropped(documents->size(), false);
  bool any = false;
  for (std::size_t run = 0, end = 0; run < ids.size(); run = end) {
    end = run + 1;
    for (; end < ids.size() && ids[end].first == ids[run].first; ++end) {
      const LocatedDocument& again = (*documents)[ids[end].second];
      diagnostics->Add(again.position,
                       "duplicate document id '" + again.spec->id + "' (first defined at " +
                           Locate(path, (*documents)[ids[run].second].position) + ")");
      dropped[ids[end].second] = any = true;
    }
  }
  if (!any) return;
  std::size_t kept = 0;
  for (std::size_t i = 0; i < documents->size(); ++i) {
    if (!dropped[i]) (*documents)[kept++] = std::move((*documents)[i]);
  }
  documents->resize(kept);
}

// Reads the top level of a target file (the platform name and its [[documents]] tables).
// Errors are recorded in the reader's diagnostics; the documents read without error are
// returned.
std::vector<LocatedDocument> ReadTargetFileTable(TableReader& root,
                                                 const std::filesystem::path& path) {
  Diagnostics& diagnostics = *root.diagnostics();
  FileCommon file;
  file.platform = ReadPlatformName(root, path);
  file.platform_slug = Slugify(file.platform);
  file.source_file = SharedPath(path);
  std::vector<LocatedDocument> documents;
  const toml::node* node = root.Get("documents");
  if (node == nullptr) return documents;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    root.Error("documents", "'documents' must be an array of tables ([[documents]]), not " +
                                std::string(TypeName(node->type())));
    return documents;
  }
  documents.reserve(array->size());
  for (const toml::node& element : *array) {
    const toml::table* document_table = element.as_table();
    if (document_table == nullptr) {
      diagnostics.Add(element.source(), "'documents' entries must be tables, not " +
                                            std::string(TypeName(element.type())));
      continue;
    }
    LocatedDocument document{std::make_shared<DocumentSpec>(), StartOf(document_table->source())};
    if (!ReadDocument(*document_table, file, &diagnostics, document.spec.get())) {
      continue;
    }
    documents.push_back(std::move(document));
  }
  DropDuplicateIds(path, &diagnostics, &documents);
  return documents;
}

}  // namespace

namespace {

// Reads the parsed `table` of `path` into `out` (only on success).
Status ReadTargetTable(const toml::table& table, const std::filesystem::path& path,
                       std::vector<LocatedDocument>* out) {
  Diagnostics diagnostics(path);
  TableReader root(table, &diagnostics);
  std::vector<LocatedDocument> documents = ReadTargetFileTable(root, path);
  root.ReportUnknownKeys();
  if (Status status = diagnostics.ToStatus(); !status.ok()) return status;

  for (LocatedDocument& document : documents) out->push_back(std::move(document));
  return Status::Ok();
}

}  // namespace

Status LoadLocatedTargetFile(const std::filesystem::path& path, std::vector<LocatedDocument>* out) {
  toml::table table;
  if (Status status = ParseTomlFile(path, &table); !status.ok()) return status;
  return ReadTargetTable(table, path, out);
}

Status LoadLocatedTargetText(std::string_view text, const std::filesystem::path& path,
                             std::vector<LocatedDocument>* out) {
  toml::table table;
  if (Status status = ParseTomlText(text, path, &table); !status.ok()) return status;
  return ReadTargetTable(table, path, out);
}

}  // namespace config_internal

Status LoadTargetFile(const std::filesystem::path& path, std::vector<DocumentSpec>* out) {
  std::vector<config_internal::LocatedDocument> documents;
  if (Status status = config_internal::LoadLocatedTargetFile(path, &documents); !status.ok()) {
    return status;
  }
  for (auto& document : documents) out->push_back(std::move(*document.spec));
  return Status::Ok();
}

std::vector<std::pair<std::string, uint32_t>> DocumentLinesOf(const std::filesystem::path& path) {
  std::vector<config_internal::LocatedDocument> documents;
  if (!config_internal::LoadLocatedTargetFile(path, &documents).ok()) return {};
  std::vector<std::pair<std::string, uint32_t>> lines;
  lines.reserve(documents.size());
  for (const auto& document : documents)
    lines.emplace_back(document.spec->id, document.position.line);
  return lines;
}

namespace config_internal {

bool IsTargetFileTopLevelKey(std::string_view key) {
  static const std::vector<std::string> keys = ListTargetFileKeys().file;
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace config_internal

TargetFileKeys ListTargetFileKeys() {
  // Each reader asked to read an empty table asks for every key it knows; the errors that
  // follow (no 'type', no 'url') are dropped.
  const toml::table empty;
  config_internal::Diagnostics diagnostics("");
  TargetFileKeys keys;
  {
    config_internal::TableReader reader(empty, &diagnostics);
    (void)config_internal::ReadTargetFileTable(reader, "");
    keys.file = reader.known_keys();
  }
  {
    config_internal::TableReader reader(empty, &diagnostics);
    config_internal::EntryPositions positions;
    DocumentSpec spec;
    config_internal::ReadDocumentKeys(reader, &positions, &spec);
    keys.document = reader.known_keys();
  }
  {
    config_internal::TableReader reader(empty, &diagnostics);
    SelectRange range;
    config_internal::ReadRangeKeys(reader, &range);
    keys.range = reader.known_keys();
  }
  return keys;
}

}  // namespace policyd

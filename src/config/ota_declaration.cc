// LoadOtaDeclaration (policyd/config.h): Open Terms Archive service declarations as targets.
//
// The format (https://docs.opentermsarchive.org, "declarations"): a JSON object with the
// service `name` and `terms`, one entry per terms type with `fetch`, `select`, `remove`,
// `filter`, `executeClientScripts` and, for documents spread over several pages, `combine`.
// `select` and `remove` entries are CSS selectors or ranges ({startBefore|startAfter,
// endBefore|endAfter}), both honoured (ExtractOptions::ranges and remove_ranges, with OTA's
// semantics: policyd::RangeSelector). Everything policyd cannot honour (custom JavaScript
// filters) becomes a warning naming the document: the operator must know that a declaration
// is followed only in part.
#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "config/document_checks.h"
#include "config/toml_reader.h"
#include "policyd/config.h"
#include "policyd/file_read.h"
#include "policyd/json_limits.h"
#include "policyd/json_text.h"

namespace policyd {
namespace {

using nlohmann::json;

// The deepest a declaration nests is about 7 (terms, a type, combine, a page, select, a range);
// a file nested deeper is not one, and copying it would recurse once per level.
constexpr std::size_t kMaxDeclarationDepth = 32;

struct Selectors {
  std::vector<std::string> css;
  std::vector<SelectRange> ranges;
  bool operator==(const Selectors&) const = default;
};

// The entries of a `filter` list that policyd cannot honour: custom JavaScript functions
// (named by strings). OTA's built-in {"removeQueryParams": [...]} is honoured as it is: it
// removes query parameters from link and image URLs, and the text policyd keeps of an imported
// declaration has no URLs (include_link_urls is off), so nothing is left to remove.
json CustomFilters(const json& filters) {
  json custom = json::array();
  const auto visit = [&](const json& filter) {
    const bool built_in = filter.is_object() && filter.size() == 1 &&
                          filter.contains("removeQueryParams") &&
                          filter["removeQueryParams"].is_array();
    if (!built_in) custom.push_back(filter);
  };
  if (filters.is_array()) {
    for (const json& filter : filters) visit(filter);
  } else {
    visit(filters);
  }
  return custom;
}

// Parses a `select`/`remove` value: a string, a range object, or an array of both.
Status ParseSelectors(const json& value, const std::string& where, Selectors* out) {
  auto entry = [&](const json& item) -> Status {
    if (item.is_string()) {
      const std::string text = item.get<std::string>();
      if (text.empty()) return Status::InvalidArgument(where + ": empty CSS selector");
      out->css.push_back(text);
      return Status::Ok();
    }
    if (!item.is_object()) {
      return Status::InvalidArgument(where + ": selectors must be strings or range objects");
    }
    SelectRange range;
    for (const auto& [key, part] : item.items()) {
      if (!part.is_string() || part.get<std::string>().empty()) {
        return Status::InvalidArgument(where + ": range key '" + key +
                                       "' must be a non-empty CSS selector");
      }
      const std::string css = part.get<std::string>();
      if (key == "startBefore") {
        range.start_before = css;
      } else if (key == "startAfter") {
        range.start_after = css;
      } else if (key == "endBefore") {
        range.end_before = css;
      } else if (key == "endAfter") {
        range.end_after = css;
      } else {
        return Status::InvalidArgument(where + ": unknown range key '" + key + "'");
      }
    }
    if (range.start_before.empty() == range.start_after.empty() ||
        range.end_before.empty() == range.end_after.empty()) {
      return Status::InvalidArgument(
          where +
          ": a range needs exactly one of startBefore/startAfter and one of "
          "endBefore/endAfter");
    }
    out->ranges.push_back(std::move(range));
    return Status::Ok();
  };
  if (value.is_array()) {
    for (const json& item : value) {
      if (Status status = entry(item); !status.ok()) return status;
    }
    return Status::Ok();
  }
  return entry(value);
}

Status ReadText(const std::filesystem::path& path, std::string* text) {
  auto read = ReadRegularFile(path, kMaxConfigFileBytes);
  if (!read.ok()) return read.status();
  *text = std::move(*read);
  return Status::Ok();
}

// One page of a document, in fetch order: its URL and, for a page of `combine`, its own
// select and remove when it sets them.
struct TermsPage {
  std::string url;
  std::optional<Selectors> select;
  std::optional<Selectors> remove;
};

// `object[key]` as selectors, when the object has it.
Status ReadSelectorsIfPresent(const json& object, const char* key, const std::string& where,
                              std::optional<Selectors>* out) {
  if (!object.contains(key)) return Status::Ok();
  // OTA refuses a select that matches nothing: an empty list is a mistake, not "choose".
  if (std::string_view(key) == "select" && object[key].is_array() && object[key].empty()) {
    return Status::InvalidArgument(where +
                                   ": 'select' is an empty list (leave it out to let "
                                   "policyd choose the main content)");
  }
  Selectors selectors;
  if (Status s = ParseSelectors(object[key], where + ": " + key, &selectors); !s.ok()) return s;
  *out = std::move(selectors);
  return Status::Ok();
}

// `object`'s executeClientScripts: true makes the document rendered (the curators saw the text
// only after the page's scripts ran). OTA's schema wants a boolean: "yes" is an error here,
// not a silent false.
Status ReadScriptsFlag(const json& object, const std::string& where, DocumentSpec* spec) {
  const auto flag = object.find("executeClientScripts");
  if (flag == object.end()) return Status::Ok();
  if (!flag->is_boolean()) {
    return Status::InvalidArgument(where + ": 'executeClientScripts' must be true or false, not " +
                                   JsonText(*flag));
  }
  if (flag->get<bool>()) spec->render = RenderMode::kBrowser;
  return Status::Ok();
}

// The keys OTA's declaration format has at each level.
const std::vector<std::string> kDeclarationKeys = {"name", "terms", "$schema"};
const std::vector<std::string> kTermsKeys = {"fetch",  "select",  "remove",
                                             "filter", "combine", "executeClientScripts"};
const std::vector<std::string> kPageKeys = {"fetch", "select", "remove", "filter",
                                            "executeClientScripts"};

// Calls `warn` for each key of `object` not in `known`, with the closest known one: a
// misspelt key would otherwise change what is fetched, chosen or rendered without a word.
template <typename Warn>
void WarnUnknownKeys(const json& object, const std::vector<std::string>& known,
                     const std::string& prefix, Warn&& warn) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    warn(prefix + "unknown key '" + key + "' ignored" +
         config_internal::ClosestKeyHint(key, known));
  }
}

// The pages of `combine`, appended to *pages in order, as OTA's engine builds them: a page's
// own `fetch`, else the terms' (`terms_fetch`, which is no page of its own then). `warn` names
// what a page asks that policyd cannot do; one page that needs its scripts run makes the whole
// document rendered.
template <typename Warn>
Status ReadCombinedPages(const json& combine, const std::optional<std::string>& terms_fetch,
                         const std::string& where, DocumentSpec* spec,
                         std::vector<TermsPage>* pages, Warn&& warn) {
  if (!combine.is_array() || combine.empty()) {
    return Status::InvalidArgument(where + ": 'combine' must be a non-empty array of pages");
  }
  const std::string page_where = where + ": combine";
  for (const json& page : combine) {
    const bool own_fetch = page.is_object() && page.contains("fetch") && page["fetch"].is_string();
    if (!page.is_object() || (!own_fetch && (page.contains("fetch") || !terms_fetch))) {
      return Status::InvalidArgument(page_where +
                                     ": each page needs a 'fetch' URL string (or the terms' own)");
    }
    TermsPage read{own_fetch ? page["fetch"].get<std::string>() : *terms_fetch, std::nullopt,
                   std::nullopt};
    if (Status s = ReadSelectorsIfPresent(page, "select", page_where, &read.select); !s.ok()) {
      return s;
    }
    if (Status s = ReadSelectorsIfPresent(page, "remove", page_where, &read.remove); !s.ok()) {
      return s;
    }
    if (page.contains("filter") && !CustomFilters(page["filter"]).empty()) {
      warn("page " + read.url + ": custom JavaScript filters " +
           JsonText(CustomFilters(page["filter"])) + " ignored");
    }
    if (Status s = ReadScriptsFlag(page, page_where, spec); !s.ok()) return s;
    WarnUnknownKeys(page, kPageKeys, "page " + read.url + ": ", warn);
    pages->push_back(std::move(read));
  }
  return Status::Ok();
}

// The options of each page whose own select or remove differ from the document's (nullopt
// for the others); empty when no page differs.
std::vector<std::optional<ExtractOptions>> PageOptions(const std::vector<TermsPage>& pages,
                                                       const Selectors& select,
                                                       const Selectors& remove) {
  bool any_page_differs = false;
  std::vector<std::optional<ExtractOptions>> page_options(pages.size());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    const Selectors& page_select = pages[i].select ? *pages[i].select : select;
    const Selectors& page_remove = pages[i].remove ? *pages[i].remove : remove;
    if (page_select == select && page_remove == remove) continue;
    ExtractOptions options;
    options.select = page_select.css;
    options.ranges = page_select.ranges;
    options.remove = page_remove.css;
    options.remove_ranges = page_remove.ranges;
    page_options[i] = std::move(options);
    any_page_differs = true;
  }
  if (!any_page_differs) page_options.clear();
  return page_options;
}

// The terms' own filters and flags, and the keys policyd does not know.
template <typename Warn>
Status ReadTermsFlags(const json& terms, const std::string& where, DocumentSpec* spec,
                      Warn&& warn) {
  if (terms.contains("filter")) {
    if (const json custom = CustomFilters(terms["filter"]); !custom.empty()) {
      warn("custom JavaScript filters " + JsonText(custom) +
           " cannot run in policyd and are ignored");
    }
  }
  WarnUnknownKeys(terms, kTermsKeys, "", warn);
  return ReadScriptsFlag(terms, where, spec);
}

// One terms entry -> *spec (platform already set). `warn` records a warning for this document.
template <typename Warn>
Status ReadTerms(const std::string& type, const json& terms, const std::string& where,
                 DocumentSpec* spec, Warn&& warn) {
  if (!terms.is_object()) return Status::InvalidArgument(where + ": must be an object");
  spec->type = type;
  std::optional<Selectors> select;
  std::optional<Selectors> remove;
  if (Status s = ReadSelectorsIfPresent(terms, "select", where, &select); !s.ok()) return s;
  if (Status s = ReadSelectorsIfPresent(terms, "remove", where, &remove); !s.ok()) return s;
  std::optional<std::string> fetch;
  if (terms.contains("fetch")) {
    if (!terms["fetch"].is_string()) {
      return Status::InvalidArgument(where + ": 'fetch' must be a URL string");
    }
    fetch = terms["fetch"].get<std::string>();
  }
  // The terms' fetch alone, or the pages of `combine`. A page takes the terms' select and
  // remove unless it sets its own (OTA's `page.select ?? terms.select`): the document's
  // options are the terms', and a page that differs gets its own (DocumentSpec::page_options).
  std::vector<TermsPage> pages;
  if (terms.contains("combine")) {
    if (Status s = ReadCombinedPages(terms["combine"], fetch, where, spec, &pages, warn); !s.ok()) {
      return s;
    }
  } else if (fetch) {
    pages.push_back({*fetch, std::nullopt, std::nullopt});
  } else {
    return Status::InvalidArgument(where + ": no 'fetch' URL and no 'combine'");
  }
  spec->url = pages.front().url;
  spec->extra_urls.clear();
  for (std::size_t i = 1; i < pages.size(); ++i) spec->extra_urls.push_back(pages[i].url);
  Selectors document_select = select.value_or(Selectors{});
  Selectors document_remove = remove.value_or(Selectors{});
  if (auto page_options = PageOptions(pages, document_select, document_remove);
      !page_options.empty()) {
    spec->page_options = std::move(page_options);
  }
  spec->select = std::move(document_select.css);
  spec->select_ranges = std::move(document_select.ranges);
  spec->remove = std::move(document_remove.css);
  spec->remove_ranges = std::move(document_remove.ranges);
  return ReadTermsFlags(terms, where, spec, warn);
}

}  // namespace

Status LoadOtaDeclaration(const std::filesystem::path& path, std::vector<DocumentSpec>* out,
                          std::vector<std::string>* warnings) {
  std::string text;
  if (Status status = ReadText(path, &text); !status.ok()) return status;
  const std::string file = path.string();
  // Bounded before anything is built: copying or dumping a value recurses once per level.
  Result<json> parsed = ParseJsonWithDepthLimit(text, kMaxDeclarationDepth);
  if (!parsed.ok()) return Status::InvalidArgument(file + ": " + parsed.status().message());
  json declaration = std::move(*parsed);
  if (!declaration.is_object()) {
    return Status::InvalidArgument(file + ": a declaration must be a JSON object");
  }
  std::string platform = path.stem().string();
  if (declaration.contains("name")) {
    if (!declaration["name"].is_string() || declaration["name"].get<std::string>().empty()) {
      return Status::InvalidArgument(file + ": 'name' must be a non-empty string");
    }
    platform = declaration["name"].get<std::string>();
  }
  if (!declaration.contains("terms") || !declaration["terms"].is_object()) {
    return Status::InvalidArgument(file + ": a declaration needs a 'terms' object");
  }
  std::vector<DocumentSpec> documents;
  std::vector<std::string> found;
  const SharedPath source_file(path);  // one for all the declaration's documents
  try {
    for (const auto& [type, terms] : declaration["terms"].items()) {
      DocumentSpec spec;
      spec.platform = platform;
      spec.source_file = source_file;
      const std::string id = MakeDocumentId(platform, type);
      const std::string where = file + ": terms '" + type + "'";
      auto warn = [&](const std::string& what) { found.push_back(file + ": " + id + ": " + what); };
      if (Status status = ReadTerms(type, terms, where, &spec, warn); !status.ok()) return status;
      spec.id = id;
      if (Status status = ValidateDocumentSpec(spec); !status.ok()) {
        return Status::InvalidArgument(where + ": " + status.message());
      }
      if (Status status = CompileDocumentExtraction(&spec); !status.ok()) {
        return Status::InvalidArgument(where + ": " + status.message());
      }
      documents.push_back(std::move(spec));
    }
  } catch (const std::exception& e) {  // json type errors; checked above, but never crash
    return Status::InvalidArgument(file + ": " + e.what());
  }
  WarnUnknownKeys(declaration, kDeclarationKeys, "",
                  [&](const std::string& what) { found.push_back(file + ": " + what); });
  for (DocumentSpec& spec : documents) out->push_back(std::move(spec));
  if (warnings != nullptr) warnings->insert(warnings->end(), found.begin(), found.end());
  return Status::Ok();
}

}  // namespace policyd

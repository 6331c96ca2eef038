#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "config/document_checks.h"
#include "policyd/clock.h"
#include "policyd/config.h"
#include "policyd/private_files.h"
#include "policyd/utf8.h"

namespace policyd {
namespace {

// A TOML basic string ("..."), escaping what TOML requires. Input must be valid UTF-8.
std::string QuoteToml(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\b':
        quoted += "\\b";
        break;
      case '\t':
        quoted += "\\t";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\f':
        quoted += "\\f";
        break;
      case '\r':
        quoted += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(c));
          quoted += escape;
        } else {
          quoted += c;
        }
    }
  }
  quoted += '"';
  return quoted;
}

std::string QuoteTomlList(const std::vector<std::string>& values) {
  std::string list = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) list += ", ";
    list += QuoteToml(values[i]);
  }
  return list + "]";
}

// A `select` or `remove` value: the CSS selectors, then the ranges as inline tables.
std::string QuoteSelectorList(const std::vector<std::string>& css,
                              const std::vector<SelectRange>& ranges) {
  std::string list = QuoteTomlList(css);
  list.pop_back();  // "]"
  for (const SelectRange& range : ranges) {
    if (list.size() > 1) list += ", ";
    list += "{ ";
    list += range.start_before.empty() ? "startAfter = " + QuoteToml(range.start_after)
                                       : "startBefore = " + QuoteToml(range.start_before);
    list += range.end_before.empty() ? ", endAfter = " + QuoteToml(range.end_after)
                                     : ", endBefore = " + QuoteToml(range.end_before);
    list += " }";
  }
  return list + "]";
}

// Checks what WriteTargetFile needs beyond ValidateDocumentSpec: the documents must read back
// as the same ids, so they must belong to `platform`, and TOML only holds UTF-8.
Status CheckWritable(const std::string& platform, const std::vector<DocumentSpec>& docs) {
  if (platform.empty()) return Status::InvalidArgument("platform must not be empty");
  if (!IsValidUtf8(platform)) {
    return Status::InvalidArgument("platform '" + platform + "' is not valid UTF-8");
  }
  std::set<std::string> ids;
  for (DocumentSpec doc : docs) {
    if (!doc.platform.empty() && doc.platform != platform) {
      return Status::InvalidArgument("document '" + doc.id + "' belongs to platform '" +
                                     doc.platform + "', not '" + platform + "'");
    }
    doc.platform = platform;
    if (Status status = ValidateDocumentSpec(doc); !status.ok()) {
      return Status::InvalidArgument("document '" + MakeDocumentId(platform, doc.type) +
                                     "': " + status.message());
    }
    std::vector<const std::string*> texts = {&doc.type, &doc.url};
    for (const std::string& selector : doc.select) texts.push_back(&selector);
    for (const std::string& selector : doc.remove) texts.push_back(&selector);
    for (const auto* ranges : {&doc.select_ranges, &doc.remove_ranges}) {
      for (const SelectRange& range : *ranges) {
        for (const std::string* part :
             {&range.start_before, &range.start_after, &range.end_before, &range.end_after}) {
          texts.push_back(part);
        }
      }
    }
    for (const std::string& pattern : doc.ignore_lines) texts.push_back(&pattern);
    for (const std::string& url : doc.extra_urls) texts.push_back(&url);
    for (const std::string* text : texts) {
      if (!IsValidUtf8(*text)) {
        return Status::InvalidArgument("document '" + MakeDocumentId(platform, doc.type) +
                                       "' has text that is not valid UTF-8");
      }
    }
    if (!ids.insert(MakeDocumentId(platform, doc.type)).second) {
      return Status::InvalidArgument("duplicate document id '" +
                                     MakeDocumentId(platform, doc.type) + "'");
    }
  }
  return Status::Ok();
}

std::string Serialize(const std::string& platform, const std::vector<DocumentSpec>& docs) {
  std::string text = "# policyd target file (format: policyd.toml(5), TARGET FILES).\n";
  text += "name = " + QuoteToml(platform) + "\n";
  for (const DocumentSpec& doc : docs) {
    text += "\n[[documents]]\n";
    text += "type = " + QuoteToml(doc.type) + "\n";
    text += "url = " + QuoteToml(doc.url) + "\n";
    if (doc.interval.count() != 0) {
      text += "interval = " + QuoteToml(FormatDuration(doc.interval)) + "\n";
    }
    if (!doc.select.empty() || !doc.select_ranges.empty()) {
      text += "select = " + QuoteSelectorList(doc.select, doc.select_ranges) + "\n";
    }
    if (!doc.remove.empty() || !doc.remove_ranges.empty()) {
      text += "remove = " + QuoteSelectorList(doc.remove, doc.remove_ranges) + "\n";
    }
    if (doc.ignore_robots) text += "ignore_robots = true\n";
    if (!doc.ignore_lines.empty()) {
      text += "ignore_lines = " + QuoteTomlList(doc.ignore_lines) + "\n";
    }
    if (doc.include_link_urls) text += "include_link_urls = true\n";
    if (!doc.extra_urls.empty()) text += "extra_urls = " + QuoteTomlList(doc.extra_urls) + "\n";
    if (doc.render != RenderMode::kAuto) {
      text += "render = " + QuoteToml(RenderModeName(doc.render)) + "\n";
    }
  }
  return text;
}

}  // namespace

Status WriteTargetFile(const std::filesystem::path& path, const std::string& platform,
                       const std::vector<DocumentSpec>& docs) {
  if (Status status = CheckWritable(platform, docs); !status.ok()) return status;
  try {
    return WritePrivateFileAtomically(path, Serialize(platform, docs));
  } catch (const std::exception& exception) {  // std::bad_alloc and the like
    return Status::IoError(path.string() + ": cannot write: " + exception.what());
  }
}

}  // namespace policyd

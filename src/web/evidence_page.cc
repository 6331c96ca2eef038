// EvidencePage ("evidence?doc=ID&version=X"): every field of the `evidence` result
// (daemon/maintenance_commands.cc) in a definition list: the capture's hashes in full, its URLs,
// response headers and announcing event, with links to the version's texts.
#include <string>
#include <string_view>

#include "html_page.h"
#include "policyd/json_text.h"
#include "policyd/web_pages.h"

namespace policyd {

using web_internal::AppendEscaped;
using web_internal::AppendExternalUrl;
using web_internal::AppendHash;
using web_internal::AppendLink;
using web_internal::AppendPageEnd;
using web_internal::AppendPageStart;
using web_internal::AppendText;
using web_internal::AppendTime;
using web_internal::DisplayText;
using web_internal::Href;

namespace {

// Nested objects (headers, the event) deeper than this show as their JSON text.
constexpr int kMaxDepth = 4;
// Items of one array shown at most.
constexpr std::size_t kMaxArrayItems = 100;

// The fields people look for first, in this order; the others follow in the result's order.
constexpr std::string_view kLeadingFields[] = {"doc",
                                               "platform",
                                               "type",
                                               "index",
                                               "versions",
                                               "time",
                                               "url",
                                               "final_url",
                                               "http_status",
                                               "text_hash",
                                               "raw_hash",
                                               "fetcher",
                                               "browser_version",
                                               "policyd_version",
                                               "lang",
                                               "reread",
                                               "event_seq"};

class EvidenceWriter {
 public:
  EvidenceWriter(std::string* out, std::string doc) : out_(out), doc_(std::move(doc)) {}

  void Fields(const nlohmann::json& object, int depth) {
    out_->append("<dl class=\"fields\">\n");
    if (depth == 0) {
      for (const std::string_view key : kLeadingFields) {
        if (const nlohmann::json* value = web_internal::FieldValue(object, key)) {
          Field(key, *value, depth);
        }
      }
    }
    for (const auto& [key, value] : object.items()) {
      if (depth == 0 && IsLeading(key)) continue;
      Field(key, value, depth);
    }
    out_->append("</dl>\n");
  }

 private:
  static bool IsLeading(std::string_view key) {
    for (const std::string_view leading : kLeadingFields) {
      if (key == leading) return true;
    }
    return false;
  }

  void Field(std::string_view key, const nlohmann::json& value, int depth) {
    out_->append("<dt>");
    AppendEscaped(out_, key);
    out_->append("</dt><dd>");
    Value(key, value, depth);
    out_->append("</dd>\n");
  }

  void Value(std::string_view key, const nlohmann::json& value, int depth) {
    if (value.is_string() && depth == 0) {
      const std::string& text = value.get_ref<const std::string&>();
      if (TopLevelString(key, text)) return;
    }
    if (value.is_object() && depth + 1 < kMaxDepth) {
      if (value.empty()) {
        out_->append(web_internal::kNone);
      } else {
        Fields(value, depth + 1);
      }
    } else if (value.is_array() && depth + 1 < kMaxDepth) {
      Array(value, depth + 1);
    } else if (value.is_string()) {
      AppendText(out_, value.get_ref<const std::string&>());
    } else if (value.is_null() || value.is_discarded()) {
      out_->append(web_internal::kNone);
    } else {
      out_->append("<code>");
      AppendEscaped(out_, JsonText(value));
      out_->append("</code>");
    }
  }

  // The record's own strings that are more than text: links, hashes, times. True when written.
  bool TopLevelString(std::string_view key, const std::string& text) {
    if (key == "doc" && !text.empty()) {
      AppendLink(out_, Href("document", {{"doc", text}}), text);
    } else if (key == "url" || key == "final_url") {
      AppendExternalUrl(out_, text);
    } else if (key == "time") {
      AppendTime(out_, text);
    } else if (key == "text_hash" || key == "raw_hash") {
      AppendHash(out_, text, false);
      if (!text.empty() && !doc_.empty()) {
        out_->append(" ");
        AppendLink(out_, Href("text", {{"doc", doc_}, {"hash", text}}),
                   key == "text_hash" ? "text" : "raw capture");
      }
    } else if (key.ends_with("_hash")) {
      AppendHash(out_, text, false);
    } else {
      return false;
    }
    return true;
  }

  void Array(const nlohmann::json& array, int depth) {
    if (array.empty()) {
      out_->append(web_internal::kNone);
      return;
    }
    out_->append("<ol>");
    std::size_t shown = 0;
    for (const nlohmann::json& item : array) {
      if (shown++ == kMaxArrayItems) break;
      out_->append("<li>");
      Value("", item, depth);
      out_->append("</li>");
    }
    out_->append("</ol>");
    if (array.size() > kMaxArrayItems) {
      out_->append("<p class=\"note\">and ").append(std::to_string(array.size() - kMaxArrayItems));
      out_->append(" more</p>");
    }
  }

  std::string* out_;
  const std::string doc_;
};

}  // namespace

std::string EvidencePage(const nlohmann::json& evidence) {
  const std::string doc = FieldString(evidence, "doc");
  const std::string index = DisplayText(evidence, "index");
  std::string out;
  out.reserve(8192);
  AppendPageStart(&out, "Evidence: " + (doc.empty() ? std::string(web_internal::kNone) : doc) +
                            (index.empty() ? "" : " #" + index));
  if (!evidence.is_object() || evidence.empty()) {
    out.append("<p>").append(web_internal::kNone).append(" (no evidence in the answer)</p>\n");
  } else {
    if (!doc.empty()) {
      out.append("<p class=\"links\">");
      AppendLink(&out, Href("document", {{"doc", doc}}), "all versions of " + doc);
      out.append("</p>\n");
    }
    EvidenceWriter(&out, doc).Fields(evidence, 0);
  }
  AppendPageEnd(&out);
  return out;
}

}  // namespace policyd

// DocumentPage ("document?doc=ID"): one document's spec and state (`show`), its versions
// (`history`) with links to their diffs, evidence and texts, a form choosing two versions to
// compare (a plain GET to "diff", no script), and its recent checks.
#include <string>
#include <vector>

#include "html_page.h"
#include "policyd/web_pages.h"

namespace policyd {

using web_internal::AppendEscaped;
using web_internal::AppendExternalUrl;
using web_internal::AppendHash;
using web_internal::AppendLink;
using web_internal::AppendPageEnd;
using web_internal::AppendPageStart;
using web_internal::AppendText;
using web_internal::AppendTextField;
using web_internal::AppendTime;
using web_internal::DisplayText;
using web_internal::FieldValue;
using web_internal::Href;

namespace {

void AppendTimeField(std::string* out, std::string_view name, const nlohmann::json& show,
                     std::string_view key) {
  out->append("<dt>").append(name).append("</dt><dd>");
  AppendTime(out, DisplayText(show, key));
  out->append("</dd>\n");
}

// A list of CSS selectors (`select`, `remove`), or nothing when there are none.
void AppendSelectors(std::string* out, std::string_view name, const nlohmann::json& show,
                     std::string_view key) {
  const nlohmann::json* list = FieldValue(show, key);
  if (list == nullptr || !list->is_array() || list->empty()) return;
  out->append("<dt>").append(name).append("</dt><dd>");
  bool first = true;
  for (const nlohmann::json& item : *list) {
    if (!item.is_string()) continue;
    if (!first) out->append(", ");
    first = false;
    out->append("<code>");
    AppendEscaped(out, item.get_ref<const std::string&>());
    out->append("</code>");
  }
  out->append("</dd>\n");
}

void AppendDocumentFields(std::string* out, const nlohmann::json& show, const std::string& doc) {
  out->append("<dl class=\"fields\">\n<dt>URL</dt><dd>");
  AppendExternalUrl(out, FieldString(show, "url"));
  out->append("</dd>\n");
  AppendTextField(out, "Platform", DisplayText(show, "platform"));
  AppendTextField(out, "Type", DisplayText(show, "type"));
  std::string render = DisplayText(show, "render");
  if (const std::string choice = FieldString(show, "render_choice"); !choice.empty()) {
    render += " (" + choice + ")";
  }
  AppendTextField(out, "Render", render);
  AppendTextField(out, "Interval", DisplayText(show, "interval"));
  AppendSelectors(out, "Select", show, "select");
  AppendSelectors(out, "Remove", show, "remove");
  AppendTimeField(out, "Last check", show, "last_check");
  AppendTimeField(out, "Last success", show, "last_success");
  AppendTimeField(out, "Last change", show, "last_change");
  AppendTimeField(out, "Next due", show, "next_due");
  out->append("<dt>Current text</dt><dd>");
  const std::string hash = FieldString(show, "current_hash");
  AppendHash(out, hash, false);
  if (!hash.empty() && !doc.empty()) {
    out->append(" ");
    AppendLink(out, Href("text", {{"doc", doc}, {"hash", hash}}), "text");
  }
  out->append("</dd>\n");
  AppendTextField(out, "Versions", DisplayText(show, "versions"));
  const auto failures = FieldInt(show, "consecutive_failures");
  out->append("<dt>Failures</dt><dd>");
  if (!failures) {
    out->append(web_internal::kNone);
  } else if (*failures > 0) {
    out->append("<strong class=\"failing\">failing</strong>: ");
    out->append(std::to_string(*failures)).append(" in a row; last error: ");
    AppendText(out, DisplayText(show, "last_error"));
  } else {
    out->append("none");
  }
  out->append("</dd>\n</dl>\n");
}

void AppendFeedLinks(std::string* out, const nlohmann::json& show, const std::string& doc) {
  if (doc.empty()) return;
  out->append("<p class=\"links\">");
  AppendLink(out, Href("feed.atom", {{"doc", doc}}), "Atom feed of this document");
  if (const std::string platform = FieldString(show, "platform"); !platform.empty()) {
    out->append(" \u00b7 ");
    AppendLink(out, Href("feed.atom", {{"platform", platform}}), "Atom feed of " + platform);
  }
  out->append("</p>\n");
}

// The versions of the history that can be named (by their index), oldest first.
std::vector<const nlohmann::json*> IndexedVersions(const nlohmann::json& history) {
  std::vector<const nlohmann::json*> out;
  const nlohmann::json* versions = FieldValue(history, "versions");
  if (versions == nullptr || !versions->is_array()) return out;
  out.reserve(versions->size());
  for (const nlohmann::json& version : *versions) {
    if (FieldInt(version, "index").value_or(0) > 0) out.push_back(&version);
  }
  return out;
}

void AppendVersionLinks(std::string* out, const nlohmann::json& version, const std::string& doc) {
  const int64_t index = FieldInt(version, "index").value_or(0);
  if (doc.empty() || index <= 0) {
    out->append(web_internal::kNone);
    return;
  }
  const std::string ref = std::to_string(index);
  if (index >= 2) {
    AppendLink(
        out,
        Href("diff",
             {{"doc", doc}, {"a", std::to_string(index - 1)}, {"b", ref}, {"layout", "inline"}}),
        "diff with previous");
    out->append(" \u00b7 ");
  }
  AppendLink(out, Href("evidence", {{"doc", doc}, {"version", ref}}), "evidence");
  if (const std::string hash = FieldString(version, "text_hash"); !hash.empty()) {
    out->append(" \u00b7 ");
    AppendLink(out, Href("text", {{"doc", doc}, {"hash", hash}}), "text");
  }
}

void AppendWords(std::string* out, const nlohmann::json& version) {
  const auto added = FieldInt(version, "words_added");
  const auto removed = FieldInt(version, "words_removed");
  if (!added && !removed) {
    out->append(web_internal::kNone);
    return;
  }
  out->append("+").append(added ? std::to_string(*added) : std::string(web_internal::kNone));
  out->append(" / \u2212");
  out->append(removed ? std::to_string(*removed) : std::string(web_internal::kNone));
}

void AppendHistoryTable(std::string* out, const nlohmann::json& history, const std::string& doc) {
  out->append("<h2>Versions</h2>\n");
  const nlohmann::json* versions = FieldValue(history, "versions");
  if (versions == nullptr || !versions->is_array() || versions->empty()) {
    out->append("<p>No versions stored.</p>\n");
    return;
  }
  out->append(
      "<table class=\"versions\">\n<thead><tr><th scope=\"col\">#</th><th scope=\"col\">Time"
      "</th><th scope=\"col\">Text hash</th><th scope=\"col\">Change</th>"
      "<th scope=\"col\">Words</th><th scope=\"col\">Links</th></tr></thead>\n<tbody>\n");
  // Newest first: the latest changes are what a reader comes for.
  for (auto it = versions->rbegin(); it != versions->rend(); ++it) {
    const nlohmann::json& version = *it;
    out->append("<tr><td class=\"num\">");
    AppendText(out, DisplayText(version, "index"));
    out->append("</td><td>");
    AppendTime(out, DisplayText(version, "time"));
    out->append("</td><td>");
    AppendHash(out, FieldString(version, "text_hash"), true);
    out->append("</td><td>");
    AppendText(out, DisplayText(version, "change_class"));
    out->append("</td><td class=\"num\">");
    AppendWords(out, version);
    out->append("</td><td>");
    AppendVersionLinks(out, version, doc);
    out->append("</td></tr>\n");
  }
  out->append("</tbody>\n</table>\n");
}

void AppendVersionSelect(std::string* out, std::string_view name, std::string_view label,
                         const std::vector<const nlohmann::json*>& versions, std::size_t selected) {
  out->append("<label>").append(label).append(" <select name=\"").append(name).append("\">");
  for (std::size_t i = versions.size(); i-- > 0;) {
    const nlohmann::json& version = *versions[i];
    const std::string index = std::to_string(FieldInt(version, "index").value_or(0));
    out->append("<option value=\"").append(index).append("\"");
    if (i == selected) out->append(" selected");
    out->append(">#").append(index).append(" \u00b7 ");
    AppendText(out, web_internal::ShortTime(DisplayText(version, "time")));
    out->append(" \u00b7 ");
    AppendText(out, FieldString(version, "text_hash").substr(0, 12));
    out->append("</option>");
  }
  out->append("</select></label>\n");
}

void AppendCompareForm(std::string* out, const nlohmann::json& history, const std::string& doc) {
  const std::vector<const nlohmann::json*> versions = IndexedVersions(history);
  if (doc.empty() || versions.size() < 2) return;
  out->append("<h2>Compare two versions</h2>\n<form class=\"compare\" method=\"get\" ");
  out->append("action=\"diff\">\n<input type=\"hidden\" name=\"doc\" value=\"");
  AppendEscaped(out, doc);
  out->append("\">\n");
  AppendVersionSelect(out, "a", "From", versions, versions.size() - 2);
  AppendVersionSelect(out, "b", "to", versions, versions.size() - 1);
  out->append(
      "<fieldset><legend>Layout</legend>"
      "<label><input type=\"radio\" name=\"layout\" value=\"inline\" checked> inline</label> "
      "<label><input type=\"radio\" name=\"layout\" value=\"side-by-side\"> side by side"
      "</label></fieldset>\n<button type=\"submit\">Compare</button>\n</form>\n");
}

void AppendRecentChecks(std::string* out, const nlohmann::json& show) {
  out->append("<h2>Recent checks</h2>\n");
  const nlohmann::json* checks = FieldValue(show, "recent_checks");
  if (checks == nullptr || !checks->is_array() || checks->empty()) {
    out->append("<p>No checks recorded.</p>\n");
    return;
  }
  out->append(
      "<table class=\"checks\">\n<thead><tr><th scope=\"col\">Time</th>"
      "<th scope=\"col\">Outcome</th><th scope=\"col\">Reason</th><th scope=\"col\">Message</th>"
      "<th scope=\"col\">HTTP</th><th scope=\"col\">Duration (ms)</th>"
      "<th scope=\"col\">Text hash</th></tr></thead>\n<tbody>\n");
  for (const nlohmann::json& check : *checks) {
    const bool failed = FieldString(check, "outcome") == "failed";
    out->append(failed ? "<tr class=\"failing\"><td>" : "<tr><td>");
    AppendTime(out, DisplayText(check, "time"));
    for (const char* key : {"outcome", "reason", "message", "http_status", "duration_ms"}) {
      out->append("</td><td>");
      AppendText(out, DisplayText(check, key));
    }
    out->append("</td><td>");
    AppendHash(out, FieldString(check, "text_hash"), true);
    out->append("</td></tr>\n");
  }
  out->append("</tbody>\n</table>\n");
}

}  // namespace

std::string DocumentPage(const nlohmann::json& show, const nlohmann::json& history) {
  std::string doc = FieldString(show, "id");
  if (doc.empty()) doc = FieldString(history, "doc");
  std::string out;
  const nlohmann::json* versions = FieldValue(history, "versions");
  out.reserve(8192 + 1024 * (versions != nullptr && versions->is_array() ? versions->size() : 0));
  AppendPageStart(&out, doc.empty() ? std::string(web_internal::kNone) : doc);
  AppendDocumentFields(&out, show, doc);
  AppendFeedLinks(&out, show, doc);
  AppendHistoryTable(&out, history, doc);
  AppendCompareForm(&out, history, doc);
  AppendRecentChecks(&out, show);
  AppendPageEnd(&out);
  return out;
}

}  // namespace policyd

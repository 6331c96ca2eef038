// DocumentsPage ("./"): the daemon's summary (`status`) and one table row per watched
// document (`list`). Failing documents are told apart by a row class and in words.
#include <algorithm>
#include <chrono>
#include <string>

#include "html_page.h"
#include "policyd/human_units.h"
#include "policyd/web_pages.h"

namespace policyd {

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

std::string FirstPassText(const nlohmann::json& status) {
  const nlohmann::json* pass = FieldValue(status, "first_pass");
  const auto checked = pass != nullptr ? FieldInt(*pass, "checked") : std::nullopt;
  const auto total = pass != nullptr ? FieldInt(*pass, "total") : std::nullopt;
  if (!checked || !total) return {};
  std::string text = std::to_string(*checked) + " of " + std::to_string(*total) + " checked";
  const int64_t before = FieldInt(*pass, "checked_before_start").value_or(0);
  const std::string earlier = std::to_string(before) + " checked before this start";
  if (!FieldBool(*pass, "complete")) return before > 0 ? text + " (" + earlier + ")" : text;
  // Documents added after the pass completed (a reload, `add`) do not reopen it.
  if (*checked < *total) {
    const int64_t added = *total - *checked;
    return "complete; " + std::to_string(added) + (added == 1 ? " document" : " documents") +
           " added since, not checked yet (" + text + ")";
  }
  return text + (before > 0 ? " (complete; " + earlier + ")" : " (complete)");
}

void AppendStorageError(std::string* out, const nlohmann::json& status) {
  const nlohmann::json* error = FieldValue(status, "storage_error");
  if (error == nullptr || !error->is_object()) return;
  out->append("<p class=\"alert\" role=\"alert\"><strong>Storage error</strong> since ");
  AppendTime(out, DisplayText(*error, "since"));
  out->append(": ");
  AppendText(out, DisplayText(*error, "message"));
  out->append(" (changes are not recorded until it is resolved)</p>\n");
}

void AppendDaemonSummary(std::string* out, const nlohmann::json& status) {
  out->append("<h2>Daemon</h2>\n");
  AppendStorageError(out, status);
  out->append("<dl class=\"summary\">\n");
  AppendTextField(out, "Documents", DisplayText(status, "documents"));
  AppendTextField(out, "Failing", DisplayText(status, "failing"));
  AppendTextField(out, "First pass", FirstPassText(status));
  AppendTextField(out, "Last event", DisplayText(status, "last_seq"));
  const auto bytes = FieldInt(status, "database_bytes");
  AppendTextField(out, "Database", bytes ? HumanBytes(*bytes) : "");
  const auto uptime = FieldInt(status, "uptime_seconds");
  AppendTextField(out, "Uptime", uptime ? HumanDuration(std::chrono::seconds(*uptime)) : "");
  AppendTextField(out, "Version", DisplayText(status, "version"));
  out->append("</dl>\n");
}

void AppendStatusCell(std::string* out, const nlohmann::json& doc) {
  const auto failures = FieldInt(doc, "consecutive_failures");
  out->append("<td class=\"status\">");
  if (!failures) {
    out->append(web_internal::kNone);
  } else if (*failures > 0) {
    out->append("<strong>failing</strong>: ");
    AppendText(out, DisplayText(doc, "last_error"));
  } else if (const std::string status = FieldString(doc, "status"); status == "suspicious") {
    // policyd/document_status.h: a new text held until a later check confirms it.
    out->append("<strong>held back</strong>: ");
    AppendText(out, DisplayText(doc, "last_error"));
  } else if (status == "other_member") {  // [fleet]
    out->append("checked by the fleet member that owns its site");
  } else if (status == "retrying") {  // a check its host's rest held: no failure of its own
    out->append("retrying: ");
    AppendText(out, DisplayText(doc, "last_error"));
  } else if (FieldString(doc, "last_check").empty()) {
    out->append("not checked yet");  // no failure, but no success either
  } else {
    out->append("ok");
  }
  if (FieldBool(doc, "checking")) out->append(" <em>(checking)</em>");
  out->append("</td>");
}

void AppendTextCell(std::string* out, std::string_view text) {
  out->append("<td>");
  AppendText(out, text);
  out->append("</td>");
}

void AppendTimeCell(std::string* out, const nlohmann::json& doc, std::string_view key) {
  out->append("<td>");
  AppendTime(out, DisplayText(doc, key));
  out->append("</td>");
}

void AppendDocumentRow(std::string* out, const nlohmann::json& doc) {
  const bool failing = FieldInt(doc, "consecutive_failures").value_or(0) > 0;
  out->append(failing ? "<tr class=\"failing\">" : "<tr>");
  const std::string id = FieldString(doc, "id");
  out->append("<th scope=\"row\">");
  if (id.empty()) {
    AppendText(out, id);
  } else {
    AppendLink(out, Href("document", {{"doc", id}}), id);
  }
  out->append("</th>");
  AppendTextCell(out, DisplayText(doc, "platform"));
  AppendTextCell(out, DisplayText(doc, "type"));
  AppendStatusCell(out, doc);
  out->append("<td class=\"num\">");
  AppendText(out, DisplayText(doc, "versions"));
  out->append("</td>");
  AppendTimeCell(out, doc, "last_change");
  AppendTimeCell(out, doc, "last_check");
  AppendTimeCell(out, doc, "next_due");
  out->append("</tr>\n");
}

// "./?first=N" with the page's filters.
std::string PageHref(std::size_t first, const QueryParams& filters) {
  QueryParams params = filters;
  if (first > 0) params.push_back({"first", std::to_string(first)});
  return Href("./", params);
}

// "Rows 1001–2000 of 5000 · previous · next" when the list is longer than one page.
void AppendPager(std::string* out, std::size_t first, std::size_t end, std::size_t listed,
                 const QueryParams& filters) {
  if (first == 0 && end == listed) return;
  out->append("<p class=\"pager\">Rows ")
      .append(std::to_string(first + 1))
      .append("\u2013")
      .append(std::to_string(end))
      .append(" of ")
      .append(std::to_string(listed));
  if (first > 0) {
    out->append(" \u00b7 ");
    AppendLink(out, PageHref(first > kDocumentsPerPage ? first - kDocumentsPerPage : 0, filters),
               "previous");
  }
  if (end < listed) {
    out->append(" \u00b7 ");
    AppendLink(out, PageHref(end, filters), "next");
  }
  out->append("</p>\n");
}

void AppendDocumentTable(std::string* out, const nlohmann::json& list, std::size_t first,
                         const QueryParams& filters) {
  const nlohmann::json* documents = FieldValue(list, "documents");
  const std::size_t listed = documents != nullptr && documents->is_array() ? documents->size() : 0;
  out->append("<h2>Documents</h2>\n<p>");
  out->append(std::to_string(listed)).append(listed == 1 ? " document" : " documents");
  if (const auto total = FieldInt(list, "total"); total && *total != static_cast<int64_t>(listed)) {
    out->append(" shown of ").append(std::to_string(*total)).append(" watched");
  }
  out->append(" \u00b7 <a href=\"feed.atom\">Atom feed of every change</a>");
  out->append(" \u00b7 <a href=\"metrics\">metrics</a></p>\n");
  first = std::min(first, listed);
  const std::size_t end = std::min(listed, first + kDocumentsPerPage);
  AppendPager(out, first, end, listed, filters);
  if (first == end) return;
  out->append(
      "<table class=\"documents\">\n<thead><tr><th scope=\"col\">Document</th>"
      "<th scope=\"col\">Platform</th><th scope=\"col\">Type</th><th scope=\"col\">Status</th>"
      "<th scope=\"col\">Versions</th><th scope=\"col\">Last change</th>"
      "<th scope=\"col\">Last check</th><th scope=\"col\">Next due</th></tr></thead>\n<tbody>\n");
  for (std::size_t i = first; i < end; ++i) AppendDocumentRow(out, (*documents)[i]);
  out->append("</tbody>\n</table>\n");
  AppendPager(out, first, end, listed, filters);
}

}  // namespace

std::string DocumentsPage(const nlohmann::json& status, const nlohmann::json& list,
                          std::size_t first, const QueryParams& filters) {
  std::string out;
  const nlohmann::json* documents = FieldValue(list, "documents");
  const std::size_t listed = documents != nullptr && documents->is_array() ? documents->size() : 0;
  out.reserve(4096 + 768 * std::min(listed, kDocumentsPerPage));
  AppendPageStart(&out, "Documents");
  AppendDaemonSummary(&out, status);
  AppendDocumentTable(&out, list, first, filters);
  AppendPageEnd(&out);
  return out;
}

}  // namespace policyd

// DiffPage: the result of `diff` (daemon/control_commands.cc, HandleDiff) as a page: its
// summary, the changed sections and the unified diff as a table, inline or side by side.
// Added and removed lines are told by a marker and a visually hidden word, not by colour only.
#include <algorithm>
#include <string>

#include "diff_rows.h"
#include "html_page.h"
#include "policyd/web_pages.h"

namespace policyd {

using web_internal::AppendEscaped;
using web_internal::AppendHash;
using web_internal::AppendLink;
using web_internal::AppendPageEnd;
using web_internal::AppendPageStart;
using web_internal::AppendText;
using web_internal::DiffRow;
using web_internal::DiffRowKind;
using web_internal::DisplayText;
using web_internal::FieldValue;
using web_internal::Href;

std::string_view DiffLayoutName(DiffLayout layout) {
  return layout == DiffLayout::kSideBySide ? "side-by-side" : "inline";
}

namespace {

struct RowStyle {
  const char* row_class;
  const char* marker;  // visible
  const char* word;    // visually hidden, for screen readers and copy-paste
  const char* wrap;    // element around the text, or ""
};

RowStyle StyleOf(DiffRowKind kind) {
  switch (kind) {
    case DiffRowKind::kAdded:
      return {"add", "+", " added", "ins"};
    case DiffRowKind::kRemoved:
      return {"del", "\u2212", " removed", "del"};
    case DiffRowKind::kChanged:
      return {"chg", "~", " changed", ""};
    case DiffRowKind::kContext:
      return {"ctx", " ", "", ""};
    case DiffRowKind::kHunk:
      return {"hunk", "", "", ""};
    case DiffRowKind::kNote:
      return {"note", "", "", ""};
  }
  return {"note", "", "", ""};
}

void AppendLineNumber(std::string* out, std::size_t line) {
  out->append("<td class=\"ln\">");
  if (line != 0) out->append(std::to_string(line));
  out->append("</td>");
}

// The marker cell and the text cell of one side of a row.
void AppendMarkerAndText(std::string* out, const DiffRow& row) {
  const RowStyle style = StyleOf(row.kind);
  out->append("<td class=\"mark\">").append(style.marker);
  if (*style.word != '\0') out->append("<span class=\"vh\">").append(style.word).append("</span>");
  out->append("</td><td class=\"code\">");
  if (*style.wrap != '\0') out->append("<").append(style.wrap).append(">");
  AppendEscaped(out, row.text);
  if (*style.wrap != '\0') out->append("</").append(style.wrap).append(">");
  out->append("</td>");
}

bool Spans(const DiffRow& row) {
  return row.kind == DiffRowKind::kHunk || row.kind == DiffRowKind::kNote;
}

void AppendSpanningRow(std::string* out, const DiffRow& row, int columns) {
  out->append("<tr class=\"").append(StyleOf(row.kind).row_class).append("\"><td colspan=\"");
  out->append(std::to_string(columns)).append("\">");
  AppendEscaped(out, row.text);
  out->append("</td></tr>\n");
}

void AppendInlineTable(std::string* out, const std::vector<DiffRow>& rows) {
  out->append(
      "<table class=\"diff inline\">\n<thead><tr><th scope=\"col\">old</th>"
      "<th scope=\"col\">new</th><th scope=\"col\"><span class=\"vh\">change</span></th>"
      "<th scope=\"col\">text</th></tr></thead>\n<tbody>\n");
  for (const DiffRow& row : rows) {
    if (Spans(row)) {
      AppendSpanningRow(out, row, 4);
      continue;
    }
    out->append("<tr class=\"").append(StyleOf(row.kind).row_class).append("\">");
    AppendLineNumber(out, row.old_line);
    AppendLineNumber(out, row.new_line);
    AppendMarkerAndText(out, row);
    out->append("</tr>\n");
  }
  out->append("</tbody>\n</table>\n");
}

void AppendSide(std::string* out, const DiffRow* row, bool old_side) {
  if (row == nullptr) {
    out->append("<td class=\"ln\"></td><td class=\"mark\"></td><td class=\"code empty\"></td>");
    return;
  }
  AppendLineNumber(out, old_side ? row->old_line : row->new_line);
  AppendMarkerAndText(out, *row);
}

void AppendSideBySideTable(std::string* out, const std::vector<DiffRow>& rows) {
  out->append(
      "<table class=\"diff side-by-side\">\n<thead><tr><th scope=\"colgroup\" colspan=\"3\">old"
      "</th><th scope=\"colgroup\" colspan=\"3\">new</th></tr></thead>\n<tbody>\n");
  for (const web_internal::SideBySideRow& pair : web_internal::PairSideBySide(rows)) {
    if (pair.left != nullptr && Spans(*pair.left)) {
      AppendSpanningRow(out, *pair.left, 6);
      continue;
    }
    const bool same = pair.left == pair.right;
    out->append("<tr class=\"")
        .append(same ? StyleOf(pair.left->kind).row_class : "pair")
        .append("\">");
    AppendSide(out, pair.left, true);
    AppendSide(out, pair.right, false);
    out->append("</tr>\n");
  }
  out->append("</tbody>\n</table>\n");
}

// "+12 / −3" from two integer fields, "—" for a missing one.
void AppendCounts(std::string* out, const nlohmann::json& diff, const char* added,
                  const char* removed) {
  out->append("+");
  AppendText(out, DisplayText(diff, added));
  out->append(" / \u2212");
  AppendText(out, DisplayText(diff, removed));
}

void AppendSummary(std::string* out, const nlohmann::json& diff, const std::string& doc) {
  const std::string old_hash = FieldString(diff, "old_hash");
  const std::string new_hash = FieldString(diff, "new_hash");
  out->append("<dl class=\"fields\">\n<dt>Document</dt><dd>");
  if (doc.empty()) {
    AppendText(out, doc);
  } else {
    AppendLink(out, Href("document", {{"doc", doc}}), doc);
  }
  out->append("</dd>\n<dt>Versions</dt><dd>");
  AppendHash(out, old_hash, true);
  out->append(" \u2192 ");
  AppendHash(out, new_hash, true);
  out->append("</dd>\n<dt>Change</dt><dd>");
  const nlohmann::json* reread = FieldValue(diff, "reread");
  if (reread != nullptr && reread->is_boolean() && reread->get<bool>()) {
    out->append("reread: the page did not change, policyd reads it differently now (the text: ");
    AppendText(out, DisplayText(diff, "change_class"));
    out->append(")");
  } else {
    AppendText(out, DisplayText(diff, "change_class"));
  }
  out->append("</dd>\n<dt>Words</dt><dd>");
  AppendCounts(out, diff, "words_added", "words_removed");
  out->append("</dd>\n<dt>Lines</dt><dd>");
  AppendCounts(out, diff, "lines_added", "lines_removed");
  out->append("</dd>\n</dl>\n");
  if (!doc.empty() && (!old_hash.empty() || !new_hash.empty())) {
    out->append("<p class=\"links\">Text: ");
    if (!old_hash.empty()) AppendLink(out, Href("text", {{"doc", doc}, {"hash", old_hash}}), "old");
    if (!old_hash.empty() && !new_hash.empty()) out->append(" \u00b7 ");
    if (!new_hash.empty()) AppendLink(out, Href("text", {{"doc", doc}, {"hash", new_hash}}), "new");
    out->append("</p>\n");
  }
}

void AppendSections(std::string* out, const nlohmann::json& diff) {
  const nlohmann::json* sections = FieldValue(diff, "sections");
  const int64_t truncated = FieldInt(diff, "sections_truncated").value_or(0);
  out->append("<h2>Changed sections</h2>\n");
  if (sections == nullptr || !sections->is_array() || sections->empty()) {
    out->append("<p>").append(web_internal::kNone).append("</p>\n");
  } else {
    out->append("<ul class=\"sections\">\n");
    for (const nlohmann::json& section : *sections) {
      out->append("<li>");
      if (!section.is_string()) {
        out->append(web_internal::kNone);
      } else if (section.get_ref<const std::string&>().empty()) {
        out->append("<em>(before the first heading)</em>");
      } else {
        AppendEscaped(out, section.get_ref<const std::string&>());
      }
      out->append("</li>\n");
    }
    out->append("</ul>\n");
  }
  if (truncated > 0) {
    out->append("<p class=\"note\">and ").append(std::to_string(truncated));
    out->append(truncated == 1 ? " more section" : " more sections").append(", not listed</p>\n");
  }
}

void AppendLayoutLinks(std::string* out, const nlohmann::json& diff, const std::string& doc,
                       DiffLayout layout) {
  const std::string old_hash = FieldString(diff, "old_hash");
  const std::string new_hash = FieldString(diff, "new_hash");
  if (doc.empty() || old_hash.empty() || new_hash.empty()) return;
  out->append("<p class=\"layouts\">Layout: ");
  for (const DiffLayout option : {DiffLayout::kInline, DiffLayout::kSideBySide}) {
    const char* label = option == DiffLayout::kInline ? "inline" : "side by side";
    if (option == layout) {
      out->append("<strong aria-current=\"page\">").append(label).append("</strong>");
    } else {
      AppendLink(out,
                 Href("diff", {{"doc", doc},
                               {"a", old_hash},
                               {"b", new_hash},
                               {"layout", std::string(DiffLayoutName(option))}}),
                 label);
    }
    if (option == DiffLayout::kInline) out->append(" \u00b7 ");
  }
  out->append("</p>\n");
}

void AppendDiffBody(std::string* out, const nlohmann::json& diff, DiffLayout layout) {
  out->append("<h2>Differences</h2>\n");
  const nlohmann::json* text = FieldValue(diff, "diff");
  if (text == nullptr || !text->is_string()) {
    out->append("<p>").append(web_internal::kNone).append(" (the answer holds no diff)</p>\n");
    return;
  }
  const web_internal::DiffRows parsed =
      web_internal::ParseUnifiedDiff(text->get_ref<const std::string&>(), kMaxDiffRows);
  if (parsed.rows.empty()) {
    out->append("<p>no differences</p>\n");
    return;
  }
  if (layout == DiffLayout::kSideBySide) {
    AppendSideBySideTable(out, parsed.rows);
  } else {
    AppendInlineTable(out, parsed.rows);
  }
  if (parsed.omitted > 0) {
    out->append("<p class=\"note\">").append(std::to_string(parsed.omitted));
    out->append(parsed.omitted == 1 ? " more diff line is" : " more diff lines are");
    out->append(" not shown: a page shows the first ").append(std::to_string(kMaxDiffRows));
    out->append(" (policyctl diff prints them all).</p>\n");
  }
}

}  // namespace

std::string DiffPage(const nlohmann::json& diff, DiffLayout layout) {
  const std::string doc = FieldString(diff, "doc");
  std::string out;
  const nlohmann::json* text = FieldValue(diff, "diff");
  const std::size_t diff_bytes =
      text != nullptr && text->is_string() ? text->get_ref<const std::string&>().size() : 0;
  out.reserve(4096 + 2 * std::min<std::size_t>(diff_bytes, std::size_t{1} << 22));
  AppendPageStart(&out, "Diff: " + (doc.empty() ? std::string(web_internal::kNone) : doc));
  AppendSummary(&out, diff, doc);
  AppendSections(&out, diff);
  AppendLayoutLinks(&out, diff, doc, layout);
  AppendDiffBody(&out, diff, layout);
  AppendPageEnd(&out);
  return out;
}

}  // namespace policyd

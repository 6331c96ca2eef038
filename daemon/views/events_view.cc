#include "events_view.h"

#include <algorithm>
#include <string_view>

#include "policyd/json_fields.h"
#include "text_width.h"

namespace policyd {
namespace {

constexpr std::array<const char*, 6> kHeader = {"SEQ", "TIME", "TYPE", "DOC", "CLASS", "CHANGE"};
constexpr std::string_view kTypePrefix = "document.";

// "## Sharing" -> "Sharing"; "" (text above the first heading) -> "(top)".
std::string SectionName(const nlohmann::json& section) {
  if (!section.is_string()) return "?";
  std::string_view name = section.get_ref<const std::string&>();
  name.remove_prefix(std::min(name.find_first_not_of('#'), name.size()));
  name.remove_prefix(std::min(name.find_first_not_of(' '), name.size()));
  return name.empty() ? "(top)" : std::string(name);
}

// "+3 -1  Data; Sharing (+2 more)"; "~" before the counts when they are upper bounds.
std::string ChangeSummary(const nlohmann::json& event) {
  std::string out = std::string(FieldBool(event, "diff_approximate") ? "~" : "") + "+" +
                    FieldText(event, "lines_added") + " -" + FieldText(event, "lines_removed");
  const auto sections = event.find("sections");
  if (sections != event.end() && sections->is_array() && !sections->empty()) {
    out += "  ";
    bool first = true;
    for (const auto& section : *sections) {
      out += (first ? "" : "; ") + SectionName(section);
      first = false;
    }
  }
  if (const auto more = FieldInt(event, "sections_truncated"); more && *more > 0) {
    out += " (+" + std::to_string(*more) + " more)";
  }
  return out;
}

}  // namespace

EventsView::EventsView(std::optional<std::size_t> terminal_width)
    : terminal_width_(terminal_width) {
  for (std::size_t i = 0; i < kColumns; ++i) widths_[i] = DisplayWidth(kHeader[i]);
}

EventsView::Cells EventsView::CellsOf(const nlohmann::json& event) {
  std::string type = FieldString(event, "type");
  if (type.rfind(kTypePrefix, 0) == 0) type.erase(0, kTypePrefix.size());
  Cells cells = {FieldText(event, "seq"),
                 FieldText(event, "time"),
                 type.empty() ? "-" : type,
                 FieldText(event, "doc"),
                 "-",
                 ""};
  if (type == "changed" || type == "reread") {
    cells[4] = FieldText(event, "change_class");
    cells[5] = ChangeSummary(event);
  } else if (type == "first_seen") {
    cells[5] = ShortHash(event, "hash");
    if (const auto lines = FieldInt(event, "lines")) {
      cells[5] += ", " + std::to_string(*lines) + " lines";
    }
  } else if (type == "fetch_failed") {
    cells[4] = FieldText(event, "reason");
    cells[5] = FieldText(event, "message");
    if (const auto streak = FieldInt(event, "consecutive_failures")) {
      cells[5] += " (" + std::to_string(*streak) + (*streak == 1 ? " failure)" : " failures)");
    }
  } else if (type == "recovered") {
    if (const auto failures = FieldInt(event, "failures")) {
      cells[5] = "after " + std::to_string(*failures) + (*failures == 1 ? " failure" : " failures");
    }
  }
  return cells;
}

void EventsView::Widen(const Cells& cells) {
  for (std::size_t i = 0; i < kColumns; ++i) {
    widths_[i] = std::max(widths_[i], DisplayWidth(cells[i]));
  }
}

void EventsView::Fit(const std::vector<nlohmann::json>& events) {
  for (const auto& event : events) Widen(CellsOf(event));
}

std::string EventsView::Join(const Cells& cells) const {
  std::string line = PadLeft(cells[0], widths_[0]);  // numbers right-aligned
  for (std::size_t i = 1; i < kColumns; ++i) line += "  " + PadRight(cells[i], widths_[i]);
  if (!cells[kColumns].empty()) line += "  " + cells[kColumns];
  while (!line.empty() && line.back() == ' ') line.pop_back();
  if (terminal_width_) line = CutToWidth(line, *terminal_width_);
  return line + "\n";
}

std::string EventsView::Header() const {
  Cells header;
  for (std::size_t i = 0; i < header.size(); ++i) header[i] = kHeader[i];
  return Join(header);
}

std::string EventsView::Line(const nlohmann::json& event) {
  const Cells cells = CellsOf(event);
  std::string line = Join(cells);
  Widen(cells);
  return line;
}

}  // namespace policyd

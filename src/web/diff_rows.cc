#include "diff_rows.h"

#include <algorithm>
#include <charconv>

namespace policyd::web_internal {
namespace {

// Reads "l" or "l,n" at the start of `text` (after the '-' or '+'), advancing it.
bool ReadRange(std::string_view* text, std::size_t* start) {
  const char* end = text->data() + text->size();
  const auto [after_start, start_error] = std::from_chars(text->data(), end, *start);
  if (start_error != std::errc()) return false;
  const char* next = after_start;
  if (next != end && *next == ',') {
    std::size_t count = 0;
    const auto [after_count, count_error] = std::from_chars(next + 1, end, count);
    if (count_error != std::errc()) return false;
    next = after_count;
  }
  text->remove_prefix(static_cast<std::size_t>(next - text->data()));
  return true;
}

// "@@ -l[,n] +l[,n] @@...": the first old and new line numbers of the hunk. (For an empty
// range diff(1) writes the line before it, but then no line of that side follows.)
bool ParseHunkHeader(std::string_view line, std::size_t* old_start, std::size_t* new_start) {
  if (!line.starts_with("@@ -")) return false;
  line.remove_prefix(4);
  if (!ReadRange(&line, old_start) || !line.starts_with(" +")) return false;
  line.remove_prefix(2);
  return ReadRange(&line, new_start) && line.starts_with(" @@");
}

}  // namespace

DiffRows ParseUnifiedDiff(std::string_view diff, std::size_t max_rows) {
  DiffRows out;
  bool in_hunk = false;
  std::size_t old_next = 0;
  std::size_t new_next = 0;
  while (!diff.empty()) {
    const std::size_t newline = diff.find('\n');
    const std::string_view line = diff.substr(0, newline);
    diff = newline == std::string_view::npos ? std::string_view() : diff.substr(newline + 1);
    // The labels come only before the first hunk: inside one, "--- x" is a removed "-- x".
    if (!in_hunk && (line.starts_with("--- ") || line.starts_with("+++ "))) continue;
    if (out.rows.size() == max_rows) {
      ++out.omitted;
      continue;
    }
    DiffRow row;
    row.text = line.empty() ? line : line.substr(1);
    const char marker = line.empty() ? ' ' : line[0];
    if (marker == '@' && ParseHunkHeader(line, &old_next, &new_next)) {
      in_hunk = true;
      row = {DiffRowKind::kHunk, 0, 0, line};
    } else if (!in_hunk || marker == '\\') {
      row = {DiffRowKind::kNote, 0, 0, line};
    } else if (marker == ' ') {
      row.kind = DiffRowKind::kContext;
      row.old_line = old_next++;
      row.new_line = new_next++;
    } else if (marker == '~') {
      row.kind = DiffRowKind::kChanged;
      row.old_line = old_next++;
      row.new_line = new_next++;
    } else if (marker == '-') {
      row.kind = DiffRowKind::kRemoved;
      row.old_line = old_next++;
    } else if (marker == '+') {
      row.kind = DiffRowKind::kAdded;
      row.new_line = new_next++;
    } else {
      row = {DiffRowKind::kNote, 0, 0, line};
    }
    out.rows.push_back(row);
  }
  return out;
}

std::vector<SideBySideRow> PairSideBySide(const std::vector<DiffRow>& rows) {
  std::vector<SideBySideRow> out;
  out.reserve(rows.size());
  std::size_t i = 0;
  while (i < rows.size()) {
    const DiffRowKind kind = rows[i].kind;
    if (kind != DiffRowKind::kRemoved && kind != DiffRowKind::kAdded) {
      out.push_back({&rows[i], &rows[i]});
      ++i;
      continue;
    }
    const std::size_t removed_begin = i;
    while (i < rows.size() && rows[i].kind == DiffRowKind::kRemoved) ++i;
    const std::size_t added_begin = i;
    while (i < rows.size() && rows[i].kind == DiffRowKind::kAdded) ++i;
    const std::size_t removed = added_begin - removed_begin;
    const std::size_t added = i - added_begin;
    for (std::size_t k = 0; k < std::max(removed, added); ++k) {
      out.push_back({k < removed ? &rows[removed_begin + k] : nullptr,
                     k < added ? &rows[added_begin + k] : nullptr});
    }
  }
  return out;
}

}  // namespace policyd::web_internal

// policyctl's human `events`: one aligned line per event of the feed (docs/EVENTS.md):
//
//   SEQ  TIME                      TYPE          DOC          CLASS        CHANGE
//    41  2026-11-22T12:13:23.456Z  changed       acme/terms   substantive  +3 -1  Data; Sharing
//    42  2026-11-22T12:14:02.010Z  fetch_failed  hooli/terms  http_5xx     HTTP status 500 (3…
//
// TYPE is the event type without "document."; CLASS the change class (changed, reread) or the
// failure reason (fetch_failed); CHANGE what changed: line counts and the sections (headings
// without their "#" markers, "(top)" for text above the first one, "+N more" past the event's
// cap), the first version's hash and size, a failure's message, a recovery's streak.
//
// Streaming: `events --follow` prints events as they come, so column widths cannot wait for
// the last line. They start at the header's (and SEQ's at 3 digits), grow to fit a batch given
// to Fit (the replay, before it is printed), and grow for later lines when one does not fit
// (never shrink): lines stay aligned except the one that first needs a wider column. With a
// terminal width, every line (header included) is cut to it, ending in "…" (above: 90).
#ifndef POLICYD_DAEMON_VIEWS_EVENTS_VIEW_H_
#define POLICYD_DAEMON_VIEWS_EVENTS_VIEW_H_

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace policyd {

class EventsView {
 public:
  // `terminal_width`: the terminal's columns when stdout is one, else nullopt (no cutting).
  explicit EventsView(std::optional<std::size_t> terminal_width = std::nullopt);

  // Widens the columns to fit every event of `events`.
  void Fit(const std::vector<nlohmann::json>& events);
  // "SEQ  TIME  TYPE  DOC  CLASS  CHANGE" in the current widths, with "\n".
  std::string Header() const;
  // One event, with "\n"; widens the columns for the lines after it if it did not fit.
  std::string Line(const nlohmann::json& event);

 private:
  // SEQ, TIME, TYPE, DOC, CLASS: the padded columns (CHANGE, the last, is not padded).
  static constexpr std::size_t kColumns = 5;
  using Cells = std::array<std::string, kColumns + 1>;
  static Cells CellsOf(const nlohmann::json& event);
  void Widen(const Cells& cells);
  std::string Join(const Cells& cells) const;

  std::optional<std::size_t> terminal_width_;
  std::array<std::size_t, kColumns> widths_;
};

}  // namespace policyd

#endif  // POLICYD_DAEMON_VIEWS_EVENTS_VIEW_H_

#include "events_view.h"

#include <gtest/gtest.h>

namespace policyd {
namespace {

nlohmann::json Changed() {
  return nlohmann::json::parse(R"({
    "seq": 41, "type": "document.changed", "time": "2026-11-22T12:13:23.456Z",
    "doc": "acme/privacy-policy", "platform": "Acme", "doc_type": "Privacy Policy",
    "old_hash": "aaaa", "new_hash": "bbbb", "lines_added": 3, "lines_removed": 1,
    "sections": ["## Data we collect", "", "### Sharing"], "sections_truncated": 0,
    "change_class": "substantive"})");
}

nlohmann::json Failed() {
  return nlohmann::json::parse(R"({
    "seq": 42, "type": "document.fetch_failed", "time": "2026-11-22T12:14:02.010Z",
    "doc": "hooli/terms", "reason": "http_5xx", "message": "HTTP status 500",
    "http_status": 500, "consecutive_failures": 3})");
}

nlohmann::json FirstSeen() {
  return nlohmann::json::parse(R"({
    "seq": 7, "type": "document.first_seen", "time": "2026-11-22T09:00:00.000Z",
    "doc": "initech/cookie-policy", "hash": "0123456789abcdef0123", "lines": 120})");
}

nlohmann::json Recovered() {
  return nlohmann::json::parse(R"({
    "seq": 1043, "type": "document.recovered", "time": "2026-11-22T13:00:00.000Z",
    "doc": "hooli/terms", "failures": 1})");
}

TEST(EventsView, BatchFittedColumnsWithTheSectionsShown) {
  EventsView view;
  const std::vector<nlohmann::json> batch = {FirstSeen(), Changed(), Failed()};
  view.Fit(batch);
  std::string out = view.Header();
  for (const auto& event : batch) out += view.Line(event);
  EXPECT_EQ(out,
            "SEQ  TIME                      TYPE          DOC                    CLASS        "
            "CHANGE\n"
            "  7  2026-11-22T09:00:00.000Z  first_seen    initech/cookie-policy  -            "
            "0123456789ab, 120 lines\n"
            " 41  2026-11-22T12:13:23.456Z  changed       acme/privacy-policy    substantive  "
            "+3 -1  Data we collect; (top); Sharing\n"
            " 42  2026-11-22T12:14:02.010Z  fetch_failed  hooli/terms            http_5xx     "
            "HTTP status 500 (3 failures)\n");
}

TEST(EventsView, StreamingWidensForLaterLinesOnlyAndCutsToTheTerminal) {
  EventsView view(60);
  EXPECT_EQ(view.Header(), "SEQ  TIME  TYPE  DOC  CLASS  CHANGE\n");
  // Wider than the columns so far: this line pushes its cells, later ones are aligned; each
  // is cut to 60 columns, the last one being the mark.
  EXPECT_EQ(view.Line(Failed()),
            " 42  2026-11-22T12:14:02.010Z  fetch_failed  hooli/terms  h\u2026\n");
  EXPECT_EQ(view.Line(Recovered()),
            "1043  2026-11-22T13:00:00.000Z  recovered     hooli/terms  \u2026\n");
  nlohmann::json truncated = Changed();
  truncated["sections"] = {"## A"};
  truncated["sections_truncated"] = 63;
  truncated["diff_approximate"] = true;
  EventsView wide;
  EXPECT_EQ(wide.Line(truncated),
            " 41  2026-11-22T12:13:23.456Z  changed  acme/privacy-policy  substantive  ~+3 -1  A "
            "(+63 more)\n");
  // An event type this build does not know, and fields of the wrong type: shown, not fatal.
  EXPECT_EQ(wide.Line({{"seq", 50}, {"type", "document.archived"}, {"doc", 3}}),
            " 50  -                         archived  3                    -\n");
}

}  // namespace
}  // namespace policyd

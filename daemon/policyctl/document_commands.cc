// One document's record, versions and texts: show (and show --evidence), history, diff,
// segments, offsets.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "pager.h"
#include "policyctl/client.h"
#include "policyctl/exit_status.h"
#include "policyctl/format.h"
#include "policyctl/handlers.h"
#include "policyd/ascii.h"
#include "policyd/base64.h"
#include "policyd/event_names.h"
#include "policyd/json_text.h"
#include "policyd/sha256.h"
#include "policyd/text_bounds.h"
#include "table.h"

namespace policyd::ctl {
namespace {

void PrintShow(const nlohmann::json& r) {
  Table table({"FIELD", "VALUE"});
  for (const char* key :
       {"id", "platform", "type", "url", "interval", "source_file", "current_hash", "versions",
        "last_check", "last_success", "last_change", "next_due", "checking"}) {
    table.AddRow({key, Str(r[key])});
  }
  if (r.contains("status")) table.AddRow({"status", Str(r["status"])});  // older daemons: none
  for (const char* key : {"consecutive_failures", "last_error", "render", "render_choice"}) {
    table.AddRow({key, Str(r[key])});
  }
  if (!r["select"].empty()) table.AddRow({"select", JsonText(r["select"])});
  if (!r["remove"].empty()) table.AddRow({"remove", JsonText(r["remove"])});
  if (!r.value("select_ranges", nlohmann::json::array()).empty()) {
    table.AddRow({"select ranges", JsonText(r["select_ranges"])});
  }
  if (!r.value("remove_ranges", nlohmann::json::array()).empty()) {
    table.AddRow({"remove ranges", JsonText(r["remove_ranges"])});
  }
  // A combined document: each page, with the options it is read with when they are its own.
  const nlohmann::json pages = r.value("pages", nlohmann::json::array());
  for (std::size_t i = 0; i < pages.size(); ++i) {
    std::string value = Str(pages[i]["url"]);
    for (const char* key : {"select", "remove", "select_ranges", "remove_ranges"}) {
      if (pages[i].value(key, nlohmann::json::array()) != r.value(key, nlohmann::json::array())) {
        value += std::string(" ") + key + " " + JsonText(pages[i][key]);
      }
    }
    table.AddRow({"page " + std::to_string(i + 1), value});
  }
  std::cout << table.Render() << "\nrecent checks:\n";
  Table checks({"TIME", "OUTCOME", "HTTP", "TEXT HASH", "REASON"});
  for (const auto& check : r["recent_checks"]) {
    std::string note = check["reason"].get<std::string>().empty()
                           ? "-"
                           : Str(check["reason"]) + ": " + Str(check["message"]);
    if (check.contains("final_url")) {
      note = (note == "-" ? "" : note + "; ") + "redirected to " + Str(check["final_url"]);
    }
    checks.AddRow({Str(check["time"]), Str(check["outcome"]), Str(check["http_status"]),
                   Short(check["text_hash"]), note});
  }
  std::cout << checks.Render();
}

void PrintHistory(const nlohmann::json& r) {
  Table table({"#", "CAPTURED", "TEXT SHA-256", "CLASS", "HTTP", "FINAL URL", "EVENT"});
  for (const auto& v : r["versions"]) {
    table.AddRow({Str(v["index"]), Str(v["time"]), Str(v["text_hash"]), Str(v["change_class"]),
                  Str(v["http_status"]), Str(v["final_url"]), Str(v["event_seq"])});
  }
  std::cout << table.Render();
}

// One JSON object per line, each segment with the version's identity (JSON Lines: an
// analyzer reads it line by line).
int PrintSegmentLines(const nlohmann::json& result) {
  for (const nlohmann::json& segment : result["segments"]) {
    nlohmann::json line = segment;
    line["version"] = result["version"];
    line["doc"] = result["doc"];
    line["doc_type"] = result["doc_type"];
    line["lang"] = result["lang"];
    std::cout << JsonText(line) << "\n";
  }
  return kExitOk;
}

void PrintSegments(const nlohmann::json& result) {
  std::cout << Str(result["doc"]) << " version " << Str(result["index"]) << " ("
            << Short(result["version"]) << "), " << result["segments"].size() << " segments\n";
  for (const nlohmann::json& segment : result["segments"]) {
    std::string path;
    for (const nlohmann::json& heading : segment["section_path"]) {
      path += (path.empty() ? "" : " > ") + heading.get<std::string>();
    }
    std::cout << Str(segment["segment_id"]) << "  " << Str(segment["start"]) << "-"
              << Str(segment["end"]) << "  " << Str(segment["kind"])
              << (path.empty() ? "" : "  [" + path + "]") << "\n    "
              << TruncateUtf8(segment["text"].get<std::string>(), 160) << "\n";
  }
}

int PrintOffsets(const nlohmann::json& result) {
  if (result.contains("at")) {
    if (result["mapped"].is_null() && result.value("unmapped", "") == "not_text") {
      std::cout << "character " << Str(result["at"]) << " of version " << Str(result["from_index"])
                << " is a Markdown marker or a separator, outside the text the offset map "
                   "covers: it maps nowhere, changed or not\n";
      return kExitUsage;
    }
    if (result["mapped"].is_null()) {
      std::cout << "character " << Str(result["at"]) << " of version " << Str(result["from_index"])
                << " was changed or removed in version " << Str(result["to_index"]) << "\n";
      return kExitRefused;
    }
    std::cout << Str(result["mapped"]) << "\n";
    return kExitOk;
  }
  std::cout << "# version " << Str(result["from_index"]) << " (" << Short(result["from"]) << ") -> "
            << Str(result["to_index"]) << " (" << Short(result["to"]) << ")"
            << (result.value("approximate", false) ? ", approximate" : "")
            << "\n# old_start new_start length\n";
  for (const nlohmann::json& run : result["runs"]) {
    std::cout << Str(run["old_start"]) << " " << Str(run["new_start"]) << " " << Str(run["length"])
              << "\n";
  }
  return kExitOk;
}

// " (document.changed, substantive)": what the announcing event said the version is; "" when
// the event is unknown.
std::string AnnouncedAs(const nlohmann::json& event) {
  if (!event.is_object() || !event["type"].is_string()) return "";
  std::string kind = event["type"].get<std::string>();
  // A reread is no change of the page: its class describes policyd's new reading only.
  if (event["change_class"].is_string() && kind != EventTypeName(EventType::kReread)) {
    kind += ", " + event["change_class"].get<std::string>();
  }
  return " (" + kind + ")";
}

void PrintEvidence(const nlohmann::json& r) {
  Table table({"FIELD", "VALUE"});
  table.AddRow({"document", Str(r["doc"])});
  if (r.contains("platform")) table.AddRow({"platform", Str(r["platform"])});
  if (r.contains("type")) table.AddRow({"type", Str(r["type"])});
  table.AddRow({"version", Str(r["index"]) + " of " + Str(r["versions"])});
  table.AddRow({"url", Str(r["url"])});
  table.AddRow({"final url", Str(r["final_url"])});
  table.AddRow({"captured", Str(r["time"])});
  // The window of the change: after the previous text was last read, by the first reading of
  // this one (a text held back as suspicious was read before it was captured as a version).
  if (r.contains("previous_seen")) {
    table.AddRow({"previous text last seen", Str(r["previous_seen"])});
  }
  if (r.contains("held_since")) {
    table.AddRow({"first seen (held back)", Str(r["held_since"])});
  }
  table.AddRow({"http status", Str(r["http_status"])});
  // Of the body as received after its Content-Encoding is undone (the Content-Length below is
  // the encoded size), or of the rendered DOM for the browser fetcher.
  table.AddRow({"sha256 raw bytes (decoded)", Str(r["raw_hash"])});
  table.AddRow({"sha256 text", Str(r["text_hash"])});
  table.AddRow({"policyd version", Str(r["policyd_version"])});
  // "browser": the raw bytes are the DOM after the page's scripts ran, in that browser.
  table.AddRow({"fetcher", Str(r["fetcher"])});
  table.AddRow({"language", Str(r["lang"])});
  if (!r.value("browser_version", std::string()).empty()) {
    table.AddRow({"browser version", Str(r["browser_version"])});
  }
  table.AddRow({"announced by event", Str(r["event_seq"]) + AnnouncedAs(r["event"])});
  if (r.value("reread", false)) {
    table.AddRow({"reread", "yes: the page did not change; policyd reads it differently now"});
  }
  // A text the page had before (a reverted edit, a site alternating between deployments): the
  // event names the earlier version; the record shown is this one, not that one.
  if (r["event"].is_object() && r["event"].contains("same_as_version")) {
    table.AddRow({"same text as",
                  "version " + Str(r["event"]["same_as_version"]) + " (the page went back to it)"});
  }
  if (r["headers"].is_object()) {
    for (const auto& [name, value] : r["headers"].items()) {
      table.AddRow({"header " + name, Str(value)});
    }
  }
  std::cout << table.Render();
}

bool UseColor(const Options& options) {
  if (options.color == "always") return true;
  if (options.color == "never" || options.json) return false;
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr && term != nullptr &&
         std::string(term) != "dumb";
}

}  // namespace

int RunShow(const Options& options) {
  if (options.Has("--evidence")) {
    nlohmann::json request = {{"cmd", "evidence"}, {"doc", options.positional[0]}};
    if (options.positional.size() > 1) request["version"] = options.positional[1];
    return CallAndPrint(
        options, request,
        [](const nlohmann::json& result) {
          PrintEvidence(result);
          return kExitOk;
        },
        OutputLength::kLong);
  }
  if (options.positional.size() != 1) {
    return UsageError("show takes one DOC (a VERSION only with --evidence)", "show");
  }
  return CallAndPrint(
      options, {{"cmd", "show"}, {"doc", options.positional[0]}},
      [](const nlohmann::json& result) {
        PrintShow(result);
        return kExitOk;
      },
      OutputLength::kLong);
}

int RunHistory(const Options& options) {
  return CallAndPrint(
      options, {{"cmd", "history"}, {"doc", options.positional[0]}},
      [](const nlohmann::json& result) {
        PrintHistory(result);
        return kExitOk;
      },
      OutputLength::kLong);
}

int RunDiff(const Options& options) {
  nlohmann::json request = {{"cmd", "diff"}, {"doc", options.positional[0]}};
  if (options.positional.size() > 1) request["a"] = options.positional[1];
  if (options.positional.size() > 2) request["b"] = options.positional[2];
  request["word"] = options.Has("--word");
  request["color"] = UseColor(options);
  return CallAndPrint(
      options, request,
      [](const nlohmann::json& result) {
        // One line before the "---" header (patch(1) skips it): what kind of change this is.
        if (result["change_class"] == "none") {
          std::cout << "change: none (the same text)\n";
        } else if (result.value("reread", false)) {
          // A reread's text differs by policyd's reading alone: no words the site changed.
          std::cout << "change: reread: the page did not change, policyd reads it differently "
                       "now (the text: "
                    << Str(result["change_class"]) << ", " << Str(result["words_added"])
                    << " word(s) added, " << Str(result["words_removed"]) << " removed)\n";
        } else {
          std::cout << "change: " << Str(result["change_class"]) << ", "
                    << Str(result["words_added"]) << " word(s) added, "
                    << Str(result["words_removed"]) << " removed\n";
        }
        std::cout << result["diff"].get<std::string>();
        return kExitOk;
      },
      OutputLength::kLong);
}

int RunSegments(const Options& options) {
  nlohmann::json request = {{"cmd", "segments"}, {"doc", options.positional[0]}};
  if (options.positional.size() > 1) request["version"] = options.positional[1];
  auto outcome = Call(options, request);
  if (std::holds_alternative<int>(outcome)) return std::get<int>(outcome);
  const nlohmann::json& result = std::get<nlohmann::json>(outcome);
  if (options.json) return PrintSegmentLines(result);
  PagerOptions paging;
  paging.enabled = !options.no_pager;
  Pager pager(paging);
  PrintSegments(result);
  return kExitOk;
}

// capture: the version's evidence names the hash; the daemon's `text` gives the bytes (as
// base64 when they are not UTF-8), which are checked against the hash here, independently of
// the daemon, before a byte is written.
int RunCapture(const Options& options) {
  nlohmann::json evidence_request = {{"cmd", "evidence"}, {"doc", options.positional[0]}};
  if (options.positional.size() > 1) evidence_request["version"] = options.positional[1];
  auto evidence = Call(options, evidence_request);
  if (std::holds_alternative<int>(evidence)) return std::get<int>(evidence);
  const nlohmann::json& record = std::get<nlohmann::json>(evidence);
  const std::string hash = Str(record[options.Has("--text") ? "text_hash" : "raw_hash"]);
  auto stored = ReadStoredBytes(options, options.positional[0], hash,
                                "version " + Str(record["index"]) + " of " + options.positional[0]);
  if (std::holds_alternative<int>(stored)) return std::get<int>(stored);
  const std::string* bytes = &std::get<std::string>(stored);
  if (options.json) {
    std::cout << JsonText(nlohmann::json{{"doc", options.positional[0]},
                                         {"version", record["index"]},
                                         {"sha256", hash},
                                         {"bytes", bytes->size()},
                                         {"base64", Base64Encode(*bytes)}})
              << "\n";
    return kExitOk;
  }
  std::cout.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
  std::cout.flush();
  if (!std::cout) {
    std::fprintf(stderr, "policyctl: cannot write the capture to stdout\n");
    return kExitInput;
  }
  return kExitOk;
}

int RunOffsets(const Options& options) {
  nlohmann::json request = {{"cmd", "offsets"}, {"doc", options.positional[0]}};
  if (options.positional.size() > 1) request["from"] = options.positional[1];
  if (options.positional.size() > 2) request["to"] = options.positional[2];
  if (options.Has("--at")) {
    const std::string at = options.One("--at");
    const std::optional<uint64_t> offset = ParseDecimalUint64(at);
    if (!offset) return UsageError("bad --at '" + at + "' (a character offset)", "offsets");
    request["at"] = *offset;
  }
  // With --json too, a character that did not survive is exit status 1, and one that is no
  // text (a marker) 2, as the help says.
  const auto unmapped_is_refused = [](const nlohmann::json& result) {
    if (!result.contains("at") || !result["mapped"].is_null()) return kExitOk;
    return result.value("unmapped", "") == "not_text" ? kExitUsage : kExitRefused;
  };
  return CallAndPrint(options, request, PrintOffsets, OutputLength::kShort, unmapped_is_refused);
}

}  // namespace policyd::ctl

// policyctl: the operator's and script's command line for policyd. Talks JSON lines to the
// daemon's control socket (and reads the events socket for `events`); `extract` works
// offline with the very code the daemon uses, so it prints exactly what would be stored.
//
// Exit codes: 0 success; 1 the daemon refused the request (unknown document, bad argument,
// ...) or `verify` found a problem; 2 usage error; 3 the daemon cannot be reached (nothing
// listens, permission denied, or the socket is not policyd's); 4 bad input for `extract` or a
// page the daemon would refuse, or `export` cannot write its directory; 78 the --config file
// is invalid.
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/build_info.h"
#include "policyd/check.h"
#include "policyd/clock.h"
#include "policyd/config.h"
#include "policyd/control.h"
#include "policyd/extract.h"
#include "policyd/file_read.h"
#include "policyd/store.h"
#include "policyd/text_bounds.h"
#include "policyd/unix_socket.h"
#include "table.h"

namespace policyd {
namespace {

using std::chrono::milliseconds;

constexpr int kExitOk = 0;
constexpr int kExitRefused = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;
constexpr int kExitInput = 4;

constexpr char kUsage[] = R"(usage: policyctl [OPTIONS] COMMAND [ARGS]

Commands:
  status                          the daemon's health and counters
  list                            every watched document and its state
  show DOC                        one document: state, last error, recent checks
  history DOC                     the document's versions, oldest first
  diff DOC [A [B]] [--word]       unified diff between versions (default: the last two);
                                  A and B are indexes (1 = oldest, -1 = newest) or hash prefixes
  segments DOC [VERSION]          the version's clauses (default: the newest): stable segment
                                  ids, section path, character offsets (Unicode code points in
                                  the stored text) and text; --json prints JSON Lines
  offsets DOC [FROM [TO]] [--at N]
                                  the offset map from version FROM's text to TO's (default: the
                                  two newest): runs of characters kept in both; --at N prints
                                  where character N of FROM is in TO (exit 1 if it changed)
  check DOC | --all               check now
  add --platform NAME --type TYPE --url URL [--select CSS]... [--remove CSS]... [--interval D]
      [--render auto|static|browser]
                                  watch a new document (persisted under the state dir)
  remove DOC                      stop watching a document (its history is kept)
  reload                          re-read targets and log level (same as SIGHUP)
  events [--since N] [--follow]   print events after sequence N (default: all); --follow waits
                                  for new ones
  extract FILE [--select CSS]... [--remove CSS]... [--content-type CT] [--hash]
  extract --doc DOC FILE... [--content-type CT] [--hash]
                                  print the text (or its SHA-256) policyd would store for a
                                  saved page (HTML, text, or PDF: converted by poppler-
                                  utils), or the reason it would refuse it (exit 4);
                                  --doc applies that document's whole spec from the config's
                                  targets (one FILE per page); FILE may be - for stdin; needs
                                  no daemon
  show --evidence DOC [VERSION]   the evidence record of a version (default: the newest):
                                  URLs, capture time, HTTP status and headers, SHA-256 of the
                                  raw bytes and of the text, policyd version
  verify                          full integrity scan of the database; exit 1 on any problem
  gc [--check-retention D]        delete check records older than D (default: the config's
                                  check_retention, 90d) that made no version, and unreferenced
                                  blobs (the daemon also does this every gc_interval)
  export DIR                      write every version as DIR/<Platform>/<Type>/<date>.md (the
                                  exact stored text) plus DIR/index.json, removed documents'
                                  history included
  backup DIR                      consistent online copy of the database into DIR/db (DIR must
                                  not hold a db/ yet); `policyd --state-dir DIR` opens it

Options:
  --config FILE         read the socket paths from this daemon config
                        (default: $POLICYD_CONFIG, else /etc/policyd/policyd.toml if present)
  --socket PATH         control socket (overrides the config)
  --events-socket PATH  events socket (overrides the config)
  --json                machine-readable output
  --color WHEN          auto (default), always or never, for diff
  --timeout DURATION    how long to wait for the daemon (default 30s)
  --version             print the version, the commit and the libraries' versions

Exit codes: 0 ok, 1 refused by the daemon or verify found problems, 2 usage, 3 daemon
unreachable (nothing listens, permission denied, or not policyd's socket), 4 bad extract
input (or a page the daemon would refuse) or export cannot write, 78 bad config.
)";

struct Options {
  std::optional<std::filesystem::path> config;
  std::optional<std::filesystem::path> socket;
  std::optional<std::filesystem::path> events_socket;
  bool json = false;
  std::string color = "auto";
  milliseconds timeout{30'000};
  std::string command;
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> flags;  // --name -> values ("" for switches)

  bool Has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::string One(const std::string& flag) const {
    const auto it = flags.find(flag);
    return it == flags.end() || it->second.empty() ? "" : it->second.back();
  }
  std::vector<std::string> All(const std::string& flag) const {
    const auto it = flags.find(flag);
    return it == flags.end() ? std::vector<std::string>{} : it->second;
  }
};

int UsageError(const std::string& message) {
  std::fprintf(stderr, "policyctl: %s\n(see policyctl --help)\n", message.c_str());
  return kExitUsage;
}

std::string Str(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
  return value.dump();
}

std::string Short(const nlohmann::json& hash) {
  return hash.is_string() && !hash.get<std::string>().empty()
             ? hash.get<std::string>().substr(0, 12)
             : "-";
}

// Which daemon config to read socket paths from, if any.
std::optional<std::filesystem::path> ConfigPath(const Options& options) {
  if (options.config) return options.config;
  if (const char* env = std::getenv("POLICYD_CONFIG"); env != nullptr && *env != '\0') {
    return std::filesystem::path(env);
  }
  if (std::filesystem::exists("/etc/policyd/policyd.toml")) return "/etc/policyd/policyd.toml";
  return std::nullopt;
}

// Resolves both socket paths; returns an exit code on failure.
std::optional<int> ResolveSockets(const Options& options, std::filesystem::path* control,
                                  std::filesystem::path* events) {
  DaemonConfig config;
  if (!options.socket || !options.events_socket) {
    if (const auto path = ConfigPath(options)) {
      if (Status s = LoadDaemonConfig(*path, &config); !s.ok()) {
        std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
        return kExitConfigError;
      }
    }
  }
  *control = options.socket.value_or(config.control_socket);
  *events = options.events_socket.value_or(config.events_socket);
  return std::nullopt;
}

// Says why a socket could not be reached: a permission problem names the group to join;
// anything else most likely means no daemon listens there.
int Unreachable(const Status& status) {
  if (status.code() == Status::Code::kPermissionDenied) {
    std::fprintf(stderr, "policyctl: %s\n", status.message().c_str());
  } else {
    std::fprintf(stderr, "policyctl: %s (is policyd running? use --config or --socket)\n",
                 status.message().c_str());
  }
  return kExitUnreachable;
}

// Sends one request; prints errors; returns the result object or an exit code.
std::variant<nlohmann::json, int> Call(const Options& options, nlohmann::json request) {
  std::filesystem::path control;
  std::filesystem::path events;
  if (const auto code = ResolveSockets(options, &control, &events)) return *code;
  auto client = ControlClient::Connect(control, options.timeout);
  if (!client.ok()) return Unreachable(client.status());
  auto response = client->Call(std::move(request));
  if (!response.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", response.status().ToString().c_str());
    return kExitUnreachable;
  }
  if (!(*response)["ok"].get<bool>()) {
    const auto& error = (*response)["error"];
    if (options.json) {
      std::cout << response->dump(2) << "\n";
    } else {
      std::fprintf(stderr, "policyctl: %s: %s\n", Str(error["code"]).c_str(),
                   Str(error["message"]).c_str());
    }
    return kExitRefused;
  }
  return (*response)["result"];
}

void PrintStatus(const nlohmann::json& r) {
  Table table({"KEY", "VALUE"});
  for (const char* key :
       {"version", "pid", "started", "uptime_seconds", "state_dir", "documents", "failing",
        "failure_reported", "checks_in_progress", "fetches_running", "fetches_queued", "processing",
        "checks_done", "subscribers", "last_seq", "next_due", "database_bytes"}) {
    table.AddRow({key, Str(r[key])});
  }
  // null while the store takes writes; during a storage error (a full disk): what and since.
  const auto storage = r.find("storage_error");
  if (storage != r.end() && storage->is_object()) {
    table.AddRow(
        {"storage_error", "since " + Str((*storage)["since"]) + ": " + Str((*storage)["message"]) +
                              " (" + Str((*storage)["failed_commits"]) + " commits failed, " +
                              Str((*storage)["documents_to_recheck"]) + " documents to recheck)"});
  } else {
    table.AddRow({"storage_error", "none"});
  }
  std::cout << table.Render();
}

void PrintList(const nlohmann::json& r) {
  Table table({"DOCUMENT", "VERSIONS", "LAST CHECK", "LAST CHANGE", "NEXT DUE", "STATUS"});
  for (const auto& doc : r["documents"]) {
    const std::string status =
        doc["consecutive_failures"].get<int>() > 0
            ? "failing x" + Str(doc["consecutive_failures"]) + ": " + Str(doc["last_error"])
            : (doc["last_check"].is_null() ? "pending" : "ok");
    table.AddRow({Str(doc["id"]), Str(doc["versions"]), Str(doc["last_check"]),
                  Str(doc["last_change"]), Str(doc["next_due"]), status});
  }
  std::cout << table.Render();
}

void PrintShow(const nlohmann::json& r) {
  Table table({"FIELD", "VALUE"});
  for (const char* key :
       {"id", "platform", "type", "url", "interval", "source_file", "current_hash", "versions",
        "last_check", "last_success", "last_change", "next_due", "checking", "consecutive_failures",
        "last_error", "render", "render_choice"}) {
    table.AddRow({key, Str(r[key])});
  }
  if (!r["select"].empty()) table.AddRow({"select", r["select"].dump()});
  if (!r["remove"].empty()) table.AddRow({"remove", r["remove"].dump()});
  if (!r.value("select_ranges", nlohmann::json::array()).empty()) {
    table.AddRow({"select ranges", r["select_ranges"].dump()});
  }
  if (!r.value("remove_ranges", nlohmann::json::array()).empty()) {
    table.AddRow({"remove ranges", r["remove_ranges"].dump()});
  }
  std::cout << table.Render() << "\nrecent checks:\n";
  Table checks({"TIME", "OUTCOME", "HTTP", "TEXT HASH", "REASON"});
  for (const auto& check : r["recent_checks"]) {
    checks.AddRow({Str(check["time"]), Str(check["outcome"]), Str(check["http_status"]),
                   Short(check["text_hash"]),
                   check["reason"].get<std::string>().empty()
                       ? "-"
                       : Str(check["reason"]) + ": " + Str(check["message"])});
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
    std::cout << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
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

std::string EventSummary(const nlohmann::json& e) {
  const std::string type = e.value("type", "");
  std::string line = Str(e["seq"]) + "  " + Str(e["time"]) + "  " + type + "  " + Str(e["doc"]);
  if (type == "document.changed" || type == "document.reread") {
    line += "  +" + Str(e["lines_added"]) + " -" + Str(e["lines_removed"]) + "  " +
            Short(e["old_hash"]) + " -> " + Short(e["new_hash"]);
    if (e.contains("change_class")) line += "  " + Str(e["change_class"]);
  } else if (type == "document.first_seen") {
    line += "  " + Short(e["hash"]);
  } else if (type == "document.fetch_failed") {
    line += "  " + Str(e["reason"]) + ": " + Str(e["message"]);
  }
  return line;
}

int Events(const Options& options) {
  std::filesystem::path control;
  std::filesystem::path events_path;
  if (const auto code = ResolveSockets(options, &control, &events_path)) return *code;
  auto socket = UnixClientSocket::Connect(events_path, options.timeout);
  if (!socket.ok()) return Unreachable(socket.status());
  nlohmann::json request = {{"since", 0}};
  if (options.Has("--since")) {
    const std::string since = options.One("--since");
    if (since.empty() || since.find_first_not_of("0123456789") != std::string::npos) {
      return UsageError("--since takes a sequence number");
    }
    request["since"] = std::stoull(since);
  }
  const bool follow = options.Has("--follow");
  if (Status s = socket->WriteAll(request.dump() + "\n"); !s.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
    return kExitUnreachable;
  }
  if (follow) socket->SetReadTimeout(milliseconds(0));
  uint64_t caught_up_at = 0;
  bool greeted = false;  // the feed answers a subscription with feed.hello (or feed.error)
  const auto not_the_feed = [&]() {
    std::fprintf(stderr,
                 "policyctl: %s is not a policyd events socket (no feed.hello); use "
                 "--events-socket or --config\n",
                 events_path.c_str());
    return kExitUnreachable;
  };
  for (;;) {
    auto line = socket->ReadLine(64u << 20);
    if (!line.ok()) {
      if (line.status().IsNotFound()) return greeted ? kExitOk : not_the_feed();
      std::fprintf(stderr, "policyctl: %s\n", line.status().message().c_str());
      return kExitUnreachable;
    }
    const auto message = nlohmann::json::parse(*line, nullptr, false);
    const std::string type =
        message.is_object() && message.contains("type") && message["type"].is_string()
            ? message["type"].get<std::string>()
            : "";
    if (!greeted && type != "feed.hello" && type != "feed.error") return not_the_feed();
    greeted = true;
    if (!message.is_object()) continue;
    if (type == "feed.hello") {
      caught_up_at = message.value("last_seq", uint64_t{0});
      if (!follow && message.value("since", uint64_t{0}) >= caught_up_at) return kExitOk;
      continue;
    }
    if (type == "feed.error") {
      std::fprintf(stderr, "policyctl: %s\n", Str(message["message"]).c_str());
      return kExitRefused;
    }
    if (type == "feed.shutdown") {
      std::fprintf(stderr, "policyctl: the daemon is shutting down\n");
      return kExitOk;
    }
    if (type == "feed.heartbeat") continue;
    std::cout << (options.json ? *line : EventSummary(message)) << std::endl;
    if (!follow && message.value("seq", uint64_t{0}) >= caught_up_at) return kExitOk;
  }
}

// `extract` refuses as the daemon does: the reason class it would record, exit 4.
int Refused(const Options& options, const std::string& reason, const std::string& message) {
  if (options.json) {
    std::cout << nlohmann::json{{"refused", true}, {"reason", reason}, {"message", message}}.dump(2)
              << "\n";
  } else {
    std::fprintf(stderr, "policyctl: refused: %s: %s\n", reason.c_str(), message.c_str());
  }
  return kExitInput;
}

// Reads a saved page: stdin for "-", else a regular file (a directory, FIFO or device is
// refused before reading). More than `max_bytes` is refused as the daemon refuses a larger
// body (`too_large`, its max_body_bytes).
std::variant<std::string, int> ReadPage(const Options& options, const std::string& file,
                                        std::size_t max_bytes) {
  const auto too_large = [&] {
    return Refused(
        options, "too_large",
        file + " holds more than max_body_bytes (" + std::to_string(max_bytes) + " bytes)");
  };
  if (file != "-") {
    auto read = ReadRegularFile(file, max_bytes);
    if (read.ok()) return std::move(*read);
    if (read.status().code() == Status::Code::kInvalidArgument) return too_large();
    std::fprintf(stderr, "policyctl: %s\n", read.status().message().c_str());
    return kExitInput;
  }
  std::string bytes;
  char buffer[65536];
  while (bytes.size() <= max_bytes) {
    const std::size_t n = std::fread(buffer, 1, sizeof buffer, stdin);
    if (n == 0) break;
    bytes.append(buffer, n);
  }
  if (std::ferror(stdin)) {
    std::fprintf(stderr, "policyctl: cannot read standard input: %s\n", std::strerror(errno));
    return kExitInput;
  }
  if (bytes.size() > max_bytes) return too_large();
  return bytes;
}

// The spec of `id` as the daemon loads it: run-time targets (<state_dir>/targets, written by
// `add`) override the bundled ones of targets_dir.
std::variant<DocumentSpec, int> FindDocumentSpec(const DaemonConfig& config,
                                                 const std::string& id) {
  std::vector<DocumentSpec> bundled;
  std::vector<DocumentSpec> runtime;
  std::vector<std::string> warnings;  // the daemon logs them; extract needs none of them
  const std::filesystem::path runtime_dir = config.state_dir / "targets";
  Status status = LoadTargetsDir(config.targets_dir, &bundled, &warnings);
  std::error_code error;
  if (status.ok() && std::filesystem::is_directory(runtime_dir, error)) {
    status = LoadTargetsDir(runtime_dir, &runtime, &warnings);
  }
  if (!status.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", status.message().c_str());
    return kExitConfigError;
  }
  for (auto* specs : {&runtime, &bundled}) {
    for (DocumentSpec& spec : *specs) {
      if (spec.id == id) return std::move(spec);
    }
  }
  std::fprintf(stderr, "policyctl: no document '%s' in %s or %s\n", id.c_str(),
               config.targets_dir.c_str(), runtime_dir.c_str());
  return kExitInput;
}

// The document `extract` applies: --doc's whole spec from the targets, else --select/--remove.
std::variant<DocumentSpec, int> ExtractSpec(const Options& options, const DaemonConfig& config) {
  if (options.Has("--doc")) {
    if (options.Has("--select") || options.Has("--remove")) {
      return UsageError("--doc applies the document's own selectors: drop --select/--remove");
    }
    return FindDocumentSpec(config, options.One("--doc"));
  }
  DocumentSpec spec;
  spec.select = options.All("--select");
  spec.remove = options.All("--remove");
  if (Status s = CompileDocumentExtraction(&spec); !s.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
    return kExitInput;
  }
  return spec;
}

// extract [--doc ID] FILE...: the text the daemon would store for these saved pages (one per
// page of the document: url, then extra_urls), through the daemon's own decision
// (ExtractDocumentText), or its refusal with exit 4.
int Extract(const Options& options) {
  DaemonConfig config;
  const auto config_path = ConfigPath(options);
  if (options.Has("--doc") && !config_path) return UsageError("--doc needs --config");
  if (config_path) {
    if (Status s = LoadDaemonConfig(*config_path, &config); !s.ok()) {
      std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
      return kExitConfigError;
    }
  }
  auto found = ExtractSpec(options, config);
  if (std::holds_alternative<int>(found)) return std::get<int>(found);
  const DocumentSpec& spec = std::get<DocumentSpec>(found);
  const std::size_t page_count = 1 + spec.extra_urls.size();
  if (options.positional.size() != page_count) {
    return UsageError(page_count == 1 ? "extract takes one FILE (or -)"
                                      : "'" + spec.id + "' has " + std::to_string(page_count) +
                                            " pages (url, extra_urls): give one FILE per page");
  }
  std::vector<FetchResponse> responses(page_count);
  for (std::size_t i = 0; i < page_count; ++i) {
    auto read = ReadPage(options, options.positional[i], config.max_body_bytes);
    if (std::holds_alternative<int>(read)) return std::get<int>(read);
    FetchResponse& page = responses[i];
    page.http_status = 200;
    page.url = page.final_url = i == 0 ? spec.url : spec.extra_urls[i - 1];
    page.content_type = options.One("--content-type");
    if (!page.content_type.empty()) page.headers["content-type"] = page.content_type;
    page.body = std::move(std::get<std::string>(read));
  }
  std::vector<const FetchResponse*> pages;
  for (const FetchResponse& page : responses) pages.push_back(&page);
  const DocumentText result = ExtractDocumentText(spec, pages);
  if (result.reason != FailureReason::kNone) {
    return Refused(options, std::string(FailureReasonName(result.reason)), result.message);
  }
  if (options.Has("--hash")) {
    std::cout << Sha256Hex(result.text) << "\n";
  } else if (options.json) {
    std::cout << nlohmann::json{{"text", result.text},
                                {"sha256", Sha256Hex(result.text)},
                                {"charset", result.charset},
                                {"lang", DetectTextLanguage(result.text)},
                                {"lines", std::count(result.text.begin(), result.text.end(), '\n')}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << result.text;
  }
  return kExitOk;
}

// Exit 1 when the database has any problem: scripts and timers can alert on it.
int PrintVerify(const nlohmann::json& r) {
  std::cout << "scanned " << Str(r["blobs"]) << " blobs, " << Str(r["versions"]) << " versions, "
            << Str(r["checks"]) << " checks, " << Str(r["events"]) << " events (last seq "
            << Str(r["last_sequence"]) << "), " << Str(r["docs"]) << " documents in "
            << Str(r["seconds"]) << " s\n";
  if (r.value("ok", false)) {
    std::cout << "OK: no problems found\n";
    return kExitOk;
  }
  Table table({"PROBLEM", "DOCUMENT", "WHERE", "DETAIL"});
  for (const auto& p : r["problems"]) {
    table.AddRow({Str(p["kind"]), Str(p["doc"]), Str(p["where"]), Str(p["detail"])});
  }
  std::cout << table.Render();
  const uint64_t count = r.value("problem_count", uint64_t{0});
  if (count > r["problems"].size()) {
    std::cout << "(" << count - r["problems"].size() << " more not listed)\n";
  }
  std::cout << "FAILED: " << count << " problem(s)\n";
  return kExitRefused;
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
  table.AddRow({"http status", Str(r["http_status"])});
  table.AddRow({"sha256 raw bytes", Str(r["raw_hash"])});
  table.AddRow({"sha256 text", Str(r["text_hash"])});
  table.AddRow({"policyd version", Str(r["policyd_version"])});
  // "browser": the raw bytes are the DOM after the page's scripts ran, in that browser.
  table.AddRow({"fetcher", Str(r["fetcher"])});
  table.AddRow({"language", Str(r["lang"])});
  if (!r.value("browser_version", std::string()).empty()) {
    table.AddRow({"browser version", Str(r["browser_version"])});
  }
  table.AddRow({"announced by event", Str(r["event_seq"])});
  if (r["headers"].is_object()) {
    for (const auto& [name, value] : r["headers"].items()) {
      table.AddRow({"header " + name, Str(value)});
    }
  }
  std::cout << table.Render();
}

// A path component from a platform or document type: no separators, no dot names.
std::string PathComponent(std::string name) {
  for (char& c : name) {
    if (c == '/' || c == '\\' || c == '\0' || static_cast<unsigned char>(c) < 0x20) c = '-';
  }
  if (name.empty() || name == "." || name == "..") name = "_" + name;
  return name;
}

// Writes `data` to `path` through a temporary file and rename: a reader never sees half.
bool WriteFileAtomically(const std::filesystem::path& path, const std::string& data) {
  const std::filesystem::path temp = path.string() + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out.write(data.data(), static_cast<std::streamsize>(data.size()))) return false;
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  return !error;
}

class ProgressBar {
 public:
  explicit ProgressBar(std::size_t total) : total_(total), enabled_(isatty(STDERR_FILENO) != 0) {}
  ~ProgressBar() { Finish(); }
  // Ends the bar's line, so that what is printed next starts on a line of its own.
  void Finish() {
    if (enabled_ && drawn_) std::fputs("\n", stderr);
    drawn_ = false;
  }
  void Update(std::size_t done, const std::string& label) {
    if (!enabled_ || total_ == 0) return;
    constexpr std::size_t kWidth = 30;
    const std::size_t filled = done * kWidth / total_;
    std::fprintf(stderr, "\r[%s%s] %zu/%zu %-40.40s", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, ' ').c_str(), done, total_, label.c_str());
    std::fflush(stderr);
    drawn_ = true;
  }

 private:
  std::size_t total_;
  bool enabled_;
  bool drawn_ = false;
};

// export DIR: every version of every document, watched or removed (whose history is kept),
// as DIR/<Platform>/<Type>/<date>.md (the stored text byte for byte, so `sha256sum` of a file
// is its text hash) plus DIR/index.json. Exit 1 if the daemon refuses, 4 if DIR cannot be
// written.
int Export(const Options& options) {
  if (options.positional.size() != 1) return UsageError("export takes one DIR");
  const std::filesystem::path root = options.positional[0];
  nlohmann::json documents = nlohmann::json::array();
  for (const char* cmd : {"list", "removed"}) {
    auto listed = Call(options, {{"cmd", cmd}});
    if (std::holds_alternative<int>(listed)) return std::get<int>(listed);
    for (auto& doc : std::get<nlohmann::json>(listed)["documents"]) {
      doc["watched"] = doc.value("watched", true);
      documents.push_back(std::move(doc));
    }
  }

  struct Item {
    nlohmann::json doc;
    nlohmann::json version;
  };
  std::vector<Item> items;
  for (const auto& doc : documents) {
    auto history = Call(options, {{"cmd", "history"}, {"doc", doc["id"]}});
    if (std::holds_alternative<int>(history)) return std::get<int>(history);
    for (const auto& version : std::get<nlohmann::json>(history)["versions"]) {
      items.push_back({doc, version});
    }
  }

  std::error_code error;
  std::filesystem::create_directories(root, error);
  if (error) {
    std::fprintf(stderr, "policyctl: cannot create %s: %s\n", root.c_str(),
                 error.message().c_str());
    return kExitInput;
  }
  nlohmann::json index = {{"exported", FormatTimestamp(NowUnixMillis())},
                          {"documents", nlohmann::json::array()}};
  std::map<std::string, std::size_t> doc_slot;  // doc id -> index in index["documents"]
  std::set<std::filesystem::path> used;
  ProgressBar progress(items.size());
  std::size_t done = 0;
  for (const Item& item : items) {
    const std::string id = item.doc["id"];
    progress.Update(done, id);
    auto text = Call(options, {{"cmd", "text"}, {"doc", id}, {"hash", item.version["text_hash"]}});
    if (std::holds_alternative<int>(text)) return std::get<int>(text);
    const std::filesystem::path dir = root / PathComponent(item.doc.value("platform", id)) /
                                      PathComponent(item.doc.value("type", id));
    std::filesystem::create_directories(dir, error);
    // The capture date names the file; a second version the same day gets -2, -3, ...
    const std::string date = Str(item.version["time"]).substr(0, 10);
    std::filesystem::path file = dir / (date + ".md");
    for (int n = 2; used.count(file) > 0; ++n)
      file = dir / (date + "-" + std::to_string(n) + ".md");
    used.insert(file);
    if (error ||
        !WriteFileAtomically(file, std::get<nlohmann::json>(text)["text"].get<std::string>())) {
      progress.Finish();
      std::fprintf(stderr, "policyctl: cannot write %s\n", file.c_str());
      return kExitInput;
    }
    if (doc_slot.count(id) == 0) {
      doc_slot[id] = index["documents"].size();
      index["documents"].push_back({{"id", id},
                                    {"platform", item.doc["platform"]},
                                    {"type", item.doc["type"]},
                                    {"url", item.doc["url"]},
                                    {"watched", item.doc["watched"]},
                                    {"versions", nlohmann::json::array()}});
    }
    index["documents"][doc_slot[id]]["versions"].push_back(
        {{"file", std::filesystem::relative(file, root).string()},
         {"captured", item.version["time"]},
         {"text_sha256", item.version["text_hash"]},
         {"raw_sha256", item.version["raw_hash"]},
         {"http_status", item.version["http_status"]},
         {"final_url", item.version["final_url"]},
         {"event_seq", item.version["event_seq"]},
         {"policyd_version", item.version["policyd_version"]}});
    ++done;
  }
  progress.Update(done, "index.json");
  if (!WriteFileAtomically(root / "index.json", index.dump(2) + "\n")) {
    progress.Finish();
    std::fprintf(stderr, "policyctl: cannot write %s\n", (root / "index.json").c_str());
    return kExitInput;
  }
  progress.Finish();
  if (options.json) {
    std::cout << nlohmann::json{{"dir", root.string()},
                                {"documents", index["documents"].size()},
                                {"versions", items.size()}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << "exported " << items.size() << " version(s) of " << index["documents"].size()
              << " document(s) to " << root.string() << "\n";
  }
  return kExitOk;
}

bool UseColor(const Options& options) {
  if (options.color == "always") return true;
  if (options.color == "never" || options.json) return false;
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr && term != nullptr &&
         std::string(term) != "dumb";
}

// Flags that take a value; every other --flag is a switch.
bool TakesValue(const std::string& flag) {
  static const std::vector<std::string> kValued = {
      "--config",   "--socket",          "--events-socket", "--color",    "--timeout", "--since",
      "--select",   "--remove",          "--content-type",  "--platform", "--type",    "--url",
      "--interval", "--check-retention", "--doc",           "--render",   "--at"};
  return std::find(kValued.begin(), kValued.end(), flag) != kValued.end();
}

int Main(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      return kExitOk;
    }
    if (arg == "--version") {
      std::cout << VersionLine("policyctl") << "\n" << LibraryVersions();
      return kExitOk;
    }
    if (arg.rfind("--", 0) == 0 && arg.size() > 2) {
      std::string value;
      if (const auto eq = arg.find('='); eq != std::string::npos) {
        value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      } else if (TakesValue(arg)) {
        if (i + 1 >= argc) return UsageError(arg + " needs a value");
        value = argv[++i];
      }
      if (arg == "--config") {
        options.config = value;
      } else if (arg == "--socket") {
        options.socket = value;
      } else if (arg == "--events-socket") {
        options.events_socket = value;
      } else if (arg == "--json") {
        options.json = true;
      } else if (arg == "--color") {
        if (value != "auto" && value != "always" && value != "never") {
          return UsageError("--color takes auto, always or never");
        }
        options.color = value;
      } else if (arg == "--timeout") {
        const auto parsed = ParseDuration(value);
        if (!parsed) return UsageError("bad --timeout '" + value + "'");
        options.timeout = *parsed;
      } else {
        options.flags[arg].push_back(value);
      }
    } else if (options.command.empty()) {
      options.command = arg;
    } else {
      options.positional.push_back(arg);
    }
  }
  const std::string& cmd = options.command;
  if (cmd.empty()) return UsageError("no command given");

  // Every flag must belong to the command it is given with.
  static const std::map<std::string, std::vector<std::string>> kCommandFlags = {
      {"status", {}},
      {"list", {}},
      {"show", {"--evidence"}},
      {"verify", {}},
      {"gc", {"--check-retention"}},
      {"export", {}},
      {"backup", {}},
      {"history", {}},
      {"diff", {"--word"}},
      {"segments", {}},
      {"offsets", {"--at"}},
      {"check", {"--all"}},
      {"add", {"--platform", "--type", "--url", "--select", "--remove", "--interval", "--render"}},
      {"remove", {}},
      {"reload", {}},
      {"events", {"--since", "--follow"}},
      {"extract", {"--select", "--remove", "--content-type", "--hash", "--doc"}},
  };
  const auto allowed = kCommandFlags.find(cmd);
  if (allowed == kCommandFlags.end()) return UsageError("unknown command '" + cmd + "'");
  for (const auto& [flag, values] : options.flags) {
    if (std::find(allowed->second.begin(), allowed->second.end(), flag) == allowed->second.end()) {
      return UsageError("unknown option '" + flag + "' for " + cmd);
    }
  }
  auto positional_count = [&](std::size_t min, std::size_t max) {
    return options.positional.size() >= min && options.positional.size() <= max;
  };

  if (cmd == "extract") return Extract(options);
  if (cmd == "export") return Export(options);
  if (cmd == "events") {
    if (!positional_count(0, 0)) return UsageError("events takes no arguments");
    return Events(options);
  }

  nlohmann::json request = {{"cmd", cmd}};
  if (cmd == "status" || cmd == "list" || cmd == "reload") {
    if (!positional_count(0, 0)) return UsageError(cmd + " takes no arguments");
  } else if (cmd == "show" && options.Has("--evidence")) {
    if (!positional_count(1, 2)) return UsageError("show --evidence takes DOC [VERSION]");
    request["cmd"] = "evidence";
    request["doc"] = options.positional[0];
    if (options.positional.size() > 1) request["version"] = options.positional[1];
  } else if (cmd == "verify") {
    if (!positional_count(0, 0)) return UsageError("verify takes no arguments");
  } else if (cmd == "gc") {
    if (!positional_count(0, 0)) return UsageError("gc takes no arguments");
    if (options.Has("--check-retention")) {
      const std::string retention = options.One("--check-retention");
      if (!ParseDuration(retention)) return UsageError("bad --check-retention '" + retention + "'");
      request["check_retention"] = retention;
    }
  } else if (cmd == "backup") {
    if (!positional_count(1, 1)) return UsageError("backup takes one DIR");
    std::error_code error;
    const std::filesystem::path dir = std::filesystem::absolute(options.positional[0], error);
    if (error) return UsageError("bad directory '" + options.positional[0] + "'");
    request["dir"] = dir.lexically_normal().string();
  } else if (cmd == "show" || cmd == "history" || cmd == "remove") {
    if (!positional_count(1, 1)) return UsageError(cmd + " takes one DOC");
    request["doc"] = options.positional[0];
  } else if (cmd == "diff") {
    if (!positional_count(1, 3)) return UsageError("diff takes DOC [A [B]]");
    request["doc"] = options.positional[0];
    if (options.positional.size() > 1) request["a"] = options.positional[1];
    if (options.positional.size() > 2) request["b"] = options.positional[2];
    request["word"] = options.Has("--word");
    request["color"] = UseColor(options);
  } else if (cmd == "segments") {
    if (!positional_count(1, 2)) return UsageError("segments takes DOC [VERSION]");
    request["doc"] = options.positional[0];
    if (options.positional.size() > 1) request["version"] = options.positional[1];
  } else if (cmd == "offsets") {
    if (!positional_count(1, 3)) return UsageError("offsets takes DOC [FROM [TO]]");
    request["doc"] = options.positional[0];
    if (options.positional.size() > 1) request["from"] = options.positional[1];
    if (options.positional.size() > 2) request["to"] = options.positional[2];
    if (options.Has("--at")) {
      const std::string at = options.One("--at");
      if (at.empty() || at.size() > 12 ||
          !std::all_of(at.begin(), at.end(), [](unsigned char c) { return std::isdigit(c); })) {
        return UsageError("bad --at '" + at + "' (a character offset)");
      }
      request["at"] = std::stoull(at);
    }
  } else if (cmd == "check") {
    if (options.Has("--all") == positional_count(1, 1) || options.positional.size() > 1) {
      return UsageError("check takes one DOC or --all");
    }
    if (options.Has("--all")) {
      request["all"] = true;
    } else {
      request["doc"] = options.positional[0];
    }
  } else if (cmd == "add") {
    if (!positional_count(0, 0)) return UsageError("add takes --platform, --type and --url");
    for (const char* flag : {"--platform", "--type", "--url"}) {
      if (options.One(flag).empty()) return UsageError(std::string("add needs ") + flag);
    }
    request["platform"] = options.One("--platform");
    request["type"] = options.One("--type");
    request["url"] = options.One("--url");
    request["select"] = options.All("--select");
    request["remove"] = options.All("--remove");
    if (options.Has("--interval")) request["interval"] = options.One("--interval");
    if (options.Has("--render")) request["render"] = options.One("--render");
  }

  auto outcome = Call(options, request);
  if (std::holds_alternative<int>(outcome)) return std::get<int>(outcome);
  const nlohmann::json& result = std::get<nlohmann::json>(outcome);
  if (cmd == "segments" && options.json) return PrintSegmentLines(result);
  if (options.json) {
    std::cout << result.dump(2) << "\n";
    return cmd == "verify" && !result.value("ok", false) ? kExitRefused : kExitOk;
  }
  if (cmd == "verify") return PrintVerify(result);
  if (cmd == "status") {
    PrintStatus(result);
  } else if (cmd == "list") {
    PrintList(result);
  } else if (cmd == "show" && options.Has("--evidence")) {
    PrintEvidence(result);
  } else if (cmd == "show") {
    PrintShow(result);
  } else if (cmd == "history") {
    PrintHistory(result);
  } else if (cmd == "diff") {
    // One line before the "---" header (patch(1) skips it): what kind of change this is.
    std::cout << "change: " << Str(result["change_class"]) << ", " << Str(result["words_added"])
              << " word(s) added, " << Str(result["words_removed"]) << " removed\n"
              << result["diff"].get<std::string>();
  } else if (cmd == "segments") {
    PrintSegments(result);
  } else if (cmd == "offsets") {
    return PrintOffsets(result);
  } else if (cmd == "check") {
    std::cout << "scheduled " << Str(result["scheduled"]) << " check(s)\n";
  } else if (cmd == "add") {
    std::cout << "watching " << Str(result["id"]) << " (saved in " << Str(result["source_file"])
              << ")\n";
  } else if (cmd == "remove") {
    std::cout << "removed " << Str(result["removed"]) << " (history kept)\n";
  } else if (cmd == "reload") {
    std::cout << "reloaded: " << Str(result["documents"]) << " documents\n";
  } else if (cmd == "gc") {
    std::cout << "deleted " << Str(result["checks_deleted"]) << " of "
              << Str(result["checks_scanned"]) << " check record(s) older than "
              << Str(result["check_retention"]) << " and " << Str(result["blobs_deleted"]) << " of "
              << Str(result["blobs_scanned"]) << " blob(s) (" << Str(result["bytes_freed"])
              << " bytes); database now ~" << Str(result["database_bytes"]) << " bytes\n";
  } else if (cmd == "backup") {
    std::cout << "backup of events 1.." << Str(result["last_seq"]) << " written to "
              << Str(result["db"]) << " (open it with policyd --state-dir " << Str(result["dir"])
              << ")\n";
  }
  return kExitOk;
}

}  // namespace
}  // namespace policyd

int main(int argc, char** argv) { return policyd::Main(argc, argv); }

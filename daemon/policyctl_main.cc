// policyctl: the operator's and script's command line for policyd. Talks JSON lines to the
// daemon's control socket (and reads the events socket for `events`); `extract` works
// offline with the very code the daemon uses, so it prints exactly what would be stored.
//
// Exit codes: 0 success; 1 the daemon refused the request (unknown document, bad argument,
// ...); 2 usage error; 3 the daemon cannot be reached; 4 bad input for `extract`;
// 78 the --config file is invalid.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/clock.h"
#include "policyd/config.h"
#include "policyd/control.h"
#include "policyd/extract.h"
#include "policyd/store.h"
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
  check DOC | --all               check now
  add --platform NAME --type TYPE --url URL [--select CSS]... [--remove CSS]... [--interval D]
                                  watch a new document (persisted under the state dir)
  remove DOC                      stop watching a document (its history is kept)
  reload                          re-read targets and log level (same as SIGHUP)
  events [--since N] [--follow]   print events after sequence N (default: all); --follow waits
                                  for new ones
  extract FILE [--select CSS]... [--remove CSS]... [--content-type CT] [--hash]
                                  print the text (or its SHA-256) policyd would store for a
                                  saved page; FILE may be - for stdin; needs no daemon

Options:
  --config FILE         read the socket paths from this daemon config
                        (default: $POLICYD_CONFIG, else /etc/policyd/policyd.toml if present)
  --socket PATH         control socket (overrides the config)
  --events-socket PATH  events socket (overrides the config)
  --json                machine-readable output
  --color WHEN          auto (default), always or never, for diff
  --timeout DURATION    how long to wait for the daemon (default 30s)

Exit codes: 0 ok, 1 refused by the daemon, 2 usage, 3 daemon unreachable, 4 bad extract input,
78 bad config.
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

// Sends one request; prints errors; returns the result object or an exit code.
std::variant<nlohmann::json, int> Call(const Options& options, nlohmann::json request) {
  std::filesystem::path control;
  std::filesystem::path events;
  if (const auto code = ResolveSockets(options, &control, &events)) return *code;
  auto client = ControlClient::Connect(control, options.timeout);
  if (!client.ok()) {
    std::fprintf(stderr, "policyctl: %s (is policyd running? use --config or --socket)\n",
                 client.status().message().c_str());
    return kExitUnreachable;
  }
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
  for (const char* key : {"id", "platform", "type", "url", "interval", "source_file",
                          "current_hash", "versions", "last_check", "last_success", "last_change",
                          "next_due", "checking", "consecutive_failures", "last_error"}) {
    table.AddRow({key, Str(r[key])});
  }
  if (!r["select"].empty()) table.AddRow({"select", r["select"].dump()});
  if (!r["remove"].empty()) table.AddRow({"remove", r["remove"].dump()});
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
  Table table({"#", "CAPTURED", "TEXT SHA-256", "HTTP", "FINAL URL", "EVENT"});
  for (const auto& v : r["versions"]) {
    table.AddRow({Str(v["index"]), Str(v["time"]), Str(v["text_hash"]), Str(v["http_status"]),
                  Str(v["final_url"]), Str(v["event_seq"])});
  }
  std::cout << table.Render();
}

std::string EventSummary(const nlohmann::json& e) {
  const std::string type = e.value("type", "");
  std::string line = Str(e["seq"]) + "  " + Str(e["time"]) + "  " + type + "  " + Str(e["doc"]);
  if (type == "document.changed") {
    line += "  +" + Str(e["lines_added"]) + " -" + Str(e["lines_removed"]) + "  " +
            Short(e["old_hash"]) + " -> " + Short(e["new_hash"]);
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
  if (!socket.ok()) {
    std::fprintf(stderr, "policyctl: %s (is policyd running?)\n",
                 socket.status().message().c_str());
    return kExitUnreachable;
  }
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
  for (;;) {
    auto line = socket->ReadLine(64u << 20);
    if (!line.ok()) {
      if (line.status().IsNotFound()) return kExitOk;
      std::fprintf(stderr, "policyctl: %s\n", line.status().message().c_str());
      return kExitUnreachable;
    }
    const auto message = nlohmann::json::parse(*line, nullptr, false);
    if (message.is_discarded()) continue;
    const std::string type = message.value("type", "");
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

int Extract(const Options& options) {
  if (options.positional.size() != 1) return UsageError("extract takes one FILE (or -)");
  const std::string& file = options.positional[0];
  std::string html;
  if (file == "-") {
    html.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "policyctl: cannot read %s\n", file.c_str());
      return kExitInput;
    }
    html.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ExtractOptions extract_options;
  extract_options.select = options.All("--select");
  extract_options.remove = options.All("--remove");
  extract_options.content_type = options.One("--content-type");
  ExtractResult result;
  if (Status s = ExtractText(html, extract_options, &result); !s.ok()) {
    std::fprintf(stderr, "policyctl: %s\n", s.message().c_str());
    return kExitInput;
  }
  if (options.Has("--hash")) {
    std::cout << Sha256Hex(result.text) << "\n";
  } else if (options.json) {
    std::cout << nlohmann::json{{"text", result.text},
                                {"sha256", Sha256Hex(result.text)},
                                {"charset", result.charset},
                                {"lines", result.lines}}
                     .dump(2)
              << "\n";
  } else {
    std::cout << result.text;
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
      "--config", "--socket", "--events-socket", "--color",        "--timeout",
      "--since",  "--select", "--remove",        "--content-type", "--platform",
      "--type",   "--url",    "--interval"};
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
      {"show", {}},
      {"history", {}},
      {"diff", {"--word"}},
      {"check", {"--all"}},
      {"add", {"--platform", "--type", "--url", "--select", "--remove", "--interval"}},
      {"remove", {}},
      {"reload", {}},
      {"events", {"--since", "--follow"}},
      {"extract", {"--select", "--remove", "--content-type", "--hash"}},
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
  if (cmd == "events") {
    if (!positional_count(0, 0)) return UsageError("events takes no arguments");
    return Events(options);
  }

  nlohmann::json request = {{"cmd", cmd}};
  if (cmd == "status" || cmd == "list" || cmd == "reload") {
    if (!positional_count(0, 0)) return UsageError(cmd + " takes no arguments");
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
  }

  auto outcome = Call(options, request);
  if (std::holds_alternative<int>(outcome)) return std::get<int>(outcome);
  const nlohmann::json& result = std::get<nlohmann::json>(outcome);
  if (options.json) {
    std::cout << result.dump(2) << "\n";
    return kExitOk;
  }
  if (cmd == "status") {
    PrintStatus(result);
  } else if (cmd == "list") {
    PrintList(result);
  } else if (cmd == "show") {
    PrintShow(result);
  } else if (cmd == "history") {
    PrintHistory(result);
  } else if (cmd == "diff") {
    std::cout << result["diff"].get<std::string>();
  } else if (cmd == "check") {
    std::cout << "scheduled " << Str(result["scheduled"]) << " check(s)\n";
  } else if (cmd == "add") {
    std::cout << "watching " << Str(result["id"]) << " (saved in " << Str(result["source_file"])
              << ")\n";
  } else if (cmd == "remove") {
    std::cout << "removed " << Str(result["removed"]) << " (history kept)\n";
  } else if (cmd == "reload") {
    std::cout << "reloaded: " << Str(result["documents"]) << " documents\n";
  }
  return kExitOk;
}

}  // namespace
}  // namespace policyd

int main(int argc, char** argv) { return policyd::Main(argc, argv); }

#include "policyctl/command_table.h"

#include <algorithm>

#include "policyctl/handlers.h"
#include "policyd/clock.h"

// The table's entries name only the fields they set (designated initializers); the others
// keep their defaults, which GCC 12 (-Wextra) still reports as missing, field by field.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace policyd::ctl {
namespace {

// Options more than one command has: written once so they cannot drift apart.
OptionSpec SelectOption() {
  return {.name = "--select",
          .value = "CSS",
          .help = "extract only what matches this CSS selector (repeatable)",
          .repeatable = true};
}
OptionSpec RemoveOption() {
  return {.name = "--remove",
          .value = "CSS",
          .help = "leave out what matches this CSS selector (repeatable)",
          .repeatable = true};
}
OptionSpec ContentTypeOption() {
  return {.name = "--content-type",
          .value = "CT",
          .help = "the page's Content-Type header (default: none; the bytes are sniffed)"};
}
OptionSpec HashOption() {
  return {.name = "--hash", .help = "print the text's SHA-256 instead of the text"};
}

ArgumentSpec Doc() { return {.name = "DOC", .completion = Completion::kDocumentId}; }
ArgumentSpec OptionalVersion(std::string_view name) { return {.name = name, .optional = true}; }

std::vector<CommandSpec> BuildCommands() {
  std::vector<CommandSpec> commands;
  commands.push_back({
      .name = "status",
      .synopses = {""},
      .summary = "the daemon's health and counters",
      .description =
          "Prints the daemon's version, pid, start time and uptime, state directory, how many "
          "documents it watches and how many are failing, the checks and fetches in progress "
          "and queued, the checks done, the subscribers of the events socket, the last event's "
          "sequence number, the next check due, the database's size and any storage error (a "
          "full disk: since when, what failed and how many documents wait for a recheck).",
      .handler = RunStatus,
  });
  commands.push_back({
      .name = "list",
      .synopses = {"[--failing] [--platform NAME] [--type TYPE]"},
      .options = {{.name = "--failing",
                   .help = "only documents in a failure streak (a check not requested while its "
                           "host rests after fewer failures than failure_threshold starts none)"},
                  {.name = "--platform",
                   .value = "NAME",
                   .help = "only this platform's documents (its name or its id's first half)"},
                  {.name = "--type",
                   .value = "TYPE",
                   .help = "only documents of this type (\"Privacy Policy\" or privacy-policy)"}},
      .summary = "every watched document and its state",
      .description =
          "One row per watched document: its id, how many versions are stored, the last check, "
          "the last change, the next check due and its status: ok, pending (not checked yet), "
          "failing xN with the last error, suspicious (a new text held back until a later "
          "check confirms it) or retrying (the last check was not requested while its host "
          "rested: no failure of its own yet, tried again soon).\n\n"
          "The filters combine; the daemon applies them. A platform or type that no watched "
          "document has is refused (exit 1) with the closest names, so that a typo never looks "
          "like an empty list.",
      .handler = RunList,
  });
  commands.push_back({
      .name = "show",
      .synopses = {"DOC", "--evidence DOC [VERSION]"},
      .arguments = {Doc(), OptionalVersion("VERSION")},
      .options = {{.name = "--evidence",
                   .help = "print the evidence record of VERSION (default: the newest) instead"}},
      .summary = "one document: state, last error, recent checks",
      .description =
          "Prints the document's settings (platform, type, URL, interval, selectors, render "
          "mode), its state (current text hash, versions, last check, success and change, next "
          "check due, failure streak and last error) and its ten most recent checks.\n\n"
          "With --evidence, the evidence record of one version instead (default: the newest; "
          "VERSION is an index, 1 = oldest and -1 = newest, or a hash prefix): the URL and "
          "final URL, capture time, HTTP status and headers, the SHA-256 of the raw bytes and "
          "of the text, the fetcher (and browser version) and the policyd version that "
          "captured it, and the event that announced it.",
      .handler = RunShow,
  });
  commands.push_back({
      .name = "history",
      .synopses = {"DOC"},
      .arguments = {Doc()},
      .summary = "the document's versions, oldest first",
      .description =
          "One row per stored version: its index (1 = oldest), capture time, text SHA-256, "
          "change class, HTTP status, final URL and the sequence number of the event that "
          "announced it. A removed document's history is kept and shown too.",
      .handler = RunHistory,
  });
  commands.push_back({
      .name = "diff",
      .synopses = {"DOC [A [B]] [--word]"},
      .arguments = {Doc(), OptionalVersion("A"), OptionalVersion("B")},
      .options = {{.name = "--word",
                   .help = "mark the changed words inside changed lines: [-old-]{+new+}"}},
      .summary = "unified diff between versions (default: the last two)",
      .description =
          "A and B are indexes (1 = oldest, -1 = newest) or hash prefixes; with A alone, the "
          "diff from A to the newest. A text that several versions have names the newest of "
          "them; given two texts (an event's old_hash and new_hash), B is the newest version "
          "with its text right after one with A's, and A the newest before B (on a page that "
          "went back and forth, an event's version N names its change exactly: diff DOC N-1 N). "
          "A first line before the --- header says what kind of "
          "change it is and how many words were added and removed (patch(1) skips it). Colours "
          "follow --color.",
      .handler = RunDiff,
  });
  commands.push_back({
      .name = "segments",
      .synopses = {"DOC [VERSION]"},
      .arguments = {Doc(), OptionalVersion("VERSION")},
      .summary = "the version's clauses (default: the newest)",
      .description =
          "Each clause of the version's text: its stable segment id, character offsets "
          "(Unicode code points in the stored text), kind, section path and text. With --json, "
          "JSON Lines: one object per segment, with the version's hash, the document, its type "
          "and language.",
      .handler = RunSegments,
  });
  commands.push_back({
      .name = "capture",
      .synopses = {"DOC [VERSION] [--text]"},
      .arguments = {Doc(), OptionalVersion("VERSION")},
      .options = {{.name = "--text", .help = "write the version's stored text instead"}},
      .summary = "a version's raw capture, byte for byte, on stdout (default: the newest)",
      .description =
          "The bytes whose SHA-256 show --evidence names as the raw bytes: the body as received "
          "after its Content-Encoding is undone, or the rendered DOM for the browser fetcher. "
          "Pipe it to sha256sum to check the evidence without policyd, or keep it beside the "
          "evidence. With --text, the version's stored text (its SHA-256 is the text hash). "
          "policyctl checks the bytes against the hash before writing them, and refuses (exit "
          "1) bytes that no longer match. With --json, the same bytes as base64 with their hash "
          "and size.",
      .handler = RunCapture,
  });
  commands.push_back({
      .name = "offsets",
      .synopses = {"DOC [FROM [TO]] [--at N]"},
      .arguments = {Doc(), OptionalVersion("FROM"), OptionalVersion("TO")},
      .options = {{.name = "--at",
                   .value = "N",
                   .help = "where character N of FROM is in TO (exit 1 if it changed)"}},
      .summary = "the offset map from version FROM's text to TO's (default: the two newest)",
      .description =
          "The runs of characters kept in both texts, one per line as old_start new_start "
          "length (Unicode code points). With --at N, only where character N of FROM is in TO; "
          "the exit status is 1 when that character was changed or removed, 2 when it is a "
          "Markdown marker or a separator (outside every segment: it maps nowhere).",
      .handler = RunOffsets,
  });
  commands.push_back({
      .name = "check",
      .synopses = {"DOC [--wait [--wait-timeout D]]", "--all [--wait [--wait-timeout D]]"},
      .arguments = {{.name = "DOC", .completion = Completion::kDocumentId, .optional = true}},
      .options = {{.name = "--all", .help = "check every watched document"},
                  {.name = "--wait",
                   .help = "wait for the checks and print each outcome (exit 1 if one failed)"},
                  {.name = "--wait-timeout",
                   .value = "D",
                   .help = "how long --wait waits (default 10m, at most 1h)",
                   .completion = Completion::kDuration}},
      .summary = "check a document (or all of them) now",
      .description =
          "Schedules the check at once, ahead of its due time, and says how many checks were "
          "scheduled; `policyctl events --follow` shows their outcome.\n\n"
          "With --wait, waits until each check has finished and prints one line per document: "
          "changed (with the new version), unchanged, not_modified (the server answered 304), "
          "first_seen, reread, suspicious (a text held back until seen again) or failed (with "
          "the reason and message), and how long it took. A check already running is joined, not "
          "repeated. The exit status is 1 when a check failed or did not finish within "
          "--wait-timeout (those checks still run).",
      .handler = RunCheck,
  });
  commands.push_back({
      .name = "add",
      .synopses = {"--platform NAME --type TYPE --url URL [--select CSS]... [--remove CSS]... "
                   "[--interval D] [--render auto|static|browser]"},
      .options = {{.name = "--platform",
                   .value = "NAME",
                   .help = "the service, e.g. Acme (required)"},
                  {.name = "--type",
                   .value = "TYPE",
                   .help = "the document type, e.g. \"Privacy Policy\" (required)"},
                  {.name = "--url", .value = "URL", .help = "the page to watch (required)"},
                  SelectOption(),
                  RemoveOption(),
                  {.name = "--interval",
                   .value = "D",
                   .help = "how often to check it (default: the config's interval)",
                   .completion = Completion::kDuration},
                  {.name = "--render",
                   .value = "MODE",
                   .help = "auto (a script-built page goes to the browser), static or browser",
                   .completion = Completion::kChoice,
                   .choices = {"auto", "static", "browser"}}},
      .summary = "watch a new document (persisted under the state dir)",
      .description =
          "Writes a target file under the state directory's targets/ (it survives restarts "
          "and overrides a bundled target of the same id) and starts watching the document; "
          "prints its id.",
      .handler = RunAdd,
  });
  commands.push_back({
      .name = "remove",
      .synopses = {"DOC"},
      .arguments = {Doc()},
      .summary = "stop watching a document (its history is kept)",
      .description = "The document's versions stay in the database: history, diff, export and "
                     "show --evidence still read them.",
      .handler = RunRemove,
  });
  commands.push_back({
      .name = "reload",
      .synopses = {""},
      .summary = "re-read targets and log level (same as SIGHUP)",
      .description = "Re-reads the target files and the log level, and answers once the new "
                     "set applies; when a target is invalid, the running targets are kept and "
                     "the error is printed (exit 1). The systemd unit's ExecReload runs it, so "
                     "systemctl reload policyd waits and fails the same way.",
      .handler = RunReload,
  });
  commands.push_back({
      .name = "webhooks",
      .synopses = {"", "test NAME"},
      .arguments = {{.name = "test",
                     .completion = Completion::kChoice,
                     .choices = {"test"},
                     .optional = true},
                    {.name = "NAME", .optional = true}},
      .summary = "the webhooks: where each one is in the event log, and its last error",
      .description =
          "One row per [[webhooks]] table of the daemon config: its name, body format, state "
          "(ok or failing), cursor (the last event delivered) against the log's last event, "
          "lag in events, events delivered, last attempt and last error with the next retry. "
          "URLs are shown without their query (a chat webhook's without its path) and secrets "
          "never.\n\n"
          "`webhooks test NAME` sends a signed test event (type webhook.test, not stored) to "
          "that webhook now and prints the outcome; the exit status is 1 unless it was "
          "delivered. The webhook's cursor does not move.",
      .handler = RunWebhooks,
  });
  commands.push_back({
      .name = "metrics",
      .synopses = {""},
      .summary = "the daemon's metrics in Prometheus's text format",
      .description =
          "Prints the daemon's counters, gauges and histograms as the Prometheus text "
          "exposition (format 0.0.4), exactly as a scraper reads it: checks by outcome and "
          "failure reason, fetch and check durations, versions and events stored, documents by "
          "state, queues, subscribers, webhook lag, the database's size and the browser's "
          "pages. Written to a file read by node_exporter's textfile collector, it can be "
          "scraped today; docs/INTEGRATIONS.md lists every metric. With --json: "
          "{\"text\": ...}.",
      .handler = RunMetrics,
  });
  commands.push_back({
      .name = "fleet",
      .synopses = {"[--reply-timeout D]"},
      .options = {{.name = "--reply-timeout",
                   .value = "D",
                   .help = "how long the daemon waits for the members' answers (default 1s, at "
                           "most 30s)",
                   .completion = Completion::kDuration}},
      .summary = "the fleet's members, documents per member and lag, asked over NATS",
      .description =
          "Asks the local daemon, which asks every member of its [fleet] over NATS "
          "request-reply (subject policyd.fleet.<bucket>.status; policyctl needs no NATS "
          "credentials) and waits until every member live in its view of the bucket has "
          "answered, or --reply-timeout has passed.\n\n"
          "One row per member with a heartbeat in the bucket or an answer: its state (answered; "
          "silent: live but no answer in time; dropped: its heartbeat is older than ttl), "
          "whether it is joined, the documents it owns, its checks in flight and leases held, "
          "its lag (how late its most overdue due document is), the events its outbox has not "
          "published yet, the age of its heartbeat and its last error; a member that did not "
          "answer shows what its last heartbeat said. Then the totals (owned documents sum to "
          "the documents watched when the views agree) and the members that did not answer.\n\n"
          "The exit status is 1 when a live member did not answer, or when the daemon has no "
          "[fleet] (\"no fleet is configured\") or no NATS connection.",
      .handler = RunFleet,
  });
  commands.push_back({
      .name = "feed",
      .synopses = {"[DOC | --platform NAME] [--limit N]"},
      .arguments = {{.name = "DOC", .completion = Completion::kDocumentId, .optional = true}},
      .options = {{.name = "--platform",
                   .value = "NAME",
                   .help =
                       "the feed of this platform's documents (its name or its id's first half)"},
                  {.name = "--limit",
                   .value = "N",
                   .help = "at most N entries (default 50, at most 200)"}},
      .summary = "the Atom feed of a document's changes, a platform's or everyone's",
      .description =
          "Prints an Atom 1.0 feed (RFC 4287) of the stored changes, newest first: one entry per "
          "first version and per change of the document, with its change class, the changed "
          "sections and a diff of at most 4 KiB. Without DOC or --platform, the feed of every "
          "document. Feed readers subscribe to a file or a command's output, or to the web "
          "view's feed URLs (web_listen), which serve the same feeds. A document or platform that "
          "policyd does not know is refused "
          "(exit 1) with the closest names.",
      .handler = RunFeed,
  });
  commands.push_back({
      .name = "events",
      .synopses = {"[--since N] [--follow]"},
      .options = {{.name = "--since", .value = "N", .help = "only events after sequence number N"},
                  {.name = "--follow", .help = "keep waiting for new events"}},
      .summary = "print events after sequence N (default: all)",
      .description =
          "One aligned line per event: sequence number, time, type (without \"document.\"), "
          "document, the change class or failure reason, and what changed: lines added and "
          "removed with the changed sections, a first version's hash, a failure's message. On "
          "a terminal, lines are cut to its width. With --json, the events socket's JSON lines "
          "as they are. Without --follow, it stops once it has caught up. A feed that closes "
          "before that, or while following, without the daemon's feed.shutdown (policyd "
          "killed) is said so, exit 3.",
      .handler = RunEvents,
  });
  commands.push_back({
      .name = "extract",
      .synopses = {"FILE [--select CSS]... [--remove CSS]... [--content-type CT] [--hash]",
                   "--doc DOC [--state-dir DIR] FILE... [--content-type CT] [--hash]"},
      .arguments =
          {{.name = "FILE", .completion = Completion::kFile, .optional = true, .repeats = true}},
      .options = {SelectOption(),
                  RemoveOption(),
                  ContentTypeOption(),
                  HashOption(),
                  {.name = "--doc",
                   .value = "DOC",
                   .help = "apply this document's whole spec from the config's targets",
                   .completion = Completion::kDocumentId},
                  {.name = "--state-dir",
                   .value = "DIR",
                   .help = "with --doc: the state directory policyd runs with, when its "
                           "--state-dir overrides the config's (a restored backup)",
                   .completion = Completion::kDirectory}},
      .summary = "print the text policyd would store for a saved page",
      .description =
          "Prints the text (or its SHA-256) policyd would store for a saved page (HTML, text, "
          "or PDF, converted by poppler-utils), or the reason it would refuse it (exit 4). "
          "FILE may be - for standard input. Needs no daemon.\n\n"
          "With --doc, that document's whole spec from the config's targets applies (run-time "
          "targets first): give one FILE per page, the url's then the extra_urls'. A redirect "
          "stub's target is named as the page writes it.",
      .handler = RunExtract,
  });
  commands.push_back({
      .name = "verify",
      .synopses = {""},
      .summary = "full integrity scan of the database; exit 1 on any problem",
      .description = "Reads every blob, version, check and event and checks their hashes, "
                     "references and the chain of hashes "
                     "(each change event's old_hash is the version before); prints what it scanned "
                     "and each problem found.",
      .handler = RunVerify,
  });
  commands.push_back({
      .name = "gc",
      .synopses = {"[--check-retention D]"},
      .options =
          {{.name = "--check-retention",
            .value = "D",
            .help = "delete check records older than D, 1d to 36500d (default: the config's, 90d)",
            .completion = Completion::kDuration}},
      .summary = "delete old check records and unreferenced blobs now",
      .description =
          "Deletes check records older than D (default: the config's check_retention) that "
          "made no version, except each document's newest (the last proof that it was "
          "verified), and blobs no record refers to. The daemon also does this every "
          "gc_interval.",
      .handler = RunGc,
  });
  commands.push_back({
      .name = "export",
      .synopses = {"[--raw] DIR"},
      .arguments = {{.name = "DIR", .completion = Completion::kDirectory}},
      .options = {{.name = "--raw",
                   .help = "also write each version's raw capture beside its text, as <date>.raw "
                           "(its sha256sum is the raw hash)"}},
      .summary = "write every version as Markdown files plus an index",
      .description =
          "Writes every version as DIR/<Platform>/<Type>/<date>.md (the exact stored text, so "
          "its sha256sum is the text hash; a second version captured the same day is <date>-2.md, "
          "then -3...) plus DIR/index.json; removed documents' history is included. DIR must be "
          "new or empty. Exit 4 when it is not, or cannot be written; 1 when a stored text or "
          "capture cannot be read whole (see policyctl verify).",
      .handler = RunExport,
  });
  commands.push_back({
      .name = "backup",
      .synopses = {"DIR"},
      .arguments = {{.name = "DIR", .completion = Completion::kDirectory}},
      .summary = "consistent online copy of the database into DIR/db",
      .description = "DIR must not hold a db/ yet. The documents added with `add` (their "
                     "target files, <state_dir>/targets/) are copied into DIR/targets. The copy "
                     "is a state directory of its own: `policyd --state-dir DIR` opens it and "
                     "watches what the daemon watched.",
      .handler = RunBackup,
  });
  commands.push_back({
      .name = "help",
      .synopses = {"[COMMAND]"},
      .arguments = {{.name = "COMMAND", .completion = Completion::kCommand, .optional = true}},
      .summary = "describe policyctl, or one command and its options",
      .description = "Without COMMAND, the same as policyctl --help. `policyctl COMMAND --help` "
                     "is the same as `policyctl help COMMAND`.",
      .handler = RunHelp,
  });
  commands.push_back({
      .name = "completion",
      .synopses = {"bash|zsh|fish"},
      .arguments = {{.name = "SHELL",
                     .completion = Completion::kChoice,
                     .choices = {"bash", "zsh", "fish"}}},
      .summary = "print the completion script for bash, zsh or fish",
      .description =
          "The script completes commands, options, their values and document ids (asked from "
          "the running daemon, with the --config or --socket of the command line being "
          "completed). The package installs all three; to try one in the current shell: "
          "`source <(policyctl completion bash)` (bash, zsh) or `policyctl completion fish | "
          "source`.",
      .handler = RunCompletion,
  });
  // For the completion scripts: fast, silent, exit 0 with nothing when no daemon answers.
  commands.push_back({
      .name = "__complete-ids",
      .synopses = {""},
      .summary = "the watched documents' ids, one per line",
      .description = "Nothing (and exit 0) when the daemon cannot be asked within 2 s.",
      .handler = RunCompleteIds,
      .hidden = true,
  });
  // For the build: the man page's scdoc source (man_page.h).
  commands.push_back({
      .name = "__man",
      .synopses = {""},
      .summary = "the policyctl(1) man page in scdoc markup",
      .description = "The build runs it and scdoc to make policyctl.1.",
      .handler = RunManPage,
      .hidden = true,
  });
  return commands;
}

std::optional<std::string> SetConfig(const std::string& value, Options* options) {
  options->config = value;
  return std::nullopt;
}
std::optional<std::string> SetSocket(const std::string& value, Options* options) {
  options->socket = value;
  return std::nullopt;
}
std::optional<std::string> SetEventsSocket(const std::string& value, Options* options) {
  options->events_socket = value;
  return std::nullopt;
}
std::optional<std::string> SetJson(const std::string&, Options* options) {
  options->json = true;
  return std::nullopt;
}
std::optional<std::string> SetColor(const std::string& value, Options* options) {
  if (value != "auto" && value != "always" && value != "never") {
    return "--color takes auto, always or never";
  }
  options->color = value;
  return std::nullopt;
}
std::optional<std::string> SetTimeout(const std::string& value, Options* options) {
  // 0 would be no read deadline at all: a daemon that never answers would hang the caller.
  const auto parsed = ParseDuration(value);
  if (!parsed || *parsed <= std::chrono::milliseconds::zero()) {
    return "bad --timeout '" + value + "' (" + std::string(kDurationShape) + ", more than 0)";
  }
  options->timeout = *parsed;
  return std::nullopt;
}
std::optional<std::string> SetNoPager(const std::string&, Options* options) {
  options->no_pager = true;
  return std::nullopt;
}
std::optional<std::string> SetVersion(const std::string&, Options* options) {
  options->version = true;
  return std::nullopt;
}
std::optional<std::string> SetHelp(const std::string&, Options* options) {
  options->help = true;
  return std::nullopt;
}

std::vector<GlobalOptionSpec> BuildGlobalOptions() {
  return {
      {.option = {.name = "--config",
                  .value = "FILE",
                  .help =
                      "read the socket paths from this daemon config (default: $POLICYD_CONFIG, "
                      "else /etc/policyd/policyd.toml if present)",
                  .completion = Completion::kFile},
       .apply = SetConfig},
      {.option = {.name = "--socket",
                  .value = "PATH",
                  .help = "control socket (overrides the config)",
                  .completion = Completion::kFile},
       .apply = SetSocket},
      {.option = {.name = "--events-socket",
                  .value = "PATH",
                  .help = "events socket (overrides the config)",
                  .completion = Completion::kFile},
       .apply = SetEventsSocket},
      {.option = {.name = "--json", .help = "machine-readable output"}, .apply = SetJson},
      {.option = {.name = "--color",
                  .value = "WHEN",
                  .help = "auto (default), always or never, for diff",
                  .completion = Completion::kChoice,
                  .choices = {"auto", "always", "never"}},
       .apply = SetColor},
      {.option = {.name = "--timeout",
                  .value = "DURATION",
                  .help = "how long to wait for the daemon (default 30s)",
                  .completion = Completion::kDuration},
       .apply = SetTimeout},
      {.option = {.name = "--no-pager",
                  .help = "never page long output (on a terminal it goes through $PAGER)"},
       .apply = SetNoPager},
      {.option = {.name = "--version",
                  .help = "print the version, the commit and the libraries' versions"},
       .apply = SetVersion},
      {.option = {.name = "--help", .help = "print this help, or a command's when given with one"},
       .apply = SetHelp,
       .alias = "-h"},
  };
}

}  // namespace

const OptionSpec* CommandSpec::FindOption(std::string_view option) const {
  for (const OptionSpec& spec : options) {
    if (spec.name == option) return &spec;
  }
  return nullptr;
}

std::size_t CommandSpec::MinArguments() const {
  return static_cast<std::size_t>(std::count_if(arguments.begin(), arguments.end(),
                                                [](const ArgumentSpec& a) { return !a.optional; }));
}

std::optional<std::size_t> CommandSpec::MaxArguments() const {
  if (!arguments.empty() && arguments.back().repeats) return std::nullopt;
  return arguments.size();
}

std::string CommandSpec::ArgumentSynopsis() const {
  std::string synopsis;
  std::size_t open = 0;
  for (const ArgumentSpec& argument : arguments) {
    if (!synopsis.empty()) synopsis += " ";
    if (argument.optional) {
      synopsis += "[";
      ++open;
    }
    synopsis += argument.name;
    if (argument.repeats) synopsis += "...";
  }
  return synopsis + std::string(open, ']');
}

const std::vector<CommandSpec>& Commands() {
  static const std::vector<CommandSpec> commands = BuildCommands();
  return commands;
}

const std::vector<GlobalOptionSpec>& GlobalOptions() {
  static const std::vector<GlobalOptionSpec> options = BuildGlobalOptions();
  return options;
}

const std::vector<ExitStatusSpec>& ExitStatuses() {
  static const std::vector<ExitStatusSpec> statuses = {
      {0, "success"},
      {1,
       "the daemon refused the request (unknown document, bad argument, ...), verify found "
       "a problem, offsets --at found the character changed, or a backup was written where "
       "policyctl cannot see it"},
      {2, "usage error: unknown command or option, missing or extra arguments"},
      {3,
       "the daemon cannot be reached: nothing listens, permission denied, or the socket is "
       "not policyd's"},
      {4,
       "bad input for extract, or a page the daemon would refuse; export cannot write its "
       "directory"},
      {78,
       "the --config file (or $POLICYD_CONFIG) is invalid: its TOML or socket paths (extract "
       "reads it whole)"},
  };
  return statuses;
}

const std::vector<EnvironmentSpec>& EnvironmentVariables() {
  static const std::vector<EnvironmentSpec> variables = {
      {"POLICYD_CONFIG",
       "the daemon config to read the socket paths from when --config is not given"},
      {"PAGER", "the pager for long output on a terminal (default less; empty or cat: none)"},
      {"LESS",
       "less's options while paging (default FRX: quit if one screen, colours, no clearing)"},
      {"NO_COLOR", "when set, --color auto means never"},
      {"TERM", "when it is unset or \"dumb\", --color auto means never"},
  };
  return variables;
}

std::string_view ProgramSummary() { return "control and query the policyd daemon"; }

std::string_view ProgramDescription() {
  return "policyctl is the operator's and scripts' command line for policyd, the daemon that "
         "watches privacy policies and terms of service and keeps every version of their "
         "text. It talks JSON lines to the daemon's control socket (and reads its events "
         "socket for events); extract works offline with the very code the daemon uses, so "
         "it prints exactly what would be stored.\n\n"
         "Global options may be given anywhere on the command line; a command's options only "
         "with that command. An option's value follows it (--since 5) or is joined with = "
         "(--since=5); -- ends the options. Version references are indexes (1 = oldest, "
         "-1 = newest) or hash prefixes.";
}

const CommandSpec* FindCommand(std::string_view name) {
  for (const CommandSpec& command : Commands()) {
    if (command.name == name) return &command;
  }
  return nullptr;
}

const GlobalOptionSpec* FindGlobalOption(std::string_view name) {
  for (const GlobalOptionSpec& global : GlobalOptions()) {
    if (global.option.name == name || (!global.alias.empty() && global.alias == name)) {
      return &global;
    }
  }
  return nullptr;
}

const OptionSpec* FindAnyCommandOption(std::string_view name) {
  for (const CommandSpec& command : Commands()) {
    if (const OptionSpec* option = command.FindOption(name)) return option;
  }
  return nullptr;
}

std::vector<std::string> VisibleCommandNames() {
  std::vector<std::string> names;
  for (const CommandSpec& command : Commands()) {
    if (!command.hidden) names.emplace_back(command.name);
  }
  return names;
}

}  // namespace policyd::ctl

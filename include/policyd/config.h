// Configuration: the daemon's TOML config and the target files under config/targets/.
//
// Contract: loading never throws; every error names the file, the line (and column where
// known) and the reason, as "path:line:col: reason". The daemon exits with EX_CONFIG (78) on
// any such error. Unknown keys are errors too: a typo must not silently fall back to a default.
#ifndef POLICYD_CONFIG_H_
#define POLICYD_CONFIG_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policyd/compact_vector.h"
#include "policyd/extract.h"
#include "policyd/fleet_options.h"
#include "policyd/status.h"

namespace policyd {

class TargetFileCache;  // policyd/target_file_cache.h

inline constexpr int kExitConfigError = 78;  // EX_CONFIG from sysexits.h

// A `select` or `remove` entry that is a range between two boundary elements (Open Terms
// Archive's {startBefore|startAfter, endBefore|endAfter}); exactly one start and one end are
// set. See policyd::RangeSelector in extract.h for the semantics.
using SelectRange = RangeSelector;

// How a document's page becomes the HTML that is extracted (target key `render`):
//   kAuto    (the default) the page as served, unless it is an app shell (almost no text and
//            script-built markup: LooksLikeAppShell in extract.h), then rendered in the headless
//            browser; the choice is remembered per document (DocState::render_choice) and
//            re-tested every `render_retest_interval`;
//   kStatic  always as served; the browser is never used;
//   kBrowser always rendered in the browser (Open Terms Archive `executeClientScripts: true`).
enum class RenderMode { kAuto, kStatic, kBrowser };
const char* RenderModeName(RenderMode mode);                       // "auto", "static", "browser"
std::optional<RenderMode> ParseRenderMode(std::string_view name);  // the inverse

// A path that many documents share (the target file they come from). A std::filesystem::path
// keeps its components apart (about 400 bytes for "/etc/policyd/targets/x.toml"): copies of a
// SharedPath share one, so a file's documents hold it once.
class SharedPath {
 public:
  SharedPath() = default;
  explicit SharedPath(std::filesystem::path path)
      : path_(std::make_shared<const std::filesystem::path>(std::move(path))) {}

  const std::filesystem::path& path() const { return path_ ? *path_ : Empty(); }
  operator const std::filesystem::path&() const { return path(); }  // NOLINT: reads as a path
  std::string string() const { return path().string(); }
  bool empty() const { return path().empty(); }
  friend bool operator==(const SharedPath& a, const SharedPath& b) { return a.path() == b.path(); }

 private:
  static const std::filesystem::path& Empty();
  std::shared_ptr<const std::filesystem::path> path_;  // null: the empty path
};

// One watched document: a platform's privacy policy, terms of service, ...
// The lists that nearly every document leaves empty (selectors, ranges, ignore_lines, extra
// pages and their options) are CompactVectors: 8 bytes each while empty instead of 24, which
// at a million documents is memory a start does not touch.
struct DocumentSpec {
  std::string id;        // "<platform slug>/<type slug>", e.g. "coursera/privacy-policy"; unique
  std::string platform;  // display name, e.g. "Coursera"
  std::string type;      // e.g. "Privacy Policy", "Terms of Service"
  std::string url;       // absolute http(s) URL
  std::chrono::milliseconds interval{0};  // 0 = use DaemonConfig::default_interval
  CompactVector<std::string> select;      // CSS selectors: keep only these subtrees (if any)
  CompactVector<std::string> remove;      // CSS selectors: drop these subtrees first
  // Fetch even where robots.txt disallows it (the operator's explicit, logged choice, e.g.
  // for a legal page a site's blanket rules block by accident).
  bool ignore_robots = false;
  // `select` entries that are tables: ranges between boundary elements.
  CompactVector<SelectRange> select_ranges;
  // `remove` entries that are tables: ranges whose nodes are dropped with `remove`
  // (ExtractOptions::remove_ranges).
  CompactVector<SelectRange> remove_ranges;
  // Regular expressions (ICU syntax); output lines in which one matches are removed before
  // hashing (ExtractOptions::ignore_lines). Validated when loaded.
  CompactVector<std::string> ignore_lines;
  bool include_link_urls = false;  // links as "[text](url)" (ExtractOptions::include_link_urls)
  // Further pages of a multi-page document, fetched after `url` and combined in this order
  // (Open Terms Archive `combine`; target-file key `extra_urls`).
  CompactVector<std::string> extra_urls;
  RenderMode render = RenderMode::kAuto;  // target-file key `render`
  // Pages of a multi-page document that choose their own parts (an Open Terms Archive
  // `combine` entry's select/remove): per page (url, then each of extra_urls), the options
  // used instead of the document's, or none. Empty: the document's options for every page.
  // CompileDocumentExtraction compiles each into page_extractions.
  CompactVector<std::optional<ExtractOptions>> page_options;
  SharedPath source_file;  // the target file it came from
  // select, remove, select_ranges, remove_ranges, ignore_lines and include_link_urls compiled once
  // (CompileDocumentExtraction): every loader (target files, declarations, TargetCatalog::Add)
  // sets it, and every check of the document uses it. Null only in a spec built by hand and
  // not compiled yet; change the fields above only before compiling.
  std::shared_ptr<const CompiledExtraction> extraction;
  // page_options compiled (same size; null where a page uses `extraction`).
  CompactVector<std::shared_ptr<const CompiledExtraction>> page_extractions;

  // The compiled extraction of page `index` (0 = url, then extra_urls).
  const CompiledExtraction* ExtractionOfPage(std::size_t index) const {
    if (index < page_extractions.size() && page_extractions[index]) {
      return page_extractions[index].get();
    }
    return extraction.get();
  }
};

// The body a webhook receives (key `format`): kJson, the event as stored (one JSON object, its
// `seq` included); or a chat tool's incoming-webhook body, a short text for people: kSlack
// {"text": ...}, kDiscord {"content": ..., "allowed_mentions": {"parse": []}}, kMatrix
// {"text": ..., "html": ...} (matrix-hookshot's generic webhooks). include/policyd/webhook.h.
enum class WebhookFormat { kJson, kSlack, kDiscord, kMatrix };
const char* WebhookFormatName(WebhookFormat format);  // "json", "slack", "discord", "matrix"
std::optional<WebhookFormat> ParseWebhookFormat(std::string_view name);

// Where a webhook seen for the first time (no stored cursor under its name) starts: kEnd,
// after the last event stored when it first starts; kBeginning, at event 1.
enum class WebhookStart { kEnd, kBeginning };

// One [[webhooks]] table of the daemon config (docs/INTEGRATIONS.md). Loaded and validated by
// LoadDaemonConfig; delivered by WebhookDispatcher (include/policyd/webhook.h).
struct WebhookSpec {
  std::string name;  // unique, [a-z0-9-], 1 to 64 characters: the key of its stored cursor
  std::string url;   // absolute http or https URL, without user name or password
  // The HMAC-SHA256 key that signs each request. Never logged, never shown. Read from the
  // config (`secret`) or from `secret_file` (its whole content, a final newline removed).
  std::string secret;
  std::filesystem::path secret_file;  // where the secret came from, "" when inline
  // Filters: an event is delivered when it passes every non-empty one. platforms and
  // doc_types compare Slugify'd names ("Coursera" = "coursera"); events are event types;
  // classes apply to document.changed only, as the feed's `classes` do.
  std::vector<std::string> platforms;
  std::vector<std::string> doc_types;
  std::vector<std::string> events;
  std::vector<std::string> classes;
  WebhookFormat format = WebhookFormat::kJson;
  WebhookStart start = WebhookStart::kEnd;
  // Failed attempts at one event before it is given up (the cursor moves past it, counted as
  // skipped); 0 = never: the webhook's later events wait behind it, however long.
  int max_attempts = 0;
  // Backoff between attempts at one event: retry_min doubling per failure, up to retry_max,
  // with jitter (up to half as much again, never past retry_max).
  std::chrono::milliseconds retry_min = std::chrono::seconds(1);
  std::chrono::milliseconds retry_max = std::chrono::minutes(10);
  std::chrono::milliseconds timeout = std::chrono::seconds(30);  // one request, start to end
  uint32_t line = 0;  // where its table starts in the config file (for messages)
};

// At most this many [[webhooks]]: each may hold one request in flight and one event batch.
inline constexpr std::size_t kMaxWebhooks = 32;

// The retention policy of the JetStream stream that [nats] publishes to (NATS's own terms):
// kLimits keeps messages until max_age / max_bytes; kInterest while a consumer still wants
// them; kWorkQueue until one consumer acknowledges them.
enum class NatsRetention { kLimits, kInterest, kWorkQueue };
const char* NatsRetentionName(NatsRetention retention);  // "limits", "interest", "workqueue"
enum class NatsStorage { kFile, kMemory };
const char* NatsStorageName(NatsStorage storage);  // "file", "memory"

// [nats]: every stored event is also published to a JetStream stream, in order, exactly once
// (include/policyd/nats.h, docs/EVENTS.md). Off unless the table is present.
struct NatsConfig {
  bool enabled = false;
  std::vector<std::string> urls;  // nats:// or tls:// (host:port), tried in turn
  std::string stream = "POLICYD_EVENTS";
  // Subjects are <subject_prefix>.<platform>.<doc_type>.<node id>; the stream (when policyd
  // creates it) takes <subject_prefix>.>.
  std::string subject_prefix = "policyd.events";
  // The stream's settings when policyd creates it (an existing stream is used as it is).
  NatsRetention retention = NatsRetention::kLimits;
  NatsStorage storage = NatsStorage::kFile;
  int replicas = 1;
  std::chrono::milliseconds max_age{0};  // 0 = no limit
  int64_t max_bytes = 0;                 // 0 = no limit
  // JetStream drops a message whose Nats-Msg-Id it saw within this window.
  std::chrono::milliseconds duplicate_window = std::chrono::minutes(2);
  std::filesystem::path credentials_file;  // a .creds file (JWT + NKey seed), owner-only
  std::filesystem::path token_file;        // or a token, the file's content; owner-only
  std::string token;                       // read from token_file; never logged or shown
  // tls:// only. ca_file: PEM certificates of the authorities the servers' certificates must
  // chain to, instead of the system's (a private CA). cert_file and key_file (owner-only):
  // this client's certificate chain and key, for servers that verify clients.
  std::filesystem::path ca_file;
  std::filesystem::path cert_file;
  std::filesystem::path key_file;
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(5);
  std::chrono::milliseconds ack_timeout = std::chrono::seconds(10);  // PubAcks of one window
  // Backoff between connection attempts (BackoffDelay).
  std::chrono::milliseconds retry_min = std::chrono::seconds(1);
  std::chrono::milliseconds retry_max = std::chrono::minutes(1);
  // Where an outbox with no stored cursor starts: kBeginning publishes the whole log (the
  // stream is a replayable history), kEnd only what is stored from then on.
  WebhookStart start = WebhookStart::kBeginning;
  uint32_t line = 0;  // where the table starts in the config file
};

// [fleet]: several daemons with the same targets dividing the documents among them
// (docs/SCALE.md, policyd/fleet_member.h; the daemon's member is
// daemon/fleet_agent.h). enabled requires [nats] (a config error at 'enabled' otherwise).
struct FleetConfig {
  bool enabled = false;
  // "" = DefaultFleetMemberId(host name, state_dir / "db") (policyd/fleet_options.h), which
  // the daemon computes at start.
  std::string member_id;
  std::string bucket = "policyd-fleet";  // the JetStream key-value bucket
  FleetTiming timing;                    // heartbeat_interval, ttl, lease_ttl, max_clock_skew
};

// How the daemon writes its log: text (the journal under systemd, else stderr with
// timestamps) or one JSON object per line on stderr (daemon/logging.h).
enum class LogFormat { kText, kJson };

struct DaemonConfig {
  std::filesystem::path state_dir = "/var/lib/policyd";
  std::filesystem::path control_socket = "/run/policyd/control.sock";
  std::filesystem::path events_socket = "/run/policyd/events.sock";
  // Bundled/admin targets (read-only to the daemon). Relative paths are resolved against the
  // directory of the config file.
  std::filesystem::path targets_dir = "/etc/policyd/targets";
  std::string user_agent = "policyd/0.1 (+https://github.com/policyd/policyd)";
  // The operator's email address, sent as From with every fetch (RFC 9110 10.1.2: a robot
  // SHOULD send one, so that site owners can reach whoever runs it); "" = none.
  std::string contact;
  std::chrono::milliseconds default_interval = std::chrono::hours(24);
  // New documents get their first check at a random point inside this window, so a start with
  // hundreds of targets is not a burst. 0 = spread over each document's interval.
  std::chrono::milliseconds first_check_window{0};
  double interval_jitter = 0.1;  // each next-due time is moved by up to ±10% of the interval
  int max_concurrency = 64;      // fetches in flight, all hosts together
  int per_host_concurrency = 1;  // fetches in flight per host
  std::chrono::milliseconds per_host_delay = std::chrono::seconds(2);  // between requests to a host
  int worker_threads = 0;                                              // 0 = number of cores
  std::size_t max_body_bytes = 8 * 1024 * 1024;  // decoded bytes; larger bodies fail "too large"
  int max_redirects = 5;
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  std::chrono::milliseconds total_timeout = std::chrono::seconds(60);
  long low_speed_limit_bytes = 100;  // abort when slower than this ...
  std::chrono::milliseconds low_speed_time = std::chrono::seconds(20);  // ... for this long
  bool allow_private_addresses = false;  // loopback/private targets (tests turn this on)
  // Addresses or CIDR prefixes ("10.20.0.0/16", "fd00::/8") that may be connected to even
  // though they are not public, e.g. one intranet server; everything else stays blocked.
  std::vector<std::string> allowed_addresses;
  int failure_threshold = 3;  // consecutive failures before document.fetch_failed
  // robots.txt Crawl-delay is honoured up to this cap (a larger value is clamped to it).
  std::chrono::milliseconds max_crawl_delay = std::chrono::seconds(30);
  // A struggling server's first rest (Fetcher: trouble answers from more than one page of a
  // host in a row), doubled at each further one up to max(10 min, this); 0 = no rests.
  std::chrono::milliseconds strained_host_pause = std::chrono::seconds(30);
  // Every page is fetched whole (without its validators) at least once in each period this
  // long, so that a server answering 304 wrongly cannot hide a change for longer; 0 = never
  // send conditional requests (MaySendValidators in policyd/check.h).
  std::chrono::milliseconds full_fetch_interval = std::chrono::hours(24 * 7);
  // Error-page guard: a new text shorter than (1 - shrink_guard) of the current version is
  // held back as suspicious until it is seen on `shrink_confirmations` consecutive checks.
  double shrink_guard = 0.5;
  int shrink_confirmations = 2;
  // Retention, applied every `gc_interval` (0 = only on `policyctl gc`): check records older
  // than `check_retention` are deleted unless they created a version, then unreferenced blobs.
  // Between kMinCheckRetention and kMaxCheckRetention, in the config and in `gc` alike.
  std::chrono::milliseconds check_retention = std::chrono::hours(24 * 90);
  std::chrono::milliseconds gc_interval = std::chrono::hours(24);
  // The headless browser (Debian's chromium over the DevTools Protocol) for pages whose text
  // only exists after their scripts run (RenderMode). Started on the first page that needs it.
  bool browser_enabled = true;  // false: `auto` never renders, `browser` documents fail
  int browser_concurrency = 1;  // pages rendered at once
  std::vector<std::string> browser_command = {"/usr/bin/chromium"};  // spawned by the daemon ...
  std::filesystem::path browser_socket;  // ... unless set: a socket-activated browser unit
  std::chrono::milliseconds browser_page_timeout = std::chrono::seconds(30);
  std::size_t browser_memory_limit_bytes = std::size_t{1536} << 20;  // spawned browser's RSS
  // How often a document `auto` found to need the browser is tried without it again.
  std::chrono::milliseconds render_retest_interval = std::chrono::hours(24 * 7);
  std::size_t max_subscribers = 64;  // event-socket clients at once
  std::size_t max_control_clients = 16;
  std::string log_level = "info";           // trace, debug, info, warn, error, critical, off
  LogFormat log_format = LogFormat::kText;  // log_format = "text" | "json"
  // How often the check summary (counts by outcome and failure reason, repeated failures per
  // host) is logged; also at shutdown. A window without checks logs nothing.
  std::chrono::milliseconds log_summary_interval = std::chrono::minutes(5);
  // [[webhooks]]: where matching events are POSTed (docs/INTEGRATIONS.md).
  std::vector<WebhookSpec> webhooks;
  // [nats]: events to a JetStream stream (docs/EVENTS.md); `enabled` only with the table.
  NatsConfig nats;
  // The read-only web view (docs/INTEGRATIONS.md), off unless `web_listen` is set: either a
  // TCP address and port ("127.0.0.1:8470", "[::1]:8470"; port 0 = any free one, which
  // `status` shows) or a Unix socket path (a '/' and no ':'). An address that is not
  // loopback is refused unless web_allow_remote is true (then put a reverse proxy in front:
  // the view has no authentication and no TLS).
  std::string web_address;           // "" = no TCP listener
  uint16_t web_port = 0;             // with web_address
  std::filesystem::path web_socket;  // "" = no Unix socket listener
  bool web_allow_remote = false;
  std::size_t max_web_clients = 64;   // connections at once
  FleetConfig fleet;                  // [fleet]
  std::filesystem::path source_file;  // where this config came from ("" = defaults)
};

// check_retention's range: under a day, a typo ("90s" for "90d") would delete the records that
// prove pages were verified unchanged.
inline constexpr std::chrono::milliseconds kMinCheckRetention = std::chrono::hours(24);
inline constexpr std::chrono::milliseconds kMaxCheckRetention = std::chrono::hours(24 * 36500);

// Loads the daemon config from `path`. Missing keys keep the defaults above.
Status LoadDaemonConfig(const std::filesystem::path& path, DaemonConfig* config);

// The daemon's two socket paths from the config at `path`, for a client (policyctl): only
// `control_socket` and `events_socket` are read, resolved as LoadDaemonConfig resolves them,
// and a key the file leaves out keeps its default. A mistake elsewhere in the file, or a
// secret file the client may not read, does not keep the client from the running daemon,
// which reports such mistakes itself at reload. The file must still parse as TOML.
struct DaemonSocketPaths {
  std::filesystem::path control = DaemonConfig{}.control_socket;
  std::filesystem::path events = DaemonConfig{}.events_socket;
};
Status LoadDaemonSocketPaths(const std::filesystem::path& path, DaemonSocketPaths* sockets);

// True for the names log_level (and policyd's --log-level) accept: trace, debug, info, warn,
// error, critical, off.
bool IsLogLevelName(std::string_view name);

// The keys whose values differ between two texts of one daemon config, as dotted paths in
// sorted order ("default_interval", "nats.urls"; an array of tables such as [[webhooks]] by
// its name), each once. InvalidArgument when either does not parse. For a reload, which
// applies only log_level: the operator is told what waits for a restart.
Result<std::vector<std::string>> ChangedConfigKeys(std::string_view before, std::string_view after);

// The keys a daemon config may hold, in the order LoadDaemonConfig reads them: the very list
// its unknown-key check (and "did you mean") uses. For checks that the documentation
// (man/policyd.toml.5.scd) names every key and no other.
std::vector<std::string> DaemonConfigKeys();

// Loads one target file. A target file describes one platform:
//   name = "Coursera"                 # optional; defaults to the file stem
//   [[documents]]
//   type = "Privacy Policy"
//   url = "https://www.coursera.org/about/privacy"
//   interval = "12h"                  # optional
//   select = ["main"]                 # optional, string or array; array entries may also
//                                     # be ranges: { startAfter = "#a", endBefore = "#b" }
//   remove = [".cookie-banner"]       # optional, string or array; entries may be ranges
//                                     # too: { startBefore = "#cookies", endBefore = "footer" }
//   ignore_lines = ["^Last updated"]  # optional, regexes (ICU syntax)
//   include_link_urls = false         # optional
//   extra_urls = ["https://..."]      # optional, further pages combined after `url`
//   render = "auto"                   # optional: "auto", "static" or "browser" (RenderMode)
// Each document's extraction is compiled (CompileDocumentExtraction): a selector that does not
// parse or an expression that does not compile is an error at the line and column of that
// entry. Appends the documents to `out`.
Status LoadTargetFile(const std::filesystem::path& path, std::vector<DocumentSpec>* out);

// The line (1-based) of each document's [[documents]] table in the target file `path`, by
// document id, for messages that send the operator to it; empty when the file does not read as
// a target file (an Open Terms Archive declaration, say).
std::vector<std::pair<std::string, uint32_t>> DocumentLinesOf(const std::filesystem::path& path);

// The keys a target file may hold, as LoadTargetFile reads them (and rejects any other): at
// the top of the file, in each [[documents]] table, and in a range table of `select` or
// `remove`. For documentation checks, as DaemonConfigKeys.
struct TargetFileKeys {
  std::vector<std::string> file;
  std::vector<std::string> document;
  std::vector<std::string> range;
};
TargetFileKeys ListTargetFileKeys();

// Loads every *.toml file of `dir` (sorted by name, non-recursive) and every *.json file as
// an Open Terms Archive declaration (LoadOtaDeclaration). Fails on the first bad file (a
// symbolic link to a missing file is one), and on two documents with the same id. The overload
// without `warnings` drops them; callers should prefer the other and log each warning.
Status LoadTargetsDir(const std::filesystem::path& dir, std::vector<DocumentSpec>* out);
Status LoadTargetsDir(const std::filesystem::path& dir, std::vector<DocumentSpec>* out,
                      std::vector<std::string>* warnings);
// LoadTargetsDir for the daemon, made for a million documents: the same files, checks, errors
// (the first in file order, as above) and warnings, but the files are read on up to `threads`
// threads, each spec is allocated once and shared as it is, and `out` is replaced by the
// documents sorted by id. With a `cache` (opened; include/policyd/target_file_cache.h), target
// files whose bytes it holds are not parsed again, and every file loaded is kept in it.
Status LoadSharedTargetsDir(const std::filesystem::path& dir, std::size_t threads,
                            std::vector<std::shared_ptr<const DocumentSpec>>* out,
                            std::vector<std::string>* warnings, TargetFileCache* cache = nullptr);

// Loads an Open Terms Archive declaration (JSON):
//   {"name": "Tinder", "terms": {"Privacy Policy": {"fetch": url, "select": [css | range],
//    "remove": [css | range], "filter": [...], "executeClientScripts": bool,
//    "combine": [{"fetch": url, "select": ..., "remove": ...}, ...]}}}
// Each terms type becomes one DocumentSpec. What policyd cannot honour is reported in
// `warnings` as "path: <document id>: what" and never silently dropped: custom JS `filter`s
// (ignored; the built-in removeQueryParams is honoured: imported texts carry no URLs). Ranges
// in `remove` are honoured (DocumentSpec::remove_ranges). A `combine` entry's own
// select/remove apply to its page (DocumentSpec::page_options). `executeClientScripts: true`
// becomes RenderMode::kBrowser (otherwise kAuto). `combine` pages become
// DocumentSpec::extra_urls. Each document's extraction is compiled (a selector that does not
// parse is an error naming the file and the terms type). Appends to `out` only on success; errors
// name the file (and the JSON parser's line and column for syntax errors).
Status LoadOtaDeclaration(const std::filesystem::path& path, std::vector<DocumentSpec>* out,
                          std::vector<std::string>* warnings);

// Writes `docs` (all of one platform) as a target file at `path`, atomically (temp + rename).
Status WriteTargetFile(const std::filesystem::path& path, const std::string& platform,
                       const std::vector<DocumentSpec>& docs);

// Platform and type names are at most this long (bytes): each names a file or directory.
inline constexpr std::size_t kMaxDocumentNameBytes = 200;

// Checks one document spec: non-empty platform and type of at most kMaxDocumentNameBytes,
// http/https absolute URL with a host, non-negative interval, non-empty selectors, ranges
// with one start and one end. Used
// for files and for targets added at run time. Whether selectors parse and expressions
// compile is CompileDocumentExtraction's to say.
Status ValidateDocumentSpec(const DocumentSpec& spec);

// The extraction options of `spec` for a response with `content_type`.
ExtractOptions MakeExtractOptions(const DocumentSpec& spec, std::string content_type = "");

// Compiles the extraction settings of `spec` into spec->extraction. Fails with
// InvalidArgument (the message names the selector, range or expression) when one does not
// parse or compile; `failed` (if given) then says which entry. spec->extraction is left alone
// on failure.
Status CompileDocumentExtraction(DocumentSpec* spec, ExtractEntry* failed = nullptr);

// The fetcher's address policy (allow_private_addresses, allowed_addresses) applied to what
// can be known of `url` (which passed URL validation) before any DNS lookup: a literal IPv4 or
// IPv6 host, or "localhost" (which curl resolves to loopback itself). Returns the refused host,
// or "" when it is allowed or only resolution can tell (the fetcher checks every connection).
std::string HostRefusedBeforeResolution(std::string_view url, const DaemonConfig& config);

// A page of a document (url, then extra_urls) that HostRefusedBeforeResolution refuses.
struct RefusedUrl {
  std::string url;
  std::string host;  // the refused host, as HostRefusedBeforeResolution names it
  // "url '...': host '...' is a loopback or private address, which the address policy refuses"
  std::string Describe() const;
};
// The first page of `spec` whose host is refused: such a document would fail every check as
// blocked_address.
std::optional<RefusedUrl> FirstRefusedUrl(const DocumentSpec& spec, const DaemonConfig& config);
// "" when FirstRefusedUrl finds none, else its Describe() and the way out ("...: every check
// would fail as blocked_address; set allow_private_addresses = true, or list it in
// allowed_addresses"), for a message about one document.
std::string TargetAddressRefusal(const DocumentSpec& spec, const DaemonConfig& config);

// "Coursera" -> "coursera", "Terms of Service" -> "terms-of-service": lower-case ASCII letters
// and digits, other runs become one '-', trimmed.
std::string Slugify(std::string_view text);

// The id of a document of `platform` with `type`: Slugify(platform) + "/" + Slugify(type).
std::string MakeDocumentId(std::string_view platform, std::string_view type);

}  // namespace policyd

#endif  // POLICYD_CONFIG_H_

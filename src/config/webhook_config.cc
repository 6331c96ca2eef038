#include "config/webhook_config.h"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <system_error>
#include <utility>

#include "config/document_checks.h"
#include "config/top_level_keys.h"
#include "policyd/ascii.h"
#include "policyd/event_names.h"

namespace policyd {

const char* WebhookFormatName(WebhookFormat format) {
  switch (format) {
    case WebhookFormat::kJson:
      return "json";
    case WebhookFormat::kSlack:
      return "slack";
    case WebhookFormat::kDiscord:
      return "discord";
    case WebhookFormat::kMatrix:
      return "matrix";
  }
  return "json";
}

std::optional<WebhookFormat> ParseWebhookFormat(std::string_view name) {
  for (const WebhookFormat format : {WebhookFormat::kJson, WebhookFormat::kSlack,
                                     WebhookFormat::kDiscord, WebhookFormat::kMatrix}) {
    if (name == WebhookFormatName(format)) return format;
  }
  return std::nullopt;
}

namespace config_internal {
namespace {

constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMinSecretBytes = 16;
constexpr std::size_t kMaxSecretBytes = 1024;

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

std::vector<std::string> Names(std::initializer_list<const char*> names) {
  return std::vector<std::string>(names.begin(), names.end());
}

template <std::size_t N>
std::vector<std::string> Names(const char* const (&names)[N]) {
  return std::vector<std::string>(std::begin(names), std::end(names));
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string joined;
  for (const std::string& name : names) joined += (joined.empty() ? "" : ", ") + name;
  return joined;
}

bool IsValidName(std::string_view name) {
  return !name.empty() && name.size() <= kMaxNameBytes &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

// The node of entry `index` of a string-or-array key (for the position of a bad value).
const toml::node* EntryNode(const toml::node* node, std::size_t index) {
  if (const toml::array* array = node != nullptr ? node->as_array() : nullptr) {
    return index < array->size() ? array->get(index) : node;
  }
  return node;
}

// Reads a string-or-array key whose values must be among `known` (event types, classes).
void ReadKnownNames(TableReader& reader, std::string_view key,
                    const std::vector<std::string>& known, std::string_view what,
                    std::vector<std::string>* out) {
  std::vector<std::string> values;
  if (!reader.ReadStringList(key, &values)) return;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (std::find(known.begin(), known.end(), values[i]) != known.end()) continue;
    const toml::node* entry = EntryNode(reader.table().get(key), i);
    reader.diagnostics()->Add(entry->source(), "unknown " + std::string(what) + " " +
                                                   Quote(values[i]) + " in " + Quote(key) +
                                                   ClosestKeyHint(values[i], known) +
                                                   "; known: " + JoinNames(known));
    return;
  }
  *out = std::move(values);
}

// The fetcher's address policy, applied to what can be known before any DNS lookup. Names are
// checked again at every connection (WebhookClient), after resolution. "" when allowed, else
// why not.
std::string RefusedTarget(const std::string& url, const DaemonConfig& config) {
  const std::string host = HostRefusedBeforeResolution(url, config);
  if (host.empty()) return "";
  return "'url' host " + Quote(host) +
         " is a loopback or private address, which the address policy refuses as it does for "
         "fetches: set allow_private_addresses = true, or list it in allowed_addresses";
}

// `secret_file`: the whole file, one final newline removed; readable by its owner only.
bool ReadSecretFile(TableReader& reader, const std::filesystem::path& base_dir, WebhookSpec* spec) {
  std::string value;
  if (!reader.ReadOwnerOnlyFile("secret_file", base_dir, kMaxSecretBytes + 2, &spec->secret_file,
                                &value)) {
    return false;
  }
  if (value.ends_with("\r\n")) {
    value.resize(value.size() - 2);
  } else if (value.ends_with('\n')) {
    value.pop_back();
  }
  spec->secret = std::move(value);
  return true;
}

// `secret` or `secret_file` (one of them; required for the json format, whose receivers
// verify signatures; optional for chat tools, whose URL is their credential). Not required
// when the format is misspelt (`format_known` false): that is the error to show.
void ReadSecret(TableReader& reader, const std::filesystem::path& base_dir, bool format_known,
                WebhookSpec* spec) {
  const bool has_inline = reader.table().contains("secret");
  const bool has_file = reader.table().contains("secret_file");
  const char* key = has_file ? "secret_file" : "secret";
  bool read = false;
  if (has_inline && has_file) {
    reader.Get("secret");
    reader.Get("secret_file");
    reader.Error("secret_file", "set 'secret' or 'secret_file', not both");
    return;
  }
  if (has_file) {
    read = ReadSecretFile(reader, base_dir, spec);
  } else {
    read = reader.ReadNonEmptyString("secret", &spec->secret);
  }
  if (!has_inline && !has_file) {
    if (format_known && spec->format == WebhookFormat::kJson) {
      reader.diagnostics()->Add(reader.table().source(),
                                "webhook " + Quote(spec->name) +
                                    " has no 'secret' or 'secret_file': format \"json\" "
                                    "requests are signed (Policyd-Signature) with it");
    }
    return;
  }
  if (!read) return;
  if (spec->secret.size() < kMinSecretBytes || spec->secret.size() > kMaxSecretBytes) {
    reader.Error(key, Quote(key) + " must hold " + std::to_string(kMinSecretBytes) + " to " +
                          std::to_string(kMaxSecretBytes) + " bytes, not " +
                          std::to_string(spec->secret.size()) +
                          " (e.g. the output of `openssl rand -hex 32`)");
  }
}

// False when `format` is set but not a known one (the error is recorded).
bool ReadFormatAndStart(TableReader& reader, WebhookSpec* spec) {
  std::string choice;
  bool format_known = !reader.table().contains("format");
  if (reader.ReadChoice("format", Names({"json", "slack", "discord", "matrix"}), &choice)) {
    spec->format = *ParseWebhookFormat(choice);
    format_known = true;
  }
  if (reader.ReadChoice("start", Names({"end", "beginning"}), &choice)) {
    spec->start = choice == "beginning" ? WebhookStart::kBeginning : WebhookStart::kEnd;
  }
  return format_known;
}

void ReadRetryKeys(TableReader& reader, WebhookSpec* spec) {
  using std::chrono::hours;
  using std::chrono::milliseconds;
  reader.ReadIntegerAs("max_attempts", 0, 1'000'000, &spec->max_attempts);
  reader.ReadDuration("retry_min", milliseconds(100), hours(1), &spec->retry_min);
  reader.ReadDuration("retry_max", std::chrono::seconds(1), hours(24), &spec->retry_max);
  reader.ReadDuration("timeout", std::chrono::seconds(1), std::chrono::minutes(10), &spec->timeout);
  if (spec->retry_min > spec->retry_max) {
    reader.Error("retry_min", "'retry_min' must not be longer than 'retry_max'");
  }
}

// One [[webhooks]] table; false when it is unusable (errors recorded).
bool ReadWebhook(const toml::table& table, const std::filesystem::path& base_dir,
                 const DaemonConfig& config, Diagnostics* diagnostics, WebhookSpec* spec) {
  TableReader reader(table, diagnostics);
  reader.set_enclosing("[[webhooks]]", &IsDaemonTopLevelKey);
  spec->line = StartOf(table.source()).line;
  const bool has_name = reader.ReadNonEmptyString("name", &spec->name);
  if (has_name && !IsValidName(spec->name)) {
    reader.Error("name", "'name' must be 1 to 64 characters of a-z, 0-9 and '-', not " +
                             Quote(spec->name) + ": it names the webhook's stored cursor");
  }
  const bool has_url = reader.ReadNonEmptyString("url", &spec->url);
  if (has_url) {
    if (Status status = CheckHttpUrl(spec->url); !status.ok()) {
      reader.Error("url", status.message());
    } else if (std::string refusal = RefusedTarget(spec->url, config); !refusal.empty()) {
      reader.Error("url", std::move(refusal));
    }
  }
  const bool format_known = ReadFormatAndStart(reader, spec);
  ReadSecret(reader, base_dir, format_known, spec);
  reader.ReadStringList("platforms", &spec->platforms);
  reader.ReadStringList("doc_types", &spec->doc_types);
  ReadKnownNames(reader, "events", Names(kEventTypeNames), "event type", &spec->events);
  ReadKnownNames(reader, "classes", Names(kChangeClassNames), "change class", &spec->classes);
  ReadRetryKeys(reader, spec);
  reader.ReportUnknownKeys();
  if (!has_name) diagnostics->Add(table.source(), "webhook has no 'name'");
  if (!has_url) diagnostics->Add(table.source(), "webhook has no 'url'");
  return has_name && has_url;
}

}  // namespace

void ReadWebhooks(TableReader& root, const std::filesystem::path& base_dir, DaemonConfig* config) {
  const toml::node* node = root.Get("webhooks");
  if (node == nullptr) return;
  const toml::array* array = node->as_array();
  if (array == nullptr) {
    root.Error("webhooks", "'webhooks' must be an array of tables ([[webhooks]]), not " +
                               std::string(TypeName(node->type())));
    return;
  }
  Diagnostics* diagnostics = root.diagnostics();
  if (array->size() > kMaxWebhooks) {
    root.Error("webhooks", "at most " + std::to_string(kMaxWebhooks) + " [[webhooks]], not " +
                               std::to_string(array->size()));
    return;
  }
  std::map<std::string, Position> first_seen;  // name -> where it was first defined
  for (const toml::node& element : *array) {
    const toml::table* table = element.as_table();
    if (table == nullptr) {
      diagnostics->Add(element.source(), "'webhooks' entries must be tables, not " +
                                             std::string(TypeName(element.type())));
      continue;
    }
    WebhookSpec spec;
    if (!ReadWebhook(*table, base_dir, *config, diagnostics, &spec)) continue;
    const Position position = StartOf(table->source());
    const auto [it, inserted] = first_seen.emplace(spec.name, position);
    if (!inserted) {
      diagnostics->Add(position, "duplicate webhook name " + Quote(spec.name) +
                                     " (first defined at " +
                                     Locate(diagnostics->file(), it->second) + ")");
      continue;
    }
    config->webhooks.push_back(std::move(spec));
  }
}

}  // namespace config_internal
}  // namespace policyd

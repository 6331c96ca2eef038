#include "config/nats_config.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/top_level_keys.h"
#include "policyd/ascii.h"
#include "policyd/clock.h"
#include "policyd/file_read.h"

namespace policyd {

const char* NatsRetentionName(NatsRetention retention) {
  switch (retention) {
    case NatsRetention::kLimits:
      return "limits";
    case NatsRetention::kInterest:
      return "interest";
    case NatsRetention::kWorkQueue:
      return "workqueue";
  }
  return "limits";
}

const char* NatsStorageName(NatsStorage storage) {
  return storage == NatsStorage::kMemory ? "memory" : "file";
}

namespace config_internal {
namespace {

using std::chrono::milliseconds;

constexpr std::size_t kMaxUrls = 16;
constexpr std::size_t kMaxNameBytes = 64;
constexpr std::size_t kMaxPrefixBytes = 128;
constexpr std::size_t kMaxTokenBytes = 4096;
constexpr std::size_t kMaxCredentialsBytes = 64 << 10;
constexpr std::size_t kMaxPemBytes = 1 << 20;  // a CA bundle (Debian's whole one is ~200 KB)

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

// "" when `url` is nats:// or tls:// followed by a host and an optional port, else why not.
std::string UrlProblem(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  const std::string scheme =
      scheme_end == std::string_view::npos ? "" : AsciiLower(url.substr(0, scheme_end));
  if (scheme != "nats" && scheme != "tls") {
    return "NATS URL " + Quote(url) + " must start with nats:// or tls://";
  }
  const std::string_view authority = url.substr(scheme_end + 3);
  if (authority.find('@') != std::string_view::npos) {
    // Not quoted: the message would repeat the secret.
    return "a NATS URL must not hold a user name, password or token (they would show in "
           "logs and status): use token_file or credentials_file";
  }
  if (authority.find_first_of("/?#") != std::string_view::npos) {
    return "NATS URL " + Quote(url) + " must be scheme://host[:port], without a path";
  }
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return "NATS URL " + Quote(url) + " has no closing ']'";
    port = host.substr(close + 1);
    host = host.substr(1, close - 1);
    if (!port.empty() && port.front() != ':') {
      return "NATS URL " + Quote(url) + " must be scheme://host[:port]";
    }
    if (!port.empty()) port.remove_prefix(1);
  } else if (const std::size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    port = host.substr(colon + 1);
    host = host.substr(0, colon);
  }
  if (host.empty()) return "NATS URL " + Quote(url) + " has no host";
  const bool port_ok =
      port.empty() ||
      (port.size() <= 5 &&
       std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
       std::stoul(std::string(port)) >= 1 && std::stoul(std::string(port)) <= 65535);
  if (!port_ok) return "NATS URL " + Quote(url) + " has an invalid port " + Quote(port);
  return "";
}

// A subject prefix: dot-separated tokens of [A-Za-z0-9_-], no wildcard, no empty token.
bool IsValidPrefix(std::string_view prefix) {
  if (prefix.empty() || prefix.size() > kMaxPrefixBytes) return false;
  bool token_empty = true;
  for (const char c : prefix) {
    if (c == '.') {
      if (token_empty) return false;
      token_empty = true;
    } else if (IsNameChar(c)) {
      token_empty = false;
    } else {
      return false;
    }
  }
  return !token_empty;
}

void ReadUrls(TableReader& reader, NatsConfig* nats) {
  std::vector<std::string> urls;
  if (!reader.ReadStringList("urls", &urls)) return;
  if (urls.empty()) {
    reader.Error("urls",
                 "'urls' must name at least one server (such as \"nats://127.0.0.1:4222\")");
    return;
  }
  if (urls.size() > kMaxUrls) {
    reader.Error("urls", "at most " + std::to_string(kMaxUrls) + " 'urls', not " +
                             std::to_string(urls.size()));
    return;
  }
  for (std::string& url : urls) {
    if (std::string problem = UrlProblem(url); !problem.empty()) {
      reader.Error("urls", std::move(problem));
      return;
    }
    const std::size_t scheme_end = url.find("://");
    url = AsciiLower(url.substr(0, scheme_end)) + url.substr(scheme_end);  // "nats" or "tls"
  }
  // TLS is a property of the connection's options in cnats, not of each server.
  const bool tls = urls.front().starts_with("tls://");
  for (const std::string& url : urls) {
    if (url.starts_with("tls://") != tls) {
      reader.Error("urls", "'urls' must be all nats:// or all tls://, not a mix");
      return;
    }
  }
  nats->urls = std::move(urls);
}

void ReadStreamKeys(TableReader& reader, NatsConfig* nats) {
  if (reader.ReadNonEmptyString("stream", &nats->stream) &&
      (nats->stream.size() > kMaxNameBytes ||
       !std::all_of(nats->stream.begin(), nats->stream.end(), IsNameChar))) {
    reader.Error("stream",
                 "'stream' must be 1 to 64 characters of A-Z, a-z, 0-9, '-' and '_', "
                 "not " +
                     Quote(nats->stream));
  }
  if (reader.ReadNonEmptyString("subject_prefix", &nats->subject_prefix) &&
      !IsValidPrefix(nats->subject_prefix)) {
    reader.Error("subject_prefix",
                 "'subject_prefix' must be dot-separated tokens of A-Z, a-z, 0-9, '-' and '_' "
                 "(no wildcard, no empty token), at most 128 bytes, not " +
                     Quote(nats->subject_prefix));
  }
  std::string choice;
  if (reader.ReadChoice("retention", {"limits", "interest", "workqueue"}, &choice)) {
    nats->retention = choice == "interest"    ? NatsRetention::kInterest
                      : choice == "workqueue" ? NatsRetention::kWorkQueue
                                              : NatsRetention::kLimits;
  }
  if (reader.ReadChoice("storage", {"file", "memory"}, &choice)) {
    nats->storage = choice == "memory" ? NatsStorage::kMemory : NatsStorage::kFile;
  }
  reader.ReadIntegerAs("replicas", 1, 5, &nats->replicas);
  constexpr auto kHundredYears = std::chrono::hours(24 * 365 * 100);
  reader.ReadDuration("max_age", milliseconds(0), kHundredYears, &nats->max_age);
  reader.ReadIntegerAs<int64_t>("max_bytes", 0, int64_t{1} << 60, &nats->max_bytes);
  const bool window_written = reader.ReadDuration("duplicate_window", milliseconds(100),
                                                  std::chrono::hours(24), &nats->duplicate_window);
  // JetStream refuses a stream whose duplicate window outlasts its messages, also with the
  // default window: said here, at the line that makes them disagree.
  if (nats->max_age.count() > 0 && nats->duplicate_window > nats->max_age) {
    if (window_written) {
      reader.Error("duplicate_window", "'duplicate_window' must not be longer than 'max_age'");
    } else {
      reader.Error("max_age", "'max_age' must not be shorter than 'duplicate_window' (" +
                                  FormatDuration(nats->duplicate_window) + " by default)");
    }
  }
  if (reader.ReadChoice("start", {"beginning", "end"}, &choice)) {
    nats->start = choice == "end" ? WebhookStart::kEnd : WebhookStart::kBeginning;
  }
}

void ReadAuthentication(TableReader& reader, const std::filesystem::path& base_dir,
                        NatsConfig* nats) {
  if (reader.table().contains("token_file") && reader.table().contains("credentials_file")) {
    reader.Get("token_file");
    reader.Get("credentials_file");
    reader.Error("credentials_file", "set 'token_file' or 'credentials_file', not both");
    return;
  }
  reader.ReadOwnerOnlyFile("credentials_file", base_dir, kMaxCredentialsBytes,
                           &nats->credentials_file, nullptr);
  std::string token;
  if (!reader.ReadOwnerOnlyFile("token_file", base_dir, kMaxTokenBytes + 2, &nats->token_file,
                                &token)) {
    return;
  }
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
  if (token.empty() || token.size() > kMaxTokenBytes) {
    reader.Error("token_file", "'token_file' must hold a token of 1 to " +
                                   std::to_string(kMaxTokenBytes) + " bytes");
    return;
  }
  nats->token = std::move(token);
}

// A PEM file named by `key` (relative to `base_dir`) that must hold `marker`; with
// `owner_only`, a secret (ReadOwnerOnlyFile). False, with the error recorded, otherwise.
bool ReadPemFile(TableReader& reader, std::string_view key, const std::filesystem::path& base_dir,
                 std::string_view marker, bool owner_only, std::filesystem::path* out) {
  std::string text;
  std::filesystem::path file;
  if (owner_only) {
    if (!reader.ReadOwnerOnlyFile(key, base_dir, kMaxPemBytes, &file, &text)) return false;
  } else {
    std::string name;
    if (!reader.ReadNonEmptyString(key, &name)) return false;
    file = std::filesystem::path(name).is_absolute() ? std::filesystem::path(name)
                                                     : (base_dir / name).lexically_normal();
    Result<std::string> read = ReadRegularFile(file, kMaxPemBytes);
    if (!read.ok()) {
      reader.Error(key, Quote(key) + ": " + read.status().message());
      return false;
    }
    text = std::move(read).value();
  }
  if (text.find(marker) == std::string::npos) {
    reader.Error(key, Quote(key) + " " + Quote(file.string()) + " holds no PEM '" +
                          std::string(marker) + "'");
    return false;
  }
  *out = std::move(file);
  return true;
}

// ca_file, cert_file and key_file: for tls:// urls only; a certificate goes with its key.
void ReadTls(TableReader& reader, const std::filesystem::path& base_dir, NatsConfig* nats) {
  const bool tls = !nats->urls.empty() && nats->urls.front().starts_with("tls://");
  for (const std::string_view key : {"ca_file", "cert_file", "key_file"}) {
    if (reader.table().contains(key) && !tls) {
      reader.Get(key);
      reader.Error(key, Quote(key) + " applies to tls:// urls only");
      return;
    }
  }
  ReadPemFile(reader, "ca_file", base_dir, "-----BEGIN CERTIFICATE-----", false, &nats->ca_file);
  const bool has_certificate = reader.table().contains("cert_file");
  if (has_certificate != reader.table().contains("key_file")) {
    const std::string_view present = has_certificate ? "cert_file" : "key_file";
    reader.Get(present);
    reader.Error(present,
                 "set 'cert_file' and 'key_file' together (a client certificate and "
                 "its private key)");
    return;
  }
  ReadPemFile(reader, "cert_file", base_dir, "-----BEGIN CERTIFICATE-----", false,
              &nats->cert_file);
  ReadPemFile(reader, "key_file", base_dir, "PRIVATE KEY-----", true, &nats->key_file);
}

void ReadTimeouts(TableReader& reader, NatsConfig* nats) {
  reader.ReadDuration("connect_timeout", milliseconds(100), std::chrono::minutes(10),
                      &nats->connect_timeout);
  reader.ReadDuration("ack_timeout", milliseconds(100), std::chrono::minutes(10),
                      &nats->ack_timeout);
  reader.ReadDuration("retry_min", milliseconds(100), std::chrono::hours(1), &nats->retry_min);
  reader.ReadDuration("retry_max", milliseconds(100), std::chrono::hours(24), &nats->retry_max);
  if (nats->retry_min > nats->retry_max) {
    reader.Error("retry_min", "'retry_min' must not be longer than 'retry_max'");
  }
}

}  // namespace

void ReadNats(TableReader& root, const std::filesystem::path& base_dir, DaemonConfig* config) {
  const toml::node* node = root.Get("nats");
  if (node == nullptr) return;
  const toml::table* table = node->as_table();
  if (table == nullptr) {
    root.Error("nats",
               "'nats' must be a table ([nats]), not " + std::string(TypeName(node->type())));
    return;
  }
  NatsConfig nats;
  nats.line = StartOf(table->source()).line;
  TableReader reader(*table, root.diagnostics());
  reader.set_enclosing("[nats]", &IsDaemonTopLevelKey);
  ReadUrls(reader, &nats);
  ReadStreamKeys(reader, &nats);
  ReadAuthentication(reader, base_dir, &nats);
  ReadTls(reader, base_dir, &nats);
  ReadTimeouts(reader, &nats);
  reader.ReportUnknownKeys();
  if (!table->contains("urls")) {
    root.diagnostics()->Add(table->source(),
                            "[nats] has no 'urls' (such as \"nats://127.0.0.1:4222\")");
    return;
  }
  nats.enabled = true;
  config->nats = std::move(nats);
}

}  // namespace config_internal
}  // namespace policyd

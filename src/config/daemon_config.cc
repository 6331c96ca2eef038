#include <sys/un.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <system_error>

#include "config/fleet_config.h"
#include "config/nats_config.h"
#include "config/toml_reader.h"
#include "config/top_level_keys.h"
#include "config/webhook_config.h"
#include "policyd/config.h"
#include "policyd/ip_range.h"

namespace policyd {
namespace {

using config_internal::Diagnostics;
using config_internal::TableReader;
using std::chrono::milliseconds;

constexpr milliseconds kOneYear = std::chrono::hours(24 * 365);
constexpr milliseconds kOneDay = std::chrono::hours(24);
constexpr milliseconds kOneHour = std::chrono::hours(1);

// sun_path holds the socket path and its terminating NUL.
constexpr size_t kMaxSocketPathBytes = sizeof(sockaddr_un{}.sun_path) - 1;

// A path as written in the config; a relative one is taken relative to `base_dir` (the config
// file's directory), so that a config file works the same from whatever directory the daemon
// is started. False (with the error recorded at `key`) when it cannot be a path.
bool ResolvePath(TableReader& reader, std::string_view key, const std::string& text,
                 const std::filesystem::path& base_dir, std::filesystem::path* out) {
  if (text.find('\0') != std::string::npos) {
    reader.Error(key, "'" + std::string(key) + "' must not contain a NUL character");
    return false;
  }
  if (text.front() == '~') {  // a common slip: no shell expands it here
    reader.Error(key, "'" + std::string(key) + "' starts with '~', which is not expanded: " +
                          "write the full path, or one relative to the config file");
    return false;
  }
  const std::filesystem::path path(text);
  *out = path.is_absolute() ? path.lexically_normal() : (base_dir / path).lexically_normal();
  return true;
}

// As ResolvePath, and the result must fit a Unix socket address.
void ResolveSocketPath(TableReader& reader, std::string_view key, const std::string& text,
                       const std::filesystem::path& base_dir, std::filesystem::path* out) {
  std::filesystem::path path;
  if (!ResolvePath(reader, key, text, base_dir, &path)) return;
  if (path.native().size() > kMaxSocketPathBytes) {
    reader.Error(key, "'" + std::string(key) + "' resolves to '" + path.string() + "' (" +
                          std::to_string(path.native().size()) + " bytes), longer than the " +
                          std::to_string(kMaxSocketPathBytes) +
                          " bytes a Unix socket path may have");
    return;
  }
  *out = std::move(path);
}

void ReadPath(TableReader& reader, std::string_view key, const std::filesystem::path& base_dir,
              std::filesystem::path* out) {
  std::string text;
  if (reader.ReadNonEmptyString(key, &text)) ResolvePath(reader, key, text, base_dir, out);
}

void ReadSocketPath(TableReader& reader, std::string_view key,
                    const std::filesystem::path& base_dir, std::filesystem::path* out) {
  std::string text;
  if (reader.ReadNonEmptyString(key, &text)) ResolveSocketPath(reader, key, text, base_dir, out);
}

void ReadUserAgent(TableReader& reader, std::string* out) {
  std::string user_agent;
  if (!reader.ReadNonEmptyString("user_agent", &user_agent)) return;
  for (const char c : user_agent) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte == 0x7f) {  // CR/LF would inject HTTP headers
      reader.Error("user_agent", "'user_agent' must not contain control characters");
      return;
    }
  }
  *out = std::move(user_agent);
}

// An email address for the From header: one "@" between non-empty parts, no white space or
// control characters (they would inject headers), at most 254 bytes (RFC 5321's path limit).
void ReadContact(TableReader& reader, std::string* out) {
  std::string contact;
  if (!reader.ReadString("contact", &contact)) return;
  const std::size_t at = contact.find('@');
  const bool plain = std::none_of(contact.begin(), contact.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f || c == '<' || c == '>' || c == ',';
  });
  const bool address = at != std::string::npos && at > 0 && at + 1 < contact.size() &&
                       contact.find('@', at + 1) == std::string::npos && contact.size() <= 254;
  if (!contact.empty() && !(plain && address)) {
    reader.Error("contact",
                 "'contact' must be one email address, like \"webmaster@example.org\" (it is "
                 "sent as the From header), not '" +
                     contact + "'");
    return;
  }
  *out = std::move(contact);
}

void ReadLogLevel(TableReader& reader, std::string* out) {
  std::string level;
  if (!reader.ReadString("log_level", &level)) return;
  if (IsLogLevelName(level)) {
    *out = std::move(level);
    return;
  }
  reader.Error("log_level",
               "'log_level' must be one of trace, debug, info, warn, error, "
               "critical, off; not '" +
                   level + "'");
}

void ReadLogFormat(TableReader& reader, LogFormat* out) {
  std::string format;
  if (!reader.ReadString("log_format", &format)) return;
  if (format == "text") {
    *out = LogFormat::kText;
  } else if (format == "json") {
    *out = LogFormat::kJson;
  } else {
    reader.Error("log_format", "'log_format' must be \"text\" or \"json\", not '" + format + "'");
  }
}

void ReadAllowedAddresses(TableReader& reader, std::vector<std::string>* out) {
  std::vector<std::string> ranges;
  if (!reader.ReadStringList("allowed_addresses", &ranges)) return;
  for (const auto& range : ranges) {
    if (!ParseIpRange(range)) {
      reader.Error("allowed_addresses",
                   "'allowed_addresses' entry '" + range +
                       "' is not an IP address or CIDR prefix, with an optional port, such "
                       "as \"10.20.0.0/16\", \"192.168.1.10:8080\" or \"[fd00::1]:443\"");
      return;
    }
  }
  *out = std::move(ranges);
}

// browser_command: the program and its first arguments, no shell.
void ReadBrowserCommand(TableReader& reader, std::vector<std::string>* out) {
  std::vector<std::string> command;
  if (!reader.ReadStringList("browser_command", &command)) return;
  if (command.empty() || command.front().empty() ||
      !std::filesystem::path(command.front()).is_absolute()) {
    reader.Error("browser_command",
                 "'browser_command' must start with the browser's absolute path, such as "
                 "[\"/usr/bin/chromium\"]");
    return;
  }
  *out = std::move(command);
}

void ReadBrowserKeys(TableReader& reader, const std::filesystem::path& base_dir,
                     DaemonConfig* config) {
  reader.ReadBool("browser_enabled", &config->browser_enabled);
  reader.ReadIntegerAs("browser_concurrency", 1, 64, &config->browser_concurrency);
  ReadBrowserCommand(reader, &config->browser_command);
  // "" (the default) = the daemon spawns browser_command itself.
  if (const auto* socket = reader.table().get_as<std::string>("browser_socket");
      socket == nullptr || !socket->get().empty()) {
    ReadSocketPath(reader, "browser_socket", base_dir, &config->browser_socket);
  } else {
    std::string empty;
    reader.ReadString("browser_socket", &empty);  // marks the key as read
  }
  reader.ReadDuration("browser_page_timeout", std::chrono::seconds(1), std::chrono::minutes(10),
                      &config->browser_page_timeout);
  reader.ReadIntegerAs<size_t>("browser_memory_limit_bytes", size_t{64} << 20, size_t{64} << 30,
                               &config->browser_memory_limit_bytes);
  reader.ReadDuration("render_retest_interval", kOneHour, kOneYear,
                      &config->render_retest_interval);
}

bool IsLoopbackAddress(std::string_view address) {
  static const std::optional<IpRange> v4 = ParseIpRange("127.0.0.0/8");
  static const std::optional<IpRange> v6 = ParseIpRange("::1");
  const std::optional<IpRange> parsed = ParseIpRange(address);
  if (!parsed) return false;
  const IpRange& loopback = parsed->family == AF_INET ? *v4 : *v6;
  if (parsed->family != loopback.family) return false;
  const std::size_t bytes = static_cast<std::size_t>(loopback.prefix_length) / 8;
  return std::equal(loopback.bytes.begin(), loopback.bytes.begin() + bytes, parsed->bytes.begin());
}

// "127.0.0.1:8470" or "[::1]:8470" into an IP literal and a port (0-65535); false otherwise.
bool SplitAddressAndPort(std::string_view text, std::string* address, uint16_t* port) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == text.size()) return false;
  std::string_view host = text.substr(0, colon);
  const std::string_view digits = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return false;  // IPv6 without brackets: the port is ambiguous
  }
  if (digits.size() > 5 || digits.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  const unsigned long value = std::stoul(std::string(digits));
  const std::optional<IpRange> parsed = ParseIpRange(host);
  const int full_length = parsed && parsed->family == AF_INET ? 32 : 128;
  if (value > 65535 || !parsed || parsed->prefix_length != full_length ||
      host.find('/') != std::string_view::npos) {
    return false;
  }
  *address = std::string(host);
  *port = static_cast<uint16_t>(value);
  return true;
}

// web_listen, web_allow_remote, max_web_clients: the read-only web view.
void ReadWebKeys(TableReader& reader, const std::filesystem::path& base_dir, DaemonConfig* config) {
  reader.ReadBool("web_allow_remote", &config->web_allow_remote);
  reader.ReadIntegerAs<size_t>("max_web_clients", 1, 65536, &config->max_web_clients);
  std::string listen;
  if (!reader.ReadString("web_listen", &listen) || listen.empty()) return;  // "" = off
  // A path has a '/' and, unlike every "address:port", no ':'.
  if (listen.find('/') != std::string::npos && listen.find(':') == std::string::npos) {
    ResolveSocketPath(reader, "web_listen", listen, base_dir, &config->web_socket);
    return;
  }
  if (!SplitAddressAndPort(listen, &config->web_address, &config->web_port)) {
    reader.Error("web_listen",
                 "'web_listen' must be an IP address and port, such as "
                 "\"127.0.0.1:8470\" or \"[::1]:8470\", or a Unix socket path, "
                 "not '" +
                     listen + "'");
    return;
  }
  if (!config->web_allow_remote && !IsLoopbackAddress(config->web_address)) {
    reader.Error("web_listen",
                 "'web_listen' address " + config->web_address +
                     " is not loopback: the web view has no authentication and no TLS; put a "
                     "reverse proxy in front and set web_allow_remote = true");
  }
}

void ReadAllKeys(TableReader& reader, const std::filesystem::path& base_dir, DaemonConfig* config) {
  ReadPath(reader, "state_dir", base_dir, &config->state_dir);
  ReadSocketPath(reader, "control_socket", base_dir, &config->control_socket);
  ReadSocketPath(reader, "events_socket", base_dir, &config->events_socket);
  ReadPath(reader, "targets_dir", base_dir, &config->targets_dir);
  ReadUserAgent(reader, &config->user_agent);
  ReadContact(reader, &config->contact);

  reader.ReadInterval("default_interval", std::chrono::seconds(1), kOneYear,
                      &config->default_interval);
  reader.ReadDuration("first_check_window", milliseconds(0), kOneYear, &config->first_check_window);
  reader.ReadDouble("interval_jitter", 0.0, 0.5, &config->interval_jitter);

  reader.ReadIntegerAs("max_concurrency", 1, 4096, &config->max_concurrency);
  reader.ReadIntegerAs("per_host_concurrency", 1, 4096, &config->per_host_concurrency);
  reader.ReadDuration("per_host_delay", milliseconds(0), kOneHour, &config->per_host_delay);
  reader.ReadIntegerAs("worker_threads", 0, 1024, &config->worker_threads);

  reader.ReadIntegerAs<size_t>("max_body_bytes", 1024, size_t{1} << 30, &config->max_body_bytes);
  reader.ReadIntegerAs("max_redirects", 0, 50, &config->max_redirects);
  reader.ReadDuration("connect_timeout", milliseconds(100), kOneHour, &config->connect_timeout);
  reader.ReadDuration("total_timeout", std::chrono::seconds(1), kOneDay, &config->total_timeout);
  reader.ReadIntegerAs("low_speed_limit_bytes", 0L, 1L << 30, &config->low_speed_limit_bytes);
  reader.ReadDuration("low_speed_time", milliseconds(0), kOneHour, &config->low_speed_time);
  reader.ReadBool("allow_private_addresses", &config->allow_private_addresses);
  ReadAllowedAddresses(reader, &config->allowed_addresses);
  reader.ReadIntegerAs("failure_threshold", 1, 1000, &config->failure_threshold);
  reader.ReadDuration("max_crawl_delay", milliseconds(0), kOneHour, &config->max_crawl_delay);
  reader.ReadDuration("strained_host_pause", milliseconds(0), kOneHour,
                      &config->strained_host_pause);
  reader.ReadDuration("full_fetch_interval", milliseconds(0), kOneYear,
                      &config->full_fetch_interval);
  reader.ReadDouble("shrink_guard", 0.0, 1.0, &config->shrink_guard);
  reader.ReadIntegerAs("shrink_confirmations", 1, 100, &config->shrink_confirmations);
  reader.ReadDuration("check_retention", kMinCheckRetention, kMaxCheckRetention,
                      &config->check_retention);
  reader.ReadDuration("gc_interval", milliseconds(0), kOneYear, &config->gc_interval);

  ReadBrowserKeys(reader, base_dir, config);

  reader.ReadIntegerAs<size_t>("max_subscribers", 1, 65536, &config->max_subscribers);
  reader.ReadIntegerAs<size_t>("max_control_clients", 1, 65536, &config->max_control_clients);
  ReadLogLevel(reader, &config->log_level);
  ReadLogFormat(reader, &config->log_format);
  reader.ReadDuration("log_summary_interval", std::chrono::seconds(1), kOneDay,
                      &config->log_summary_interval);
  ReadWebKeys(reader, base_dir, config);
  // Last: a webhook's URL is judged by allow_private_addresses and allowed_addresses.
  config_internal::ReadWebhooks(reader, base_dir, config);
  config_internal::ReadNats(reader, base_dir, config);
  // After [nats]: an enabled fleet needs its connection.
  config_internal::ReadFleet(reader, config);
}

// Parses the daemon config at `path` and makes the path absolute: relative paths in the file
// resolve against its directory.
Status ParseDaemonConfigFile(const std::filesystem::path& path, toml::table* table,
                             std::filesystem::path* absolute_path) {
  if (Status status = config_internal::ParseTomlFile(path, table); !status.ok()) return status;
  std::error_code error;
  *absolute_path = std::filesystem::absolute(path, error);
  if (error) {
    return Status::IoError(path.string() + ": cannot resolve path: " + error.message());
  }
  return Status::Ok();
}

}  // namespace

bool IsLogLevelName(std::string_view name) {
  for (const std::string_view known :
       {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
    if (name == known) return true;
  }
  return false;
}

Status LoadDaemonConfig(const std::filesystem::path& path, DaemonConfig* config) {
  toml::table table;
  std::filesystem::path absolute_path;
  if (Status status = ParseDaemonConfigFile(path, &table, &absolute_path); !status.ok()) {
    return status;
  }
  const std::filesystem::path base_dir = absolute_path.parent_path();

  DaemonConfig loaded;  // keys the file leaves out keep their documented defaults
  Diagnostics diagnostics(path);
  TableReader reader(table, &diagnostics);
  ReadAllKeys(reader, base_dir, &loaded);
  reader.ReportUnknownKeys();

  if (!diagnostics.HasErrors() && loaded.control_socket == loaded.events_socket) {
    reader.Error("events_socket", "'events_socket' and 'control_socket' must be different paths");
  }
  if (!diagnostics.HasErrors() && !loaded.web_socket.empty() &&
      (loaded.web_socket == loaded.control_socket || loaded.web_socket == loaded.events_socket)) {
    reader.Error("web_listen",
                 "'web_listen' must be another path than control_socket and "
                 "events_socket");
  }
  if (Status status = diagnostics.ToStatus(); !status.ok()) return status;

  loaded.source_file = absolute_path.lexically_normal();
  *config = std::move(loaded);
  return Status::Ok();
}

Status LoadDaemonSocketPaths(const std::filesystem::path& path, DaemonSocketPaths* sockets) {
  toml::table table;
  std::filesystem::path absolute_path;
  if (Status status = ParseDaemonConfigFile(path, &table, &absolute_path); !status.ok()) {
    return status;
  }
  DaemonSocketPaths loaded;
  Diagnostics diagnostics(path);
  TableReader reader(table, &diagnostics);  // no unknown-key check: the other keys are not read
  ReadSocketPath(reader, "control_socket", absolute_path.parent_path(), &loaded.control);
  ReadSocketPath(reader, "events_socket", absolute_path.parent_path(), &loaded.events);
  if (Status status = diagnostics.ToStatus(); !status.ok()) return status;
  *sockets = std::move(loaded);
  return Status::Ok();
}

namespace config_internal {

bool IsDaemonTopLevelKey(std::string_view key) {
  static const std::vector<std::string> keys = DaemonConfigKeys();
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

}  // namespace config_internal

std::vector<std::string> DaemonConfigKeys() {
  // Reading an empty table asks for every key (none is present, so none is an error).
  const toml::table empty;
  Diagnostics diagnostics("");
  TableReader reader(empty, &diagnostics);
  DaemonConfig unused;
  ReadAllKeys(reader, "/", &unused);
  return reader.known_keys();
}

}  // namespace policyd

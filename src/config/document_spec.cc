#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "config/document_checks.h"
#include "policyd/clock.h"
#include "policyd/config.h"

namespace policyd {
namespace config_internal {
namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// A registered name: labels of letters, digits, '-' and '_' (plus raw non-ASCII for
// internationalised names), separated by single dots; one trailing dot is allowed.
bool IsValidHostName(std::string_view host) {
  if (host.empty() || host.front() == '.') return false;
  if (host.back() == '.') host.remove_suffix(1);
  char previous = '.';
  for (const char c : host) {
    const bool is_label_char = IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '-' || c == '_' ||
                               static_cast<unsigned char>(c) >= 0x80;
    if (c == '.') {
      if (previous == '.') return false;  // empty label
    } else if (!is_label_char) {
      return false;
    }
    previous = c;
  }
  return !host.empty();
}

// An IPv6 address as inet_pton reads it, with an optional RFC 6874 zone ("%25eth0").
bool IsValidIpv6Literal(std::string_view literal) {
  const size_t zone = literal.find("%25");
  if (zone != std::string_view::npos && zone + 3 == literal.size()) return false;
  const std::string address(literal.substr(0, zone));
  in6_addr parsed{};
  return inet_pton(AF_INET6, address.c_str(), &parsed) == 1;
}

bool IsValidPort(std::string_view port) {
  if (port.empty()) return true;  // "http://host:/" is allowed by RFC 3986 (default port)
  if (port.size() > 5 || !std::all_of(port.begin(), port.end(), IsAsciiDigit)) return false;
  const int number = std::stoi(std::string(port));
  return number >= 1 && number <= 65535;
}

// How an error names the url (built only for an error: every document's url is checked at
// load).
std::string QuotedUrl(std::string_view url) { return "url '" + std::string(url) + "'"; }

Status CheckUrlCharacters(std::string_view url) {
  for (const char c : url) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte <= 0x20 || byte == 0x7f) {
      return Status::InvalidArgument(QuotedUrl(url) + " contains a space or a control character");
    }
  }
  return Status::Ok();
}

// `scheme_end`: where "://" starts in `url` (npos if nowhere).
Status CheckUrlScheme(std::string_view url, size_t scheme_end) {
  const std::string_view scheme = url.substr(0, scheme_end);
  const bool has_scheme =
      scheme_end != std::string_view::npos && !scheme.empty() && IsAsciiAlpha(scheme.front()) &&
      std::all_of(scheme.begin(), scheme.end(), [](char c) {
        return IsAsciiAlpha(c) || IsAsciiDigit(c) || c == '+' || c == '-' || c == '.';
      });
  if (!has_scheme) {
    return Status::InvalidArgument(QuotedUrl(url) +
                                   " is not absolute: it must start with http:// or https://");
  }
  const std::string lower_scheme = Lower(scheme);
  if (lower_scheme != "http" && lower_scheme != "https") {
    return Status::InvalidArgument(QuotedUrl(url) + " has scheme '" + std::string(scheme) +
                                   "': only http and https are supported");
  }
  return Status::Ok();
}

// "[v6]" or "[v6]:port": the address and the port (empty when none).
Status SplitBracketedHost(std::string_view url, std::string_view authority, std::string_view* host,
                          std::string_view* port) {
  const size_t close = authority.find(']');
  if (close == std::string_view::npos) {
    return Status::InvalidArgument(QuotedUrl(url) + " has an unterminated IPv6 address");
  }
  *host = authority.substr(1, close - 1);
  const std::string_view after = authority.substr(close + 1);
  if (!after.empty() && after.front() != ':') {
    return Status::InvalidArgument(QuotedUrl(url) + " has an invalid host");
  }
  if (!after.empty()) *port = after.substr(1);
  if (!IsValidIpv6Literal(*host)) {
    return Status::InvalidArgument(QuotedUrl(url) + " has an invalid IPv6 address");
  }
  return Status::Ok();
}

// `authority`: what is between "://" and the path, query or fragment.
Status CheckUrlAuthority(std::string_view url, std::string_view authority) {
  if (authority.find('@') != std::string_view::npos) {
    // Credentials would end up in the store, in events and in logs.
    return Status::InvalidArgument(QuotedUrl(url) + " must not contain a user name or password");
  }
  std::string_view host;
  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    if (Status s = SplitBracketedHost(url, authority, &host, &port); !s.ok()) return s;
  } else {
    const size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    if (host.empty()) return Status::InvalidArgument(QuotedUrl(url) + " has no host");
    if (!IsValidHostName(host)) {
      return Status::InvalidArgument(QuotedUrl(url) + " has an invalid host '" + std::string(host) +
                                     "'");
    }
  }
  if (!IsValidPort(port)) {
    return Status::InvalidArgument(QuotedUrl(url) + " has an invalid port '" + std::string(port) +
                                   "'");
  }
  return Status::Ok();
}

}  // namespace

Status CheckHttpUrl(std::string_view url) {
  if (url.empty()) return Status::InvalidArgument("url must not be empty");
  if (Status s = CheckUrlCharacters(url); !s.ok()) return s;
  const size_t scheme_end = url.find("://");
  if (Status s = CheckUrlScheme(url, scheme_end); !s.ok()) return s;
  const std::string_view rest = url.substr(scheme_end + 3);
  return CheckUrlAuthority(url, rest.substr(0, rest.find_first_of("/?#")));
}

bool HasControlCharacter(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto byte = static_cast<unsigned char>(name[i]);
    if (byte < 0x20 || byte == 0x7F) return true;
    // U+0080..U+009F, the C1 controls, are C2 80..C2 9F in UTF-8.
    if (byte == 0xC2 && i + 1 < name.size()) {
      const auto next = static_cast<unsigned char>(name[i + 1]);
      if (next >= 0x80 && next <= 0x9F) return true;
    }
  }
  return false;
}

}  // namespace config_internal

Status ValidateDocumentSpec(const DocumentSpec& spec) {
  // A name makes the id, the run-time target file's name and the export directory: longer,
  // a file system would refuse them (NAME_MAX, 255 bytes, with a temporary file's suffix).
  for (const auto& [what, name] : {std::pair{"platform", &spec.platform}, {"type", &spec.type}}) {
    if (name->size() > kMaxDocumentNameBytes) {
      return Status::InvalidArgument(std::string(what) + " must be at most " +
                                     std::to_string(kMaxDocumentNameBytes) + " bytes, not " +
                                     std::to_string(name->size()));
    }
    if (config_internal::HasControlCharacter(*name)) {
      return Status::InvalidArgument(std::string(what) +
                                     " must not contain control characters (a line break, a tab)");
    }
  }
  if (spec.platform.empty()) return Status::InvalidArgument("platform must not be empty");
  if (Slugify(spec.platform).empty()) {
    return Status::InvalidArgument("platform '" + spec.platform +
                                   "' must contain a letter or digit (it makes the id)");
  }
  if (spec.type.empty()) return Status::InvalidArgument("type must not be empty");
  if (Slugify(spec.type).empty()) {
    return Status::InvalidArgument("type '" + spec.type +
                                   "' must contain a letter or digit (it makes the id)");
  }
  if (!spec.id.empty()) {
    const std::string expected = MakeDocumentId(spec.platform, spec.type);
    if (spec.id != expected) {
      return Status::InvalidArgument("id '" + spec.id + "' does not match platform '" +
                                     spec.platform + "' and type '" + spec.type + "' (expected '" +
                                     expected + "')");
    }
  }
  if (Status url_status = config_internal::CheckHttpUrl(spec.url); !url_status.ok()) {
    return url_status;
  }
  if (spec.interval.count() < 0) return Status::InvalidArgument("interval must not be negative");
  if (spec.interval.count() > 0 && spec.interval < config_internal::kMinDocumentInterval) {
    return Status::InvalidArgument(
        "interval must be at least " + FormatDuration(config_internal::kMinDocumentInterval) +
        " (or 0 for default_interval), not " + FormatDuration(spec.interval));
  }
  if (spec.interval > config_internal::kMaxDocumentInterval) {
    return Status::InvalidArgument("interval must be at most " +
                                   FormatDuration(config_internal::kMaxDocumentInterval) +
                                   ", not " + FormatDuration(spec.interval));
  }
  for (const auto* selectors : {&spec.select, &spec.remove}) {
    for (const std::string& selector : *selectors) {
      if (selector.empty()) return Status::InvalidArgument("CSS selectors must not be empty");
    }
  }
  for (const auto* ranges : {&spec.select_ranges, &spec.remove_ranges}) {
    for (const SelectRange& range : *ranges) {
      if (range.start_before.empty() == range.start_after.empty() ||
          range.end_before.empty() == range.end_after.empty()) {
        return Status::InvalidArgument(
            std::string(ranges == &spec.select_ranges ? "a select" : "a remove") +
            " range needs exactly one of startBefore/startAfter and one of endBefore/endAfter");
      }
    }
  }
  for (const std::string& url : spec.extra_urls) {
    if (Status status = config_internal::CheckHttpUrl(url); !status.ok()) {
      return Status::InvalidArgument("extra_urls: " + status.message());
    }
  }
  return Status::Ok();
}

const char* RenderModeName(RenderMode mode) {
  switch (mode) {
    case RenderMode::kAuto:
      return "auto";
    case RenderMode::kStatic:
      return "static";
    case RenderMode::kBrowser:
      return "browser";
  }
  return "auto";
}

std::optional<RenderMode> ParseRenderMode(std::string_view name) {
  for (const RenderMode mode : {RenderMode::kAuto, RenderMode::kStatic, RenderMode::kBrowser}) {
    if (name == RenderModeName(mode)) return mode;
  }
  return std::nullopt;
}

ExtractOptions MakeExtractOptions(const DocumentSpec& spec, std::string content_type) {
  ExtractOptions options;
  options.select = spec.select;
  options.remove = spec.remove;
  options.content_type = std::move(content_type);
  options.ranges = spec.select_ranges;
  options.remove_ranges = spec.remove_ranges;
  options.ignore_lines = spec.ignore_lines;
  options.include_link_urls = spec.include_link_urls;
  return options;
}

const std::filesystem::path& SharedPath::Empty() {
  static const std::filesystem::path empty;
  return empty;
}

Status CompileDocumentExtraction(DocumentSpec* spec, ExtractEntry* failed) {
  auto compiled = CompiledExtraction::Compile(MakeExtractOptions(*spec), failed);
  if (!compiled.ok()) return compiled.status();
  std::vector<std::shared_ptr<const CompiledExtraction>> pages;
  for (std::size_t i = 0; i < spec->page_options.size(); ++i) {
    if (!spec->page_options[i]) {
      pages.emplace_back();
      continue;
    }
    auto page = CompiledExtraction::Compile(*spec->page_options[i], failed);
    if (!page.ok()) {
      return Status::InvalidArgument("page " + std::to_string(i + 1) + ": " +
                                     page.status().message());
    }
    pages.push_back(std::move(page).value());
  }
  spec->extraction = std::move(compiled).value();
  spec->page_extractions = std::move(pages);
  return Status::Ok();
}

}  // namespace policyd

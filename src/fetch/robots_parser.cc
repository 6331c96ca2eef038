// RobotsTxt parsing and matching (RFC 9309); see include/policyd/robots.h for what is
// implemented and where it deviates.
#include "policyd/ascii.h"
#include "policyd/robots.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

namespace policyd {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

// RFC 3986 unreserved characters: the only ones whose escapes are decoded for comparison.
bool IsUnreserved(unsigned char c) {
  return std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~';
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The product token at the start of a user-agent value: RFC 9309 2.2.1 allows only
// letters, "_" and "-" in it, so "PolicyD/1.0 (+https://...)" names "policyd".
std::string ProductToken(std::string_view value) {
  std::size_t end = 0;
  while (end < value.size()) {
    const auto c = static_cast<unsigned char>(value[end]);
    if (std::isalpha(c) == 0 && c != '_' && c != '-') break;
    ++end;
  }
  return AsciiLower(value.substr(0, end));
}

enum class Key { kUserAgent, kAllow, kDisallow, kCrawlDelay, kOther };

Key ClassifyKey(std::string_view raw) {
  const std::string key = AsciiLower(Trim(raw));
  if (key == "user-agent" || key == "useragent" || key == "user agent") return Key::kUserAgent;
  if (key == "allow") return Key::kAllow;
  if (key == "disallow" || key == "dissallow" || key == "disalow") return Key::kDisallow;
  if (key == "crawl-delay") return Key::kCrawlDelay;
  return Key::kOther;
}

// Seconds, possibly fractional ("10", "0.5"); nullopt for junk, negatives, NaN and absurd
// values (more than a day is clamped to a day: the caller caps it further anyway).
std::optional<std::chrono::milliseconds> ParseDelay(std::string_view value) {
  double seconds = 0;
  const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  if (error != std::errc() || end == value.data() || !std::isfinite(seconds) || seconds < 0) {
    return std::nullopt;
  }
  seconds = std::min(seconds, 86'400.0);
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

}  // namespace

std::string RobotsTxt::ProductTokenOf(std::string_view user_agent) {
  std::string token = ProductToken(user_agent);
  return token.empty() ? std::string("policyd") : token;
}

std::string RobotsTxt::NormalizePercentEncoding(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
        HexValue(text[i + 2]) >= 0) {
      const auto decoded =
          static_cast<unsigned char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2]));
      if (IsUnreserved(decoded)) {
        out.push_back(static_cast<char>(decoded));
      } else {
        out.push_back('%');
        out.push_back(kHex[decoded >> 4]);
        out.push_back(kHex[decoded & 0xf]);
      }
      i += 2;
    } else if (c >= 0x80 || c <= 0x20 || c == 0x7f) {
      // Non-ASCII (UTF-8 in a file or a URL) and controls are compared in encoded form.
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xf]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

bool RobotsTxt::PatternMatches(std::string_view pattern, std::string_view path) {
  // A final "$" anchors the match at the end; otherwise the pattern is a prefix, which is
  // the same as a full match of pattern + "*".
  const bool anchored = !pattern.empty() && pattern.back() == '$';
  if (anchored) pattern.remove_suffix(1);
  // Classic wildcard matching with backtracking to the last "*": O(pattern × path) at worst,
  // and both are short (a path is a URL's, a pattern one line of a capped file).
  std::size_t p = 0;
  std::size_t s = 0;
  std::size_t star = std::string_view::npos;
  std::size_t star_s = 0;
  while (s < path.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_s = s;
    } else if (p < pattern.size() && pattern[p] == path[s]) {
      ++p;
      ++s;
    } else if (p == pattern.size() && !anchored) {
      return true;  // the whole pattern matched a prefix
    } else if (star != std::string_view::npos) {
      p = star + 1;
      s = ++star_s;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

RobotsTxt RobotsTxt::Parse(std::string_view body) {
  // Drop the line the cap cut through (see the header). A body of exactly kMaxBytes may have
  // been cut too: the fetcher keeps that much of a longer one.
  if (body.size() >= kMaxBytes) {
    body = body.substr(0, kMaxBytes);
    if (!body.ends_with('\n') && !body.ends_with('\r')) {
      const std::size_t last_end = body.find_last_of("\r\n");
      body = last_end == std::string_view::npos ? std::string_view() : body.substr(0, last_end);
    }
  }
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);

  RobotsTxt robots;
  bool in_agent_lines = false;  // the previous group line was a user-agent line
  while (!body.empty()) {
    const std::size_t end = body.find_first_of("\r\n");
    std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view() : body.substr(end + 1);

    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;  // junk or blank: ignored
    const Key key = ClassifyKey(line.substr(0, colon));
    const std::string_view value = Trim(line.substr(colon + 1));

    switch (key) {
      case Key::kUserAgent: {
        if (!in_agent_lines) robots.groups_.emplace_back();
        in_agent_lines = true;
        std::string agent = value.starts_with("*") ? std::string("*") : ProductToken(value);
        if (!agent.empty()) robots.groups_.back().agents.push_back(std::move(agent));
        break;
      }
      case Key::kAllow:
      case Key::kDisallow:
        in_agent_lines = false;
        // Empty patterns are no rule: "Disallow:" means "nothing disallowed".
        if (!robots.groups_.empty() && !value.empty()) {
          robots.groups_.back().rules.push_back(
              Rule{.allow = key == Key::kAllow, .pattern = NormalizePercentEncoding(value)});
        }
        break;
      case Key::kCrawlDelay:
        in_agent_lines = false;
        if (!robots.groups_.empty()) {
          if (const auto delay = ParseDelay(value)) {
            auto& current = robots.groups_.back().crawl_delay;
            current = current ? std::max(*current, *delay) : *delay;
          }
        }
        break;
      case Key::kOther:
        break;  // sitemap and unknown keys neither belong to nor end a group
    }
  }
  return robots;
}

std::vector<const RobotsTxt::Group*> RobotsTxt::GroupsFor(std::string_view product_token) const {
  const std::string token = AsciiLower(product_token);
  std::vector<const Group*> own;
  std::vector<const Group*> star;
  for (const Group& group : groups_) {
    for (const std::string& agent : group.agents) {
      if (!token.empty() && agent == token) {
        own.push_back(&group);
        break;
      }
      if (agent == "*") {
        star.push_back(&group);
        break;
      }
    }
  }
  return own.empty() ? star : own;
}

RobotsTxt::Verdict RobotsTxt::Check(std::string_view path_and_query,
                                    std::string_view product_token) const {
  std::string path = NormalizePercentEncoding(path_and_query);
  if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
  if (path == "/robots.txt") return Verdict{};

  const Rule* best = nullptr;
  for (const Group* group : GroupsFor(product_token)) {
    for (const Rule& rule : group->rules) {
      if (!PatternMatches(rule.pattern, path)) continue;
      if (best == nullptr || rule.pattern.size() > best->pattern.size() ||
          (rule.pattern.size() == best->pattern.size() && rule.allow && !best->allow)) {
        best = &rule;
      }
    }
  }
  if (best == nullptr) return Verdict{};
  return Verdict{.allowed = best->allow,
                 .rule = std::string(best->allow ? "allow: " : "disallow: ") + best->pattern};
}

bool RobotsTxt::IsAllowed(std::string_view path_and_query, std::string_view product_token) const {
  return Check(path_and_query, product_token).allowed;
}

std::optional<std::chrono::milliseconds> RobotsTxt::CrawlDelay(
    std::string_view product_token) const {
  std::optional<std::chrono::milliseconds> delay;
  for (const Group* group : GroupsFor(product_token)) {
    if (group->crawl_delay)
      delay = delay ? std::max(*delay, *group->crawl_delay) : *group->crawl_delay;
  }
  return delay;
}

}  // namespace policyd

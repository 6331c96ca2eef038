// RobotsTxt: a parsed robots.txt file and its verdicts, after RFC 9309 (Robots Exclusion
// Protocol). Pure: no I/O, no clock; the Fetcher fetches and caches the files (see
// fetcher.h) and asks this class whether a path may be fetched.
//
// What is implemented (RFC 9309 section 2):
//   - groups start with one or more `user-agent` lines; the product token is matched
//     case-insensitively against the token at the start of each user-agent value
//     ("PolicyD/1.0" matches "policyd"); every group naming our token is merged into one
//     (2.2.1); without one, every `*` group merged; without those, everything is allowed;
//   - `allow` / `disallow` rules: the longest matching pattern (in octets) wins; an `allow`
//     wins a tie (2.2.2); an empty pattern is no rule (empty `disallow` allows all);
//   - `*` matches any sequence of octets, a final `$` anchors the pattern at the end (2.2.3);
//   - percent-encoding is normalised on both sides before comparison: octets outside ASCII
//     are encoded, escapes of unreserved characters are decoded, hex digits are upper-cased
//     (2.2.2), so "/%7Efoo", "/~foo" and "/%7efoo" compare equal;
//   - `/robots.txt` is always allowed (2.2.2);
//   - at most kMaxBytes are parsed (2.5); a UTF-8 BOM, CR, LF and CRLF line ends, `#`
//     comments and lines that are not `key: value` are tolerated and ignored.
//
// Deviations and extensions:
//   - `crawl-delay` (not in the RFC, widely used): seconds, fractions allowed; taken from the
//     same merged group as the rules (the largest value when several are given);
//   - the line crossing the kMaxBytes boundary is dropped rather than parsed truncated, since
//     a cut pattern ("Allow: /a" from "Allow: /abc") could allow more than the site meant;
//     a body of exactly kMaxBytes (what the fetcher keeps of a longer one) is taken as cut
//     unless it ends with a line end;
//   - the keys `useragent`, `user agent`, `dissallow` and `disalow` are accepted as common
//     misspellings (as major crawlers do); `sitemap` and other keys are ignored and do not
//     end a group;
//   - rules before the first user-agent line belong to no group and are ignored.
#ifndef POLICYD_ROBOTS_H_
#define POLICYD_ROBOTS_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace policyd {

class RobotsTxt {
 public:
  // RFC 9309 section 2.5: crawlers must parse at least 500 KiB; we parse exactly that much.
  static constexpr std::size_t kMaxBytes = 500 * 1024;

  // The verdict of Check(): whether the path may be fetched and, when a rule decided, which
  // one ("disallow: /private" as written after normalisation, group of agent "policyd" or
  // "*"), for error messages and logs.
  struct Verdict {
    bool allowed = true;
    std::string rule;  // "" when no rule matched (allowed by default)
  };

  // An empty file: everything allowed, no crawl-delay.
  RobotsTxt() = default;

  // Parses a robots.txt body (at most kMaxBytes of it). Never fails: unparsable lines are
  // skipped.
  static RobotsTxt Parse(std::string_view body);

  // Whether `path_and_query` (the URL's path with its query string, e.g. "/a/b?c=d"; "" is
  // taken as "/") may be fetched by a crawler whose product token is `product_token`.
  bool IsAllowed(std::string_view path_and_query, std::string_view product_token) const;

  // Same as IsAllowed, with the deciding rule.
  Verdict Check(std::string_view path_and_query, std::string_view product_token) const;

  // The crawl-delay of the group that applies to `product_token`, if the group has one.
  std::optional<std::chrono::milliseconds> CrawlDelay(std::string_view product_token) const;

  // The product token a crawler sending `user_agent` is known by (2.2.1): the letters, "_" and
  // "-" at its start, lower-cased ("AcmeWatch/1.0 (+https://...)" -> "acmewatch"); "policyd"
  // when it starts with none. A value in the browsers' form ("Mozilla/5.0 (compatible; ...)")
  // is known as "mozilla".
  static std::string ProductTokenOf(std::string_view user_agent);

  // Normalises percent-encoding of a path or pattern as described above. Exposed for tests.
  static std::string NormalizePercentEncoding(std::string_view text);

  // Whether `pattern` (normalised, with `*` and a final `$`) matches the start of `path`
  // (normalised), or all of it when anchored. Exposed for tests.
  static bool PatternMatches(std::string_view pattern, std::string_view path);

 private:
  struct Rule {
    bool allow = false;
    std::string pattern;  // normalised, never empty
  };
  struct Group {
    std::vector<std::string> agents;  // lower-case product tokens, "*" for the wildcard
    std::vector<Rule> rules;
    std::optional<std::chrono::milliseconds> crawl_delay;
  };

  // The groups for `product_token` (its own, else `*`), merged; empty when none applies.
  std::vector<const Group*> GroupsFor(std::string_view product_token) const;

  std::vector<Group> groups_;
};

}  // namespace policyd

#endif  // POLICYD_ROBOTS_H_

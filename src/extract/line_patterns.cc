#include "line_patterns.h"

#include <unicode/regex.h>
#include <unicode/unistr.h>
#include <unicode/utypes.h>

#include <string_view>
#include <utility>

#include "policyd/extract.h"

namespace policyd::extract_internal {
namespace {

using Clock = std::chrono::steady_clock;

// One expression's matcher for one text, with the time it has used on it.
struct LineMatcher {
  std::unique_ptr<icu::RegexMatcher> matcher;
  Clock::duration used{};
  bool given_up = false;

  // True when the expression matches somewhere in `line`. Gives up (for the rest of the
  // text) on a timeout, an error or once its budget is spent.
  bool Matches(std::string_view line) {
    if (given_up) return false;
    const auto start = Clock::now();
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString input = icu::UnicodeString::fromUTF8(
        icu::StringPiece(line.data(), static_cast<int32_t>(line.size())));
    matcher->reset(input);
    const bool found = matcher->find(status);
    used += Clock::now() - start;
    if (U_FAILURE(status) || used > kPatternTimeBudget) given_up = true;
    return U_SUCCESS(status) && found;
  }
};

}  // namespace

LinePatterns::LinePatterns() = default;
LinePatterns::~LinePatterns() = default;
LinePatterns::LinePatterns(LinePatterns&&) noexcept = default;
LinePatterns& LinePatterns::operator=(LinePatterns&&) noexcept = default;

Result<LinePatterns> LinePatterns::Compile(const std::vector<std::string>& patterns,
                                           std::size_t* failed_index) {
  LinePatterns compiled;
  for (std::size_t i = 0; i < patterns.size(); ++i) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError where{};
    std::unique_ptr<icu::RegexPattern> pattern(
        icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(patterns[i]), 0, where, status));
    if (U_FAILURE(status) || pattern == nullptr) {
      *failed_index = i;
      return Status::InvalidArgument("ignore_lines: invalid regular expression '" + patterns[i] +
                                     "': " + u_errorName(status));
    }
    compiled.patterns_.push_back(std::move(pattern));
  }
  return compiled;
}

std::string LinePatterns::RemoveMatchingLines(const std::string& text) const {
  std::vector<LineMatcher> matchers;
  for (const auto& pattern : patterns_) {
    UErrorCode status = U_ZERO_ERROR;
    LineMatcher line_matcher{std::unique_ptr<icu::RegexMatcher>(pattern->matcher(status))};
    if (U_SUCCESS(status)) line_matcher.matcher->setTimeLimit(kLineMatchTimeLimit, status);
    line_matcher.given_up = U_FAILURE(status) || line_matcher.matcher == nullptr;
    matchers.push_back(std::move(line_matcher));
  }
  std::string out;
  out.reserve(text.size());
  bool blank_pending = false;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line(text.data() + start, end - start);
    start = end + 1;
    if (line.empty()) {
      blank_pending = true;
      continue;
    }
    bool ignored = false;
    if (line.size() <= kMaxIgnoredLineBytes) {
      for (LineMatcher& matcher : matchers) {
        if (matcher.Matches(line)) {
          ignored = true;
          break;
        }
      }
    }
    if (ignored) continue;
    if (blank_pending && !out.empty()) out.push_back('\n');
    blank_pending = false;
    out.append(line);
    out.push_back('\n');
  }
  return out;
}

}  // namespace policyd::extract_internal

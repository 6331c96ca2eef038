#include <string>
#include <string_view>

#include "policyd/config.h"

namespace policyd {

std::string Slugify(std::string_view text) {
  std::string slug;
  slug.reserve(text.size());
  bool pending_separator = false;
  for (const char c : text) {
    // Only ASCII is kept so that slugs are safe as file names, URL path segments and keys.
    const bool is_lower = c >= 'a' && c <= 'z';
    const bool is_upper = c >= 'A' && c <= 'Z';
    const bool is_digit = c >= '0' && c <= '9';
    if (!is_lower && !is_upper && !is_digit) {
      pending_separator = true;
      continue;
    }
    if (pending_separator && !slug.empty()) slug.push_back('-');
    pending_separator = false;
    slug.push_back(is_upper ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return slug;
}

std::string MakeDocumentId(std::string_view platform, std::string_view type) {
  return Slugify(platform) + "/" + Slugify(type);
}

}  // namespace policyd

#include "policyd/media_type.h"

#include <algorithm>
#include <string_view>

#include "policyd/ascii.h"

namespace policyd {
namespace {

// RFC 9110 5.6.2: tchar.
bool IsTokenCharacter(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return byte < 0x80 && std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool IsToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), IsTokenCharacter);
}

}  // namespace

std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find_first_of(";,"));
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  const std::size_t slash = type.find('/');
  if (slash == std::string_view::npos || !IsToken(type.substr(0, slash)) ||
      !IsToken(type.substr(slash + 1))) {
    return "";
  }
  return AsciiLower(type);
}

}  // namespace policyd

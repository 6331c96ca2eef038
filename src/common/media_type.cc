#include "policyd/media_type.h"

#include "policyd/ascii.h"

namespace policyd {

std::string MediaType(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find_first_of(";,"));
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  return AsciiLower(type);
}

}  // namespace policyd

#include "policyctl/format.h"
#include "policyd/json_text.h"

namespace policyd::ctl {

std::string Str(const nlohmann::json& value) {
  if (value.is_null()) return "-";
  if (value.is_string()) return value.get<std::string>().empty() ? "-" : value.get<std::string>();
  return JsonText(value);
}

std::string Short(const nlohmann::json& hash) {
  return hash.is_string() && !hash.get<std::string>().empty()
             ? hash.get<std::string>().substr(0, 12)
             : "-";
}

}  // namespace policyd::ctl

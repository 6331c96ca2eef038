#include "src/store/json_codec.h"
#include "policyd/json_text.h"

namespace policyd::store_internal {

std::string DumpJson(const nlohmann::json& value) { return JsonText(value); }

std::optional<nlohmann::json> ParseJsonObject(std::string_view text) {
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) return std::nullopt;
  return value;
}

}  // namespace policyd::store_internal

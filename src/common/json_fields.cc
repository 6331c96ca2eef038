#include "policyd/json_fields.h"

namespace policyd {
namespace {

const nlohmann::json* Find(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

}  // namespace

std::string FieldText(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = Find(object, key);
  if (value == nullptr || value->is_null()) return "-";
  if (value->is_string()) {
    const auto& text = value->get_ref<const std::string&>();
    return text.empty() ? "-" : text;
  }
  return value->dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::optional<int64_t> FieldInt(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = Find(object, key);
  if (value == nullptr || !value->is_number_integer()) return std::nullopt;
  return value->get<int64_t>();
}

bool FieldBool(const nlohmann::json& object, std::string_view key, bool fallback) {
  const nlohmann::json* value = Find(object, key);
  return value != nullptr && value->is_boolean() ? value->get<bool>() : fallback;
}

std::string FieldString(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = Find(object, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : "";
}

std::string ShortHash(const nlohmann::json& object, std::string_view key) {
  const std::string hash = FieldString(object, key);
  return hash.empty() ? "-" : hash.substr(0, 12);
}

}  // namespace policyd

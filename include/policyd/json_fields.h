// Reading the daemon's JSON for the human views (policyctl, the web view): a missing field, null or
// a value of another type never throws, it reads as "-" (or the fallback).
#ifndef POLICYD_JSON_FIELDS_H_
#define POLICYD_JSON_FIELDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace policyd {

// The field `key` of `object` as text: a string as is ("-" when empty), a number or boolean
// as JSON writes it, "-" when absent or null.
std::string FieldText(const nlohmann::json& object, std::string_view key);
// The field as an integer, if it is one.
std::optional<int64_t> FieldInt(const nlohmann::json& object, std::string_view key);
// The field as a boolean (`fallback` when absent or not a boolean).
bool FieldBool(const nlohmann::json& object, std::string_view key, bool fallback = false);
// The field as a string ("" when absent or not a string).
std::string FieldString(const nlohmann::json& object, std::string_view key);
// The first 12 hex digits of a hash field, "-" when there is none.
std::string ShortHash(const nlohmann::json& object, std::string_view key);

}  // namespace policyd

#endif  // POLICYD_JSON_FIELDS_H_

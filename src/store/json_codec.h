// Non-throwing JSON text conversion for stored values. nlohmann's dump() throws on invalid
// UTF-8 and parse() throws on bad input; neither may escape the store.
#ifndef POLICYD_SRC_STORE_JSON_CODEC_H_
#define POLICYD_SRC_STORE_JSON_CODEC_H_

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace policyd::store_internal {

// Compact JSON text. Invalid UTF-8 in strings (text from the web) becomes U+FFFD instead of
// failing the write.
std::string DumpJson(const nlohmann::json& value);

// The JSON object in `text`; nullopt if it is not valid JSON or not an object.
std::optional<nlohmann::json> ParseJsonObject(std::string_view text);

}  // namespace policyd::store_internal

#endif  // POLICYD_SRC_STORE_JSON_CODEC_H_

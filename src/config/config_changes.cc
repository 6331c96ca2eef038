// ChangedConfigKeys (policyd/config.h): two texts of policyd.toml compared by value, key by
// key, one level into tables.
#include <set>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <toml++/toml.h>

#include "policyd/config.h"

namespace policyd {
namespace {

Result<toml::table> Parse(std::string_view text, std::string_view which) {
  try {
    return toml::parse(text);
  } catch (const toml::parse_error& error) {
    return Status::InvalidArgument(std::string(which) +
                                   " config does not parse: " + std::string(error.description()));
  }
}

bool NodesEqual(const toml::node& a, const toml::node& b) {
  if (a.type() != b.type()) return false;
  return a.visit([&b](const auto& value) {
    using Node = std::remove_cvref_t<decltype(value)>;
    const auto* other = dynamic_cast<const Node*>(&b);
    return other != nullptr && value == *other;
  });
}

// Adds to *changed the keys of `before` and `after` (under `prefix`) whose values differ;
// tables (not arrays of tables) are compared key by key, `depth` levels down.
void Compare(const toml::table& before, const toml::table& after, const std::string& prefix,
             int depth, std::set<std::string>* changed) {
  std::set<std::string> keys;
  for (const auto& [key, value] : before) keys.emplace(key.str());
  for (const auto& [key, value] : after) keys.emplace(key.str());
  for (const std::string& key : keys) {
    const toml::node* old_value = before.get(key);
    const toml::node* new_value = after.get(key);
    if (old_value != nullptr && new_value != nullptr && NodesEqual(*old_value, *new_value)) {
      continue;
    }
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    if (depth > 0 && old_value != nullptr && new_value != nullptr && old_value->is_table() &&
        new_value->is_table()) {
      Compare(*old_value->as_table(), *new_value->as_table(), path, depth - 1, changed);
      continue;
    }
    changed->insert(path);
  }
}

}  // namespace

Result<std::vector<std::string>> ChangedConfigKeys(std::string_view before,
                                                   std::string_view after) {
  Result<toml::table> old_table = Parse(before, "the running");
  if (!old_table.ok()) return old_table.status();
  Result<toml::table> new_table = Parse(after, "the new");
  if (!new_table.ok()) return new_table.status();
  std::set<std::string> changed;
  Compare(*old_table, *new_table, "", 1, &changed);
  return std::vector<std::string>(changed.begin(), changed.end());
}

}  // namespace policyd

#include "config/toml_reader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <sstream>
#include <utility>

#include "policyd/clock.h"
#include "policyd/did_you_mean.h"
#include "policyd/file_read.h"

namespace policyd::config_internal {
namespace {

std::string Quote(std::string_view text) { return "'" + std::string(text) + "'"; }

std::string FormatNumber(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

std::string ClosestKeyHint(std::string_view name, const std::vector<std::string>& candidates) {
  // Only a plausible typo (at most 2 edits away) is worth suggesting, and only the closest.
  return DidYouMean(ClosestNames(name, candidates, /*max_distance=*/2, /*limit=*/1));
}

Position StartOf(const toml::source_region& region) {
  return Position{region.begin.line, region.begin.column};
}

std::string Locate(const std::filesystem::path& file, Position position) {
  std::string out = file.string();
  if (position.line != 0) {
    out += ":" + std::to_string(position.line) + ":" + std::to_string(position.column);
  }
  return out;
}

std::string_view TypeName(toml::node_type type) {
  switch (type) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
      return "a date";
    case toml::node_type::time:
      return "a time";
    case toml::node_type::date_time:
      return "a date-time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

void Diagnostics::Add(Position position, std::string reason) {
  errors_.push_back(Error{position, std::move(reason)});
}

void Diagnostics::AddMisspelling(const toml::source_region& region, std::string reason) {
  errors_.push_back(Error{StartOf(region), std::move(reason), true});
}

Status Diagnostics::ToStatus() const {
  if (errors_.empty()) return Status::Ok();
  // Unknown positions (line 0) sort last: a located error is more useful to show.
  const auto order = [](const Error& error) {
    const uint32_t line = error.position.line == 0 ? UINT32_MAX : error.position.line;
    return std::pair(line, error.position.column);
  };
  const auto earliest =
      std::min_element(errors_.begin(), errors_.end(),
                       [&order](const Error& a, const Error& b) { return order(a) < order(b); });
  std::string message = Locate(file_, earliest->position) + ": " + earliest->reason;
  if (!earliest->misspelling) {
    const auto typo = std::find_if(errors_.begin(), errors_.end(),
                                   [](const Error& error) { return error.misspelling; });
    if (typo != errors_.end()) {
      message += " (see line " + std::to_string(typo->position.line) + ": " + typo->reason + ")";
    }
  }
  return Status::InvalidArgument(message);
}

Status ParseTomlFile(const std::filesystem::path& path, toml::table* table) {
  auto read = ReadRegularFile(path, kMaxConfigFileBytes);
  if (!read.ok()) return read.status();
  return ParseTomlText(*read, path, table);
}

Status ParseTomlText(std::string_view text, const std::filesystem::path& path, toml::table* table) {
  try {
    *table = toml::parse(text, std::string_view(path.string()));
  } catch (const toml::parse_error& parse_error) {
    return Status::InvalidArgument(Locate(path, StartOf(parse_error.source())) + ": " +
                                   std::string(parse_error.description()));
  } catch (const std::exception& exception) {  // e.g. std::bad_alloc
    return Status::IoError(path.string() + ": cannot parse: " + exception.what());
  }
  return Status::Ok();
}

const toml::node* TableReader::Get(std::string_view key) {
  if (inline_count_ < kInlineKeys) {
    inline_keys_[inline_count_++] = key;
  } else {
    more_keys_.push_back(key);
  }
  return table_.get(key);
}

bool TableReader::IsKnown(std::string_view key) const {
  const auto inline_end = inline_keys_.begin() + static_cast<std::ptrdiff_t>(inline_count_);
  return std::find(inline_keys_.begin(), inline_end, key) != inline_end ||
         std::find(more_keys_.begin(), more_keys_.end(), key) != more_keys_.end();
}

std::vector<std::string> TableReader::known_keys() const {
  std::vector<std::string> keys(inline_keys_.begin(),
                                inline_keys_.begin() + static_cast<std::ptrdiff_t>(inline_count_));
  keys.insert(keys.end(), more_keys_.begin(), more_keys_.end());
  return keys;
}

void TableReader::Error(std::string_view key, std::string reason) {
  const toml::node* node = table_.get(key);
  diagnostics_->Add(node != nullptr ? node->source() : table_.source(), std::move(reason));
}

void TableReader::WrongType(std::string_view key, const toml::node& node,
                            std::string_view expected) {
  diagnostics_->Add(node.source(), Quote(key) + " must be " + std::string(expected) + ", not " +
                                       std::string(TypeName(node.type())));
}

bool TableReader::ReadString(std::string_view key, std::string* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  const auto* value = node->as_string();
  if (value == nullptr) {
    WrongType(key, *node, "a string");
    return false;
  }
  *out = value->get();
  return true;
}

bool TableReader::ReadNonEmptyString(std::string_view key, std::string* out) {
  std::string value;
  if (!ReadString(key, &value)) return false;
  if (value.empty()) {
    Error(key, Quote(key) + " must not be empty");
    return false;
  }
  *out = std::move(value);
  return true;
}

bool TableReader::ReadBool(std::string_view key, bool* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  const auto* value = node->as_boolean();
  if (value == nullptr) {
    WrongType(key, *node, "a boolean (true or false)");
    return false;
  }
  *out = value->get();
  return true;
}

bool TableReader::ReadInteger(std::string_view key, int64_t min, int64_t max, int64_t* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  const auto* value = node->as_integer();
  if (value == nullptr) {
    WrongType(key, *node, "an integer");
    return false;
  }
  const int64_t number = value->get();
  if (number < min || number > max) {
    const std::string range =
        max == std::numeric_limits<int64_t>::max()
            ? "at least " + std::to_string(min)
            : "between " + std::to_string(min) + " and " + std::to_string(max);
    Error(key, Quote(key) + " must be " + range + ", not " + std::to_string(number));
    return false;
  }
  *out = number;
  return true;
}

bool TableReader::ReadDouble(std::string_view key, double min, double max, double* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  double number = 0;
  if (const auto* floating = node->as_floating_point()) {
    number = floating->get();
  } else if (const auto* integer = node->as_integer()) {
    number = static_cast<double>(integer->get());
  } else {
    WrongType(key, *node, "a number");
    return false;
  }
  if (!(number >= min && number <= max)) {  // also rejects nan
    Error(key, Quote(key) + " must be between " + FormatNumber(min) + " and " + FormatNumber(max) +
                   ", not " + FormatNumber(number));
    return false;
  }
  *out = number;
  return true;
}

bool TableReader::ReadDuration(std::string_view key, std::chrono::milliseconds min,
                               std::chrono::milliseconds max, std::chrono::milliseconds* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  std::chrono::milliseconds duration{0};
  if (const auto* text = node->as_string()) {
    const auto parsed = ParseDuration(text->get());
    if (!parsed) {
      const bool month = text->get().find('M') != std::string::npos;
      Error(key, Quote(key) + " must be a duration such as \"90s\", \"15m\", \"12h\", \"7d\" or " +
                     "\"1h30m\" (each unit once, the largest first), not \"" + text->get() + "\"" +
                     (month ? " (\"M\" is no unit: minutes are \"m\"; for months, use days: "
                              "\"180d\")"
                            : ""));
      return false;
    }
    duration = *parsed;
  } else if (const auto* seconds = node->as_integer()) {
    if (seconds->get() < 0) {
      Error(key, Quote(key) + " must not be negative");
      return false;
    }
    // Compare in seconds first so that the conversion to milliseconds cannot overflow.
    if (seconds->get() > max.count() / 1000 + 1) {
      Error(key, Quote(key) + " must be at most " + FormatDuration(max) + ", not " +
                     std::to_string(seconds->get()) + "s");
      return false;
    }
    duration = std::chrono::seconds(seconds->get());
  } else {
    WrongType(key, *node, "a duration string such as \"12h\" or an integer number of seconds");
    return false;
  }
  if (duration < min || duration > max) {
    Error(key, Quote(key) + " must be between " + FormatDuration(min) + " and " +
                   FormatDuration(max) + ", not " + FormatDuration(duration));
    return false;
  }
  *out = duration;
  return true;
}

bool TableReader::ReadStringList(std::string_view key, std::vector<std::string>* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  std::vector<std::string> values;
  if (const auto* text = node->as_string()) {
    values.push_back(text->get());
  } else if (const auto* array = node->as_array()) {
    for (const toml::node& element : *array) {
      const auto* element_text = element.as_string();
      if (element_text == nullptr) {
        diagnostics_->Add(element.source(), Quote(key) + " must be a string or an array of " +
                                                "strings; found " +
                                                std::string(TypeName(element.type())));
        return false;
      }
      values.push_back(element_text->get());
    }
  } else {
    WrongType(key, *node, "a string or an array of strings");
    return false;
  }
  for (const std::string& value : values) {
    if (value.empty()) {
      Error(key, Quote(key) + " must not contain empty strings");
      return false;
    }
  }
  *out = std::move(values);
  return true;
}

bool TableReader::ReadInterval(std::string_view key, std::chrono::milliseconds min,
                               std::chrono::milliseconds max, std::chrono::milliseconds* out) {
  const toml::node* node = Get(key);
  if (node == nullptr) return false;
  // An integer, or a string of digits alone ("24"): both are read as seconds.
  std::optional<std::string> without_unit;
  if (const auto* seconds = node->as_integer(); seconds != nullptr && seconds->get() > 0) {
    without_unit = IntervalWithoutUnit(std::to_string(seconds->get()));
  } else if (const auto* text = node->as_string()) {
    without_unit = IntervalWithoutUnit(text->get());
  }
  if (without_unit) {
    Error(key, Quote(key) + " = " + *without_unit);
    return false;
  }
  return ReadDuration(key, min, max, out);
}

void TableReader::ReportUnknownKeys() {
  for (const auto& [key, node] : table_) {
    const std::string_view name = key.str();
    if (IsKnown(name)) continue;
    if (top_level_knows_ != nullptr && top_level_knows_(name)) {
      diagnostics_->Add(key.source(),
                        "unknown key " + Quote(name) + " in the " + std::string(header_) +
                            " table that starts at line " +
                            std::to_string(table_.source().begin.line) +
                            ": it is a top-level key, and TOML reads every key below a table "
                            "header as part of that table; move it above the first table");
      continue;
    }
    const std::string hint = ClosestKeyHint(name, known_keys());
    if (hint.empty()) {
      diagnostics_->Add(key.source(), "unknown key " + Quote(name));
    } else {
      diagnostics_->AddMisspelling(key.source(), "unknown key " + Quote(name) + hint);
    }
  }
}

bool TableReader::ReadChoice(std::string_view key, const std::vector<std::string>& known,
                             std::string* out) {
  std::string value;
  if (!ReadString(key, &value)) return false;
  if (std::find(known.begin(), known.end(), value) == known.end()) {
    std::string joined;
    for (const std::string& name : known) joined += (joined.empty() ? "" : ", ") + name;
    Error(key, Quote(key) + " must be one of " + joined + ", not " + Quote(value) +
                   ClosestKeyHint(value, known));
    return false;
  }
  *out = std::move(value);
  return true;
}

bool TableReader::ReadOwnerOnlyFile(std::string_view key, const std::filesystem::path& base_dir,
                                    std::size_t max_bytes, std::filesystem::path* path,
                                    std::string* content) {
  std::string text;
  if (!ReadNonEmptyString(key, &text)) return false;
  std::filesystem::path file(text);
  if (!file.is_absolute()) file = (base_dir / file).lexically_normal();
  struct stat info {};
  if (::stat(file.c_str(), &info) == 0 && (info.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(info.st_mode & 07777));
    Error(key, Quote(key) + " " + Quote(file.string()) + " has mode " + mode +
                   ": a secret must be readable by the daemon's user only "
                   "(chmod 600, owned by that user)");
    return false;
  }
  Result<std::string> read = ReadRegularFile(file, max_bytes);
  if (!read.ok()) {
    Error(key, Quote(key) + ": " + read.status().message());
    return false;
  }
  if (content != nullptr) *content = std::move(*read);
  *path = std::move(file);
  return true;
}

}  // namespace policyd::config_internal

// Internal to the config component: reading TOML files with precise, file-ordered errors.
//
// toml++ (as packaged by Debian) is built with exceptions, so everything that can throw is
// wrapped here; callers see only Status values.
#ifndef POLICYD_SRC_CONFIG_TOML_READER_H_
#define POLICYD_SRC_CONFIG_TOML_READER_H_

#include <array>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "policyd/status.h"

namespace policyd::config_internal {

// A 1-based line and column inside a file; line 0 means "unknown".
struct Position {
  uint32_t line = 0;
  uint32_t column = 0;
};

Position StartOf(const toml::source_region& region);

// "path:line:col" (or just "path" when the position is unknown).
std::string Locate(const std::filesystem::path& file, Position position);

// "string", "integer", "array", ... for error messages.
std::string_view TypeName(toml::node_type type);

// " (did you mean 'x'?)" when one of `candidates` is at most 2 edits from `name` (the
// closest), else "": the hint of every "unknown key/value" message.
std::string ClosestKeyHint(std::string_view name, const std::vector<std::string>& candidates);

// Collects the problems found in one file. The reported error is the earliest one in file
// order, so the message points at the first thing to fix whatever order the checks ran in.
class Diagnostics {
 public:
  explicit Diagnostics(std::filesystem::path file) : file_(std::move(file)) {}

  void Add(Position position, std::string reason);
  void Add(const toml::source_region& region, std::string reason) {
    Add(StartOf(region), std::move(reason));
  }
  // An unknown key with a did-you-mean hint: said beside the earliest error when that one is
  // another (a missing key is reported at its table, above the typo that caused it).
  void AddMisspelling(const toml::source_region& region, std::string reason);
  bool HasErrors() const { return !errors_.empty(); }
  const std::filesystem::path& file() const { return file_; }

  // OK, or InvalidArgument("path:line:col: reason") for the earliest error.
  Status ToStatus() const;

 private:
  struct Error {
    Position position;
    std::string reason;
    bool misspelling = false;
  };
  std::filesystem::path file_;
  std::vector<Error> errors_;
};

// Reads and parses `path`. A missing or unreadable file is an IoError naming it; a syntax error
// is InvalidArgument("path:line:col: reason").
Status ParseTomlFile(const std::filesystem::path& path, toml::table* table);
// Parses `text`, the bytes read from `path` (named in errors and source positions).
Status ParseTomlText(std::string_view text, const std::filesystem::path& path, toml::table* table);

// Typed, validating access to the keys of one TOML table. Every key asked for is remembered as
// known, so that ReportUnknownKeys() can flag the rest: a misspelt key must not silently fall
// back to its default. The keys are remembered as they are given, not copied: each must
// outlive the reader (they are the schema: string literals). A reader per [[documents]] table
// of a million-document target set must cost next to nothing.
//
// The Read* methods return true when the key is present and valid (and then write *out). They
// return false, leaving *out alone, when the key is absent (no error) or invalid (error recorded).
class TableReader {
 public:
  TableReader(const toml::table& table, Diagnostics* diagnostics)
      : table_(table), diagnostics_(diagnostics) {}

  // The node stored under `key`, or nullptr. Marks `key` as known.
  const toml::node* Get(std::string_view key);

  bool ReadString(std::string_view key, std::string* out);
  // Like ReadString, and the value must not be empty.
  bool ReadNonEmptyString(std::string_view key, std::string* out);
  bool ReadBool(std::string_view key, bool* out);
  bool ReadInteger(std::string_view key, int64_t min, int64_t max, int64_t* out);
  // Accepts integers too (jitter = 0 is natural to write).
  bool ReadDouble(std::string_view key, double min, double max, double* out);
  // A string for ParseDuration ("12h", "1h30m") or an integer number of seconds.
  bool ReadDuration(std::string_view key, std::chrono::milliseconds min,
                    std::chrono::milliseconds max, std::chrono::milliseconds* out);
  // ReadDuration for how often something is checked: a bare integer under 60 is refused as a
  // missing unit (`interval = 24` meant a day, not 24 seconds).
  bool ReadInterval(std::string_view key, std::chrono::milliseconds min,
                    std::chrono::milliseconds max, std::chrono::milliseconds* out);
  // A string or an array of strings; each must be non-empty.
  bool ReadStringList(std::string_view key, std::vector<std::string>* out);
  // A string that must be one of `known` (an error names them, with a did-you-mean).
  bool ReadChoice(std::string_view key, const std::vector<std::string>& known, std::string* out);
  // A file named by string `key` (relative to `base_dir`) that must be a regular file of at
  // most `max_bytes`, readable by its owner only (mode 0600 or 0400: it holds a secret).
  // Writes its absolute path, and its content when `content` is not null.
  bool ReadOwnerOnlyFile(std::string_view key, const std::filesystem::path& base_dir,
                         std::size_t max_bytes, std::filesystem::path* path, std::string* content);

  // Integer fields of any width, range-checked before narrowing.
  template <typename Int>
  bool ReadIntegerAs(std::string_view key, Int min, Int max, Int* out) {
    static_assert(std::numeric_limits<Int>::is_integer);
    int64_t value = 0;
    if (!ReadInteger(key, static_cast<int64_t>(min), static_cast<int64_t>(max), &value)) {
      return false;
    }
    *out = static_cast<Int>(value);
    return true;
  }

  // Records an error for every key of the table that no Get/Read* asked for.
  void ReportUnknownKeys();

  // For a table written with a header (`header`: "[[webhooks]]", "[nats]"): TOML reads every
  // key below a header as part of that table, so a top-level key added at the end of a file
  // lands here. ReportUnknownKeys says so for an unknown key that `top_level_knows`.
  void set_enclosing(std::string_view header, bool (*top_level_knows)(std::string_view key)) {
    header_ = header;
    top_level_knows_ = top_level_knows;
  }

  // Records `reason` at the position of `key`'s value.
  void Error(std::string_view key, std::string reason);

  const toml::table& table() const { return table_; }
  Diagnostics* diagnostics() const { return diagnostics_; }
  // Every key asked for so far, in asking order: after reading a table, the keys it may hold.
  std::vector<std::string> known_keys() const;

 private:
  void WrongType(std::string_view key, const toml::node& node, std::string_view expected);
  bool IsKnown(std::string_view key) const;

  const toml::table& table_;
  Diagnostics* diagnostics_;
  // The keys asked for: the first kInlineKeys in place, the rest in more_keys_. A
  // [[documents]] table asks for about ten, and a vector grown per reader was five
  // allocations for each of a million documents.
  static constexpr std::size_t kInlineKeys = 16;
  std::array<std::string_view, kInlineKeys> inline_keys_{};
  std::size_t inline_count_ = 0;
  std::vector<std::string_view> more_keys_;
  std::string_view header_;                                  // set_enclosing
  bool (*top_level_knows_)(std::string_view key) = nullptr;  // set_enclosing
};

}  // namespace policyd::config_internal

#endif  // POLICYD_SRC_CONFIG_TOML_READER_H_

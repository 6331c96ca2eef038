// Writing and reading the little binary records policyd keeps for speed (stored document
// states, the parsed-target cache): fixed-width little-endian integers and length-prefixed
// strings, the same on every machine. The reader is bounded by its record: a read past the end
// reads zeros and marks the record truncated, so a corrupt or short record is reported, never
// read beyond.
#ifndef POLICYD_BINARY_RECORD_H_
#define POLICYD_BINARY_RECORD_H_

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace policyd {

// Appends `value` in little-endian order.
template <std::unsigned_integral Unsigned>
void PutLittleEndian(Unsigned value, std::string* out) {
  for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
    out->push_back(static_cast<char>(static_cast<uint8_t>(value >> (8 * i))));
  }
}

// Appends `text` as a u32 length and its bytes. Records hold short texts (hashes, ids, URLs,
// selectors), far below 4 GB.
inline void PutLengthPrefixed(std::string_view text, std::string* out) {
  PutLittleEndian(static_cast<uint32_t>(text.size()), out);
  out->append(text);
}

// Reads a record front to back; the first read past its end fails, and every later one with it.
class BinaryReader {
 public:
  explicit BinaryReader(std::string_view record) : rest_(record) {}

  template <std::unsigned_integral Unsigned>
  Unsigned Read() {
    if (rest_.size() < sizeof(Unsigned)) {
      truncated_ = true;
      rest_ = {};
      return 0;
    }
    Unsigned value = 0;
    for (std::size_t i = 0; i < sizeof(Unsigned); ++i) {
      value |= static_cast<Unsigned>(static_cast<uint8_t>(rest_[i])) << (8 * i);
    }
    rest_.remove_prefix(sizeof(Unsigned));
    return value;
  }
  int64_t Int64() { return static_cast<int64_t>(Read<uint64_t>()); }
  int32_t Int32() { return static_cast<int32_t>(Read<uint32_t>()); }

  // A length-prefixed text (PutLengthPrefixed), viewed in the record; empty once truncated.
  std::string_view View() {
    const uint32_t length = Read<uint32_t>();
    if (rest_.size() < length) {
      truncated_ = true;
      rest_ = {};
      return {};
    }
    const std::string_view text = rest_.substr(0, length);
    rest_.remove_prefix(length);
    return text;
  }
  void String(std::string* out) { out->assign(View()); }

  bool truncated() const { return truncated_; }
  std::size_t bytes_left() const { return rest_.size(); }

 private:
  std::string_view rest_;
  bool truncated_ = false;
};

}  // namespace policyd

#endif  // POLICYD_BINARY_RECORD_H_

// Key encodings of the column families (see the layout in policyd/store.h). Integers are
// big-endian so that byte order is numeric order; a document's records share the prefix
// doc_id '\0', which no other document's keys start with because ids contain no NUL.
#ifndef POLICYD_SRC_STORE_KEYS_H_
#define POLICYD_SRC_STORE_KEYS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace policyd::store_internal {

// True for ids the key layout can hold: non-empty, without NUL.
bool IsValidDocId(std::string_view doc_id);

void AppendBigEndian64(uint64_t value, std::string* out);
// The value of an 8-byte big-endian key; nullopt for any other length.
std::optional<uint64_t> DecodeBigEndian64(std::string_view bytes);

// events: be64(sequence).
std::string EventKey(uint64_t sequence);

// versions and checks: doc_id '\0' be64(time ms) be64(n). Negative times are stored as 0
// (they would otherwise sort after every real time).
std::string DocTimeKey(std::string_view doc_id, int64_t time_ms, uint64_t n);

// [DocKeyBegin, DocKeyEnd) bounds exactly the DocTimeKey keys of `doc_id`.
std::string DocKeyBegin(std::string_view doc_id);
std::string DocKeyEnd(std::string_view doc_id);

}  // namespace policyd::store_internal

#endif  // POLICYD_SRC_STORE_KEYS_H_

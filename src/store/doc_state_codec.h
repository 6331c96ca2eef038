// The stored form of a DocState (the docs column family's values). A daemon restarts by
// reading a million of them, so they are stored in a compact binary encoding that decodes with
// a few copies instead of a JSON parse (issue 19 item 4); records written before it (JSON
// objects, schema version 1) are still read, so an upgrade keeps every stored state.
//
// Binary record, format 4 (integers little-endian, fixed width):
//   u8  format tag (kDocStateFormat4 = 0x04; a JSON record starts with '{' or white space)
//   i64 next_due_ms, last_check_ms, last_success_ms, last_change_ms, render_tested_ms
//   u64 version_count
//   u64 validators_key (ValidatorsKey in policyd/check.h)
//   i64 text_seen_ms, suspect_since_ms
//   i32 consecutive_failures, suspect_count
//   u8  flags (bit 0: failure_reported; the others must be 0)
//   u8  render_choice (RenderChoice's value, 0..3)
//   6 x (u32 length, bytes): last_text_hash, etag, last_modified, last_error, suspect_hash,
//                            validators_url
// and nothing after the last string. Format 3 (tag 0x03) was written in two layouts under one
// tag: first (commit e07fd3d) without text_seen_ms and suspect_since_ms, then (9f7f771 to
// a26f7b8) as format 4. Both are read: the layout with the times is tried first, and the other
// when the record does not decode exactly as that one (every length, flag and the end must
// agree, which the other layout's bytes, 16 fewer before the strings, do not). Format 2 (tag 0x02,
// written before validators were kept through an HTTP redirect and before the times a text was read
// were kept) is the same without text_seen_ms and suspect_since_ms, read as 0 (not known), and
// without validators_url, read as
// "" (the validators, if any, are the document's URL's own, as they always were then). Format 1
// (tag 0x01, written before validators were keyed by their URL and extraction settings) also lacks
// validators_key, read as 0 (none known: the next request is unconditional). A later format takes
// the next tag (a layout change under an existing tag is what format 3's two layouts teach not
// to do); this decoder refuses tags it does not know instead of guessing. A database holding
// format 4 records is stamped schema version 5, which an older policyd refuses.
#ifndef POLICYD_SRC_STORE_DOC_STATE_CODEC_H_
#define POLICYD_SRC_STORE_DOC_STATE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "policyd/status.h"
#include "policyd/store.h"

namespace policyd::store_internal {

inline constexpr uint8_t kDocStateFormat1 = 0x01;
inline constexpr uint8_t kDocStateFormat2 = 0x02;
inline constexpr uint8_t kDocStateFormat3 = 0x03;
inline constexpr uint8_t kDocStateFormat4 = 0x04;

// `state` as a format 4 record.
std::string EncodeDocState(const DocState& state);

// The DocState of a stored record, binary (format 4, 3, 2 or 1) or JSON (the form before them).
// Bounded by the record: every length is checked against the bytes left. Corruption, saying what is
// wrong, for an unknown format tag, a truncated record, bytes after its end, an unknown render
// choice or flag, or a JSON record that is not an object.
Result<DocState> DecodeDocState(std::string_view record);
// The same into `*state`, every field of which it sets (on success): a scan decoding many
// records into one DocState reuses its strings' buffers instead of allocating them again.
Status DecodeDocState(std::string_view record, DocState* state);

}  // namespace policyd::store_internal

#endif  // POLICYD_SRC_STORE_DOC_STATE_CODEC_H_

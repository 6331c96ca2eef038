#include "src/store/doc_state_codec.h"

#include <array>
#include <optional>

#include "policyd/binary_record.h"
#include "src/store/json_codec.h"

namespace policyd::store_internal {

namespace {

// A field added to DocState must be encoded too (and decoded, in a new format): this is here
// to say so.
static_assert(sizeof(DocState) == 288, "DocState changed: update the doc state codec");

constexpr uint8_t kFailureReportedFlag = 0x01;
constexpr uint8_t kLastRenderChoice = static_cast<uint8_t>(RenderChoice::kNeither);

// The strings of a DocState, in the order they are stored. Formats 1 and 2 end before the last.
template <typename State>
auto Strings(State& state) {
  return std::array{&state.last_text_hash, &state.etag,         &state.last_modified,
                    &state.last_error,     &state.suspect_hash, &state.validators_url};
}

// The layouts of the binary formats (doc_state_codec.h).
struct Layout {
  bool validators_key = true;  // not in format 1: none known
  bool seen_times = true;      // text_seen_ms, suspect_since_ms: not in formats 1, 2 and 3's first
  bool validators_url = true;  // not in formats 1 and 2: the document's URL's own validators
};
constexpr Layout kFormat1Layout{
    .validators_key = false, .seen_times = false, .validators_url = false};
constexpr Layout kFormat2Layout{.seen_times = false, .validators_url = false};
constexpr Layout kFormat3FirstLayout{.seen_times = false};
constexpr Layout kFullLayout{};  // format 4, and format 3 since 9f7f771

// Decodes `body` as `layout`; a field the layout lacks is read as not known.
Status DecodeBinary(Layout layout, std::string_view body, DocState* out) {
  BinaryReader reader(body);
  DocState& state = *out;
  state.next_due_ms = reader.Int64();
  state.last_check_ms = reader.Int64();
  state.last_success_ms = reader.Int64();
  state.last_change_ms = reader.Int64();
  state.render_tested_ms = reader.Int64();
  state.version_count = reader.Read<uint64_t>();
  state.validators_key = layout.validators_key ? reader.Read<uint64_t>() : 0;
  state.text_seen_ms = layout.seen_times ? reader.Int64() : 0;
  state.suspect_since_ms = layout.seen_times ? reader.Int64() : 0;
  state.consecutive_failures = reader.Int32();
  state.suspect_count = reader.Int32();
  const auto flags = reader.Read<uint8_t>();
  const auto render_choice = reader.Read<uint8_t>();
  const auto strings = Strings(state);
  const std::size_t stored_strings = layout.validators_url ? strings.size() : 5;
  for (std::size_t i = 0; i < strings.size(); ++i) {
    if (i < stored_strings) {
      reader.String(strings[i]);
    } else {
      strings[i]->clear();
    }
  }
  if (reader.truncated()) return Status::Corruption("binary doc state is truncated");
  if (reader.bytes_left() != 0) {
    return Status::Corruption("binary doc state has " + std::to_string(reader.bytes_left()) +
                              " bytes after its end");
  }
  if ((flags & ~kFailureReportedFlag) != 0) {
    return Status::Corruption("binary doc state has unknown flags " + std::to_string(flags));
  }
  if (render_choice > kLastRenderChoice) {
    return Status::Corruption("binary doc state has an unknown render choice " +
                              std::to_string(render_choice));
  }
  state.failure_reported = (flags & kFailureReportedFlag) != 0;
  state.render_choice = static_cast<RenderChoice>(render_choice);
  return Status::Ok();
}

bool IsJsonWhiteSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::string EncodeDocState(const DocState& state) {
  std::string out;
  std::size_t size = 1 + 9 * 8 + 2 * 4 + 2;
  for (const std::string* text : Strings(state)) size += 4 + text->size();
  out.reserve(size);
  out.push_back(static_cast<char>(kDocStateFormat4));
  for (const int64_t value : {state.next_due_ms, state.last_check_ms, state.last_success_ms,
                              state.last_change_ms, state.render_tested_ms}) {
    PutLittleEndian(static_cast<uint64_t>(value), &out);
  }
  PutLittleEndian(state.version_count, &out);
  PutLittleEndian(state.validators_key, &out);
  PutLittleEndian(static_cast<uint64_t>(state.text_seen_ms), &out);
  PutLittleEndian(static_cast<uint64_t>(state.suspect_since_ms), &out);
  PutLittleEndian(static_cast<uint32_t>(state.consecutive_failures), &out);
  PutLittleEndian(static_cast<uint32_t>(state.suspect_count), &out);
  out.push_back(static_cast<char>(state.failure_reported ? kFailureReportedFlag : 0));
  out.push_back(static_cast<char>(state.render_choice));
  for (const std::string* text : Strings(state)) {
    PutLengthPrefixed(*text, &out);
  }
  return out;
}

Result<DocState> DecodeDocState(std::string_view record) {
  DocState state;
  if (Status status = DecodeDocState(record, &state); !status.ok()) return status;
  return state;
}

Status DecodeDocState(std::string_view record, DocState* state) {
  if (record.empty()) return Status::Corruption("doc state record is empty");
  const auto tag = static_cast<uint8_t>(record.front());
  const std::string_view body = record.substr(1);
  switch (tag) {
    case kDocStateFormat1:
      return DecodeBinary(kFormat1Layout, body, state);
    case kDocStateFormat2:
      return DecodeBinary(kFormat2Layout, body, state);
    case kDocStateFormat3:
      if (DecodeBinary(kFullLayout, body, state).ok()) return Status::Ok();
      return DecodeBinary(kFormat3FirstLayout, body, state);
    case kDocStateFormat4:
      return DecodeBinary(kFullLayout, body, state);
    default:
      break;
  }
  if (record.front() == '{' || IsJsonWhiteSpace(record.front())) {
    const std::optional<nlohmann::json> j = ParseJsonObject(record);
    if (!j.has_value()) return Status::Corruption("JSON doc state is not a JSON object");
    *state = DocStateFromJson(*j);
    return Status::Ok();
  }
  return Status::Corruption("doc state record has an unknown format (tag " + std::to_string(tag) +
                            "; a newer policyd's?)");
}

}  // namespace policyd::store_internal

#include "packed_state.h"

#include <array>
#include <cstring>
#include <string>

namespace policyd {

namespace {

// A field added to DocState must be packed too (and unpacked): this is here to say so.
static_assert(sizeof(DocState) == 288, "DocState changed: update PackedState");

// The strings of a DocState, in the order they are packed.
template <typename State>
auto Strings(State& state) {
  return std::array{&state.last_text_hash, &state.etag,         &state.last_modified,
                    &state.last_error,     &state.suspect_hash, &state.validators_url};
}

}  // namespace

PackedState::PackedState(const DocState& state) {
  Fixed fixed;
  fixed.next_due_ms = state.next_due_ms;
  fixed.last_check_ms = state.last_check_ms;
  fixed.last_success_ms = state.last_success_ms;
  fixed.last_change_ms = state.last_change_ms;
  fixed.text_seen_ms = state.text_seen_ms;
  fixed.suspect_since_ms = state.suspect_since_ms;
  fixed.render_tested_ms = state.render_tested_ms;
  fixed.version_count = state.version_count;
  fixed.validators_key = state.validators_key;
  fixed.consecutive_failures = state.consecutive_failures;
  fixed.suspect_count = state.suspect_count;
  fixed.failure_reported = state.failure_reported;
  fixed.render_choice = state.render_choice;
  std::size_t size = sizeof(Fixed);
  const auto strings = Strings(state);
  for (std::size_t i = 0; i < strings.size(); ++i) {
    // A stored state's strings are bounded far below 4 GB (hashes, validators, one message).
    fixed.lengths[i] = static_cast<uint32_t>(strings[i]->size());
    size += strings[i]->size();
  }
  bytes_ = std::make_unique_for_overwrite<std::byte[]>(size);
  std::memcpy(bytes_.get(), &fixed, sizeof(Fixed));
  std::byte* next = bytes_.get() + sizeof(Fixed);
  for (const std::string* text : strings) {
    std::memcpy(next, text->data(), text->size());
    next += text->size();
  }
}

PackedState::Fixed PackedState::Numbers() const {
  Fixed fixed;
  if (bytes_ != nullptr) std::memcpy(&fixed, bytes_.get(), sizeof(Fixed));
  return fixed;
}

DocState PackedState::Unpack() const {
  DocState state;
  if (bytes_ == nullptr) return state;
  const Fixed fixed = Numbers();
  state.next_due_ms = fixed.next_due_ms;
  state.last_check_ms = fixed.last_check_ms;
  state.last_success_ms = fixed.last_success_ms;
  state.last_change_ms = fixed.last_change_ms;
  state.text_seen_ms = fixed.text_seen_ms;
  state.suspect_since_ms = fixed.suspect_since_ms;
  state.render_tested_ms = fixed.render_tested_ms;
  state.version_count = fixed.version_count;
  state.validators_key = fixed.validators_key;
  state.consecutive_failures = fixed.consecutive_failures;
  state.suspect_count = fixed.suspect_count;
  state.failure_reported = fixed.failure_reported;
  state.render_choice = fixed.render_choice;
  const auto* next = reinterpret_cast<const char*>(bytes_.get() + sizeof(Fixed));
  const auto strings = Strings(state);
  for (std::size_t i = 0; i < strings.size(); ++i) {
    strings[i]->assign(next, fixed.lengths[i]);
    next += fixed.lengths[i];
  }
  return state;
}

}  // namespace policyd

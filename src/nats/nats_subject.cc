#include <algorithm>
#include <charconv>

#include "policyd/config.h"
#include "policyd/nats.h"

namespace policyd {
namespace {

std::string FieldToken(const nlohmann::json& event, const char* key) {
  const auto it = event.find(key);
  if (it == event.end() || !it->is_string()) return "_";
  return NatsSubjectToken(it->get_ref<const std::string&>());
}

}  // namespace

std::string NatsSubjectToken(std::string_view name) {
  std::string token = Slugify(name);
  if (token.size() > kNatsTokenMaxBytes) {
    token.resize(kNatsTokenMaxBytes);
    while (!token.empty() && token.back() == '-') token.pop_back();  // as Slugify ends
  }
  return token.empty() ? "_" : token;
}

std::string NatsSubject(std::string_view prefix, std::string_view node_id,
                        std::string_view event_line) {
  const auto event = nlohmann::json::parse(event_line, nullptr, /*allow_exceptions=*/false);
  const bool object = event.is_object();
  const std::string platform = object ? FieldToken(event, "platform") : "_";
  const std::string doc_type = object ? FieldToken(event, "doc_type") : "_";
  return std::string(prefix) + "." + platform + "." + doc_type + "." + std::string(node_id);
}

std::string NatsNodeFilter(std::string_view prefix, std::string_view node_id) {
  return std::string(prefix) + ".*.*." + std::string(node_id);
}

std::string NatsMsgId(std::string_view node_id, uint64_t seq) {
  return std::string(node_id) + ":" + std::to_string(seq);
}

std::optional<uint64_t> NatsMsgIdSeq(std::string_view msg_id, std::string_view node_id) {
  if (msg_id.size() <= node_id.size() + 1 || !msg_id.starts_with(node_id) ||
      msg_id[node_id.size()] != ':') {
    return std::nullopt;
  }
  const std::string_view digits = msg_id.substr(node_id.size() + 1);
  uint64_t seq = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (error != std::errc() || end != digits.data() + digits.size() || seq == 0) {
    return std::nullopt;
  }
  return seq;
}

uint64_t NatsResumePosition(uint64_t stored_cursor, std::optional<uint64_t> last_in_stream,
                            uint64_t last_seq, uint64_t refused_seq) {
  uint64_t position = std::min(std::max(stored_cursor, last_in_stream.value_or(0)), last_seq);
  if (refused_seq > stored_cursor) position = std::min(position, refused_seq - 1);
  return position;
}

}  // namespace policyd

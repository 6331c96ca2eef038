// Reading a policyd JetStream stream back in the integration tests, as a remote consumer
// does (docs/EVENTS.md): a durable pull consumer with explicit acks over "policyd.events.>".
#ifndef POLICYD_TESTS_INTEGRATION_NATS_STREAM_READER_H_
#define POLICYD_TESTS_INTEGRATION_NATS_STREAM_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace policyd::testing {

// One message of the stream as a consumer sees it.
struct Received {
  uint64_t stream_seq = 0;
  std::string subject;
  std::string msg_id;
  uint64_t event_seq = 0;  // Policyd-Event-Seq
  std::string type;        // Policyd-Event-Type
  nlohmann::json body;
};

// Reads the whole stream `stream` with a new durable pull consumer named `durable`; empty
// with `error` set when NATS cannot be read.
std::vector<Received> ReadStream(const std::string& url, const std::string& stream,
                                 const std::string& durable, std::string* error);

// Creates (or, with `update`, changes) stream `stream` over "policyd.events.>", file storage,
// as its operator would, with a limit on the size of one message (-1: none). "" on success,
// else why it failed.
std::string PutStream(const std::string& url, const std::string& stream, int32_t max_msg_size,
                      bool update);

}  // namespace policyd::testing

#endif  // POLICYD_TESTS_INTEGRATION_NATS_STREAM_READER_H_

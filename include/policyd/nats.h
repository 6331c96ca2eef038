// Events to JetStream: with [nats] configured, every stored event is also published to a
// JetStream stream, in sequence order, exactly once (docs/EVENTS.md, "Events in NATS").
//
// Contract:
//  - Source of truth. The event log in the store is the outbox: NatsOutbox publishes from
//    it after a cursor (every event at or below it is in the stream), which it keeps in the
//    store (meta "nats_cursor/" + stream). A NATS outage only makes the cursor lag (`status`
//    shows the lag); nothing is lost, and checks never wait for NATS.
//  - Order. Events go out in windows of at most kNatsWindowEvents events and
//    kNatsWindowBytes bytes, published asynchronously on one connection (JetStream stores a
//    connection's messages in the order they arrive) and acknowledged before the next window
//    starts. The cursor moves over the acknowledged prefix of a window; anything else ends
//    the connection, and the rest is published again on the next one.
//  - Exactly once. Each message carries Nats-Msg-Id "<node id>:<seq>" (NatsMsgId; the node
//    id is this database's, include/policyd/node_id.h), so JetStream drops a republish inside
//    the stream's duplicate window. Past the window: on every (re)connection the outbox asks
//    the stream for the last message on this node's subjects (NatsNodeFilter,
//    js_GetLastMsg) and resumes after it when it is ahead of the stored cursor
//    (NatsResumePosition). So a daemon killed between a PubAck and its cursor write, and down
//    for longer than the window, still publishes nothing twice.
//  - Subjects. <subject_prefix>.<platform>.<doc_type>.<node id>; platform and doc type are
//    their slugs (NatsSubjectToken: a-z, 0-9 and '-', so never '.', '*', '>' or whitespace).
//    Consumers filter with wildcards: "policyd.events.acme.>",
//    "policyd.events.*.terms-of-service.>".
//  - Bounds. A message is one stored event (at most 64 KiB, kMaxEventBytes) plus five short
//    headers; at most kNatsWindowEvents messages are unacknowledged at once.
//  - Threads. The outbox has one thread ("policyd-nats") that connects, publishes and writes
//    the cursor; cnats has its own threads (the ack handler runs on one of them). The daemon's
//    io thread only calls Notify, RequestStop and Status, which take a mutex held for
//    moments, never across a NATS call or a store write.
//  - Reconnection. A failed connection is tried again with BackoffDelay (retry_min ..
//    retry_max, jitter); the log says when the state changes (connected, lost, first failed
//    attempt), not at every retry.
#ifndef POLICYD_NATS_H_
#define POLICYD_NATS_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "policyd/config.h"
#include "policyd/status.h"
#include "policyd/store.h"

namespace policyd {

// At most this many events (and their bytes) are published before their acks are awaited.
inline constexpr std::size_t kNatsWindowEvents = 256;
inline constexpr std::size_t kNatsWindowBytes = 1 << 20;
// A subject token made of a name is cut to this many bytes.
inline constexpr std::size_t kNatsTokenMaxBytes = 64;

// ---------------------------------------------------------------------------------------
// Pure logic

// The subject token for a platform or document type name: its slug (Slugify: lower-case
// a-z, 0-9, '-'), cut to kNatsTokenMaxBytes; "_" when the slug is empty (a name without
// ASCII letters or digits).
std::string NatsSubjectToken(std::string_view name);

// <prefix>.<platform token>.<doc_type token>.<node_id> for one stored event (its "platform"
// and "doc_type"; "_" for a missing one).
std::string NatsSubject(std::string_view prefix, std::string_view node_id,
                        std::string_view event_line);

// <prefix>.*.*.<node_id>: every subject this node publishes to.
std::string NatsNodeFilter(std::string_view prefix, std::string_view node_id);

// "<node_id>:<seq>", the Nats-Msg-Id of event `seq`.
std::string NatsMsgId(std::string_view node_id, uint64_t seq);
// The seq of a Nats-Msg-Id of `node_id`; nullopt for another node's or a malformed one.
std::optional<uint64_t> NatsMsgIdSeq(std::string_view msg_id, std::string_view node_id);

// Where publishing resumes after a connection: after the stored cursor, or after the last
// event of this node that the stream holds when that is further (its PubAck came, the cursor
// write did not), never past the log's end (`last_seq`), nor past an event the stream
// refused (`refused_seq`, 0: none) while it stored later ones: that one is still missing.
uint64_t NatsResumePosition(uint64_t stored_cursor, std::optional<uint64_t> last_in_stream,
                            uint64_t last_seq, uint64_t refused_seq = 0);

// The stream settings policyd asks for, and an existing stream's, as comparable values.
struct NatsStreamSettings {
  std::vector<std::string> subjects;
  NatsRetention retention = NatsRetention::kLimits;
  NatsStorage storage = NatsStorage::kFile;
  int replicas = 1;
  std::chrono::milliseconds max_age{0};  // 0: none
  int64_t max_bytes = 0;                 // 0: none
  std::chrono::milliseconds duplicate_window{0};
};
NatsStreamSettings WantedStreamSettings(const NatsConfig& config);
// What differs, one phrase each ("retention: limits configured, interest in the stream"),
// in a fixed order; empty when they agree. An existing stream is used as it is (it may be
// shared and tuned by its operator); the differences are logged.
std::vector<std::string> StreamDifferences(const NatsStreamSettings& wanted,
                                           const NatsStreamSettings& existing);

// ---------------------------------------------------------------------------------------
// Status

enum class NatsState {
  kConnecting,    // no connection yet, or trying again after a failure
  kConnected,     // publishing (or idle: nothing to publish)
  kDisconnected,  // the connection failed; the next attempt is at next_attempt_ms
  kStopped,       // the daemon is stopping
};
const char* NatsStateName(NatsState state);  // "connecting", "connected", ...

struct NatsStatus {
  NatsState state = NatsState::kConnecting;
  std::string url;  // the server connected to, else the configured list joined by ","
  std::string stream;
  std::string node_id;
  uint64_t published_seq = 0;  // the cursor: every event at or below it is in the stream
  uint64_t last_seq = 0;       // the log's end when the status was taken
  uint64_t published = 0;      // messages acknowledged since start
  uint64_t duplicates = 0;     // of which JetStream reported as duplicates
  int consecutive_failures = 0;
  std::string last_error;  // "" once connected again
  int64_t last_error_ms = 0;
  int64_t connected_since_ms = 0;  // 0 unless connected
  int64_t next_attempt_ms = 0;     // 0 unless disconnected
  uint64_t lag() const { return last_seq > published_seq ? last_seq - published_seq : 0; }
};
// {"state", "connected", "url", "stream", "node_id", "published_seq", "last_seq", "lag",
//  "published", "duplicates", "consecutive_failures", "last_error", "last_error_time",
//  "connected_since", "next_attempt"}; times as RFC 3339 strings or null.
nlohmann::json ToJson(const NatsStatus& status);

// ---------------------------------------------------------------------------------------
// Publishing (I/O)

class NatsOutbox {
 public:
  // `config.enabled` must be true. The Store must outlive the outbox.
  NatsOutbox(Store& store, NatsConfig config);
  // RequestStop(), joins the thread, then closes the NATS library (nats_CloseAndWait): the
  // last NATS user to go (the fleet's connections are closed before it).
  ~NatsOutbox();
  NatsOutbox(const NatsOutbox&) = delete;
  NatsOutbox& operator=(const NatsOutbox&) = delete;

  // Reads (or makes) the node id and the stored cursor (a new outbox starts at event 1, or at
  // the log's end with start = "end", stored at once; a cursor ahead of the log is brought
  // back to its end, with a warning), then starts the thread. Store errors are returned.
  Status Start();
  // Events were committed: the thread looks for them. Never blocks on NATS.
  void Notify();
  // Asks the thread to stop: it abandons the window in flight (the next start finds what
  // the stream holds) and exits. Returns at once.
  void RequestStop();
  NatsStatus CurrentStatus() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace policyd

#endif  // POLICYD_NATS_H_

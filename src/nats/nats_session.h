// NatsSession: one connection to NATS as the outbox uses it. Open connects (to each
// configured server in turn, cnats's own reconnection off: the outbox decides when to try
// again), makes the JetStream context and creates the stream when it is missing. Then it
// answers where this node's events end in the stream, and publishes windows of events.
//
// Threading: used by the outbox thread only. PubAcks arrive on a cnats thread and are
// written into an AckBook, which the outbox owns and keeps until the library is closed: a
// late ack of a closed connection (cnats may still be running its handler) never touches
// freed memory, and is ignored because it names another jsCtx.
#ifndef POLICYD_SRC_NATS_NATS_SESSION_H_
#define POLICYD_SRC_NATS_NATS_SESSION_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nats_handles.h"
#include "policyd/config.h"
#include "policyd/nats.h"
#include "policyd/status.h"
#include "policyd/store.h"

namespace policyd::nats {

// The acks of the window in flight (guarded by its mutex).
struct AckBook {
  enum class Ack { kWaiting, kStored, kFailed };
  std::mutex mutex;
  std::condition_variable changed;
  const jsCtx* js = nullptr;  // the session whose acks count; null between windows
  uint64_t first_seq = 0;     // the window's first event
  std::vector<Ack> acks;      // one per event of the window
  uint64_t duplicates = 0;    // acks that JetStream marked as duplicates
  std::string first_error;    // of the first failed ack
};

class Session {
 public:
  // The header names of every message.
  static constexpr const char* kSeqHeader = "Policyd-Event-Seq";
  static constexpr const char* kTypeHeader = "Policyd-Event-Type";
  static constexpr const char* kNodeHeader = "Policyd-Node";

  // Connects and makes sure the stream exists (created with WantedStreamSettings when it is
  // missing). `book` must outlive every connection ever opened with it.
  static Result<std::unique_ptr<Session>> Open(const NatsConfig& config, std::string node_id,
                                               AckBook& book);
  ~Session();

  const std::string& url() const { return url_; }
  // How the existing stream differs from the configured settings (StreamDifferences), empty
  // when policyd created it or they agree.
  const std::vector<std::string>& stream_differences() const { return differences_; }
  // True once the connection is closed (the server went away, a ping went unanswered).
  bool closed() const;

  // The seq of this node's last event in the stream (from its Nats-Msg-Id), nullopt when
  // the stream holds none.
  Result<std::optional<uint64_t>> LastPublishedSeq();

  struct WindowResult {
    std::size_t stored = 0;  // the acknowledged prefix of the window
    uint64_t duplicates = 0;
    Status error;  // why the rest was not acknowledged; OK when all were
    // The last event stored after one that was refused (0: none). Only a stream's own
    // limits refuse single messages (discard new, max_msg_size); the refused one is then
    // behind it in the stream, or missing, and the outbox says so.
    uint64_t stored_out_of_order = 0;
    // The first event not stored was refused by the stream (its PubAck was an error), rather
    // than lost with the connection or not answered in time.
    bool first_unstored_refused = false;
  };
  // Publishes `events` (in order, one window) and waits for their acks: at most ack_timeout,
  // less when `stop` is set meanwhile.
  WindowResult PublishWindow(const std::vector<StoredEvent>& events, const std::atomic<bool>& stop);

 private:
  Session(const NatsConfig& config, std::string node_id, AckBook& book);
  Status Connect();
  Status EnsureStream();
  Result<MsgPtr> MakeMessage(const StoredEvent& event) const;
  // PublishWindow's phases. Open: the ack book expects `events`' acks.
  void OpenWindow(const std::vector<StoredEvent>& events);
  // Send: publishes them in order until one cannot be sent (`*error` says why); how many
  // were sent.
  std::size_t SendWindow(const std::vector<StoredEvent>& events, Status* error);
  // Waits for every ack of the window (or the deadline, or `stop`); true when none is missing.
  bool AwaitAcks(const std::atomic<bool>& stop);
  // Close: the acknowledged prefix and why the rest is not stored, from the book; later acks
  // of the window are ignored.
  WindowResult CloseWindow(const std::vector<StoredEvent>& events, std::size_t sent,
                           const Status& send_error, const std::atomic<bool>& stop);

  const NatsConfig& config_;
  const std::string node_id_;
  AckBook& book_;
  std::string url_;
  std::vector<std::string> differences_;
  // The context is destroyed before its connection (reverse declaration order).
  ConnectionPtr connection_;
  JetStreamPtr js_;
};

}  // namespace policyd::nats

#endif  // POLICYD_SRC_NATS_NATS_SESSION_H_

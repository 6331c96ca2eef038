#include "policyd/fleet_bus.h"

#include <condition_variable>
#include <mutex>
#include <utility>

#include "nats_connect.h"
#include "nats_handles.h"

namespace policyd {
namespace {

using InboxPtr = std::unique_ptr<natsInbox, nats::Deleter<natsInbox, natsInbox_Destroy>>;

// How long the destructor waits for a responder call still running on a cnats thread.
constexpr std::chrono::seconds kResponderDrainWait{1};

}  // namespace

// What the subscription's callbacks reach (through their closure): the responder, and whether
// cnats is done with the subscription.
struct ResponderState {
  std::mutex mutex;
  std::condition_variable done_changed;
  FleetBus::Responder responder;  // empty once the bus is going away
  bool done = false;              // cnats will call nothing more
};

struct FleetBus::Handles {
  std::string url;
  std::string subject;
  std::unique_ptr<ResponderState> state;
  // Destroyed in reverse order: the subscription, then the connection.
  nats::ConnectionPtr connection;
  nats::SubscriptionPtr subscription;
};

namespace {

void OnRequest(natsConnection* connection, natsSubscription*, natsMsg* raw, void* closure) {
  const nats::MsgPtr message(raw);
  const char* reply_to = natsMsg_GetReply(message.get());
  if (reply_to == nullptr || *reply_to == '\0') return;
  auto* state = static_cast<ResponderState*>(closure);
  std::string body;
  {
    const std::lock_guard<std::mutex> lock(state->mutex);
    if (!state->responder) return;
    body = state->responder();
  }
  // A failed answer is the asker's "did not answer": nothing to do here.
  natsConnection_Publish(connection, reply_to, body.data(), static_cast<int>(body.size()));
}

void OnComplete(void* closure) {
  auto* state = static_cast<ResponderState*>(closure);
  {
    const std::lock_guard<std::mutex> lock(state->mutex);
    state->done = true;
  }
  state->done_changed.notify_all();
}

}  // namespace

FleetBus::FleetBus(std::unique_ptr<Handles> handles) : handles_(std::move(handles)) {}

FleetBus::~FleetBus() {
  ResponderState* state = handles_->state.get();
  {
    const std::lock_guard<std::mutex> lock(state->mutex);  // waits for a running answer
    state->responder = nullptr;
  }
  if (handles_->subscription != nullptr &&
      natsSubscription_Unsubscribe(handles_->subscription.get()) == NATS_OK) {
    std::unique_lock<std::mutex> lock(state->mutex);
    if (!state->done_changed.wait_for(lock, kResponderDrainWait, [state] { return state->done; })) {
      // cnats may still call OnComplete: leave the state to it rather than free it.
      lock.unlock();
      (void)handles_->state.release();
    }
  } else if (handles_->subscription != nullptr) {
    (void)handles_->state.release();  // not unsubscribed: its callbacks may still come
  }
  handles_->subscription.reset();
  handles_->connection.reset();
}

Result<std::unique_ptr<FleetBus>> FleetBus::Open(const NatsConfig& nats,
                                                 const std::string& client_name,
                                                 const std::string& subject, Responder responder) {
  auto handles = std::make_unique<Handles>();
  handles->subject = subject;
  handles->state = std::make_unique<ResponderState>();
  handles->state->responder = std::move(responder);
  if (Status status = nats::ConnectToNats(nats, client_name, &handles->connection, &handles->url);
      !status.ok()) {
    return status;
  }
  natsSubscription* raw = nullptr;
  natsStatus s = natsConnection_Subscribe(&raw, handles->connection.get(), subject.c_str(),
                                          OnRequest, handles->state.get());
  handles->subscription.reset(raw);
  if (s == NATS_OK) {
    s = natsSubscription_SetPendingLimits(raw, kMaxPendingRequests, kMaxPendingRequests * 1024);
  }
  if (s == NATS_OK) s = natsSubscription_SetOnCompleteCB(raw, OnComplete, handles->state.get());
  // The subscription is known to the server before anyone is told this member answers.
  if (s == NATS_OK) s = natsConnection_FlushTimeout(handles->connection.get(), 5'000);
  if (s != NATS_OK) return Status::IoError(nats::Describe("cannot subscribe to " + subject, s));
  return std::unique_ptr<FleetBus>(new FleetBus(std::move(handles)));
}

Status FleetBus::Gather(std::string_view body, std::chrono::milliseconds timeout,
                        const std::function<bool(std::string_view reply)>& on_reply) {
  natsConnection* connection = handles_->connection.get();
  natsInbox* raw_inbox = nullptr;
  natsStatus s = natsInbox_Create(&raw_inbox);
  const InboxPtr inbox(raw_inbox);
  if (s != NATS_OK) return Status::IoError(nats::Describe("cannot make a reply inbox", s));
  natsSubscription* raw_subscription = nullptr;
  s = natsConnection_SubscribeSync(&raw_subscription, connection, inbox.get());
  const nats::SubscriptionPtr replies(raw_subscription);
  if (s == NATS_OK) {
    s = natsConnection_PublishRequest(connection, handles_->subject.c_str(), inbox.get(),
                                      body.data(), static_cast<int>(body.size()));
  }
  if (s != NATS_OK) return Status::IoError(nats::Describe("cannot ask the fleet", s));
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (std::size_t read = 0; read < kMaxGatherReplies; ++read) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    natsMsg* raw_message = nullptr;
    s = natsSubscription_NextMsg(&raw_message, replies.get(), left.count());
    const nats::MsgPtr message(raw_message);
    if (s == NATS_TIMEOUT) break;
    if (s != NATS_OK) return Status::IoError(nats::Describe("fleet replies", s));
    const std::string_view reply(natsMsg_GetData(message.get()),
                                 static_cast<std::size_t>(natsMsg_GetDataLength(message.get())));
    if (on_reply(reply)) break;
  }
  natsSubscription_Unsubscribe(replies.get());
  return Status::Ok();
}

bool FleetBus::closed() const { return natsConnection_IsClosed(handles_->connection.get()); }

const std::string& FleetBus::url() const { return handles_->url; }

}  // namespace policyd

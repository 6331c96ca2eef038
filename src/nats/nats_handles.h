// Ownership of cnats handles: each kind in a unique_ptr whose deleter is its one destroy
// call, so that no other file calls a *_Destroy itself, and an early return never leaks one.
// A connection is closed before it is destroyed (natsConnection_Destroy alone would only
// close it once the library's own references are gone).
#ifndef POLICYD_SRC_NATS_NATS_HANDLES_H_
#define POLICYD_SRC_NATS_NATS_HANDLES_H_

#include <nats/nats.h>

#include <memory>
#include <string>

namespace policyd::nats {

template <typename T, void (*Destroy)(T*)>
struct Deleter {
  void operator()(T* handle) const { Destroy(handle); }
};

inline void CloseAndDestroy(natsConnection* connection) {
  natsConnection_Close(connection);
  natsConnection_Destroy(connection);
}

using OptionsPtr = std::unique_ptr<natsOptions, Deleter<natsOptions, natsOptions_Destroy>>;
using ConnectionPtr = std::unique_ptr<natsConnection, Deleter<natsConnection, CloseAndDestroy>>;
using JetStreamPtr = std::unique_ptr<jsCtx, Deleter<jsCtx, jsCtx_Destroy>>;
using MsgPtr = std::unique_ptr<natsMsg, Deleter<natsMsg, natsMsg_Destroy>>;
using StreamInfoPtr = std::unique_ptr<jsStreamInfo, Deleter<jsStreamInfo, jsStreamInfo_Destroy>>;
using PubAckPtr = std::unique_ptr<jsPubAck, Deleter<jsPubAck, jsPubAck_Destroy>>;
using SubscriptionPtr =
    std::unique_ptr<natsSubscription, Deleter<natsSubscription, natsSubscription_Destroy>>;
using ConsumerInfoPtr =
    std::unique_ptr<jsConsumerInfo, Deleter<jsConsumerInfo, jsConsumerInfo_Destroy>>;
using MsgMetaDataPtr =
    std::unique_ptr<jsMsgMetaData, Deleter<jsMsgMetaData, jsMsgMetaData_Destroy>>;

// A natsMsgList filled by cnats (Fetch, the pending list): its messages and array are
// destroyed with it.
class MsgList {
 public:
  MsgList() = default;
  ~MsgList() { natsMsgList_Destroy(&list_); }
  MsgList(const MsgList&) = delete;
  MsgList& operator=(const MsgList&) = delete;
  natsMsgList* get() { return &list_; }
  int size() const { return list_.Count; }
  natsMsg* operator[](int index) const { return list_.Msgs[index]; }

 private:
  natsMsgList list_{};
};

// "what: <cnats text>" with the JetStream error code and the library's last error when set.
inline std::string Describe(const std::string& what, natsStatus status,
                            jsErrCode code = static_cast<jsErrCode>(0)) {
  std::string text = what + ": " + natsStatus_GetText(status);
  if (code != 0) text += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
  // A JetStream API request nobody answers: the server (or the account) has no JetStream.
  if (status == NATS_NO_RESPONDERS) {
    text +=
        "; is JetStream enabled on the server (nats-server -js, or a jetstream block in its "
        "config) and for this account?";
  }
  natsStatus last = NATS_OK;
  const char* detail = nats_GetLastError(&last);
  if (detail != nullptr && *detail != '\0' && last == status) text += ": " + std::string(detail);
  return text;
}

}  // namespace policyd::nats

#endif  // POLICYD_SRC_NATS_NATS_HANDLES_H_

#include "nats_stream_reader.h"

#include "nats_handles.h"  // src/nats: the RAII owners of cnats handles

namespace policyd::testing {
namespace {

// A connection and its JetStream context; `status` says whether both were made.
struct JetStreamClient {
  nats::ConnectionPtr connection;
  nats::JetStreamPtr js;
  natsStatus status = NATS_OK;
};

JetStreamClient ConnectJetStream(const std::string& url) {
  JetStreamClient client;
  natsConnection* raw_connection = nullptr;
  client.status = natsConnection_ConnectTo(&raw_connection, url.c_str());
  client.connection.reset(raw_connection);
  jsCtx* raw_js = nullptr;
  if (client.status == NATS_OK) {
    client.status = natsConnection_JetStream(&raw_js, client.connection.get(), nullptr);
  }
  client.js.reset(raw_js);
  return client;
}

std::string Header(natsMsg* msg, const char* name) {
  const char* value = nullptr;
  return natsMsgHeader_Get(msg, name, &value) == NATS_OK && value != nullptr ? value : "";
}

}  // namespace

std::vector<Received> ReadStream(const std::string& url, const std::string& stream,
                                 const std::string& durable, std::string* error) {
  std::vector<Received> received;
  const JetStreamClient client = ConnectJetStream(url);
  natsStatus s = client.status;
  jsSubOptions options;
  jsSubOptions_Init(&options);
  options.Stream = stream.c_str();
  options.Config.AckPolicy = js_AckExplicit;
  options.Config.DeliverPolicy = js_DeliverAll;
  natsSubscription* raw_subscription = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  if (s == NATS_OK) {
    s = js_PullSubscribe(&raw_subscription, client.js.get(), "policyd.events.>", durable.c_str(),
                         nullptr, &options, &code);
  }
  const nats::SubscriptionPtr subscription(raw_subscription);
  if (s != NATS_OK) {
    *error = nats::Describe("subscribe", s, code);
    return received;
  }
  for (;;) {
    nats::MsgList batch;
    s = natsSubscription_Fetch(batch.get(), subscription.get(), 64, 1000, &code);
    if (s == NATS_TIMEOUT) break;  // nothing more within a second: the stream is read
    if (s != NATS_OK) {
      *error = nats::Describe("fetch", s, code);
      break;
    }
    for (int i = 0; i < batch.size(); ++i) {
      natsMsg* msg = batch[i];
      jsMsgMetaData* raw_meta = nullptr;
      (void)natsMsg_GetMetaData(&raw_meta, msg);
      const nats::MsgMetaDataPtr meta(raw_meta);
      Received one;
      one.stream_seq = meta ? meta->Sequence.Stream : 0;
      one.subject = natsMsg_GetSubject(msg);
      one.msg_id = Header(msg, "Nats-Msg-Id");
      const std::string seq = Header(msg, "Policyd-Event-Seq");
      one.event_seq = seq.empty() ? 0 : std::stoull(seq);
      one.type = Header(msg, "Policyd-Event-Type");
      one.body = nlohmann::json::parse(
          std::string(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg))),
          nullptr, false);
      received.push_back(std::move(one));
      (void)natsMsg_Ack(msg, nullptr);
    }
  }
  return received;
}

std::string PutStream(const std::string& url, const std::string& stream, int32_t max_msg_size,
                      bool update) {
  const JetStreamClient client = ConnectJetStream(url);
  natsStatus s = client.status;
  jsStreamConfig config;
  jsStreamConfig_Init(&config);
  config.Name = stream.c_str();
  const char* subjects[] = {"policyd.events.>"};
  config.Subjects = subjects;
  config.SubjectsLen = 1;
  config.Storage = js_FileStorage;
  config.MaxMsgSize = max_msg_size;
  jsErrCode code = static_cast<jsErrCode>(0);
  if (s == NATS_OK) {
    s = update ? js_UpdateStream(nullptr, client.js.get(), &config, nullptr, &code)
               : js_AddStream(nullptr, client.js.get(), &config, nullptr, &code);
  }
  return s == NATS_OK ? "" : nats::Describe("stream", s, code);
}

}  // namespace policyd::testing

#include "nats_session.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <utility>

#include "nats_connect.h"
#include "policyd/event_names.h"

namespace policyd::nats {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr int64_t kNanosPerMilli = 1'000'000;
// Acks are awaited in slices of this, so that a stop request is seen soon.
constexpr milliseconds kAckSlice(250);

jsRetentionPolicy ToNats(NatsRetention retention) {
  switch (retention) {
    case NatsRetention::kLimits:
      return js_LimitsPolicy;
    case NatsRetention::kInterest:
      return js_InterestPolicy;
    case NatsRetention::kWorkQueue:
      return js_WorkQueuePolicy;
  }
  return js_LimitsPolicy;
}

NatsRetention FromNats(jsRetentionPolicy retention) {
  switch (retention) {
    case js_InterestPolicy:
      return NatsRetention::kInterest;
    case js_WorkQueuePolicy:
      return NatsRetention::kWorkQueue;
    default:
      return NatsRetention::kLimits;
  }
}

NatsStreamSettings SettingsOf(const jsStreamConfig& config) {
  NatsStreamSettings settings;
  for (int i = 0; i < config.SubjectsLen; ++i) settings.subjects.emplace_back(config.Subjects[i]);
  settings.retention = FromNats(config.Retention);
  settings.storage = config.Storage == js_MemoryStorage ? NatsStorage::kMemory : NatsStorage::kFile;
  settings.replicas = static_cast<int>(config.Replicas);
  settings.max_age = milliseconds(std::max<int64_t>(config.MaxAge, 0) / kNanosPerMilli);
  settings.max_bytes = std::max<int64_t>(config.MaxBytes, 0);
  settings.duplicate_window =
      milliseconds(std::max<int64_t>(config.Duplicates, 0) / kNanosPerMilli);
  return settings;
}

std::optional<uint64_t> ParseSeq(const char* text) {
  if (text == nullptr) return std::nullopt;
  const std::string_view digits(text);
  uint64_t seq = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), seq);
  if (error != std::errc() || end != digits.data() + digits.size() || seq == 0) return std::nullopt;
  return seq;
}

// The PubAck (or its failure) of one message of the window: on a cnats thread.
void OnAck(jsCtx* js, natsMsg* msg, jsPubAck* ack, jsPubAckErr* failure, void* closure) {
  const MsgPtr owned(msg);  // the handler owns the message it is given
  auto* book = static_cast<AckBook*>(closure);
  const char* seq_text = nullptr;
  if (msg == nullptr || natsMsgHeader_Get(msg, Session::kSeqHeader, &seq_text) != NATS_OK) return;
  const std::optional<uint64_t> seq = ParseSeq(seq_text);
  const std::lock_guard<std::mutex> lock(book->mutex);
  if (!seq || book->js != js || *seq < book->first_seq ||
      *seq - book->first_seq >= book->acks.size()) {
    return;  // an ack of an earlier window or connection
  }
  AckBook::Ack& slot = book->acks[*seq - book->first_seq];
  if (ack != nullptr) {
    slot = AckBook::Ack::kStored;
    book->duplicates += ack->Duplicate ? 1 : 0;
  } else {
    slot = AckBook::Ack::kFailed;
    if (book->first_error.empty()) {
      std::string reason =
          failure != nullptr && failure->ErrText != nullptr
              ? std::string(failure->ErrText)
              : std::string(natsStatus_GetText(failure != nullptr ? failure->Err : NATS_ERR));
      if (failure != nullptr && failure->ErrCode != 0) {
        reason += " (JetStream error " + std::to_string(static_cast<int>(failure->ErrCode)) + ")";
      }
      book->first_error = "event " + std::to_string(*seq) + " refused: " + reason;
    }
  }
  book->changed.notify_all();
}

}  // namespace

Session::Session(const NatsConfig& config, std::string node_id, AckBook& book)
    : config_(config), node_id_(std::move(node_id)), book_(book) {}

Session::~Session() {
  const std::lock_guard<std::mutex> lock(book_.mutex);
  if (book_.js == js_.get()) book_.js = nullptr;
}

Result<std::unique_ptr<Session>> Session::Open(const NatsConfig& config, std::string node_id,
                                               AckBook& book) {
  std::unique_ptr<Session> session(new Session(config, std::move(node_id), book));
  if (Status status = session->Connect(); !status.ok()) return status;
  if (Status status = session->EnsureStream(); !status.ok()) return status;
  return session;
}

Status Session::Connect() {
  if (Status status = ConnectToNats(config_, "policyd " + node_id_, &connection_, &url_);
      !status.ok()) {
    return status;
  }

  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = config_.ack_timeout.count();
  js_options.PublishAsync.MaxPending = static_cast<int64_t>(kNatsWindowEvents);
  js_options.PublishAsync.AckHandler = OnAck;
  js_options.PublishAsync.AckHandlerClosure = &book_;
  jsCtx* raw_js = nullptr;
  const natsStatus s = natsConnection_JetStream(&raw_js, connection_.get(), &js_options);
  js_.reset(raw_js);
  if (s != NATS_OK) return Status::IoError(Describe("cannot use JetStream", s));
  return Status::Ok();
}

Status Session::EnsureStream() {
  jsStreamInfo* raw_info = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  natsStatus s = js_GetStreamInfo(&raw_info, js_.get(), config_.stream.c_str(), nullptr, &code);
  StreamInfoPtr info(raw_info);
  const NatsStreamSettings wanted = WantedStreamSettings(config_);
  if (s == NATS_NOT_FOUND) {
    std::vector<const char*> subjects;
    for (const std::string& subject : wanted.subjects) subjects.push_back(subject.c_str());
    jsStreamConfig stream;
    jsStreamConfig_Init(&stream);
    stream.Name = config_.stream.c_str();
    stream.Subjects = subjects.data();
    stream.SubjectsLen = static_cast<int>(subjects.size());
    stream.Retention = ToNats(wanted.retention);
    stream.Storage = wanted.storage == NatsStorage::kMemory ? js_MemoryStorage : js_FileStorage;
    stream.Replicas = wanted.replicas;
    stream.MaxAge = wanted.max_age.count() * kNanosPerMilli;
    if (wanted.max_bytes > 0) stream.MaxBytes = wanted.max_bytes;
    stream.Duplicates = wanted.duplicate_window.count() * kNanosPerMilli;
    raw_info = nullptr;
    s = js_AddStream(&raw_info, js_.get(), &stream, nullptr, &code);
    info.reset(raw_info);
    if (s == NATS_OK) return Status::Ok();
    if (code != JSStreamNameExistErr) {
      return Status::IoError(Describe("cannot create stream " + config_.stream, s, code));
    }
    // Another daemon created it meanwhile: compare with what it made.
    raw_info = nullptr;
    s = js_GetStreamInfo(&raw_info, js_.get(), config_.stream.c_str(), nullptr, &code);
    info.reset(raw_info);
  }
  if (s != NATS_OK || info == nullptr || info->Config == nullptr) {
    return Status::IoError(Describe("cannot read stream " + config_.stream, s, code));
  }
  differences_ = StreamDifferences(wanted, SettingsOf(*info->Config));
  return Status::Ok();
}

bool Session::closed() const {
  return connection_ == nullptr || natsConnection_IsClosed(connection_.get());
}

Result<std::optional<uint64_t>> Session::LastPublishedSeq() {
  const std::string filter = NatsNodeFilter(config_.subject_prefix, node_id_);
  natsMsg* raw = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  const natsStatus s =
      js_GetLastMsg(&raw, js_.get(), config_.stream.c_str(), filter.c_str(), nullptr, &code);
  const MsgPtr last(raw);
  if (s == NATS_NOT_FOUND && code != JSStreamNotFoundErr) return std::optional<uint64_t>();
  if (s != NATS_OK) {
    return Status::IoError(Describe("cannot read the last message on " + filter, s, code));
  }
  const char* value = nullptr;
  if (natsMsgHeader_Get(last.get(), "Nats-Msg-Id", &value) == NATS_OK && value != nullptr) {
    if (const auto seq = NatsMsgIdSeq(value, node_id_)) return std::optional<uint64_t>(*seq);
  }
  value = nullptr;
  if (natsMsgHeader_Get(last.get(), kSeqHeader, &value) == NATS_OK) {
    if (const auto seq = ParseSeq(value)) return std::optional<uint64_t>(*seq);
  }
  return Status::Corruption("the last message on " + filter +
                            " has no Nats-Msg-Id or Policyd-Event-Seq of this node");
}

Result<MsgPtr> Session::MakeMessage(const StoredEvent& event) const {
  const std::string subject = NatsSubject(config_.subject_prefix, node_id_, event.json);
  natsMsg* raw = nullptr;
  natsStatus s = natsMsg_Create(&raw, subject.c_str(), nullptr, event.json.data(),
                                static_cast<int>(event.json.size()));
  MsgPtr msg(raw);
  if (s != NATS_OK) return Status::IoError(Describe("cannot make the message", s));
  const auto parsed = nlohmann::json::parse(event.json, nullptr, /*allow_exceptions=*/false);
  std::string type = "unknown";
  if (parsed.is_object() && parsed.contains("type") && parsed["type"].is_string() &&
      ParseEventType(parsed["type"].get_ref<const std::string&>())) {
    type = parsed["type"].get<std::string>();
  }
  const std::string msg_id = NatsMsgId(node_id_, event.seq);
  const std::string seq = std::to_string(event.seq);
  for (const auto& [key, value] :
       {std::pair<const char*, const std::string*>{"Nats-Msg-Id", &msg_id},
        {kSeqHeader, &seq},
        {kTypeHeader, &type},
        {kNodeHeader, &node_id_}}) {
    if (s == NATS_OK) s = natsMsgHeader_Set(msg.get(), key, value->c_str());
  }
  if (s == NATS_OK) s = natsMsgHeader_Set(msg.get(), "Content-Type", "application/json");
  if (s != NATS_OK) return Status::IoError(Describe("cannot set the message headers", s));
  return msg;
}

bool Session::AwaitAcks(const std::atomic<bool>& stop) {
  const auto deadline = steady_clock::now() + config_.ack_timeout;
  for (;;) {
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - steady_clock::now());
    if (left.count() <= 0 || stop.load() || closed()) break;
    jsPubOptions wait;
    jsPubOptions_Init(&wait);
    wait.MaxWait = std::max<int64_t>(1, std::min(left, kAckSlice).count());
    if (js_PublishAsyncComplete(js_.get(), &wait) == NATS_OK) break;
  }
  // The library may count an ack as received just before its handler has written it down.
  std::unique_lock<std::mutex> lock(book_.mutex);
  const auto none_waiting = [this] {
    return std::none_of(book_.acks.begin(), book_.acks.end(),
                        [](AckBook::Ack ack) { return ack == AckBook::Ack::kWaiting; });
  };
  return book_.changed.wait_for(lock, kAckSlice, none_waiting);
}

Session::WindowResult Session::PublishWindow(const std::vector<StoredEvent>& events,
                                             const std::atomic<bool>& stop) {
  if (events.empty()) return {};
  OpenWindow(events);
  Status send_error;
  const std::size_t sent = SendWindow(events, &send_error);
  const bool complete = sent == 0 || AwaitAcks(stop);
  if (!complete) {
    // Take the unanswered messages back (their acks are dropped from now on) and free them.
    MsgList pending;
    (void)js_PublishAsyncGetPendingList(pending.get(), js_.get());
  }
  return CloseWindow(events, sent, send_error, stop);
}

void Session::OpenWindow(const std::vector<StoredEvent>& events) {
  const std::lock_guard<std::mutex> lock(book_.mutex);
  book_.js = js_.get();
  book_.first_seq = events.front().seq;
  book_.acks.assign(events.size(), AckBook::Ack::kWaiting);
  book_.duplicates = 0;
  book_.first_error.clear();
}

std::size_t Session::SendWindow(const std::vector<StoredEvent>& events, Status* error) {
  jsPubOptions publish;
  jsPubOptions_Init(&publish);
  publish.ExpectStream = config_.stream.c_str();  // refused if another stream takes the subject
  std::size_t sent = 0;
  for (const StoredEvent& event : events) {
    Result<MsgPtr> msg = MakeMessage(event);
    if (!msg.ok()) {
      *error = msg.status();
      break;
    }
    natsMsg* raw = msg->get();
    const natsStatus s = js_PublishMsgAsync(js_.get(), &raw, &publish);
    if (raw == nullptr) (void)msg->release();  // the library took it
    if (s != NATS_OK) {
      *error = Status::IoError(Describe("cannot publish event " + std::to_string(event.seq), s));
      break;
    }
    ++sent;
  }
  return sent;
}

Session::WindowResult Session::CloseWindow(const std::vector<StoredEvent>& events, std::size_t sent,
                                           const Status& send_error,
                                           const std::atomic<bool>& stop) {
  WindowResult result;
  const std::lock_guard<std::mutex> lock(book_.mutex);
  while (result.stored < sent && book_.acks[result.stored] == AckBook::Ack::kStored) {
    ++result.stored;
  }
  result.duplicates = book_.duplicates;
  for (std::size_t i = result.stored; i < sent; ++i) {
    if (book_.acks[i] == AckBook::Ack::kStored) result.stored_out_of_order = events[i].seq;
  }
  result.first_unstored_refused =
      result.stored < sent && book_.acks[result.stored] == AckBook::Ack::kFailed;
  if (result.stored < events.size()) {
    if (!send_error.ok()) {
      result.error = send_error;
    } else if (!book_.first_error.empty()) {
      result.error = Status::IoError(book_.first_error);
    } else if (stop.load()) {
      result.error = Status::Busy("stopping");
    } else {
      result.error =
          Status::IoError("no PubAck for event " + std::to_string(events[result.stored].seq) +
                          " within " + std::to_string(config_.ack_timeout.count()) + " ms" +
                          (closed() ? " (the connection closed)" : ""));
    }
  }
  book_.js = nullptr;  // later acks of this window are ignored
  return result;
}

}  // namespace policyd::nats

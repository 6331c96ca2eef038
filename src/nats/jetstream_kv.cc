#include "policyd/jetstream_kv.h"

#include <algorithm>
#include <chrono>
#include <string_view>
#include <utility>

#include "nats_connect.h"
#include "nats_handles.h"

namespace policyd {

using nats::ConnectionPtr;
using nats::Describe;
using nats::JetStreamPtr;

namespace {

using KvStorePtr = std::unique_ptr<kvStore, nats::Deleter<kvStore, kvStore_Destroy>>;
using KvEntryPtr = std::unique_ptr<kvEntry, nats::Deleter<kvEntry, kvEntry_Destroy>>;
using KvWatcherPtr = std::unique_ptr<kvWatcher, nats::Deleter<kvWatcher, kvWatcher_Destroy>>;

// The server refused a write whose expected last revision of the key was not its last (a
// Create of a key with a value, an Update on a stale revision): JetStream error 10071, which
// kvStore_Create and kvStore_Update pass on as NATS_ERR with its text.
bool IsWrongLastSequence(natsStatus status) {
  if (status != NATS_ERR) return false;
  natsStatus last = NATS_OK;
  const char* text = nats_GetLastError(&last);
  return text != nullptr &&
         std::string_view(text).find("wrong last sequence") != std::string_view::npos;
}

}  // namespace

struct JetStreamKv::Handles {
  JetStreamKvOptions options;
  std::string url;
  std::string last_error;
  // Destroyed in reverse order: the bucket, its context, then the connection.
  ConnectionPtr connection;
  JetStreamPtr js;
  KvStorePtr kv;
};

JetStreamKv::JetStreamKv(std::unique_ptr<Handles> handles) : handles_(std::move(handles)) {}

JetStreamKv::~JetStreamKv() = default;

Result<std::unique_ptr<JetStreamKv>> JetStreamKv::Open(const NatsConfig& nats,
                                                       const JetStreamKvOptions& options) {
  auto handles = std::make_unique<Handles>();
  handles->options = options;
  if (Status status =
          nats::ConnectToNats(nats, options.client_name, &handles->connection, &handles->url);
      !status.ok()) {
    return status;
  }
  jsOptions js_options;
  jsOptions_Init(&js_options);
  js_options.Wait = options.timeout.count();
  jsCtx* raw_js = nullptr;
  natsStatus s = natsConnection_JetStream(&raw_js, handles->connection.get(), &js_options);
  handles->js.reset(raw_js);
  if (s != NATS_OK) return Status::IoError(Describe("cannot use JetStream", s));

  kvStore* raw_kv = nullptr;
  s = js_KeyValue(&raw_kv, handles->js.get(), options.bucket.c_str());
  if (s == NATS_NOT_FOUND) {
    kvConfig config;
    kvConfig_Init(&config);
    config.Bucket = options.bucket.c_str();
    config.History = 1;
    // cnats passes TTL on as the stream's max_age, in nanoseconds.
    config.TTL = std::chrono::duration_cast<std::chrono::nanoseconds>(options.max_age).count();
    // Another member may create it at the same moment: the server then answers with the
    // same bucket, as both ask for the same settings.
    s = js_CreateKeyValue(&raw_kv, handles->js.get(), &config);
  }
  handles->kv.reset(raw_kv);
  if (s != NATS_OK) {
    return Status::IoError(Describe("cannot open the key-value bucket " + options.bucket, s));
  }
  return std::unique_ptr<JetStreamKv>(new JetStreamKv(std::move(handles)));
}

bool JetStreamKv::closed() const { return natsConnection_IsClosed(handles_->connection.get()); }

const std::string& JetStreamKv::url() const { return handles_->url; }

const std::string& JetStreamKv::last_error() const { return handles_->last_error; }

KvOutcome JetStreamKv::Get(std::string_view key, KvEntry* out) {
  kvEntry* raw = nullptr;
  const natsStatus s = kvStore_Get(&raw, handles_->kv.get(), std::string(key).c_str());
  const KvEntryPtr entry(raw);
  if (s == NATS_NOT_FOUND) return KvOutcome::kNotFound;  // never written, deleted or expired
  if (s != NATS_OK || entry == nullptr) {
    handles_->last_error = Describe("get " + std::string(key), s);
    return KvOutcome::kUnavailable;
  }
  const char* value = static_cast<const char*>(kvEntry_Value(entry.get()));
  const int length = kvEntry_ValueLen(entry.get());
  out->value.assign(value != nullptr ? value : "", value != nullptr ? length : 0);
  out->revision = kvEntry_Revision(entry.get());
  return KvOutcome::kOk;
}

KvWrite JetStreamKv::Create(std::string_view key, std::string_view value) {
  uint64_t revision = 0;
  const natsStatus s = kvStore_Create(&revision, handles_->kv.get(), std::string(key).c_str(),
                                      value.data(), static_cast<int>(value.size()));
  if (s == NATS_OK) return {KvOutcome::kOk, revision};
  if (IsWrongLastSequence(s)) return {KvOutcome::kConflict, 0};
  handles_->last_error = Describe("create " + std::string(key), s);
  return {KvOutcome::kUnavailable, 0};
}

KvWrite JetStreamKv::Update(std::string_view key, std::string_view value, uint64_t revision) {
  // Revision 0 would ask for "no value" (a Create); no write of the bucket has it.
  if (revision == 0) return {KvOutcome::kConflict, 0};
  uint64_t written = 0;
  const natsStatus s = kvStore_Update(&written, handles_->kv.get(), std::string(key).c_str(),
                                      value.data(), static_cast<int>(value.size()), revision);
  if (s == NATS_OK) return {KvOutcome::kOk, written};
  if (IsWrongLastSequence(s)) return {KvOutcome::kConflict, 0};
  handles_->last_error = Describe("update " + std::string(key), s);
  return {KvOutcome::kUnavailable, 0};
}

KvOutcome JetStreamKv::Delete(std::string_view key) {
  const natsStatus s = kvStore_Delete(handles_->kv.get(), std::string(key).c_str());
  if (s == NATS_OK) return KvOutcome::kOk;
  handles_->last_error = Describe("delete " + std::string(key), s);
  return KvOutcome::kUnavailable;
}

KvOutcome JetStreamKv::List(std::string_view prefix,
                            std::vector<std::pair<std::string, KvEntry>>* out) {
  out->clear();
  kvWatchOptions options;
  kvWatchOptions_Init(&options);
  options.IgnoreDeletes = true;
  options.Timeout = handles_->options.timeout.count();
  const bool subject_prefix = !prefix.empty() && prefix.back() == '.';
  const std::string filter = std::string(prefix) + ">";
  kvWatcher* raw_watcher = nullptr;
  natsStatus s = subject_prefix
                     ? kvStore_Watch(&raw_watcher, handles_->kv.get(), filter.c_str(), &options)
                     : kvStore_WatchAll(&raw_watcher, handles_->kv.get(), &options);
  const KvWatcherPtr watcher(raw_watcher);
  std::vector<std::pair<std::string, KvEntry>> listed;
  while (s == NATS_OK) {
    kvEntry* raw_entry = nullptr;
    s = kvWatcher_Next(&raw_entry, watcher.get(), handles_->options.timeout.count());
    const KvEntryPtr entry(raw_entry);
    if (s != NATS_OK || entry == nullptr) break;  // nullptr: the initial values are done
    if (kvEntry_Operation(entry.get()) != kvOp_Put) continue;
    std::string key = kvEntry_Key(entry.get());
    if (!key.starts_with(prefix)) continue;
    const char* value = static_cast<const char*>(kvEntry_Value(entry.get()));
    KvEntry item;
    item.value.assign(value != nullptr ? value : "",
                      value != nullptr ? kvEntry_ValueLen(entry.get()) : 0);
    item.revision = kvEntry_Revision(entry.get());
    listed.emplace_back(std::move(key), std::move(item));
  }
  if (s != NATS_OK) {
    handles_->last_error = Describe("list " + std::string(prefix), s);
    return KvOutcome::kUnavailable;
  }
  // One entry per key (history 1), but a key rewritten while the watcher started may come twice:
  // keep its last.
  std::stable_sort(listed.begin(), listed.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& item : listed) {
    if (!out->empty() && out->back().first == item.first) {
      out->back() = std::move(item);
    } else {
      out->push_back(std::move(item));
    }
  }
  return KvOutcome::kOk;
}

}  // namespace policyd

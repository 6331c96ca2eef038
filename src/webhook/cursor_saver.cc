#include "cursor_saver.h"

#include <utility>

#include <spdlog/spdlog.h>
#include <boost/asio/post.hpp>

namespace policyd {

CursorSaver::CursorSaver(Store& store, boost::asio::any_io_executor executor)
    : shared_(std::make_shared<Shared>()), executor_(std::move(executor)) {
  shared_->store = &store;
}

void CursorSaver::Save(const std::string& name, uint64_t seq) {
  {
    const std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->dirty[name] = seq;
    if (shared_->scheduled) return;  // the running job takes it on its next round
    shared_->scheduled = true;
  }
  boost::asio::post(executor_, [shared = shared_] { WriteDirty(shared); });
}

void CursorSaver::WriteDirty(const std::shared_ptr<Shared>& shared) {
  for (;;) {
    std::map<std::string, uint64_t> batch;
    {
      const std::lock_guard<std::mutex> lock(shared->mutex);
      if (shared->dirty.empty()) {
        shared->scheduled = false;
        return;
      }
      batch.swap(shared->dirty);
    }
    for (const auto& [name, seq] : batch) {
      const Status status = shared->store->PutWebhookCursor(name, seq);
      if (status.ok()) {
        shared->error_logged = false;
        continue;
      }
      // The cursor stays where it was stored: the events after it are sent again later.
      if (!shared->error_logged) {
        spdlog::warn(
            "webhook '{}': cannot store the cursor ({}); events after the stored one "
            "will be delivered again after a restart",
            name, status.message());
        shared->error_logged = true;
      }
    }
  }
}

}  // namespace policyd

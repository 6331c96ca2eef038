// CursorSaver: writes webhook cursors to the store off the io thread. Save() only records the
// newest value per webhook; one job at a time on the executor (the worker pool) writes what
// is recorded, so a burst of deliveries costs a few writes, and the event loop never waits
// for RocksDB (a non-synced write can still queue behind a commit's fsync).
//
// Lifetime: a job holds the shared state and the Store, never the saver; the Store must
// outlive the executor's jobs (the daemon joins its pool before it closes the store).
#ifndef POLICYD_SRC_WEBHOOK_CURSOR_SAVER_H_
#define POLICYD_SRC_WEBHOOK_CURSOR_SAVER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <boost/asio/any_io_executor.hpp>

#include "policyd/store.h"

namespace policyd {

class CursorSaver {
 public:
  CursorSaver(Store& store, boost::asio::any_io_executor executor);

  // Records `seq` as `name`'s cursor and makes sure a job will write it.
  void Save(const std::string& name, uint64_t seq);

 private:
  struct Shared {
    Store* store;
    std::mutex mutex;
    std::map<std::string, uint64_t> dirty;  // guarded by mutex
    bool scheduled = false;                 // guarded by mutex: a job is queued or running
    bool error_logged = false;              // one log line per failure streak
  };
  static void WriteDirty(const std::shared_ptr<Shared>& shared);

  std::shared_ptr<Shared> shared_;
  boost::asio::any_io_executor executor_;
};

}  // namespace policyd

#endif  // POLICYD_SRC_WEBHOOK_CURSOR_SAVER_H_

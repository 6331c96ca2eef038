#include "state_reader.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <span>

#include "policyd/parallel.h"

namespace policyd {

namespace {

// Below this many ids a part is not worth a thread.
constexpr std::size_t kIdsPerThread = 8192;

struct UnreadableState {
  std::size_t index;  // into the whole id list
  Status why;
};

// Rebuilds each unreadable state and puts it in its place. Rare (a damaged record, a
// downgrade), so one at a time, after the parallel read.
Status RepairUnreadable(Store& store, const std::vector<std::string_view>& ids,
                        const std::vector<UnreadableState>& unreadable, int64_t now_ms,
                        std::vector<PackedState>* states) {
  for (const UnreadableState& damaged : unreadable) {
    const std::string id(ids[damaged.index]);
    Result<DocState> repaired = store.RepairDocState(id, now_ms);
    if (!repaired.ok()) {
      return Status::Corruption(damaged.why.message() +
                                "; repairing it failed: " + repaired.status().message());
    }
    spdlog::error(
        "{}; rebuilt from its history ({} version{}, the newest {}), the unreadable record "
        "kept in the store's meta as unreadable_doc_state/{}@{}",
        damaged.why.message(), repaired->version_count, repaired->version_count == 1 ? "" : "s",
        repaired->last_text_hash.empty() ? "none" : repaired->last_text_hash.substr(0, 12), id,
        now_ms);
    (*states)[damaged.index] = PackedState(*repaired);
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<PackedState>> ReadStoredStates(Store& store,
                                                  const std::vector<std::string_view>& ids,
                                                  std::size_t threads, int64_t now_ms) {
  std::vector<PackedState> states(ids.size());
  const std::size_t parts =
      std::clamp<std::size_t>(ids.size() / kIdsPerThread, 1, std::max<std::size_t>(threads, 1));
  std::vector<Status> results(parts);
  std::vector<std::vector<UnreadableState>> unreadable(parts);
  const auto read_part = [&](std::size_t part) {
    const std::size_t begin = ids.size() * part / parts;
    const std::size_t end = ids.size() * (part + 1) / parts;
    const std::span<const std::string_view> slice(ids.data() + begin, end - begin);
    results[part] = store.ReadDocStates(
        slice,
        [&](std::size_t index, const DocState& state) {
          states[begin + index] = PackedState(state);
        },
        [&](std::size_t index, const Status& why) {
          unreadable[part].push_back({begin + index, why});
        });
  };
  RunParts(parts, read_part);
  for (const Status& result : results) {
    if (!result.ok()) return result;
  }
  for (const std::vector<UnreadableState>& part : unreadable) {
    if (Status s = RepairUnreadable(store, ids, part, now_ms, &states); !s.ok()) return s;
  }
  return states;
}

}  // namespace policyd

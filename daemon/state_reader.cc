#include "state_reader.h"

#include <algorithm>
#include <span>

#include "policyd/parallel.h"

namespace policyd {

namespace {
// Below this many ids a part is not worth a thread.
constexpr std::size_t kIdsPerThread = 8192;
}  // namespace

Result<std::vector<PackedState>> ReadStoredStates(const Store& store,
                                                  const std::vector<std::string_view>& ids,
                                                  std::size_t threads) {
  std::vector<PackedState> states(ids.size());
  const std::size_t parts =
      std::clamp<std::size_t>(ids.size() / kIdsPerThread, 1, std::max<std::size_t>(threads, 1));
  std::vector<Status> results(parts);
  const auto read_part = [&](std::size_t part) {
    const std::size_t begin = ids.size() * part / parts;
    const std::size_t end = ids.size() * (part + 1) / parts;
    const std::span<const std::string_view> slice(ids.data() + begin, end - begin);
    results[part] = store.ReadDocStates(slice, [&](std::size_t index, const DocState& state) {
      states[begin + index] = PackedState(state);
    });
  };
  RunParts(parts, read_part);
  for (const Status& result : results) {
    if (!result.ok()) return result;
  }
  return states;
}

}  // namespace policyd

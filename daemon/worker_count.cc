#include "worker_count.h"

#include <algorithm>

namespace policyd {

std::size_t WorkerThreadCount(int configured, unsigned hardware_threads) {
  if (configured > 0) return static_cast<std::size_t>(configured);
  return std::clamp<std::size_t>(hardware_threads, 1, kMaxDefaultWorkers);
}

}  // namespace policyd

#include "policyd/parallel.h"

#include <thread>
#include <vector>

namespace policyd {

void RunParts(std::size_t parts, const std::function<void(std::size_t part)>& run) {
  if (parts <= 1) {
    if (parts == 1) run(0);
    return;
  }
  std::vector<std::jthread> threads;
  threads.reserve(parts);
  for (std::size_t part = 0; part < parts; ++part) threads.emplace_back(run, part);
  // Each std::jthread joins as `threads` goes.
}

}  // namespace policyd

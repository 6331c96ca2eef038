// RunParts: a piece of start-up work split into parts that run at once, one thread each (target
// files, the id sort, stored states at a million documents). The calling thread only waits: the
// daemon allows two malloc arenas (policyd_main.cc), and glibc gives a new thread whichever
// arena it can lock, the caller's own included; helpers allocating in the arena of a caller that
// allocates too would serialise on its lock. With the caller idle, two parts get an arena each.
#ifndef POLICYD_PARALLEL_H_
#define POLICYD_PARALLEL_H_

#include <cstddef>
#include <functional>

namespace policyd {

// Runs run(0) ... run(parts - 1) at once, each on a thread of its own, and returns when all
// have; one part runs on the calling thread, none runs nothing. `run` must not throw.
void RunParts(std::size_t parts, const std::function<void(std::size_t part)>& run);

}  // namespace policyd

#endif  // POLICYD_PARALLEL_H_

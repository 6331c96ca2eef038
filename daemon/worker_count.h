// How many worker threads the daemon runs (worker_threads in the config).
#ifndef POLICYD_DAEMON_WORKER_COUNT_H_
#define POLICYD_DAEMON_WORKER_COUNT_H_

#include <cstddef>

namespace policyd {

// The default's ceiling. Extraction of hundreds (or a million) of policies needs no more, and
// the daemon's threads must stay within the unit's TasksMax (160) with the io, NATS and
// RocksDB threads, the PDF converters it starts and libcurl's resolver threads: one per core
// on a 64-core host aborted the start ("thread: Resource temporarily unavailable"). An
// explicit worker_threads is kept.
inline constexpr std::size_t kMaxDefaultWorkers = 16;

// `configured` workers when > 0; else one per hardware thread (`hardware_threads`, 0 when
// unknown, counts as 1), at most kMaxDefaultWorkers.
std::size_t WorkerThreadCount(int configured, unsigned hardware_threads);

}  // namespace policyd

#endif  // POLICYD_DAEMON_WORKER_COUNT_H_

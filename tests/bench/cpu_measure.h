// CPU time and peak memory of work in this process, for the benchmarks (thread CPU time: the
// machines are shared, wall time is noise).
#ifndef POLICYD_TESTS_BENCH_CPU_MEASURE_H_
#define POLICYD_TESTS_BENCH_CPU_MEASURE_H_

#include <sys/resource.h>
#include <time.h>

#include <functional>

namespace policyd::bench {

inline double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
}

inline long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

inline double CpuOf(const std::function<void()>& work) {
  const double start = ThreadCpuSeconds();
  work();
  return ThreadCpuSeconds() - start;
}

}  // namespace policyd::bench

#endif  // POLICYD_TESTS_BENCH_CPU_MEASURE_H_

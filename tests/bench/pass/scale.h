// The scale half of the pass benchmark: a daemon configured with --scale-docs documents
// (100,000 unless told; issue 19's goals are for 1,000,000): startup time, memory per
// document, fresh and restarted with a stored state for every document; and a
// micro-benchmark of policyd::Scheduler over as many.
#ifndef POLICYD_TESTS_BENCH_PASS_SCALE_H_
#define POLICYD_TESTS_BENCH_PASS_SCALE_H_

#include <cstddef>
#include <string>

#include <nlohmann/json.hpp>

namespace policyd::bench {

// Starts policyd with `docs` documents (100 per target file, URLs under `base_url`, first
// checks spread over a year so nothing is fetched) and with one document, and reports the
// startup time until the control socket answers and the resident memory after startup; then
// ("restart") the same after a checked state was stored for every document, as a daemon
// restarts after it has checked them.
nlohmann::json RunStartupScale(std::size_t docs, const std::string& base_url);

// Upsert / NextDueMs / PopDue / Complete / CheckNow over `docs` documents: nanoseconds per
// operation and heap bytes per scheduled document.
nlohmann::json RunSchedulerBench(std::size_t docs);

// Document ids like the bundled ones ("platform-00042/terms-of-service-7"): long enough to
// live on the heap, as real ids do.
std::string ScalePlatformName(std::size_t file);
std::string ScaleDocType(std::size_t doc);

}  // namespace policyd::bench

#endif  // POLICYD_TESTS_BENCH_PASS_SCALE_H_

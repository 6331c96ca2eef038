// Metrics: a registry of counters, gauges and histograms and its text exposition for
// Prometheus (the text-based exposition format, version 0.0.4:
// https://prometheus.io/docs/instrumenting/exposition_formats/). No I/O, no Asio: the daemon
// counts into it and serves its text (`policyctl metrics`; the web view's /metrics later).
//
// The contract:
// - Every series is registered up front with its fixed label values. There is no way to add
//   a series while counting, so label values are bounded by construction: outcomes and
//   failure reasons are enums, webhook names come from the config (at most 32). Document ids
//   are never labels. At most kMaxSeries series, label values at most kMaxLabelValueBytes.
// - Names follow Prometheus's rules (metric [a-zA-Z_:][a-zA-Z0-9_:]*, label
//   [a-zA-Z_][a-zA-Z0-9_]*, no label starting with "__", no "le" label on a histogram). A
//   name registered again must keep its type, help and label names; its label values must
//   differ from every series it has. Breaking a rule is an InvalidArgument, never a crash.
// - Exposition: one "# HELP" and one "# TYPE" line per family, then its series, families and
//   series in registration order. Label values escape `\` as `\\`, `"` as `\"` and a newline
//   as `\n`; help text escapes `\` and newline. A histogram writes one `<name>_bucket` line per
//   upper bound with its `le` label (cumulative counts, ending with le="+Inf", which equals
//   `<name>_count`), then `<name>_sum` and `<name>_count`. Numbers are written in their
//   shortest exact form ("0.25", "1", "1e+21"), with "+Inf", "-Inf" and "NaN".
//
// Thread-safety: updating a value (Counter::Increment, Gauge::Set, Histogram::Observe) is
// lock-free, a few relaxed atomic operations, so the io thread and the worker pool never wait
// on each other or on an exposition. Registration and Exposition take the registry's mutex
// (they only touch the list of series). An exposition reads each value once: a histogram's
// buckets and count are consistent with each other (the count is the +Inf bucket), its sum
// may miss an observation that is being made at that instant.
#ifndef POLICYD_METRICS_H_
#define POLICYD_METRICS_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policyd/status.h"

namespace policyd {

// (label name, label value) pairs, in the order they are written.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

enum class MetricType { kCounter, kGauge, kHistogram };
// "counter", "gauge", "histogram": the word of the TYPE line.
std::string_view MetricTypeName(MetricType type);

// A value that only goes up (from 0 when the process starts).
class Counter {
 public:
  void Increment(uint64_t by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

// A value that is set (or moved) to what it is now.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets by upper bound (inclusive, as `le` says), with their sum.
class Histogram {
 public:
  // `upper_bounds`: finite and strictly increasing (MetricsRegistry::AddHistogram checks);
  // the +Inf bucket is implicit.
  explicit Histogram(std::vector<double> upper_bounds);
  // A NaN is ignored (it belongs to no bucket and would poison the sum).
  void Observe(double value);

  struct Snapshot {
    std::vector<uint64_t> cumulative;  // one per upper bound, then +Inf (== count)
    double sum = 0;
    uint64_t count = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }

 private:
  std::vector<double> upper_bounds_;
  // Per bucket (not cumulative), the last one for values above every bound.
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<double> sum_{0};
};

class MetricsRegistry {
 public:
  static constexpr std::size_t kMaxSeries = 4096;
  static constexpr std::size_t kMaxLabelValueBytes = 256;
  // The Content-Type an HTTP server sends with Exposition().
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // Registers one series; the pointer stays valid as long as the registry.
  Result<Counter*> AddCounter(std::string_view name, std::string_view help,
                              MetricLabels labels = {});
  Result<Gauge*> AddGauge(std::string_view name, std::string_view help, MetricLabels labels = {});
  Result<Histogram*> AddHistogram(std::string_view name, std::string_view help,
                                  std::vector<double> upper_bounds, MetricLabels labels = {});

  // The text exposition of every series (format 0.0.4, as the opening comment says).
  std::string Exposition() const;

 private:
  struct Family;
  Result<Family*> FamilyFor(std::string_view name, std::string_view help, MetricType type,
                            const MetricLabels& labels);

  mutable std::mutex mutex_;  // guards families_ and series_count_, not the values
  std::vector<std::unique_ptr<Family>> families_;
  std::size_t series_count_ = 0;
};

// The escapes of the format, exposed for tests and for other writers of the same format.
std::string EscapeMetricLabelValue(std::string_view value);
std::string EscapeMetricHelp(std::string_view help);
// A sample value as the format writes it: shortest exact form, "+Inf", "-Inf", "NaN".
std::string FormatMetricValue(double value);

}  // namespace policyd

#endif  // POLICYD_METRICS_H_

// A family of series under one name (one HELP and TYPE line), shared by the registry's
// registration (metrics_registry.cc) and its exposition (exposition.cc).
#ifndef POLICYD_METRICS_METRIC_FAMILY_H_
#define POLICYD_METRICS_METRIC_FAMILY_H_

#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "policyd/metrics.h"

namespace policyd {

struct MetricsRegistry::Family {
  struct Series {
    MetricLabels labels;
    // The one matching the family's type.
    std::variant<std::unique_ptr<Counter>, std::unique_ptr<Gauge>, std::unique_ptr<Histogram>>
        value;
  };
  std::string name;
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<std::string> label_names;  // of its first series; every series has the same
  std::vector<Series> series;
};

}  // namespace policyd

#endif  // POLICYD_METRICS_METRIC_FAMILY_H_

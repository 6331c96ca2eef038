// Registration: names, labels and bounds checked against the format's rules before a series
// exists, so that the exposition never writes text a scraper would refuse.
#include <algorithm>
#include <cmath>

#include "metric_family.h"

namespace policyd {

namespace {

bool IsAsciiLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsMetricName(std::string_view name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = IsAsciiLetter(c) || c == '_' || c == ':' || (i > 0 && IsAsciiDigit(c));
    if (!ok) return false;
  }
  return true;
}

// [a-zA-Z_][a-zA-Z0-9_]*, and not "__..." (reserved for Prometheus's own labels).
bool IsLabelName(std::string_view name) {
  if (name.empty() || name.starts_with("__")) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (!(IsAsciiLetter(c) || c == '_' || (i > 0 && IsAsciiDigit(c)))) return false;
  }
  return true;
}

std::vector<std::string> LabelNames(const MetricLabels& labels) {
  std::vector<std::string> names;
  names.reserve(labels.size());
  for (const auto& [name, value] : labels) names.push_back(name);
  return names;
}

Status CheckLabels(std::string_view metric, MetricType type, const MetricLabels& labels) {
  std::vector<std::string> names = LabelNames(labels);
  for (const auto& [name, value] : labels) {
    if (!IsLabelName(name)) {
      return Status::InvalidArgument("metric " + std::string(metric) + ": invalid label name '" +
                                     name + "'");
    }
    if (type == MetricType::kHistogram && name == "le") {
      return Status::InvalidArgument("metric " + std::string(metric) +
                                     ": a histogram cannot have a label named le");
    }
    if (value.size() > MetricsRegistry::kMaxLabelValueBytes) {
      return Status::InvalidArgument(
          "metric " + std::string(metric) + ": the value of label " + name + " is longer than " +
          std::to_string(MetricsRegistry::kMaxLabelValueBytes) + " bytes");
    }
  }
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end()) {
    return Status::InvalidArgument("metric " + std::string(metric) + ": a label name is repeated");
  }
  return Status::Ok();
}

Status CheckUpperBounds(std::string_view metric, const std::vector<double>& bounds) {
  if (bounds.empty()) {
    return Status::InvalidArgument("histogram " + std::string(metric) + ": no bucket bound");
  }
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (!std::isfinite(bounds[i])) {
      return Status::InvalidArgument("histogram " + std::string(metric) +
                                     ": bucket bounds must be finite (+Inf is implicit)");
    }
    if (i > 0 && !(bounds[i - 1] < bounds[i])) {
      return Status::InvalidArgument("histogram " + std::string(metric) +
                                     ": bucket bounds must be strictly increasing");
    }
  }
  return Status::Ok();
}

}  // namespace

std::string_view MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

// Called with mutex_ held. The family `name` (created when new) once the series' labels are
// known to fit it.
Result<MetricsRegistry::Family*> MetricsRegistry::FamilyFor(std::string_view name,
                                                            std::string_view help, MetricType type,
                                                            const MetricLabels& labels) {
  if (!IsMetricName(name)) {
    return Status::InvalidArgument("invalid metric name '" + std::string(name) + "'");
  }
  if (Status s = CheckLabels(name, type, labels); !s.ok()) return s;
  if (series_count_ >= kMaxSeries) {
    return Status::InvalidArgument("metric " + std::string(name) + ": more than " +
                                   std::to_string(kMaxSeries) + " series");
  }
  const auto it = std::find_if(families_.begin(), families_.end(),
                               [&](const auto& family) { return family->name == name; });
  if (it == families_.end()) {
    auto family = std::make_unique<Family>();
    family->name = std::string(name);
    family->help = std::string(help);
    family->type = type;
    family->label_names = LabelNames(labels);
    families_.push_back(std::move(family));
    return families_.back().get();
  }
  Family& family = **it;
  if (family.type != type || family.help != help) {
    return Status::InvalidArgument("metric " + std::string(name) +
                                   " is registered already with another type or help");
  }
  if (family.label_names != LabelNames(labels)) {
    return Status::InvalidArgument("metric " + std::string(name) +
                                   ": every series must have the same label names");
  }
  for (const auto& series : family.series) {
    if (series.labels == labels) {
      return Status::InvalidArgument("metric " + std::string(name) +
                                     ": this series is registered already");
    }
  }
  return &family;
}

Result<Counter*> MetricsRegistry::AddCounter(std::string_view name, std::string_view help,
                                             MetricLabels labels) {
  std::lock_guard lock(mutex_);
  auto family = FamilyFor(name, help, MetricType::kCounter, labels);
  if (!family.ok()) return family.status();
  auto counter = std::make_unique<Counter>();
  Counter* result = counter.get();
  (*family)->series.push_back({std::move(labels), std::move(counter)});
  ++series_count_;
  return result;
}

Result<Gauge*> MetricsRegistry::AddGauge(std::string_view name, std::string_view help,
                                         MetricLabels labels) {
  std::lock_guard lock(mutex_);
  auto family = FamilyFor(name, help, MetricType::kGauge, labels);
  if (!family.ok()) return family.status();
  auto gauge = std::make_unique<Gauge>();
  Gauge* result = gauge.get();
  (*family)->series.push_back({std::move(labels), std::move(gauge)});
  ++series_count_;
  return result;
}

Result<Histogram*> MetricsRegistry::AddHistogram(std::string_view name, std::string_view help,
                                                 std::vector<double> upper_bounds,
                                                 MetricLabels labels) {
  if (Status s = CheckUpperBounds(name, upper_bounds); !s.ok()) return s;
  std::lock_guard lock(mutex_);
  auto family = FamilyFor(name, help, MetricType::kHistogram, labels);
  if (!family.ok()) return family.status();
  auto histogram = std::make_unique<Histogram>(std::move(upper_bounds));
  Histogram* result = histogram.get();
  (*family)->series.push_back({std::move(labels), std::move(histogram)});
  ++series_count_;
  return result;
}

}  // namespace policyd

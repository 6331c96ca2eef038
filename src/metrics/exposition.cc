// The text exposition (format 0.0.4): HELP and TYPE lines, escaped label values, histograms
// as cumulative _bucket lines with le (ending with +Inf), _sum and _count.
#include <charconv>
#include <cmath>

#include "metric_family.h"

namespace policyd {

namespace {

// {name="value",...}, with `extra` (a histogram's le) last; "" when there are no labels.
std::string LabelSet(const MetricLabels& labels, std::string_view extra_name = {},
                     std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return "";
  std::string text = "{";
  bool first = true;
  const auto add = [&](std::string_view name, std::string_view value) {
    if (!first) text += ',';
    first = false;
    text += name;
    text += "=\"";
    text += EscapeMetricLabelValue(value);
    text += '"';
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  text += '}';
  return text;
}

void AppendSample(std::string& out, std::string_view name, const std::string& labels,
                  std::string_view value) {
  out += name;
  out += labels;
  out += ' ';
  out += value;
  out += '\n';
}

void AppendHistogram(std::string& out, const std::string& name, const MetricLabels& labels,
                     const Histogram& histogram) {
  const Histogram::Snapshot snapshot = histogram.Read();
  const auto& bounds = histogram.upper_bounds();
  const std::string bucket = name + "_bucket";
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    AppendSample(out, bucket, LabelSet(labels, "le", FormatMetricValue(bounds[i])),
                 std::to_string(snapshot.cumulative[i]));
  }
  AppendSample(out, bucket, LabelSet(labels, "le", "+Inf"), std::to_string(snapshot.count));
  AppendSample(out, name + "_sum", LabelSet(labels), FormatMetricValue(snapshot.sum));
  AppendSample(out, name + "_count", LabelSet(labels), std::to_string(snapshot.count));
}

}  // namespace

std::string EscapeMetricLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string EscapeMetricHelp(std::string_view help) {
  std::string out;
  out.reserve(help.size());
  for (const char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatMetricValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  if (ec != std::errc()) return "NaN";  // cannot happen: 32 bytes hold any double
  return std::string(buffer, end);
}

std::string MetricsRegistry::Exposition() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& family : families_) {
    out += "# HELP " + family->name + " " + EscapeMetricHelp(family->help) + "\n";
    out += "# TYPE " + family->name + " " + std::string(MetricTypeName(family->type)) + "\n";
    for (const auto& series : family->series) {
      if (const auto* counter = std::get_if<std::unique_ptr<Counter>>(&series.value)) {
        AppendSample(out, family->name, LabelSet(series.labels),
                     std::to_string((*counter)->Value()));
      } else if (const auto* gauge = std::get_if<std::unique_ptr<Gauge>>(&series.value)) {
        AppendSample(out, family->name, LabelSet(series.labels),
                     FormatMetricValue((*gauge)->Value()));
      } else if (const auto* histogram = std::get_if<std::unique_ptr<Histogram>>(&series.value)) {
        AppendHistogram(out, family->name, series.labels, **histogram);
      }
    }
  }
  return out;
}

}  // namespace policyd

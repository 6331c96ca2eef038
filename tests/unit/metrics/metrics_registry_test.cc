#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <thread>

#include "policyd/metrics.h"

namespace policyd {
namespace {

TEST(MetricsRegistryTest, CounterWithLabelsIsOneFamilyWithHelpAndType) {
  MetricsRegistry registry;
  auto changed =
      registry.AddCounter("policyd_checks_total", "Checks by outcome.", {{"outcome", "changed"}});
  auto failed =
      registry.AddCounter("policyd_checks_total", "Checks by outcome.", {{"outcome", "failed"}});
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  ASSERT_TRUE(failed.ok()) << failed.status().ToString();
  (*changed)->Increment();
  (*changed)->Increment(2);
  EXPECT_EQ((*changed)->Value(), 3u);
  EXPECT_EQ(registry.Exposition(),
            "# HELP policyd_checks_total Checks by outcome.\n"
            "# TYPE policyd_checks_total counter\n"
            "policyd_checks_total{outcome=\"changed\"} 3\n"
            "policyd_checks_total{outcome=\"failed\"} 0\n");
}

TEST(MetricsRegistryTest, GaugeWithoutLabelsWritesItsShortestValue) {
  MetricsRegistry registry;
  auto bytes = registry.AddGauge("policyd_database_bytes", "Size of the database.");
  auto ratio = registry.AddGauge("test_ratio", "A fraction.");
  ASSERT_TRUE(bytes.ok());
  ASSERT_TRUE(ratio.ok());
  (*bytes)->Set(123456789);
  (*ratio)->Set(0.25);
  (*ratio)->Add(-1);
  EXPECT_EQ(registry.Exposition(),
            "# HELP policyd_database_bytes Size of the database.\n"
            "# TYPE policyd_database_bytes gauge\n"
            "policyd_database_bytes 123456789\n"
            "# HELP test_ratio A fraction.\n"
            "# TYPE test_ratio gauge\n"
            "test_ratio -0.75\n");
}

TEST(MetricsRegistryTest, HistogramBucketsAreCumulativeAndEndWithInf) {
  MetricsRegistry registry;
  auto latency = registry.AddHistogram("test_duration_seconds", "How long.", {0.25, 0.5, 1});
  ASSERT_TRUE(latency.ok());
  // le is inclusive: 0.25 goes into the first bucket; 7 only into +Inf.
  for (const double v : {0.125, 0.25, 0.375, 1.0, 7.0}) (*latency)->Observe(v);
  (*latency)->Observe(std::numeric_limits<double>::quiet_NaN());  // ignored
  EXPECT_EQ(registry.Exposition(),
            "# HELP test_duration_seconds How long.\n"
            "# TYPE test_duration_seconds histogram\n"
            "test_duration_seconds_bucket{le=\"0.25\"} 2\n"
            "test_duration_seconds_bucket{le=\"0.5\"} 3\n"
            "test_duration_seconds_bucket{le=\"1\"} 4\n"
            "test_duration_seconds_bucket{le=\"+Inf\"} 5\n"
            "test_duration_seconds_sum 8.75\n"
            "test_duration_seconds_count 5\n");
}

TEST(MetricsRegistryTest, HistogramWithLabelsPutsLeLast) {
  MetricsRegistry registry;
  auto h = registry.AddHistogram("test_seconds", "H.", {1}, {{"stage", "fetch"}});
  ASSERT_TRUE(h.ok());
  (*h)->Observe(2);
  EXPECT_EQ(registry.Exposition(),
            "# HELP test_seconds H.\n"
            "# TYPE test_seconds histogram\n"
            "test_seconds_bucket{stage=\"fetch\",le=\"1\"} 0\n"
            "test_seconds_bucket{stage=\"fetch\",le=\"+Inf\"} 1\n"
            "test_seconds_sum{stage=\"fetch\"} 2\n"
            "test_seconds_count{stage=\"fetch\"} 1\n");
}

TEST(MetricsRegistryTest, LabelValuesAndHelpAreEscaped) {
  MetricsRegistry registry;
  auto c = registry.AddGauge("test_info", "Back\\slash and\nnewline; \"quotes\" stay.",
                             {{"path", "C:\\dir \"x\"\nnext"}});
  ASSERT_TRUE(c.ok());
  (*c)->Set(1);
  EXPECT_EQ(registry.Exposition(),
            "# HELP test_info Back\\\\slash and\\nnewline; \"quotes\" stay.\n"
            "# TYPE test_info gauge\n"
            "test_info{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n");
}

TEST(MetricsRegistryTest, ValuesAreWrittenAsTheFormatSays) {
  EXPECT_EQ(FormatMetricValue(0), "0");
  EXPECT_EQ(FormatMetricValue(2.5), "2.5");
  EXPECT_EQ(FormatMetricValue(0.005), "0.005");
  EXPECT_EQ(FormatMetricValue(1e21), "1e+21");
  EXPECT_EQ(FormatMetricValue(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatMetricValue(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatMetricValue(std::nan("")), "NaN");
}

TEST(MetricsRegistryTest, RefusesWhatAScraperWouldRefuse) {
  MetricsRegistry registry;
  EXPECT_FALSE(registry.AddCounter("", "h").ok());
  EXPECT_FALSE(registry.AddCounter("9lives", "h").ok());
  EXPECT_FALSE(registry.AddCounter("bad-name", "h").ok());
  EXPECT_FALSE(registry.AddCounter("ok_total", "h", {{"bad-label", "x"}}).ok());
  EXPECT_FALSE(registry.AddCounter("ok_total", "h", {{"__reserved", "x"}}).ok());
  EXPECT_FALSE(registry.AddCounter("ok_total", "h", {{"a", "x"}, {"a", "y"}}).ok());
  EXPECT_FALSE(registry.AddCounter("ok_total", "h", {{"a", std::string(300, 'x')}}).ok());
  EXPECT_FALSE(registry.AddHistogram("h_seconds", "h", {1}, {{"le", "1"}}).ok());
  EXPECT_FALSE(registry.AddHistogram("h_seconds", "h", {}).ok());
  EXPECT_FALSE(registry.AddHistogram("h_seconds", "h", {2, 1}).ok());
  EXPECT_FALSE(registry.AddHistogram("h_seconds", "h", {1, 1}).ok());
  EXPECT_FALSE(
      registry.AddHistogram("h_seconds", "h", {1, std::numeric_limits<double>::infinity()}).ok());

  ASSERT_TRUE(registry.AddCounter("c_total", "help", {{"a", "1"}}).ok());
  const auto same_series = registry.AddCounter("c_total", "help", {{"a", "1"}});
  EXPECT_FALSE(same_series.ok());
  EXPECT_NE(same_series.status().message().find("registered already"), std::string::npos);
  EXPECT_FALSE(registry.AddGauge("c_total", "help", {{"a", "2"}}).ok());     // another type
  EXPECT_FALSE(registry.AddCounter("c_total", "other", {{"a", "2"}}).ok());  // another help
  EXPECT_FALSE(registry.AddCounter("c_total", "help", {{"b", "2"}}).ok());   // other labels
  EXPECT_TRUE(registry.AddCounter("c_total", "help", {{"a", "2"}}).ok());
  // Nothing refused was written.
  EXPECT_EQ(registry.Exposition(),
            "# HELP c_total help\n# TYPE c_total counter\nc_total{a=\"1\"} 0\nc_total{a=\"2\"} "
            "0\n");
}

TEST(MetricsRegistryTest, SeriesAreBounded) {
  MetricsRegistry registry;
  for (std::size_t i = 0; i < MetricsRegistry::kMaxSeries; ++i) {
    ASSERT_TRUE(registry.AddGauge("g", "h", {{"i", std::to_string(i)}}).ok());
  }
  EXPECT_FALSE(registry.AddGauge("g", "h", {{"i", "one more"}}).ok());
}

TEST(MetricsRegistryTest, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  Counter* counter = *registry.AddCounter("c_total", "h");
  Histogram* histogram = *registry.AddHistogram("h_seconds", "h", {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) {
        counter->Increment();
        histogram->Observe(i % 2 == 0 ? 0.25 : 1.0);
      }
    });
  }
  // Expositions meanwhile never block the writers and stay well-formed.
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(registry.Exposition().empty());
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(counter->Value(), 40000u);
  const Histogram::Snapshot snapshot = histogram->Read();
  EXPECT_EQ(snapshot.count, 40000u);
  EXPECT_EQ(snapshot.cumulative, (std::vector<uint64_t>{20000, 40000}));
  EXPECT_DOUBLE_EQ(snapshot.sum, 20000 * 0.25 + 20000 * 1.0);
}

}  // namespace
}  // namespace policyd

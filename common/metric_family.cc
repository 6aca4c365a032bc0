#include "common/metric_family.h"

#include <utility>

namespace sluice {
namespace {

prometheus::MetricFamily OneSample(std::string name, std::string help, prometheus::MetricType type,
                                   prometheus::ClientMetric metric) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  family.metric.push_back(std::move(metric));
  return family;
}

}  // namespace

prometheus::MetricFamily GaugeFamily(std::string name, std::string help, double value,
                                     std::vector<prometheus::ClientMetric::Label> labels) {
  prometheus::ClientMetric metric;
  metric.label = std::move(labels);
  metric.gauge.value = value;
  return OneSample(std::move(name), std::move(help), prometheus::MetricType::Gauge,
                   std::move(metric));
}

prometheus::MetricFamily CounterFamily(std::string name, std::string help, double value) {
  prometheus::ClientMetric metric;
  metric.counter.value = value;
  return OneSample(std::move(name), std::move(help), prometheus::MetricType::Counter,
                   std::move(metric));
}

}  // namespace sluice

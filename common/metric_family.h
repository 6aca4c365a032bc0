// File: common/metric_family.h
// One-sample Prometheus metric families, for collectors that compute their values when
// scraped (storage, partition health, process) instead of updating registry metrics.
#pragma once

#include <string>
#include <vector>

#include "prometheus/client_metric.h"
#include "prometheus/metric_family.h"

namespace sluice {

prometheus::MetricFamily GaugeFamily(std::string name, std::string help, double value,
                                     std::vector<prometheus::ClientMetric::Label> labels = {});
prometheus::MetricFamily CounterFamily(std::string name, std::string help, double value);

}  // namespace sluice

// File: operator/runtime/metrics.h
// The operator's Prometheus metrics, registered once at start-up (names sluice_operator_*,
// counters end in _total, durations in seconds, one label: controller or resource).
#pragma once

#include <memory>
#include <string>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace sluice::operator_runtime {

class OperatorMetrics {
 public:
  explicit OperatorMetrics(std::shared_ptr<prometheus::Registry> registry);

  // Children per controller ("sluicecluster") or resource ("statefulsets"); created once each
  // (prometheus-cpp returns the same child for the same labels).
  prometheus::Counter& ReconcileTotal(const std::string& controller);
  prometheus::Counter& ReconcileErrors(const std::string& controller);
  prometheus::Histogram& ReconcileDuration(const std::string& controller);
  prometheus::Gauge& QueueDepth(const std::string& controller);
  prometheus::Counter& InformerRelists(const std::string& resource);
  prometheus::Gauge& Leader() { return leader_; }

  const std::shared_ptr<prometheus::Registry>& registry() const { return registry_; }

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& reconcile_total_;
  prometheus::Family<prometheus::Counter>& reconcile_errors_;
  prometheus::Family<prometheus::Histogram>& reconcile_duration_;
  prometheus::Family<prometheus::Gauge>& queue_depth_;
  prometheus::Family<prometheus::Counter>& informer_relists_;
  prometheus::Gauge& leader_;
};

}  // namespace sluice::operator_runtime

#include "operator/runtime/metrics.h"

namespace sluice::operator_runtime {

OperatorMetrics::OperatorMetrics(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)),
      reconcile_total_(prometheus::BuildCounter()
                           .Name("sluice_operator_reconcile_total")
                           .Help("Reconciles run, by controller")
                           .Register(*registry_)),
      reconcile_errors_(prometheus::BuildCounter()
                            .Name("sluice_operator_reconcile_errors_total")
                            .Help("Reconciles that returned an error, by controller")
                            .Register(*registry_)),
      reconcile_duration_(prometheus::BuildHistogram()
                              .Name("sluice_operator_reconcile_duration_seconds")
                              .Help("Time spent in one reconcile, by controller")
                              .Register(*registry_)),
      queue_depth_(prometheus::BuildGauge()
                       .Name("sluice_operator_queue_depth")
                       .Help("Keys ready in the work queue, by controller")
                       .Register(*registry_)),
      informer_relists_(prometheus::BuildCounter()
                            .Name("sluice_operator_informer_relists_total")
                            .Help("Relists after 410 Gone or repeated watch failures, by resource")
                            .Register(*registry_)),
      leader_(prometheus::BuildGauge()
                  .Name("sluice_operator_leader")
                  .Help("1 while this replica holds the leader lease")
                  .Register(*registry_)
                  .Add({})) {}

prometheus::Counter& OperatorMetrics::ReconcileTotal(const std::string& controller) {
  return reconcile_total_.Add({{"controller", controller}});
}
prometheus::Counter& OperatorMetrics::ReconcileErrors(const std::string& controller) {
  return reconcile_errors_.Add({{"controller", controller}});
}
prometheus::Histogram& OperatorMetrics::ReconcileDuration(const std::string& controller) {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return reconcile_duration_.Add({{"controller", controller}}, kBuckets);
}
prometheus::Gauge& OperatorMetrics::QueueDepth(const std::string& controller) {
  return queue_depth_.Add({{"controller", controller}});
}
prometheus::Counter& OperatorMetrics::InformerRelists(const std::string& resource) {
  return informer_relists_.Add({{"resource", resource}});
}

}  // namespace sluice::operator_runtime

// File: operator/controllers.h
// Wires the informers, work queues and reconcilers of the operator together. Started only
// while this replica leads (or always, without leader election).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "operator/k8s/client.h"
#include "operator/k8s/events.h"
#include "operator/operator_flags.h"
#include "operator/reconcilers/cluster/cluster_reconciler.h"
#include "operator/reconcilers/topic/topic_reconciler.h"
#include "operator/runtime/controller.h"
#include "operator/runtime/informer.h"
#include "operator/runtime/metrics.h"

namespace sluice::operator_main {

class Controllers {
 public:
  // All pointers must outlive the object.
  Controllers(const OperatorFlags& flags, k8s::KubeClient* client, k8s::EventRecorder* events,
              operator_runtime::OperatorMetrics* metrics);
  ~Controllers();

  // Starts informers and workers. Returns at once.
  void Start();
  // True once every informer has listed.
  bool Synced() const;
  // Enqueues every known SluiceCluster and SluiceTopic (periodic resync; topics also requeue
  // themselves every --topic-resync-seconds).
  void Resync();
  // Copies informer statistics into the metrics. Call periodically from one thread.
  void UpdateMetrics();
  // Stops informers and workers and joins their threads (bounded by a reconcile in flight).
  void Stop();

 private:
  const OperatorFlags& flags_;
  operator_runtime::OperatorMetrics* metrics_;
  std::atomic<bool> stop_{false};
  operator_runtime::Informer clusters_;
  operator_runtime::Informer statefulsets_;
  operator_runtime::Informer topics_;
  std::unique_ptr<operator_cluster::ClusterReconciler> cluster_reconciler_;
  std::unique_ptr<operator_runtime::Controller> cluster_controller_;
  std::unique_ptr<operator_topic::TopicReconciler> topic_reconciler_;
  std::unique_ptr<operator_runtime::Controller> topic_controller_;
  std::vector<std::thread> threads_;
  uint64_t reported_relists_[3] = {0, 0, 0};
};

}  // namespace sluice::operator_main

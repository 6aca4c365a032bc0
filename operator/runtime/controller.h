// File: operator/runtime/controller.h
// Runs one reconciler: worker threads take keys from a WorkQueue and call Reconcile.
// A failed reconcile is retried with the queue's backoff; a successful one resets it and may
// ask to be run again after a delay (periodic resync while something is in progress).
// Metrics: reconcile total/errors/duration and queue depth under the controller's name.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "operator/runtime/metrics.h"
#include "operator/runtime/work_queue.h"

namespace sluice::operator_runtime {

struct ReconcileResult {
  // > 0: reconcile this key again after this long even without a change.
  std::chrono::milliseconds requeue_after{0};
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  // Converges the object named `key` ("namespace/name"); idempotent and level-triggered.
  // Must be safe to call for a key whose object no longer exists.
  virtual absl::StatusOr<ReconcileResult> Reconcile(const std::string& key) = 0;
};

class Controller {
 public:
  // `reconciler` and `metrics` must outlive the controller.
  Controller(std::string name, Reconciler* reconciler, OperatorMetrics* metrics,
             WorkQueueOptions queue_options = {});
  ~Controller();

  WorkQueue& queue() { return queue_; }
  const std::string& name() const { return name_; }
  // Starts `workers` threads. REQUIRES: called once.
  void Start(int workers);
  // Shuts the queue down and joins the workers (a reconcile in flight finishes first).
  void Stop();

 private:
  void Work();

  const std::string name_;
  Reconciler* reconciler_;
  OperatorMetrics* metrics_;
  WorkQueue queue_;
  std::vector<std::thread> workers_;
};

}  // namespace sluice::operator_runtime

#include "operator/runtime/controller.h"

#include "common/log.h"

namespace sluice::operator_runtime {

Controller::Controller(std::string name, Reconciler* reconciler, OperatorMetrics* metrics,
                       WorkQueueOptions queue_options)
    : name_(std::move(name)), reconciler_(reconciler), metrics_(metrics), queue_(queue_options) {}

Controller::~Controller() { Stop(); }

void Controller::Start(int workers) {
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { Work(); });
}

void Controller::Stop() {
  queue_.ShutDown();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void Controller::Work() {
  auto& total = metrics_->ReconcileTotal(name_);
  auto& errors = metrics_->ReconcileErrors(name_);
  auto& duration = metrics_->ReconcileDuration(name_);
  auto& depth = metrics_->QueueDepth(name_);
  std::string key;
  while (queue_.Get(&key)) {
    depth.Set(static_cast<double>(queue_.Len()));
    auto start = std::chrono::steady_clock::now();
    absl::StatusOr<ReconcileResult> result = reconciler_->Reconcile(key);
    duration.Observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    total.Increment();
    if (result.ok()) {
      queue_.Forget(key);
      if (result->requeue_after.count() > 0) queue_.AddAfter(key, result->requeue_after);
    } else {
      errors.Increment();
      SLUICE_LOG(kWarn) << name_ << " " << key << ": reconcile failed (retry "
                        << queue_.NumRequeues(key) + 1 << "): " << result.status();
      queue_.AddRateLimited(key);
    }
    queue_.Done(key);
    depth.Set(static_cast<double>(queue_.Len()));
  }
}

}  // namespace sluice::operator_runtime

// File: operator/reconcilers/cluster/cluster_reconciler.h
// Reconciles one SluiceCluster: applies the built objects with server-side apply (field
// manager sluice-operator, force), then writes status from the StatefulSet and its pods.
//
// Level-triggered: each call reads the cluster (from the informer cache when given) and
// converges; it keeps no state between calls, so a restarted operator carries on where the
// previous one stopped. A spec that fails validation is reported (Degraded/InvalidSpec) and not
// retried until it changes; an API error is returned so the controller retries with backoff.
// While the cluster is not Ready the key is requeued every `poll` (pods starting, rolling).
// Thread-safe if the client is; one key is never reconciled by two workers at once.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "nlohmann/json.hpp"
#include "operator/k8s/client.h"
#include "operator/k8s/events.h"
#include "operator/runtime/controller.h"

namespace sluice::operator_cluster {

class ClusterReconciler : public operator_runtime::Reconciler {
 public:
  // Looks a SluiceCluster up by key; nullopt if it does not exist. Typically the informer.
  using Lookup = std::function<std::optional<nlohmann::json>(const std::string& key)>;

  // `client` (and `events`, may be null) must outlive the reconciler. Without `lookup` the
  // cluster is read with client->Get.
  ClusterReconciler(k8s::KubeClient* client, k8s::EventRecorder* events, Lookup lookup = nullptr,
                    std::chrono::milliseconds poll = std::chrono::seconds(5));

  absl::StatusOr<operator_runtime::ReconcileResult> Reconcile(const std::string& key) override;

 private:
  absl::StatusOr<operator_runtime::ReconcileResult> ReconcileObject(const nlohmann::json& object);
  absl::Status WriteStatus(const nlohmann::json& object, const nlohmann::json& status_json);

  k8s::KubeClient* client_;
  k8s::EventRecorder* events_;
  Lookup lookup_;
  std::chrono::milliseconds poll_;
};

}  // namespace sluice::operator_cluster

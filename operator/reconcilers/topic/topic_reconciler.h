// File: operator/reconcilers/topic/topic_reconciler.h
// Reconciles one SluiceTopic against its SluiceCluster's brokers over the Kafka admin protocol.
//
// One pass (level-triggered; nothing is kept between passes):
//   1. Being deleted: with deletionPolicy Delete, delete the Kafka topic (absent is fine), then
//      remove the finalizer; with Retain only remove it. If the brokers cannot be reached the
//      finalizer stays, Ready=False/DeleteFailed says why and the key is retried with the work
//      queue's backoff (up to 5 min) for as long as it takes: no timeout, the topic is never
//      silently leaked. A SluiceCluster that no longer exists (or is being deleted) takes its
//      topics with it, so then the finalizer is removed at once.
//   2. Add the finalizer sluice.dev/topic-protection (an optimistic-concurrency PUT) before
//      anything touches Kafka.
//   3. Validate the spec (InvalidSpec, not retried until the spec changes).
//   4. Dial <cluster>-bootstrap.<ns>.svc:<kafkaPort> through the admin factory (its address
//      mapper), observe the topic, plan (PlanTopicSync), and unless the difference is drift that
//      driftPolicy Report only reports: create (an existing topic of that name is adopted),
//      alter configs, grow partitions. Refusals by the planner or the broker become Ready=False
//      with a reason and a Warning event, and are not retried faster than `resync` (no hot
//      loop); transport errors are returned so the controller backs off.
//   5. Re-read the topic and write status (only when it changed); requeue after `resync` so
//      drift made with Kafka tools is found without any Kubernetes event.
// See topic_status.h for the conditions. Thread-safe if the client and factory are; one key is
// never reconciled by two workers at once.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>

#include "nlohmann/json.hpp"
#include "operator/api/sluice_topic.h"
#include "operator/k8s/client.h"
#include "operator/k8s/events.h"
#include "operator/reconcilers/topic/topic_admin.h"
#include "operator/reconcilers/topic/topic_status.h"
#include "operator/runtime/controller.h"

namespace sluice::operator_topic {

struct TopicReconcilerOptions {
  // Periodic re-reconcile of every topic (drift detection).
  std::chrono::milliseconds resync = std::chrono::seconds(60);
  // How soon to look again when the SluiceCluster does not exist yet.
  std::chrono::milliseconds cluster_poll = std::chrono::seconds(10);
};

class TopicReconciler : public operator_runtime::Reconciler {
 public:
  // Looks an object up by "namespace/name"; nullopt if it does not exist (an informer cache).
  using Lookup = std::function<std::optional<nlohmann::json>(const std::string& key)>;

  // `client` (and `events`, may be null) must outlive the reconciler. Null lookups read with
  // client->Get.
  TopicReconciler(k8s::KubeClient* client, k8s::EventRecorder* events, TopicAdminFactory admin,
                  Lookup topics = nullptr, Lookup clusters = nullptr,
                  TopicReconcilerOptions options = {});

  absl::StatusOr<operator_runtime::ReconcileResult> Reconcile(const std::string& key) override;

 private:
  absl::StatusOr<std::optional<nlohmann::json>> Read(const k8s::Resource& resource,
                                                     const Lookup& lookup, const std::string& key);
  absl::StatusOr<operator_runtime::ReconcileResult> ReconcileObject(nlohmann::json object);
  absl::StatusOr<operator_runtime::ReconcileResult> Finalize(const nlohmann::json& object,
                                                             const operator_api::SluiceTopic& t);
  absl::StatusOr<operator_runtime::ReconcileResult> Sync(const nlohmann::json& object,
                                                         const operator_api::SluiceTopic& topic,
                                                         const nlohmann::json& cluster);
  // Writes `status` if it differs from the topic's; records a Warning event when the Ready
  // condition turns to a failure reason or its message changes.
  absl::Status Report(const nlohmann::json& object, const operator_api::SluiceTopic& topic,
                      const operator_api::SluiceTopicStatus& status);
  // Adds or removes the finalizer with a PUT; returns the stored object.
  absl::StatusOr<nlohmann::json> SetFinalizer(const nlohmann::json& object, bool present);

  k8s::KubeClient* client_;
  k8s::EventRecorder* events_;
  TopicAdminFactory admin_;
  Lookup topics_;
  Lookup clusters_;
  TopicReconcilerOptions options_;
};

// True if `object` carries kFinalizer.
bool HasFinalizer(const nlohmann::json& object);

}  // namespace sluice::operator_topic

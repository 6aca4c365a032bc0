#include "operator/reconcilers/cluster/cluster_reconciler.h"

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status.h"
#include "operator/api/sluice_cluster.h"
#include "operator/k8s/api_status.h"
#include "operator/reconcilers/cluster/builders.h"
#include "operator/reconcilers/cluster/cluster_status.h"
#include "operator/reconcilers/cluster/names.h"

namespace sluice::operator_cluster {

using operator_api::SluiceCluster;
using operator_runtime::ReconcileResult;

ClusterReconciler::ClusterReconciler(k8s::KubeClient* client, k8s::EventRecorder* events,
                                     Lookup lookup, std::chrono::milliseconds poll)
    : client_(client), events_(events), lookup_(std::move(lookup)), poll_(poll) {}

absl::StatusOr<ReconcileResult> ClusterReconciler::Reconcile(const std::string& key) {
  size_t slash = key.find('/');
  if (slash == std::string::npos) return absl::InvalidArgumentError("bad key " + key);
  std::optional<nlohmann::json> object;
  if (lookup_) {
    object = lookup_(key);
  } else {
    auto got = client_->Get(k8s::SluiceClusters(), key.substr(0, slash), key.substr(slash + 1));
    if (got.ok()) {
      object = *got;
    } else if (!absl::IsNotFound(got.status())) {
      return got.status();
    }
  }
  if (!object) return ReconcileResult{};  // deleted: owner references let GC clean up
  try {
    return ReconcileObject(*object);
  } catch (const std::exception& e) {  // a malformed object from the server: never crash
    return absl::InternalError(absl::StrCat("reconcile ", key, ": ", e.what()));
  }
}

absl::Status ClusterReconciler::WriteStatus(const nlohmann::json& object,
                                            const nlohmann::json& status_json) {
  nlohmann::json patch = {
      {"apiVersion", operator_api::kApiVersion},
      {"kind", operator_api::kSluiceClusterKind},
      {"metadata",
       {{"name", object["metadata"]["name"]}, {"namespace", object["metadata"]["namespace"]}}},
      {"status", status_json}};
  const std::string ns = object["metadata"]["namespace"];
  return client_->Apply(k8s::SluiceClusters(), ns, patch, /*status=*/true).status();
}

absl::StatusOr<ReconcileResult> ClusterReconciler::ReconcileObject(const nlohmann::json& object) {
  auto parsed = operator_api::ParseSluiceCluster(object);
  if (!parsed.ok()) return parsed.status();  // metadata unusable: nothing to report on
  SluiceCluster& cluster = *parsed;
  const std::string key = cluster.meta.Key();
  if (!cluster.meta.deletion_timestamp.empty()) return ReconcileResult{};
  const std::string now = operator_api::NowRfc3339();

  if (absl::Status valid = operator_api::ValidateSluiceClusterSpec(cluster.spec); !valid.ok()) {
    auto status = FailedStatus(cluster, "InvalidSpec", std::string(valid.message()), now);
    if (!(status == cluster.status)) {
      SLUICE_LOG(kWarn) << "sluicecluster " << key << ": invalid spec: " << valid.message();
      if (events_) events_->Record(object, "Warning", "InvalidSpec", std::string(valid.message()));
      SLUICE_RETURN_IF_ERROR(WriteStatus(object, operator_api::SluiceClusterStatusToJson(status)));
    }
    return ReconcileResult{};  // not retried until the spec changes
  }

  struct Desired {
    const k8s::Resource& resource;
    nlohmann::json object;
  };
  const Desired desired[] = {
      {k8s::ServiceAccounts(), BuildServiceAccount(cluster)},
      {k8s::ConfigMaps(), BuildConfigMap(cluster)},
      {k8s::Services(), BuildHeadlessService(cluster)},
      {k8s::Services(), BuildBootstrapService(cluster)},
      {k8s::PodDisruptionBudgets(), BuildPodDisruptionBudget(cluster)},
      {k8s::StatefulSets(), BuildStatefulSet(cluster)},
  };
  nlohmann::json statefulset;
  for (const Desired& d : desired) {
    auto applied = client_->Apply(d.resource, cluster.meta.namespace_, d.object);
    if (!applied.ok()) {
      std::string message =
          absl::StrCat(d.resource.kind, " ", d.object["metadata"]["name"].get<std::string>(), ": ",
                       applied.status().message());
      auto status = FailedStatus(cluster, "ApplyFailed", message, now);
      if (events_ && !(status == cluster.status)) {
        events_->Record(object, "Warning", "ApplyFailed", message);
      }
      // Report, then fail so the controller retries with backoff.
      (void)WriteStatus(object, operator_api::SluiceClusterStatusToJson(status));
      return applied.status();
    }
    if (&d.resource == &k8s::StatefulSets()) statefulset = *applied;
  }

  k8s::ListOptions pods_of_cluster{SelectorString(cluster), ""};
  SLUICE_ASSIGN_OR_RETURN(nlohmann::json pods,
                          client_->List(k8s::Pods(), cluster.meta.namespace_, pods_of_cluster));
  auto status = ComputeStatus(
      cluster, statefulset, pods.contains("items") ? pods["items"] : nlohmann::json::array(), now);
  if (!(status == cluster.status)) {
    const auto* was = operator_api::FindCondition(cluster.status.conditions, operator_api::kReady);
    const auto* is = operator_api::FindCondition(status.conditions, operator_api::kReady);
    if (events_ && is && is->status == operator_api::kConditionTrue &&
        (was == nullptr || was->status != operator_api::kConditionTrue)) {
      events_->Record(object, "Normal", "ClusterReady", is->message);
    }
    SLUICE_RETURN_IF_ERROR(WriteStatus(object, operator_api::SluiceClusterStatusToJson(status)));
    SLUICE_LOG(kInfo) << "sluicecluster " << key << ": " << status.ready_brokers << "/"
                      << cluster.spec.brokers << " ready, " << status.updated_brokers << " updated";
  }
  const auto* ready = operator_api::FindCondition(status.conditions, operator_api::kReady);
  ReconcileResult result;
  if (ready == nullptr || ready->status != operator_api::kConditionTrue) {
    result.requeue_after = poll_;
  }
  return result;
}

}  // namespace sluice::operator_cluster

#include "operator/reconcilers/cluster/cluster_status.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "operator/reconcilers/cluster/builders.h"
#include "operator/reconcilers/cluster/names.h"

namespace sluice::operator_cluster {

using operator_api::BrokerStatus;
using operator_api::Condition;
using operator_api::SluiceCluster;
using operator_api::SluiceClusterStatus;

namespace {

int32_t IntAt(const nlohmann::json& obj, const char* a, const char* b) {
  if (!obj.is_object() || !obj.contains(a) || !obj[a].is_object()) return 0;
  const nlohmann::json& v = obj[a];
  return v.contains(b) && v[b].is_number_integer() ? v[b].get<int32_t>() : 0;
}

std::string StringAt(const nlohmann::json& obj, const char* a, const char* b) {
  if (!obj.is_object() || !obj.contains(a) || !obj[a].is_object()) return "";
  const nlohmann::json& v = obj[a];
  return v.contains(b) && v[b].is_string() ? v[b].get<std::string>() : "";
}

bool PodReady(const nlohmann::json& pod) {
  if (!pod.contains("status") || !pod["status"].contains("conditions")) return false;
  for (const auto& c : pod["status"]["conditions"]) {
    if (c.value("type", "") == "Ready" && c.value("status", "") == "True") return true;
  }
  return false;
}

std::string PodState(const nlohmann::json& pod) {
  if (!StringAt(pod, "metadata", "deletionTimestamp").empty()) return "Terminating";
  if (PodReady(pod)) return "Ready";
  if (StringAt(pod, "status", "phase") == "Running") return "Starting";
  return "Pending";
}

Condition Make(const char* type, bool status, std::string reason, std::string message,
               int64_t generation) {
  return {type,
          status ? operator_api::kConditionTrue : operator_api::kConditionFalse,
          std::move(reason),
          std::move(message),
          generation,
          ""};
}

}  // namespace

SluiceClusterStatus ComputeStatus(const SluiceCluster& cluster, const nlohmann::json& sts,
                                  const nlohmann::json& pods, const std::string& now) {
  const int64_t generation = cluster.meta.generation;
  const int32_t want = cluster.spec.brokers;
  SluiceClusterStatus status;
  status.conditions = cluster.status.conditions;
  status.observed_generation = generation;
  status.selector = SelectorString(cluster);
  status.config_hash = ConfigHash(cluster);
  status.brokers = IntAt(sts, "status", "replicas");
  status.ready_brokers = IntAt(sts, "status", "readyReplicas");
  status.updated_brokers = IntAt(sts, "status", "updatedReplicas");
  const std::string update_revision = StringAt(sts, "status", "updateRevision");
  const bool sts_current = sts.is_object() && sts.contains("status") &&
                           IntAt(sts, "status", "observedGeneration") >=
                               (sts.contains("metadata") && sts["metadata"].contains("generation")
                                    ? sts["metadata"]["generation"].get<int64_t>()
                                    : 0);

  std::map<int32_t, const nlohmann::json*> by_ordinal;
  const std::string prefix = StatefulSetName(cluster) + "-";
  if (pods.is_array()) {
    for (const auto& pod : pods) {
      std::string name = StringAt(pod, "metadata", "name");
      if (name.rfind(prefix, 0) != 0) continue;
      std::string rest = name.substr(prefix.size());
      if (rest.empty() || rest.find_first_not_of("0123456789") != std::string::npos) continue;
      by_ordinal[std::stoi(rest)] = &pod;
    }
  }
  for (int32_t i = 0; i < want; ++i) {
    BrokerStatus b{i, absl::StrCat(prefix, i), "Missing", false};
    if (auto it = by_ordinal.find(i); it != by_ordinal.end()) {
      b.state = PodState(*it->second);
      const nlohmann::json& labels = (*it->second)["metadata"].value("labels", nlohmann::json());
      b.updated = !update_revision.empty() && labels.is_object() &&
                  labels.value("controller-revision-hash", "") == update_revision;
    }
    status.broker_statuses.push_back(b);
  }

  Condition progressing;
  if (!sts_current || update_revision.empty()) {
    progressing = Make(operator_api::kProgressing, true, "Creating",
                       "waiting for the StatefulSet controller", generation);
  } else if (status.brokers != want) {
    progressing =
        Make(operator_api::kProgressing, true, "Scaling",
             absl::StrCat("scaling from ", status.brokers, " to ", want, " brokers"), generation);
  } else if (status.updated_brokers < want) {
    progressing =
        Make(operator_api::kProgressing, true, "RollingUpdate",
             absl::StrCat(status.updated_brokers, " of ", want, " brokers updated"), generation);
  } else if (status.ready_brokers < want) {
    progressing =
        Make(operator_api::kProgressing, true, "BrokersStarting",
             absl::StrCat(status.ready_brokers, " of ", want, " brokers ready"), generation);
  } else {
    progressing = Make(operator_api::kProgressing, false, "Stable",
                       "all brokers run the current spec", generation);
  }
  bool ready = sts_current && status.ready_brokers >= want && status.updated_brokers >= want &&
               status.brokers == want;
  Condition ready_condition =
      ready ? Make(operator_api::kReady, true, "AllBrokersReady",
                   absl::StrCat(want, " of ", want, " brokers ready"), generation)
            : Make(operator_api::kReady, false, "BrokersNotReady",
                   absl::StrCat(status.ready_brokers, " of ", want, " brokers ready"), generation);
  operator_api::SetCondition(status.conditions, ready_condition, now);
  operator_api::SetCondition(status.conditions, progressing, now);
  operator_api::SetCondition(
      status.conditions, Make(operator_api::kDegraded, false, "AsExpected", "", generation), now);
  return status;
}

SluiceClusterStatus FailedStatus(const SluiceCluster& cluster, const std::string& reason,
                                 const std::string& message, const std::string& now) {
  const int64_t generation = cluster.meta.generation;
  SluiceClusterStatus status = cluster.status;
  status.observed_generation = generation;
  operator_api::SetCondition(status.conditions,
                             Make(operator_api::kReady, false, reason, message, generation), now);
  operator_api::SetCondition(
      status.conditions,
      Make(operator_api::kProgressing, false, reason, "blocked: see Degraded", generation), now);
  operator_api::SetCondition(status.conditions,
                             Make(operator_api::kDegraded, true, reason, message, generation), now);
  return status;
}

}  // namespace sluice::operator_cluster

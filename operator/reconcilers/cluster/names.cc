#include "operator/reconcilers/cluster/names.h"

namespace sluice::operator_cluster {

using operator_api::SluiceCluster;

std::string StatefulSetName(const SluiceCluster& c) { return c.meta.name; }
std::string ConfigMapName(const SluiceCluster& c) { return c.meta.name + "-config"; }
std::string HeadlessServiceName(const SluiceCluster& c) { return c.meta.name + "-brokers"; }
std::string BootstrapServiceName(const SluiceCluster& c) { return c.meta.name + "-bootstrap"; }
std::string PdbName(const SluiceCluster& c) { return c.meta.name; }
std::string ServiceAccountName(const SluiceCluster& c) { return c.meta.name + "-broker"; }

std::map<std::string, std::string> SelectorLabels(const SluiceCluster& c) {
  return {{"app.kubernetes.io/name", "sluice-broker"}, {kClusterLabel, c.meta.name}};
}

std::map<std::string, std::string> CommonLabels(const SluiceCluster& c) {
  auto labels = SelectorLabels(c);
  labels["app.kubernetes.io/instance"] = c.meta.name;
  labels["app.kubernetes.io/component"] = "broker";
  labels[kManagedByLabel] = kManagedBy;
  return labels;
}

std::string SelectorString(const SluiceCluster& c) {
  std::string out;
  for (const auto& [k, v] : SelectorLabels(c)) {
    if (!out.empty()) out += ",";
    out += k + "=" + v;
  }
  return out;
}

nlohmann::json OwnerReference(const SluiceCluster& c) {
  return {{"apiVersion", operator_api::kApiVersion},
          {"kind", operator_api::kSluiceClusterKind},
          {"name", c.meta.name},
          {"uid", c.meta.uid},
          {"controller", true},
          {"blockOwnerDeletion", true}};
}

nlohmann::json OwnedMetadata(const SluiceCluster& c, const std::string& name) {
  return {{"name", name},
          {"namespace", c.meta.namespace_},
          {"labels", CommonLabels(c)},
          {"ownerReferences", nlohmann::json::array({OwnerReference(c)})}};
}

}  // namespace sluice::operator_cluster

#include "operator/reconcilers/cluster/builders.h"

#include <cstdint>
#include <cstdio>

#include "operator/reconcilers/cluster/names.h"

namespace sluice::operator_cluster {

using operator_api::SluiceCluster;

std::string BrokerProperties(const SluiceCluster& c) {
  std::string text = "# Written by sluice-operator from SluiceCluster " + c.meta.name +
                     " spec.config; per-broker keys are container flags.\n";
  for (const auto& [key, value] : c.spec.config) text += key + "=" + value + "\n";
  return text;
}

std::string ConfigHash(const SluiceCluster& c) {
  // FNV-1a 64: stable across builds and machines (std::hash is not).
  uint64_t hash = 1469598103934665603ULL;
  for (unsigned char ch : BrokerProperties(c)) {
    hash ^= ch;
    hash *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof(out), "%016llx", static_cast<unsigned long long>(hash));
  return out;
}

nlohmann::json BuildConfigMap(const SluiceCluster& c) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", OwnedMetadata(c, ConfigMapName(c))},
          {"data", {{kConfigFile, BrokerProperties(c)}}}};
}

namespace {

nlohmann::json Ports(const SluiceCluster& c) {
  return nlohmann::json::array({{{"name", "kafka"},
                                 {"port", c.spec.kafka_port},
                                 {"targetPort", "kafka"},
                                 {"protocol", "TCP"}},
                                {{"name", "http"},
                                 {"port", c.spec.http_port},
                                 {"targetPort", "http"},
                                 {"protocol", "TCP"}}});
}

}  // namespace

nlohmann::json BuildHeadlessService(const SluiceCluster& c) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", OwnedMetadata(c, HeadlessServiceName(c))},
          {"spec",
           {{"clusterIP", "None"},
            // Brokers must find each other before they are ready (replication, quorum).
            {"publishNotReadyAddresses", true},
            {"selector", SelectorLabels(c)},
            {"ports", Ports(c)}}}};
}

nlohmann::json BuildBootstrapService(const SluiceCluster& c) {
  return {{"apiVersion", "v1"},
          {"kind", "Service"},
          {"metadata", OwnedMetadata(c, BootstrapServiceName(c))},
          {"spec",
           {{"type", "ClusterIP"},
            {"selector", SelectorLabels(c)},
            {"ports", nlohmann::json::array({Ports(c)[0]})}}}};
}

nlohmann::json BuildServiceAccount(const SluiceCluster& c) {
  return {{"apiVersion", "v1"},
          {"kind", "ServiceAccount"},
          {"metadata", OwnedMetadata(c, ServiceAccountName(c))},
          // Brokers do not call the Kubernetes API.
          {"automountServiceAccountToken", false}};
}

nlohmann::json BuildPodDisruptionBudget(const SluiceCluster& c) {
  return {{"apiVersion", "policy/v1"},
          {"kind", "PodDisruptionBudget"},
          {"metadata", OwnedMetadata(c, PdbName(c))},
          {"spec",
           {{"maxUnavailable", c.spec.max_unavailable},
            {"selector", {{"matchLabels", SelectorLabels(c)}}}}}};
}

}  // namespace sluice::operator_cluster

// File: operator/reconcilers/cluster/names.h
// Names and labels of the objects made for a SluiceCluster named N in namespace S:
//
//   StatefulSet N (pods N-0, N-1, ...)     ConfigMap N-config
//   Service N-brokers (headless)           Service N-bootstrap (clients connect here)
//   PodDisruptionBudget N                  ServiceAccount N-broker
//   claims data-N-<i> (from the StatefulSet's template "data"; not owned, kept on delete)
//
// Broker i advertises N-i.N-brokers.S.svc:<kafkaPort>.
#pragma once

#include <map>
#include <string>

#include "nlohmann/json.hpp"
#include "operator/api/sluice_cluster.h"

namespace sluice::operator_cluster {

inline constexpr char kConfigHashAnnotation[] = "sluice.dev/config-hash";
inline constexpr char kClusterLabel[] = "sluice.dev/cluster";
inline constexpr char kManagedByLabel[] = "app.kubernetes.io/managed-by";
inline constexpr char kManagedBy[] = "sluice-operator";
inline constexpr char kConfigFile[] = "server.properties";
inline constexpr char kConfigDir[] = "/etc/sluice";
inline constexpr char kDataDir[] = "/var/lib/sluice";

std::string StatefulSetName(const operator_api::SluiceCluster& c);
std::string ConfigMapName(const operator_api::SluiceCluster& c);
std::string HeadlessServiceName(const operator_api::SluiceCluster& c);
std::string BootstrapServiceName(const operator_api::SluiceCluster& c);
std::string PdbName(const operator_api::SluiceCluster& c);
std::string ServiceAccountName(const operator_api::SluiceCluster& c);

// Labels on every object made for the cluster.
std::map<std::string, std::string> CommonLabels(const operator_api::SluiceCluster& c);
// The pod selector (a subset of CommonLabels; immutable in the StatefulSet).
std::map<std::string, std::string> SelectorLabels(const operator_api::SluiceCluster& c);
// SelectorLabels as a label-selector string: "a=b,c=d".
std::string SelectorString(const operator_api::SluiceCluster& c);

// The controller ownerReference to the cluster (REQUIRES: meta.uid set).
nlohmann::json OwnerReference(const operator_api::SluiceCluster& c);
// metadata for an owned object: name, namespace, labels, ownerReferences.
nlohmann::json OwnedMetadata(const operator_api::SluiceCluster& c, const std::string& name);

}  // namespace sluice::operator_cluster

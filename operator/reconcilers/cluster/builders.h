// File: operator/reconcilers/cluster/builders.h
// Pure functions SluiceCluster -> the Kubernetes objects it needs, ready for server-side
// apply (apiVersion, kind, metadata with owner reference, and only the fields we own).
// They read nothing but their argument, so the same spec always gives the same objects.
// REQUIRES for all: the cluster passed ValidateSluiceClusterSpec and has meta.uid.
#pragma once

#include <string>
#include <vector>

#include "nlohmann/json.hpp"
#include "operator/api/sluice_cluster.h"

namespace sluice::operator_cluster {

// The broker's server.properties: spec.config in key order ("key=value\n" lines). The
// per-pod keys (node.id, listeners, ...) are flags of the container instead.
std::string BrokerProperties(const operator_api::SluiceCluster& c);
// A stable digest of everything in the ConfigMap (16 hex digits); the pod template carries it
// as an annotation so that a config change rolls the brokers.
std::string ConfigHash(const operator_api::SluiceCluster& c);

nlohmann::json BuildConfigMap(const operator_api::SluiceCluster& c);
nlohmann::json BuildHeadlessService(const operator_api::SluiceCluster& c);
nlohmann::json BuildBootstrapService(const operator_api::SluiceCluster& c);
nlohmann::json BuildServiceAccount(const operator_api::SluiceCluster& c);
nlohmann::json BuildPodDisruptionBudget(const operator_api::SluiceCluster& c);
// See statefulset_builder.cc for the pod layout.
nlohmann::json BuildStatefulSet(const operator_api::SluiceCluster& c);

}  // namespace sluice::operator_cluster

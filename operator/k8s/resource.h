// File: operator/k8s/resource.h
// A Kubernetes resource type (group/version/plural) and the REST paths of its objects.
#pragma once

#include <string>

namespace sluice::k8s {

struct Resource {
  std::string group;    // "" for the core group
  std::string version;  // "v1"
  std::string plural;   // "statefulsets"
  std::string kind;     // "StatefulSet"
  bool namespaced = true;

  std::string ApiVersion() const { return group.empty() ? version : group + "/" + version; }
  // "/apis/apps/v1/namespaces/ns/statefulsets[/name]"; an empty namespace of a namespaced
  // resource means all namespaces (lists and watches only); an empty name the collection.
  std::string Path(const std::string& namespace_, const std::string& name = "") const;
};

// The resources the operator uses.
const Resource& ConfigMaps();
const Resource& Services();
const Resource& ServiceAccounts();
const Resource& Pods();
const Resource& Events();
const Resource& StatefulSets();
const Resource& PodDisruptionBudgets();
const Resource& Leases();
const Resource& SluiceClusters();
const Resource& SluiceTopics();

}  // namespace sluice::k8s

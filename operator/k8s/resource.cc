#include "operator/k8s/resource.h"

namespace sluice::k8s {

std::string Resource::Path(const std::string& namespace_, const std::string& name) const {
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !namespace_.empty()) path += "/namespaces/" + namespace_;
  path += "/" + plural;
  if (!name.empty()) path += "/" + name;
  return path;
}

#define SLUICE_K8S_RESOURCE(fn, group, version, plural, kind, namespaced) \
  const Resource& fn() {                                                  \
    static const Resource r{group, version, plural, kind, namespaced};    \
    return r;                                                             \
  }

SLUICE_K8S_RESOURCE(ConfigMaps, "", "v1", "configmaps", "ConfigMap", true)
SLUICE_K8S_RESOURCE(Services, "", "v1", "services", "Service", true)
SLUICE_K8S_RESOURCE(ServiceAccounts, "", "v1", "serviceaccounts", "ServiceAccount", true)
SLUICE_K8S_RESOURCE(Pods, "", "v1", "pods", "Pod", true)
SLUICE_K8S_RESOURCE(Events, "", "v1", "events", "Event", true)
SLUICE_K8S_RESOURCE(StatefulSets, "apps", "v1", "statefulsets", "StatefulSet", true)
SLUICE_K8S_RESOURCE(PodDisruptionBudgets, "policy", "v1", "poddisruptionbudgets",
                    "PodDisruptionBudget", true)
SLUICE_K8S_RESOURCE(Leases, "coordination.k8s.io", "v1", "leases", "Lease", true)
SLUICE_K8S_RESOURCE(SluiceClusters, "sluice.dev", "v1alpha1", "sluiceclusters", "SluiceCluster",
                    true)
SLUICE_K8S_RESOURCE(SluiceTopics, "sluice.dev", "v1alpha1", "sluicetopics", "SluiceTopic", true)

#undef SLUICE_K8S_RESOURCE

}  // namespace sluice::k8s
